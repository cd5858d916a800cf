// matrix.glsl for an operand that is a lazy strided view (the im2col patches of a convolution,
// a transpose of one): the view is read straight into the matrix layout, one pass, instead of
// being drawn in the flat layout first. A matrix row's index decomposes over up to 3 dims
// (u_row_shape, outermost first) and a column's over up to 3 more, each with its own element
// stride in the source; the decomposition is per fragment (by float multiplies: div_by in
// header.glsl), and the four columns of a texel step from the first with a carry.
$POSITION
uniform int u_row_shape[3];
uniform float u_row_inv[3];  // 1 / u_row_shape[d]
uniform int u_row_strides[3];
uniform int u_col_shape[3];
uniform float u_col_inv[3];
uniform int u_col_strides[3];

void main() {
  int b, r, c;
  matrix_position(b, r, c);
  if (r >= u_rows || c >= u_cols) {
    result = vec4(0.0);
    return;
  }
  int src = u_offset + b * u_batch_stride, q;
  q = div_by(r, u_row_shape[2], u_row_inv[2]); src += (r - q * u_row_shape[2]) * u_row_strides[2]; r = q;
  q = div_by(r, u_row_shape[1], u_row_inv[1]); src += (r - q * u_row_shape[1]) * u_row_strides[1];
  src += q * u_row_strides[0];
  int c2, c1, c0;
  q = div_by(c, u_col_shape[2], u_col_inv[2]); c2 = c - q * u_col_shape[2];
  c0 = div_by(q, u_col_shape[1], u_col_inv[1]); c1 = q - c0 * u_col_shape[1];
  src += c2 * u_col_strides[2] + c1 * u_col_strides[1] + c0 * u_col_strides[0];
  if (u_col_strides[2] == 1 && (src & 3) == 0 && c2 + 3 < u_col_shape[2] && c + 3 < u_cols) {
    result = X_at4(src >> 2);
    return;
  }
  vec4 v = vec4(X_at(src), 0.0, 0.0, 0.0);
  for (int k = 1; k < 4; ++k) {
    if (c + k >= u_cols) break;
    c2 += 1; src += u_col_strides[2];
    if (c2 == u_col_shape[2]) {
      c2 = 0; src += u_col_strides[1] - u_col_shape[2] * u_col_strides[2]; c1 += 1;
      if (c1 == u_col_shape[1]) { c1 = 0; src += u_col_strides[0] - u_col_shape[1] * u_col_strides[1]; }
    }
    v[k] = X_at(src);
  }
  result = v;
}

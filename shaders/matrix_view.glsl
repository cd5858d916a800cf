// matrix.glsl for an operand that is a lazy strided view (the im2col patches of a convolution,
// a transpose of one): the view is read straight into the matrix layout, one pass, instead of
// being drawn in the flat layout first. A matrix row's index decomposes over up to 3 dims
// (u_row_shape, outermost first) and a column's over up to 3 more, each with its own element
// stride in the source; the decomposition is per fragment (by float multiplies: see
// div_shape), and the four columns of a texel step from the first with a carry.
uniform int u_rows;          // rows and columns of the matrix (one batch)
uniform int u_cols;
uniform int u_rows_p;        // padded rows per batch in the output
uniform int u_offset;        // source element of (0, 0)
uniform int u_batch_stride;
uniform int u_width;         // texels per matrix row
uniform int u_wrap;          // matrix rows per texture row
uniform int u_side;          // 1: batches side by side (batch b at texels b * u_width ..), not stacked (see matrix.glsl)
uniform int u_row_shape[3];
uniform float u_row_inv[3];  // 1 / u_row_shape[d]
uniform int u_row_strides[3];
uniform int u_col_shape[3];
uniform float u_col_inv[3];
uniform int u_col_strides[3];

int divide(int i, int n, float inv) {  // i / n for 0 <= i, exact
  int q = int(float(i) * inv);
  int r = i - q * n;
  q += int(r >= n) - int(r < 0);
  r = i - q * n;
  return q + int(r >= n) - int(r < 0);
}

void main() {
  int x = int(gl_FragCoord.x), y = int(gl_FragCoord.y);
  int b, r;
  if (u_side == 1) {
    b = x / u_width;
    x -= b * u_width;
    r = y;
  } else {
    if (u_wrap > 1) {
      int g = x / u_width;
      x -= g * u_width;
      y = y * u_wrap + g;
    }
    b = y / u_rows_p;
    r = y - b * u_rows_p;
  }
  int c = 4 * x;
  if (r >= u_rows || c >= u_cols) {
    result = vec4(0.0);
    return;
  }
  int src = u_offset + b * u_batch_stride, q;
  q = divide(r, u_row_shape[2], u_row_inv[2]); src += (r - q * u_row_shape[2]) * u_row_strides[2]; r = q;
  q = divide(r, u_row_shape[1], u_row_inv[1]); src += (r - q * u_row_shape[1]) * u_row_strides[1];
  src += q * u_row_strides[0];
  int c2, c1, c0;
  q = divide(c, u_col_shape[2], u_col_inv[2]); c2 = c - q * u_col_shape[2];
  c0 = divide(q, u_col_shape[1], u_col_inv[1]); c1 = q - c0 * u_col_shape[1];
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

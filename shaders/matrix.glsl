// Matmul's operands, laid out as matrices: texel (x, y) holds elements 4x .. 4x+3 of row y of
// one batch after another, rows padded with zeros to u_rows_p and columns to a multiple of 4.
// Its width is the row length in texels, so the matmul kernel reads it with plain 2-D fetches
// (index math per fetch is what slows SwiftShader most). Any strides: transposes fold in here.
// A matrix taller than the texture wraps: u_wrap matrix rows side by side per texture row
// (row L at texel (L % u_wrap * u_width + x, L / u_wrap)); u_wrap is 1 otherwise
// (matrix_position.glsl).
$POSITION
uniform int u_row_stride;    // element strides of the source: row, column
uniform int u_col_stride;

void main() {
  int b, r, c;
  matrix_position(b, r, c);
  int src = u_offset + b * u_batch_stride + r * u_row_stride + c * u_col_stride;
  if (r >= u_rows) {
    result = vec4(0.0);
  } else if (u_col_stride == 1 && (src & 3) == 0 && c + 3 < u_cols) {
    result = X_at4(src >> 2);
  } else {
    vec4 v = vec4(0.0);
    for (int k = 0; k < 4; ++k) {
      if (c + k < u_cols) v[k] = X_at(src + k * u_col_stride);
    }
    result = v;
  }
}

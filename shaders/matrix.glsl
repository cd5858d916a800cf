// Matmul's operands, laid out as matrices: texel (x, y) holds elements 4x .. 4x+3 of row y of
// one batch after another, rows padded with zeros to u_rows_p and columns to a multiple of 4.
// Its width is the row length in texels, so the matmul kernel reads it with plain 2-D fetches
// (index math per fetch is what slows SwiftShader most). Any strides: transposes fold in here.
uniform int u_rows;          // rows and columns of one batch of the source matrix
uniform int u_cols;
uniform int u_rows_p;        // padded rows per batch in the output
uniform int u_offset;        // element strides of the source: start, batch, row, column
uniform int u_batch_stride;
uniform int u_row_stride;
uniform int u_col_stride;

void main() {
  int x = int(gl_FragCoord.x), y = int(gl_FragCoord.y);
  int b = y / u_rows_p, r = y - b * u_rows_p, c = 4 * x;
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

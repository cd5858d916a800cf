// Shared by matrix.glsl and matrix_view.glsl: where the fragment lies in the matrix layout.
uniform int u_rows;          // rows and columns of one batch of the source matrix
uniform int u_cols;
uniform int u_rows_p;        // padded rows per batch in the output
uniform int u_offset;        // source element of batch 0's (0, 0)
uniform int u_batch_stride;  // source elements between batches
uniform int u_width;         // texels per matrix row
uniform int u_wrap;          // matrix rows per texture row
uniform int u_side;          // 1: batches side by side (batch b at texels b * u_width ..), not stacked

// The fragment's batch b, row r of that batch, and first column c (a multiple of 4).
void matrix_position(out int b, out int r, out int c) {
  int x = int(gl_FragCoord.x), y = int(gl_FragCoord.y);
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
  c = 4 * x;
}

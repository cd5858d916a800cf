// Back to row-major after the blocked matmul: row m of C is row m / 4 of target m % 4.
uniform int u_N4;   // texels per row of C

void main() {
  int t = texel_index();
  int row = t / u_N4, j = t - row * u_N4;
  int src = (row >> 2) * u_N4 + j;
  int r = row & 3;
  result = r == 0 ? X0_at4(src) : r == 1 ? X1_at4(src) : r == 2 ? X2_at4(src) : X3_at4(src);
}

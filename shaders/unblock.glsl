// Matmul's result in the flat layout: element (batch, m, n) of C is component n % 4 of texel
// (n / 4, batch * u_blocks + m / ROWS) of render target m % ROWS. Also drops the padding.
uniform int u_M;
uniform int u_N;
uniform int u_blocks;
uniform int u_size;

vec4 block_texel(int m, int n4) {
  int batch = m / u_M, row = m - batch * u_M;
  ivec2 p = ivec2(n4, batch * u_blocks + row / ROWS);
  int target = row - (row / ROWS) * ROWS;
$PICK
}

void main() {
  int e = 4 * texel_index();
  if ((u_N & 3) == 0) {  // the four elements are one texel of one target
    int m = e / u_N;
    result = e < u_size ? block_texel(m, (e - m * u_N) >> 2) : vec4(0.0);
    return;
  }
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    int i = e + k, m = i / u_N, n = i - m * u_N;
    if (i < u_size) v[k] = block_texel(m, n >> 2)[n & 3];
  }
  result = v;
}

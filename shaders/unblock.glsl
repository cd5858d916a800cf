// Matmul's result in the flat layout, as a fused program's input: element (batch, m, n) of C
// is component n % 4 of texel (n / 4, batch * blocks + m / ROWS) of render target m % ROWS.
// ${B}_get4(e): elements e .. e+3, zero past the end (the padding of the blocks dropped).
uniform int ${B}_params[4];  // M, N, blocks (fragments per batch along M), size

vec4 ${B}_texel(int m, int n4) {
  int batch = m / ${B}_params[0], row = m - batch * ${B}_params[0];
  ivec2 p = ivec2(n4, batch * ${B}_params[2] + row / $ROWS);
  int target = row - (row / $ROWS) * $ROWS;
$PICK
}

vec4 ${B}_get4(int e) {
  int n = ${B}_params[1], size = ${B}_params[3];
  if ((n & 3) == 0) {  // the four elements are one texel of one target
    int m = e / n;
    return e < size ? ${B}_texel(m, (e - m * n) >> 2) : vec4(0.0);
  }
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    int i = e + k, m = i / n, c = i - m * n;
    if (i < size) v[k] = ${B}_texel(m, c >> 2)[c & 3];
  }
  return v;
}

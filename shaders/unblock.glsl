// Matmul's result in the flat layout, as a fused program's input: element (batch, m, n) of C
// is component n % 4 of texel (n / 4, batch * blocks + m / ROWS) of layer m % ROWS of the
// blocked kernel's texture array (its render targets): one fetch wherever the element lies.
// ${K}_get4(e): elements e .. e+3, zero past the end (the padding of the blocks dropped).
// ROWS, a power of two, LOG_ROWS and VEC4 (N % 4 == 0) are constants: the compiler keeps one
// branch.
uniform int ${K}_params[4];    // M, N, blocks (fragments per batch along M), size
uniform float ${K}_inv[2];     // 1 / M, 1 / N (div_by: no integer division)

vec4 ${K}_texel(int m, int n4) {
  int batch = div_by(m, ${K}_params[0], ${K}_inv[0]), row = m - batch * ${K}_params[0];
  ivec2 p = ivec2(n4, batch * ${K}_params[2] + (row >> $LOG_ROWS));
  return texelFetch($L0, ivec3(p, row & ($ROWS - 1)), 0);
}

vec4 ${K}_get4(int e) {
  int n = ${K}_params[1], size = ${K}_params[3];
  if ($VEC4 == 1) {  // the four elements are one texel of one target
    int m = div_by(e, n, ${K}_inv[1]);
    return e < size ? ${K}_texel(m, (e - m * n) >> 2) : vec4(0.0);
  }
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; ++k) {
    int i = e + k, m = div_by(i, n, ${K}_inv[1]), c = i - m * n;
    if (i < size) v[k] = ${K}_texel(m, c >> 2)[c & 3];
  }
  return v;
}

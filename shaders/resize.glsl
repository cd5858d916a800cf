// Bilinear resize, as a fused program's input (${K}_get4): output [N, OH, OW, C] from x
// [N, H, W, C] ($L0) and its taps ($L1): texel y < OH holds (lo, hi, frac) of output row y
// along H, texel OH + x those of output column x along W (the rows ops/nn.py computes for
// either backend). Along H, then along W: t = x[lo] + (x[hi] - x[lo]) * frac, as the cpu
// backend does. VEC4 (C % 4 == 0): four outputs are four channels of a pixel, a texel per tap.
uniform int ${K}_in[3];        // H, W, C
uniform int ${K}_out[3];       // OH, OW, C
uniform float ${K}_out_inv[3]; // 1 / OH, 1 / OW, 1 / C
uniform int ${K}_size;

vec4 ${K}_x(int n, int y, int x, int c) {
  int i = ((n * ${K}_in[0] + y) * ${K}_in[1] + x) * ${K}_in[2] + c;
  return $VEC4 == 1 ? ${L0}_at4(i >> 2) : vec4(${L0}_at(i));
}

// Element e (VEC4: elements e .. e+3, four channels of a pixel; else in .x).
vec4 ${K}_lerp(int e) {
  int p = div_by(e, ${K}_out[2], ${K}_out_inv[2]), c = e - p * ${K}_out[2];
  int r = div_by(p, ${K}_out[1], ${K}_out_inv[1]), ox = p - r * ${K}_out[1];
  int n = div_by(r, ${K}_out[0], ${K}_out_inv[0]), oy = r - n * ${K}_out[0];
  vec4 ty = ${L1}_at4(oy), tx = ${L1}_at4(${K}_out[0] + ox);
  int y0 = int(ty.x), y1 = int(ty.y), x0 = int(tx.x), x1 = int(tx.y);
  vec4 a = ${K}_x(n, y0, x0, c), b = ${K}_x(n, y0, x1, c);
  vec4 t0 = a + (${K}_x(n, y1, x0, c) - a) * ty.z, t1 = b + (${K}_x(n, y1, x1, c) - b) * ty.z;
  return t0 + (t1 - t0) * tx.z;
}

vec4 ${K}_get4(int i) {
  if ($VEC4 == 1) return ${K}_lerp(i);
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; k++) {
    if (i + k < ${K}_size) v[k] = ${K}_lerp(i + k).x;
  }
  return v;
}

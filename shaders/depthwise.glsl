// Depthwise convolution, as a fused program's input (${K}_get4): output [N, OH, OW, C * M] from
// x [N, H, W, C] ($L0) and the filter [FH, FW, C, M] ($L1), each output the sum over the taps
// of its window, zero outside x (padding is never drawn). FH and FW are constants, so the tap
// loops unroll. VEC4 (C % 4 == 0, M == 1): four outputs are four channels of one pixel, read
// as one texel per tap. The READ code (codegen.depthwise_read) reads x: from its texel
// buffer, or through an epilogue over a matmul's product that was never drawn on its own.
uniform int ${K}_in[3];        // H, W, C
uniform int ${K}_out[3];       // OH, OW, C * M
uniform float ${K}_out_inv[3]; // 1 / OH, 1 / OW, 1 / (C * M)
uniform int ${K}_mult;         // M
uniform int ${K}_stride[2], ${K}_dil[2], ${K}_before[2];  // (arrays: set by uniform1iv)
uniform int ${K}_size;
$READ

// The output pixel (n, oh, ow) and channel of element i.
ivec4 ${K}_position(int i) {
  int p = div_by(i, ${K}_out[2], ${K}_out_inv[2]), oc = i - p * ${K}_out[2];
  int r = div_by(p, ${K}_out[1], ${K}_out_inv[1]), ow = p - r * ${K}_out[1];
  int n = div_by(r, ${K}_out[0], ${K}_out_inv[0]);
  return ivec4(n, r - n * ${K}_out[0], ow, oc);
}

ivec2 ${K}_start(ivec4 o) {
  return o.yz * ivec2(${K}_stride[0], ${K}_stride[1]) - ivec2(${K}_before[0], ${K}_before[1]);
}

// The sum over the taps of element e's window; VEC4: of elements e .. e+3 (four channels of a
// pixel), a texel per tap, else in .x. VEC4 is a constant: the compiler keeps one branch.
vec4 ${K}_taps(int e) {
  ivec4 o = ${K}_position(e);
  int c = $VEC4 == 1 ? o.w : o.w / ${K}_mult;  // x's channel
  ${K}_pre(c);
  vec4 acc = vec4(0.0);
  ivec2 start = ${K}_start(o);
  for (int i = 0; i < $FH; i++) {
    int h = start.x + i * ${K}_dil[0];
    if (h < 0 || h >= ${K}_in[0]) continue;
    int row = (o.x * ${K}_in[0] + h) * ${K}_in[1];
    for (int j = 0; j < $FW; j++) {
      int w = start.y + j * ${K}_dil[1];
      if (w < 0 || w >= ${K}_in[1]) continue;
      int xi = (row + w) * ${K}_in[2] + c, wi = (i * $FW + j) * ${K}_out[2] + o.w;
      acc += $VEC4 == 1 ? ${K}_x4(xi, row + w, c) * ${L1}_at4(wi >> 2) : vec4(${K}_x1(xi) * ${L1}_at(wi));
    }
  }
  return acc;
}

vec4 ${K}_get4(int i) {
  if ($VEC4 == 1) return ${K}_taps(i);
  vec4 v = vec4(0.0);
  for (int k = 0; k < 4; k++) {
    if (i + k < ${K}_size) v[k] = ${K}_taps(i + k).x;
  }
  return v;
}

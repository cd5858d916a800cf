// Depthwise convolution, as a fused program's input (${K}_get4): output [N, OH, OW, C * M] from
// x [N, H, W, C] ($L0) and the filter [FH, FW, C, M] ($L1), each output the sum over the taps
// of its window, zero outside x (padding is never drawn). FH and FW are constants, so the tap
// loops unroll. VEC4 (C % 4 == 0, M == 1): four outputs are four channels of one pixel, read
// as one texel per tap.
uniform int ${K}_in[3];        // H, W, C
uniform int ${K}_out[3];       // OH, OW, C * M
uniform float ${K}_out_inv[3]; // 1 / OH, 1 / OW, 1 / (C * M)
uniform int ${K}_mult;         // M
uniform int ${K}_stride[2], ${K}_dil[2], ${K}_before[2];  // (arrays: set by uniform1iv)
uniform int ${K}_size;

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

vec4 ${K}_taps4(ivec4 o) {
  vec4 acc = vec4(0.0);
  ivec2 start = ${K}_start(o);
  for (int i = 0; i < $FH; i++) {
    int h = start.x + i * ${K}_dil[0];
    if (h < 0 || h >= ${K}_in[0]) continue;
    int row = (o.x * ${K}_in[0] + h) * ${K}_in[1];
    for (int j = 0; j < $FW; j++) {
      int w = start.y + j * ${K}_dil[1];
      if (w < 0 || w >= ${K}_in[1]) continue;
      acc += ${L0}_at4(((row + w) * ${K}_in[2] + o.w) >> 2) * ${L1}_at4(((i * $FW + j) * ${K}_in[2] + o.w) >> 2);
    }
  }
  return acc;
}

float ${K}_taps(int e) {
  if (e >= ${K}_size) return 0.0;
  ivec4 o = ${K}_position(e);
  int c = o.w / ${K}_mult;
  float acc = 0.0;
  ivec2 start = ${K}_start(o);
  for (int i = 0; i < $FH; i++) {
    int h = start.x + i * ${K}_dil[0];
    if (h < 0 || h >= ${K}_in[0]) continue;
    int row = (o.x * ${K}_in[0] + h) * ${K}_in[1];
    for (int j = 0; j < $FW; j++) {
      int w = start.y + j * ${K}_dil[1];
      if (w < 0 || w >= ${K}_in[1]) continue;
      acc += ${L0}_at((row + w) * ${K}_in[2] + c) * ${L1}_at((i * $FW + j) * ${K}_out[2] + o.w);
    }
  }
  return acc;
}

vec4 ${K}_get4(int i) {
  if ($VEC4 == 1) return ${K}_taps4(${K}_position(i));
  return vec4(${K}_taps(i), ${K}_taps(i + 1), ${K}_taps(i + 2), ${K}_taps(i + 3));
}

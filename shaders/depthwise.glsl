// Depthwise convolution: output [N, OH, OW, C * M] from x [N, H, W, C] and the filter
// [FH, FW, C, M], each output the sum over the taps of its window, zero outside x (padding is
// never drawn). FH and FW are constants, so the tap loops unroll. VEC4 (C % 4 == 0, M == 1):
// a fragment's four outputs are four channels of one pixel, read as one texel per tap.
#define FH $FH
#define FW $FW
#define VEC4 $VEC4
uniform int u_in[3];        // H, W, C
uniform int u_out[3];       // OH, OW, C * M
uniform float u_out_inv[3]; // 1 / OH, 1 / OW, 1 / (C * M)
uniform int u_mult;        // M
uniform int u_stride[2], u_dil[2], u_before[2];  // (arrays: set by uniform1iv)
uniform int u_size;

// The output pixel (n, oh, ow) and channel of element i.
ivec4 position(int i) {
  int p = div_by(i, u_out[2], u_out_inv[2]), oc = i - p * u_out[2];
  int r = div_by(p, u_out[1], u_out_inv[1]), ow = p - r * u_out[1];
  int n = div_by(r, u_out[0], u_out_inv[0]);
  return ivec4(n, r - n * u_out[0], ow, oc);
}

#if VEC4
vec4 taps4(ivec4 o) {
  vec4 acc = vec4(0.0);
  ivec2 start = o.yz * ivec2(u_stride[0], u_stride[1]) - ivec2(u_before[0], u_before[1]);
  for (int i = 0; i < FH; i++) {
    int h = start.x + i * u_dil[0];
    if (h < 0 || h >= u_in[0]) continue;
    int row = (o.x * u_in[0] + h) * u_in[1];
    for (int j = 0; j < FW; j++) {
      int w = start.y + j * u_dil[1];
      if (w < 0 || w >= u_in[1]) continue;
      acc += X_at4(((row + w) * u_in[2] + o.w) >> 2) * W_at4(((i * FW + j) * u_in[2] + o.w) >> 2);
    }
  }
  return acc;
}
#endif

float taps(int e) {
  if (e >= u_size) return 0.0;
  ivec4 o = position(e);
  int c = o.w / u_mult;
  float acc = 0.0;
  ivec2 start = o.yz * ivec2(u_stride[0], u_stride[1]) - ivec2(u_before[0], u_before[1]);
  for (int i = 0; i < FH; i++) {
    int h = start.x + i * u_dil[0];
    if (h < 0 || h >= u_in[0]) continue;
    int row = (o.x * u_in[0] + h) * u_in[1];
    for (int j = 0; j < FW; j++) {
      int w = start.y + j * u_dil[1];
      if (w < 0 || w >= u_in[1]) continue;
      acc += X_at((row + w) * u_in[2] + c) * W_at((i * FW + j) * u_out[2] + o.w);
    }
  }
  return acc;
}

void main() {
  int i = 4 * texel_index();
#if VEC4
  result = taps4(position(i));
#else
  result = vec4(taps(i), taps(i + 1), taps(i + 2), taps(i + 3));
#endif
}

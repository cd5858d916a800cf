// Every matmul (the backend pads M, K and N to multiples of 4): each fragment computes a 4 x 4 block of C,
// rows 4i .. 4i+3 at columns 4j .. 4j+3, from four A texels and four B texels per step of 4 k:
// 64 multiply-adds per 8 fetches, where a one-row kernel gets 16 per 5. Row 4i+r of the block
// goes to render target r (result, result1..3); a second pass interleaves the four targets.
layout(location = 1) out vec4 result1;
layout(location = 2) out vec4 result2;
layout(location = 3) out vec4 result3;
uniform int u_M;
uniform int u_N;
uniform int u_K;
uniform int u_a_batch;  // texels between batches of A (0 when A is broadcast)
uniform int u_b_batch;

void main() {
  int t = texel_index();
  int N4 = u_N >> 2, K4 = u_K >> 2, M4 = u_M >> 2;
  int j = t % N4, rest = t / N4;
  int i = rest % M4, b = rest / M4;
  int ta = b * u_a_batch + 4 * i * K4;
  vec4 c0 = vec4(0.0), c1 = vec4(0.0), c2 = vec4(0.0), c3 = vec4(0.0);
#if NT
  // B stored transposed, [N, K]: rows 4j .. 4j+3 run along k like A's rows
  int tb = b * u_b_batch + 4 * j * K4;
  for (int k = 0; k < K4; ++k) {
    vec4 a0 = A_at4(ta + k), a1 = A_at4(ta + K4 + k), a2 = A_at4(ta + 2 * K4 + k), a3 = A_at4(ta + 3 * K4 + k);
    vec4 b0 = B_at4(tb + k), b1 = B_at4(tb + K4 + k), b2 = B_at4(tb + 2 * K4 + k), b3 = B_at4(tb + 3 * K4 + k);
    c0 += vec4(dot(a0, b0), dot(a0, b1), dot(a0, b2), dot(a0, b3));
    c1 += vec4(dot(a1, b0), dot(a1, b1), dot(a1, b2), dot(a1, b3));
    c2 += vec4(dot(a2, b0), dot(a2, b1), dot(a2, b2), dot(a2, b3));
    c3 += vec4(dot(a3, b0), dot(a3, b1), dot(a3, b2), dot(a3, b3));
  }
#else
  int tb = b * u_b_batch + j;
  for (int k = 0; k < K4; ++k) {
    int row = tb + 4 * k * N4;
    vec4 b0 = B_at4(row), b1 = B_at4(row + N4), b2 = B_at4(row + 2 * N4), b3 = B_at4(row + 3 * N4);
    vec4 a0 = A_at4(ta + k), a1 = A_at4(ta + K4 + k), a2 = A_at4(ta + 2 * K4 + k), a3 = A_at4(ta + 3 * K4 + k);
    c0 += a0.x * b0 + a0.y * b1 + a0.z * b2 + a0.w * b3;
    c1 += a1.x * b0 + a1.y * b1 + a1.z * b2 + a1.w * b3;
    c2 += a2.x * b0 + a2.y * b1 + a2.z * b2 + a2.w * b3;
    c3 += a3.x * b0 + a3.y * b1 + a3.z * b2 + a3.w * b3;
  }
#endif
  result = c0;
  result1 = c1;
  result2 = c2;
  result3 = c3;
}

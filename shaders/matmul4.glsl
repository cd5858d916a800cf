// The fast case: A [Ba, M, K] row-major with K % 4 == 0, so a texel is four consecutive k.
// NN: B [Bb, K, N] row-major, N % 4 == 0: one A texel and four B texels (rows k..k+3 at
//     columns n..n+3) give 16 multiply-adds.
// NT: B stored transposed [Bb, N, K]: four B texels (rows n..n+3 at k..k+3), four dots.
uniform int u_M;
uniform int u_N;
uniform int u_K;
uniform int u_a_batch;  // texels between batches of A (0 when A is broadcast)
uniform int u_b_batch;

void main() {
  int o = 4 * texel_index();
  int n = o % u_N, rest = o / u_N;
  int m = rest % u_M, b = rest / u_M;
  int K4 = u_K >> 2;
  int ta = b * u_a_batch + m * K4;
  vec4 acc = vec4(0.0);
#if NT
  int tb = b * u_b_batch + n * K4;
  for (int k = 0; k < K4; ++k) {
    vec4 a = A_at4(ta + k);
    acc += vec4(dot(a, B_at4(tb + k)), dot(a, B_at4(tb + K4 + k)),
                dot(a, B_at4(tb + 2 * K4 + k)), dot(a, B_at4(tb + 3 * K4 + k)));
  }
#else
  int N4 = u_N >> 2;
  int tb = b * u_b_batch + (n >> 2);
  for (int k = 0; k < K4; ++k) {  // rows 4k .. 4k+3 of B, each a texel at columns n .. n+3
    vec4 a = A_at4(ta + k);
    int row = tb + 4 * k * N4;
    acc += a.x * B_at4(row) + a.y * B_at4(row + N4) + a.z * B_at4(row + 2 * N4) + a.w * B_at4(row + 3 * N4);
  }
#endif
  result = acc;
}

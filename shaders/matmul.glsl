// C[b, m, n] = sum_k A[b, m, k] * B[b, k, n] for any strides (transposes and batch
// broadcasting are strides): four scalar dot products per fragment. The general case.
uniform int u_M;
uniform int u_N;
uniform int u_K;
uniform int u_a_strides[3];  // batch, row (m), column (k)
uniform int u_b_strides[3];  // batch, row (k), column (n)

float dot_one(int o) {
  int n = o % u_N, rest = o / u_N;
  int m = rest % u_M, b = rest / u_M;
  int ia = b * u_a_strides[0] + m * u_a_strides[1];
  int ib = b * u_b_strides[0] + n * u_b_strides[2];
  float acc = 0.0;
  for (int k = 0; k < u_K; ++k) acc += A_at(ia + k * u_a_strides[2]) * B_at(ib + k * u_b_strides[1]);
  return acc;
}

void main() {
  int o = 4 * texel_index();
  result = vec4(dot_one(o), dot_one(o + 1), dot_one(o + 2), dot_one(o + 3));
}

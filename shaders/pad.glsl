// Constant padding: output coordinates inside the input's box read it, the rest get u_scalar.
uniform int u_before[RANK];
uniform int u_in_shape[RANK];

float element(int i) {
  int src = 0, stride = 1;
  for (int d = RANK - 1; d >= 0; --d) {
    int q = div_shape(i, d);
    int c = i - q * u_shape[d] - u_before[d];
    i = q;
    if (c < 0 || c >= u_in_shape[d]) return u_scalar;
    src += c * stride;
    stride *= u_in_shape[d];
  }
  return X_at(src);
}

void main() {
  int i = 4 * texel_index();
  result = vec4(element(i), element(i + 1), element(i + 2), element(i + 3));
}

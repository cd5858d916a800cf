// X [outer, n, inner] gathered at indices I [k] along the middle axis; bad indices give 0.
uniform int u_n;
uniform int u_k;
uniform int u_inner;

float gather_one(int o) {
  int i = o % u_inner, rest = o / u_inner;
  int q = rest % u_k, r = rest / u_k;
  int idx = int(I_at(q));
  return (idx < 0 || idx >= u_n) ? 0.0 : X_at((r * u_n + idx) * u_inner + i);
}

void main() {
  int o = 4 * texel_index();
  result = vec4(gather_one(o), gather_one(o + 1), gather_one(o + 2), gather_one(o + 3));
}

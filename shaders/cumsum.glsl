// Running sums along rows of X [rows, inner]; u_exclusive skips the element itself,
// u_reverse sums from the end of the row.
uniform int u_inner;
uniform int u_exclusive;
uniform int u_reverse;

float cumsum_one(int o) {
  int row = o / u_inner, j = o - row * u_inner;
  int lo = u_reverse == 1 ? j + u_exclusive : 0;
  int hi = u_reverse == 1 ? u_inner : j + 1 - u_exclusive;
  float acc = 0.0;
  for (int k = lo; k < hi; ++k) acc += X_at(row * u_inner + k);
  return acc;
}

void main() {
  int o = 4 * texel_index();
  result = vec4(cumsum_one(o), cumsum_one(o + 1), cumsum_one(o + 2), cumsum_one(o + 3));
}

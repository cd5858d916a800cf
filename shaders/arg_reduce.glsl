// Index of the largest (or smallest) element of each row of X [rows, inner]; first one wins.
uniform int u_inner;

float arg_one(int row) {
  int start = row * u_inner;
  float best = X_at(start);
  int at = 0;
  for (int j = 1; j < u_inner; ++j) {
    float x = X_at(start + j);
    if (x $CMP best || (isnan(x) && !isnan(best))) { best = x; at = j; }
  }
  return float(at);
}

void main() {
  int o = 4 * texel_index();
  result = vec4(arg_one(o), arg_one(o + 1), arg_one(o + 2), arg_one(o + 3));
}

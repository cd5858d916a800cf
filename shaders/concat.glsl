// Rows of the inputs [outer, n_k] side by side: [outer, sum n_k]. u_ends holds the running
// column ends; the generated branch selects the input a column falls in.
uniform int u_total;
uniform int u_ends[$COUNT];

float concat_one(int o) {
  int r = o / u_total, j = o - r * u_total;
$PICK
}

void main() {
  int o = 4 * texel_index();
  result = vec4(concat_one(o), concat_one(o + 1), concat_one(o + 2), concat_one(o + 3));
}

// Reduce rows of X [rows, inner]: output element o covers row o / u_chunks, columns
// [c * u_chunk, min((c + 1) * u_chunk, inner)) with c = o % u_chunks. Long rows take two
// passes (chunks, then their results) so that many fragments share the work.
uniform int u_inner;
uniform int u_chunk;
uniform int u_chunks;
uniform int u_vec4;   // rows and chunks start on texel boundaries: read whole texels

float reduce_one(int o) {
  int row = o / u_chunks, c = o - row * u_chunks;
  int start = row * u_inner + c * u_chunk;
  int n = min(u_chunk, u_inner - c * u_chunk);
  // a uniform, not a #define: one program serves every row length (no recompile per shape)
  if (u_vec4 == 1) {
    vec4 acc4 = vec4($INIT);
    for (int j = 0; j < n; j += 4) { vec4 x = X_at4((start + j) >> 2); acc4 = $COMBINE4; }
    return $FINISH4;
  }
  float acc = $INIT;
  for (int j = 0; j < n; ++j) { float x = X_at(start + j); acc = $COMBINE; }
  return acc;
}

void main() {
  int o = 4 * texel_index();
  result = vec4(reduce_one(o), reduce_one(o + 1), reduce_one(o + 2), reduce_one(o + 3));
}

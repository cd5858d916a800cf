// Every elementwise kernel, fused: unary and binary ops, where, cast, and the strided copy
// behind transpose, slice, reverse and broadcast_to. X_at4 (codegen.fused) loads its inputs
// as vec4s of four output elements (a texel when the layouts match, else four strided reads)
// and evaluates each op as one vec4 expression over earlier variables.
void main() {
  result = X_at4(texel_index());
}

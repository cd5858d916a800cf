// Every elementwise kernel, fused: unary and binary ops, where, cast, and the strided copy
// behind transpose, slice, reverse and broadcast_to. Inputs are loaded as vec4s of four output
// elements (a texel when the layouts match, else four strided reads); each op is one vec4
// expression over earlier variables; the last is the result.
void main() {
  int t = texel_index();
  int i = 4 * t;
$BODY
}

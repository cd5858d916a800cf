// Every elementwise kernel: unary and binary ops, where, cast, and the strided copy behind
// transpose, slice, reverse and broadcast_to. Each input is loaded as a vec4 of four output
// elements (a texel when the layouts match, else four strided reads), then one
// vec4 expression makes the result.
void main() {
  int t = texel_index();
  int i = 4 * t;
$LOADS
  result = $EXPR;
}

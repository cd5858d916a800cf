// Constant padding: output coordinates inside the input's box read it, the rest get u_scalar.
uniform int u_before[RANK];
uniform int u_in_shape[RANK];

// The input index of output element r, or -1 in the padding; inner: r's last coordinate.
int source(int r, out int inner) {
  int src = 0, stride = 1, q, c;
  bool inside = true;
$WALK
  return inside ? src : -1;
}

float element(int i) {
  int inner, s = source(i, inner);
  return s < 0 ? u_scalar : X_at(s);
}

void main() {
  int i = 4 * texel_index();
  int inner, s = source(i, inner);
  if (s >= 0 && inner + 3 < u_before[RANK - 1] + u_in_shape[RANK - 1]) {
    // four elements from one row of the input: read together
    result = (s & 3) == 0 ? X_at4(s >> 2) : vec4(X_at(s), X_at(s + 1), X_at(s + 2), X_at(s + 3));
  } else {
    result = vec4(element(i), element(i + 1), element(i + 2), element(i + 3));
  }
}

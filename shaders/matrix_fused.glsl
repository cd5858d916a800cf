// A matmul operand laid out as a matrix (see matrix.glsl) straight from its fused expression
// X_at4 (codegen.fused): the expression's own pass into the flat layout is never drawn. Only
// for rows of whole, aligned texels (column stride 1; columns, offset and strides multiples
// of 4), so each output texel is one texel of the expression.
$POSITION
uniform int u_row_stride;

void main() {
  int b, r, c;
  matrix_position(b, r, c);
  result = r < u_rows ? X_at4((u_offset + b * u_batch_stride + r * u_row_stride + c) >> 2) : vec4(0.0);
}

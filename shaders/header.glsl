#version 300 es
// Shared by every kernel. Tensors are RGBA32F textures holding four consecutive elements of the
// flat row-major array per texel; texel t lies at (t % width, t / width). A fragment computes
// one output texel: output elements 4t .. 4t+3. Texture widths are powers of two.
precision highp float;
precision highp int;
precision highp sampler2D;
precision highp sampler2DArray;

#define RANK $RANK
layout(location = 0) out vec4 result;
uniform int u_shift;           // log2 of the output texture's width in texels
uniform int u_shape[RANK];     // output shape (after merging contiguous dims), for index math
uniform float u_scalar;        // a constant some kernels need (fill value, pad value)

uniform float u_shape_inv[RANK];  // 1 / u_shape[d]

int texel_index() { return (int(gl_FragCoord.y) << u_shift) + int(gl_FragCoord.x); }

// i / n given inv = 1 / n, by a multiplication (integer division is slow on GPUs, and far
// slower on SwiftShader): a float estimate, then two exact corrections of its rounding.
int div_by(int i, int n, float inv) {
  int q = int(float(i) * inv);
  int r = i - q * n;
  q += int(r >= n) - int(r < 0);
  r = i - q * n;
  return q + int(r >= n) - int(r < 0);
}
int div_shape(int i, int d) { return div_by(i, u_shape[d], u_shape_inv[d]); }

// Comparisons as 0/1 numbers, so every elementwise expression is written once, for vec4.
vec4 gt(vec4 a, vec4 b) { return vec4(greaterThan(a, b)); }
vec4 ge(vec4 a, vec4 b) { return vec4(greaterThanEqual(a, b)); }
vec4 lt(vec4 a, vec4 b) { return vec4(lessThan(a, b)); }
vec4 le(vec4 a, vec4 b) { return vec4(lessThanEqual(a, b)); }
vec4 eq(vec4 a, vec4 b) { return vec4(equal(a, b)); }
vec4 ne(vec4 a, vec4 b) { return vec4(notEqual(a, b)); }
// cond ? a : b per component (cond is 0/1). Not mix(): NaN or Inf in the unused branch
// would leak into the result.
vec4 choose(vec4 cond, vec4 a, vec4 b) {
  return vec4(cond.x != 0.0 ? a.x : b.x, cond.y != 0.0 ? a.y : b.y,
              cond.z != 0.0 ? a.z : b.z, cond.w != 0.0 ? a.w : b.w);
}

$FUNCTIONS
$INPUTS

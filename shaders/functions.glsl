// Math the GLSL ES 3.00 library lacks, in forms that stay accurate in float32. GLSL leaves
// log, pow, acosh, atanh... undefined outside their domains, and NaN and inf in them: GPUs
// give numbers there (SwiftShader: log(0) = -88, log(NaN) = 89.1), so those cases are explicit.
#define INF uintBitsToFloat(0x7f800000u)
#define NAN uintBitsToFloat(0x7fc00000u)
vec4 signbit_(vec4 x) { return vec4(lessThan(floatBitsToInt(x), ivec4(0))); }  // 1 for -0.0 too
vec4 copysign_(vec4 x, vec4 s) {
  return uintBitsToFloat((floatBitsToUint(x) & 0x7fffffffu) | (floatBitsToUint(s) & 0x80000000u));
}
vec4 erf_(vec4 x) {  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7
  vec4 s = sign(x), a = abs(x);
  vec4 t = 1.0 / (1.0 + 0.3275911 * a);
  vec4 y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                  + 0.254829592) * t * exp(-a * a);
  return s * y;
}
vec4 log_(vec4 x) {  // log(0) is -inf and log(x < 0) NaN, as in NumPy (GLSL leaves both undefined)
  vec4 y = choose(eq(x, vec4(0.0)), vec4(-INF), log(x));
  return choose(lt(x, vec4(0.0)), vec4(NAN), y);
}
vec4 log1p_(vec4 x) {  // log(u) * x / (u - 1) corrects the rounding of u = 1 + x (but inf / inf)
  vec4 u = 1.0 + x;
  return choose(eq(u, vec4(1.0)) + eq(x, vec4(INF)), x, log_(u) * x / (u - 1.0));
}
vec4 expm1_(vec4 x) {
  vec4 u = exp(x);
  return choose(lt(abs(x), vec4(1e-5)), x + 0.5 * x * x, u - 1.0);
}
vec4 softplus_(vec4 x) { return max(x, 0.0) + log1p_(exp(-abs(x))); }
vec4 sigmoid_(vec4 x) { vec4 e = exp(-abs(x)); return choose(ge(x, vec4(0.0)), 1.0 / (1.0 + e), e / (1.0 + e)); }
vec4 isnan_(vec4 x) { return vec4(isnan(x)); }
vec4 isinf_(vec4 x) { return vec4(isinf(x)); }
vec4 floordiv_(vec4 a, vec4 b, bool ints) {
  vec4 q = floor(a / b);
  if (ints) {  // division may be off by one ulp: fix the quotient exactly, and x // 0 = 0
    q += ge(a - (q + 1.0) * b, vec4(0.0)) * gt(b, vec4(0.0)) + le(a - (q + 1.0) * b, vec4(0.0)) * lt(b, vec4(0.0));
    q -= gt(q * b - a, vec4(0.0)) * gt(b, vec4(0.0)) + lt(q * b - a, vec4(0.0)) * lt(b, vec4(0.0));
    q = choose(eq(b, vec4(0.0)), vec4(0.0), q);
  }
  return q;
}
vec4 mod_(vec4 a, vec4 b, bool ints) {
  vec4 r = a - b * floordiv_(a, b, ints);
  return ints ? choose(eq(b, vec4(0.0)), vec4(0.0), r) : r;
}
vec4 pow_(vec4 a, vec4 b, bool ints) {
  // NumPy's (C99's) pow from GLSL's, which is exp2(b * log2(a)) for a > 0 only: zero bases, the
  // sign (odd integer exponents, -0.0 too), NaN for other negative bases but -inf, and 1 for
  // 1 ** y, x ** 0 and (-1) ** +-inf, NaN otherwise kept
  vec4 m = abs(a);
  vec4 p = choose(eq(m, vec4(0.0)), choose(lt(b, vec4(0.0)), vec4(INF), vec4(0.0)), pow(m, b));
  p = choose(signbit_(a) * eq(mod(abs(b), 2.0), vec4(1.0)), -p, p);
  p = choose(lt(a, vec4(0.0)) * ne(b, floor(b)) * (1.0 - isinf_(a)), vec4(NAN), p);
  p = choose(isnan_(a) + isnan_(b), a + b, p);
  p = choose(eq(a, vec4(1.0)) + eq(b, vec4(0.0)) + eq(m, vec4(1.0)) * isinf_(b), vec4(1.0), p);
  // int32: rounded, but |p| < 1 (b < 0, |a| > 1) truncates to 0
  return ints ? choose(lt(abs(p), vec4(0.75)), vec4(0.0), floor(p + 0.5)) : p;
}

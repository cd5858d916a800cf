// Math the GLSL ES 3.00 library lacks, in forms that stay accurate in float32.
vec4 erf_(vec4 x) {  // Abramowitz & Stegun 7.1.26, |error| < 1.5e-7
  vec4 s = sign(x), a = abs(x);
  vec4 t = 1.0 / (1.0 + 0.3275911 * a);
  vec4 y = 1.0 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t
                  + 0.254829592) * t * exp(-a * a);
  return s * y;
}
vec4 log_(vec4 x) {  // log(0) is -inf and log(x < 0) NaN, as in NumPy (GLSL leaves both undefined)
  vec4 y = choose(eq(x, vec4(0.0)), vec4(uintBitsToFloat(0xff800000u)), log(x));
  return choose(lt(x, vec4(0.0)), vec4(uintBitsToFloat(0x7fc00000u)), y);
}
vec4 log1p_(vec4 x) {  // log(u) * x / (u - 1) corrects the rounding of u = 1 + x
  vec4 u = 1.0 + x;
  return choose(eq(u, vec4(1.0)), x, log(u) * x / (u - 1.0));
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
  // pow() is undefined for a < 0; odd integer exponents give a negative result
  vec4 odd = eq(mod(abs(b), 2.0), vec4(1.0));
  vec4 p = pow(abs(a), b);
  p = choose(lt(a, vec4(0.0)), choose(eq(b, floor(b)), choose(odd, -p, p), vec4(uintBitsToFloat(0x7fc00000u))), p);
  p = choose(eq(b, vec4(0.0)), vec4(1.0), p);
  return ints ? floor(p + 0.5) : p;
}

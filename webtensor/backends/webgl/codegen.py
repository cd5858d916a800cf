"""GLSL source for every kernel, from the templates in shaders/ and the op tables below.
Only these tables and integers ever reach GLSL: no user string does."""
from functools import lru_cache
from pathlib import Path
from string import Template

# Elementwise ops as vec4 expressions of the loaded inputs a, b, c. $INTS is true for int32.
UNARY = {
    "neg": "-a", "abs": "abs(a)", "square": "a * a", "sqrt": "sqrt(a)", "rsqrt": "inversesqrt(a)",
    "exp": "exp(a)", "log": "log(a)", "log1p": "log1p_(a)", "expm1": "expm1_(a)",
    "sin": "sin(a)", "cos": "cos(a)", "tan": "tan(a)", "asin": "asin(a)", "acos": "acos(a)",
    "atan": "atan(a)", "sinh": "sinh(a)", "cosh": "cosh(a)", "tanh": "tanh(clamp(a, -15.0, 15.0))",
    "asinh": "asinh(a)", "acosh": "acosh(a)", "atanh": "atanh(a)",
    "sigmoid": "sigmoid_(a)", "softplus": "softplus_(a)", "sign": "sign(a)", "floor": "floor(a)",
    "ceil": "ceil(a)", "round": "roundEven(a)", "reciprocal": "1.0 / a", "erf": "erf_(a)",
    "relu": "max(a, 0.0)", "relu6": "clamp(a, 0.0, 6.0)",
    "elu": "choose(gt(a, vec4(0.0)), a, expm1_(min(a, 0.0)))",
    "selu": "1.0507009873554805 * choose(gt(a, vec4(0.0)), a, 1.6732632423543772 * expm1_(min(a, 0.0)))",
    "is_nan": "isnan_(a)", "is_inf": "isinf_(a)", "is_finite": "(1.0 - isnan_(a)) * (1.0 - isinf_(a))",
    "logical_not": "1.0 - a",
}
BINARY = {
    "add": "a + b", "sub": "a - b", "mul": "a * b", "div": "a / b",
    "floor_div": "floordiv_(a, b, $INTS)", "mod": "mod_(a, b, $INTS)", "pow": "pow_(a, b, $INTS)",
    "maximum": "max(a, b)", "minimum": "min(a, b)", "squared_difference": "(a - b) * (a - b)",
    "atan2": "atan(a, b)", "prelu": "choose(gt(a, vec4(0.0)), a, a * b)",
    "equal": "eq(a, b)", "not_equal": "ne(a, b)", "less": "lt(a, b)", "less_equal": "le(a, b)",
    "greater": "gt(a, b)", "greater_equal": "ge(a, b)",
    "logical_and": "a * b", "logical_or": "max(a, b)", "logical_xor": "abs(a - b)",
}
# GPUs may turn NaN into a number inside exp, max, pow...: NumPy and tfjs keep it NaN
NAN_SAFE = {"is_nan", "is_inf", "is_finite", "logical_not", "equal", "not_equal", "less", "less_equal",
            "greater", "greater_equal", "logical_and", "logical_or", "logical_xor", "neg", "abs",
            "square", "add", "sub", "mul", "div", "squared_difference", "pow"}
UNARY = {k: v if k in NAN_SAFE else f"choose(isnan_(a), a, {v})" for k, v in UNARY.items()}
BINARY = {k: v if k in NAN_SAFE else f"choose(isnan_(a) + isnan_(b), a + b, {v})" for k, v in BINARY.items()}
OTHER = {
    "copy": "a", "where": "choose(a, b, c)",
    "cast_int32": "trunc(a)", "cast_bool": "ne(a, vec4(0.0))",
}
EXPRESSIONS = {**UNARY, **BINARY, **OTHER}

# Reductions: start value, scalar step, vec4 step and how a vec4 accumulator folds to a float.
REDUCE = {
    "sum": ("0.0", "acc + x", "acc4 + x", "dot(acc4, vec4(1.0))"),
    "prod": ("1.0", "acc * x", "acc4 * x", "acc4.x * acc4.y * acc4.z * acc4.w"),
    "max": ("uintBitsToFloat(0xff800000u)", "max(acc, x)", "max(acc4, x)", "max(max(acc4.x, acc4.y), max(acc4.z, acc4.w))"),
    "min": ("uintBitsToFloat(0x7f800000u)", "min(acc, x)", "min(acc4, x)", "min(min(acc4.x, acc4.y), min(acc4.z, acc4.w))"),
    "any": ("0.0", "max(acc, x)", "max(acc4, x)", "max(max(acc4.x, acc4.y), max(acc4.z, acc4.w))"),
    "all": ("1.0", "min(acc, x)", "min(acc4, x)", "min(min(acc4.x, acc4.y), min(acc4.z, acc4.w))"),
}
# NaN propagates through max/min reductions as in NumPy: an explicit check is cheaper than none
REDUCE_NAN = {"max", "min"}

VERTEX = """#version 300 es
// One triangle that covers the viewport; no vertex buffers needed.
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
"""


def shader_dir():
    here = Path(__file__).resolve().parent
    for candidate in (here.parent.parent / "shaders", here.parents[3] / "shaders"):
        if (candidate / "header.glsl").exists():
            return candidate
    raise FileNotFoundError("webgl: shader templates not found (expected webtensor/shaders)")


@lru_cache(maxsize=None)
def template(name):
    return Template((shader_dir() / f"{name}.glsl").read_text())


def declare(name, mode, rank=1):
    """GLSL for one input: a sampler with element and texel readers, plus strides when the
    input is read through index math, or a single uniform value for host scalars."""
    if mode == "uniform":
        return f"uniform float {name}_value;\n"
    s = (f"uniform sampler2D {name};\nuniform int {name}_shift;\n"
         f"vec4 {name}_at4(int t) {{ return texelFetch({name}, ivec2(t & ((1 << {name}_shift) - 1), t >> {name}_shift), 0); }}\n"
         f"float {name}_at(int i) {{ return {name}_at4(i >> 2)[i & 3]; }}\n")
    if mode == "strided":
        # get(i): element i of the output's index space, read through strides. get4(i): four
        # consecutive ones, decomposing i once; a broadcast row is one fetch, a contiguous
        # aligned run one texel. The loop over dims is unrolled: constant indices into the
        # uniform arrays, which GPU compilers (SwiftShader's most of all) handle far faster.
        walk = "".join(f"  q = div_shape(r, {d}); c = r - q * u_shape[{d}]; j += c * {name}_strides[{d}]; r = q;\n"
                       + ("  inner = c;\n" if d == rank - 1 else "") for d in reversed(range(rank)))
        s += (f"uniform int {name}_strides[RANK];\nuniform int {name}_offset;\n"
              f"int {name}_index(int r, out int inner) {{\n  int j = {name}_offset, q, c;\n{walk}  return j;\n}}\n"
              f"float {name}_get(int i) {{ int inner; return {name}_at({name}_index(i, inner)); }}\n"
              f"vec4 {name}_get4(int i) {{\n  int inner, j = {name}_index(i, inner), s = {name}_strides[RANK - 1];\n"
              f"  if (inner + 3 >= u_shape[RANK - 1]) return vec4({name}_get(i), {name}_get(i + 1), {name}_get(i + 2), {name}_get(i + 3));\n"
              f"  if (s == 0) return vec4({name}_at(j));\n"
              f"  if (s == 1 && (j & 3) == 0) return {name}_at4(j >> 2);\n"
              f"  return vec4({name}_at(j), {name}_at(j + s), {name}_at(j + 2 * s), {name}_at(j + 3 * s));\n}}\n")
    return s


def header(inputs, rank):
    decls = "".join(declare(name, mode, max(rank, 1)) for name, mode in inputs)
    functions = template("functions").template
    return template("header").substitute(RANK=max(rank, 1), FUNCTIONS=functions, INPUTS=decls)


def expression(expr, ints):
    return Template(EXPRESSIONS[expr]).substitute(INTS="true" if ints else "false")


def fused(lines, result, inputs, uniforms, rank):
    """A fused elementwise program: `lines` compute vec4 variables from the inputs (textures
    read as texels or through strides, uniform scalars); `result` is the last of them."""
    decls = [(name, mode) for name, mode in inputs] + [(name, "uniform") for name in uniforms]
    body = "\n".join(lines) + f"\n  result = {result};"
    return header(decls, rank) + template("elementwise").substitute(BODY=body)


def reduce(op):
    init, step, step4, finish4 = REDUCE[op]
    if op in REDUCE_NAN:
        step = f"(isnan(x) || isnan(acc)) ? x + acc : {step}"
        step4 = f"choose(isnan_(x) + isnan_(acc4), x + acc4, {step4})"
    src = template("reduce").substitute(INIT=init, COMBINE=step, COMBINE4=step4, FINISH4=finish4)
    return header([("X", "texel")], 1) + src


def simple(name, inputs, rank=1, **subs):
    return header(inputs, rank) + template(name).substitute(**subs)


def pad(rank):
    walk = "".join(
        f"  q = div_shape(r, {d}); c = r - q * u_shape[{d}] - u_before[{d}]; r = q;\n"
        + (f"  inner = c + u_before[{d}];\n" if d == rank - 1 else "")
        + f"  inside = inside && c >= 0 && c < u_in_shape[{d}];\n"
        f"  src += c * stride; stride *= u_in_shape[{d}];\n" for d in reversed(range(rank)))
    return header([("X", "texel")], rank) + template("pad").substitute(WALK=walk)


def concat(count):
    names = [f"X{k}" for k in range(count)]
    lines = []
    for k, name in enumerate(names):
        start = "0" if k == 0 else f"u_ends[{k - 1}]"
        width = f"(u_ends[{k}] - {start})"
        cond = f"if (j < u_ends[{k}]) " if k < count - 1 else ""
        lines.append(f"  {cond}return {name}_at(r * {width} + j - {start});")
    return header([(n, "texel") for n in names], 1) + template("concat").substitute(
        COUNT=count, PICK="\n".join(lines))

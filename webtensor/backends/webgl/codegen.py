"""GLSL source for every kernel, from the templates in shaders/, optable's rows and the tables
below. Only these tables and integers ever reach GLSL: no user string does. Pure Python: it
imports in CPython, where tests/test_webgl_codegen.py checks what it generates."""
from functools import lru_cache
from pathlib import Path
from string import Template

from ... import optable

# Elementwise ops as vec4 expressions of the loaded operands a, b, c: optable's rows, with an
# explicit NaN check where the expression alone would not keep NaN; then the kernels of their own.
_UNARY_NAN = "choose(isnan_(a), a, {})"
_BINARY_NAN = "choose(isnan_(a) + isnan_(b), a + b, {})"
EXPRESSIONS = {
    **{name: row.glsl if row.nan_safe else (_UNARY_NAN if row.arity == 1 else _BINARY_NAN).format(row.glsl)
       for name, row in {**optable.UNARY, **optable.BINARY}.items()},
    "copy": "a", "where": "choose(a, b, c)", "cast_int32": "choose(isnan_(a), vec4(0.0), trunc(a))", "cast_bool": "ne(a, vec4(0.0))",
    # int32 textures may hold -0.0 (trunc(-0.5), -0, 0 * -3), which as a float32 is 0.0
    "cast_float32": "choose(eq(a, vec4(0.0)), vec4(0.0), a)",
}

VERTEX = """#version 300 es
// One triangle that covers the viewport; no vertex buffers needed.
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}
"""


def shader_dir():
    here = Path(__file__).resolve()
    for candidate in (here.parents[2] / "shaders", here.parents[3] / "shaders"):  # wheel, source tree
        if (candidate / "header.glsl").exists():
            return candidate
    raise FileNotFoundError("webgl: shader templates not found (expected webtensor/shaders)")


@lru_cache(maxsize=None)
def template(name):
    return Template((shader_dir() / f"{name}.glsl").read_text())


# How a strided input's get4 reads its four elements, chosen when the program is made (the
# key holds it): an `if` on a uniform costs SwiftShader most of the untaken branch too, and the
# general read's fallback (four index walks) made a bias + PReLU epilogue pass four times slower.
STRIDED_READS = ("strided",  # any view: a branch per case, at run time
                 "strided_texel",  # whole aligned texels (inner stride 1, the rest multiples of 4)
                 "strided_splat")  # one element for all four (inner stride 0)


def strided_read(shape, strides, offset):
    """The read of a view (merged shape and strides) for four consecutive output elements."""
    if shape[-1] % 4:
        return "strided"
    if strides[-1] == 0:
        return "strided_splat"
    if strides[-1] == 1 and offset % 4 == 0 and all(s % 4 == 0 for s in strides[:-1]):
        return "strided_texel"
    return "strided"


def declare(name, mode, rank=1):
    """GLSL for one input: a sampler with element and texel readers, plus strides when the
    input is read through index math (a mode of STRIDED_READS)."""
    if mode == "layers":  # a texture array, read by the one kernel that knows its layout
        return f"uniform highp sampler2DArray {name};\n"
    s = (f"uniform sampler2D {name};\nuniform int {name}_shift;\n"
         f"vec4 {name}_at4(int t) {{ return texelFetch({name}, ivec2(t & ((1 << {name}_shift) - 1), t >> {name}_shift), 0); }}\n"
         f"float {name}_at(int i) {{ return {name}_at4(i >> 2)[i & 3]; }}\n")
    if mode in STRIDED_READS:
        general = mode == "strided"
        s += (f"uniform int {name}_strides[RANK];\nuniform int {name}_offset;\n"
              f"int {name}_index(int r{', out int inner' if general else ''}) {{\n  int j = {name}_offset, q, c;\n"
              f"{_walk(name, rank, general)}  return j;\n}}\n")
        s += {"strided_texel": f"vec4 {name}_get4(int i) {{ return {name}_at4({name}_index(i) >> 2); }}\n",
              "strided_splat": f"vec4 {name}_get4(int i) {{ return vec4({name}_at({name}_index(i))); }}\n",
              "strided": f"float {name}_get(int i) {{ int inner; return {name}_at({name}_index(i, inner)); }}\n"
              f"vec4 {name}_get4(int i) {{\n  int inner, j = {name}_index(i, inner), s = {name}_strides[RANK - 1];\n"
              f"  if (inner + 3 >= u_shape[RANK - 1]) return vec4({name}_get(i), {name}_get(i + 1), {name}_get(i + 2), {name}_get(i + 3));\n"
              f"  if (s == 0) return vec4({name}_at(j));\n"
              f"  if (s == 1 && (j & 3) == 0) return {name}_at4(j >> 2);\n"
              f"  return vec4({name}_at(j), {name}_at(j + s), {name}_at(j + 2 * s), {name}_at(j + 3 * s));\n}}\n"}[mode]
    return s


def _walk(name, rank, general):
    """Element r of the output's index space to the input's element j, a dim at a time (the
    loop unrolled: constant indices into the uniform arrays, which GPU compilers, SwiftShader's
    most of all, handle far faster). The outermost dim is divided too: the padding texels of the
    output read inside the input. The general read keeps the inner index as well."""
    lines = []
    for d in reversed(range(rank)):
        lines.append(f"q = div_shape(r, {d}); c = r - q * u_shape[{d}]; j += c * {name}_strides[{d}]; r = q;")
        lines += ["inner = c;"] if general and d == rank - 1 else []
    return "".join(f"  {line}\n" for line in lines)


def header(inputs, rank):
    decls = "".join(declare(name, mode, max(rank, 1)) for name, mode in inputs)
    functions = template("functions").template
    return template("header").substitute(RANK=max(rank, 1), FUNCTIONS=functions, INPUTS=decls)


def expression(expr, ints):
    return Template(EXPRESSIONS[expr]).substitute(INTS="true" if ints else "false")


def fused(steps, rank, reads=(), main="elementwise", **subs):
    """A fused elementwise program from fusion.Program's steps: step n computes the vec4 v<n>
    from textures L<k> (read as texels or through strides: strided input k with reads[k], a
    mode of STRIDED_READS, when given) and uniform scalars U[u]: one
    array, so a draw sets them with one call. The steps make X_at4(t), texel t of the
    expression's value; `main` is the template that writes it: the flat layout
    (elementwise.glsl), or a matmul operand's (matrix_fused.glsl, with subs)."""
    lines, decls, leaves, scalars = [], [], [], 0
    for n, step in enumerate(steps):
        kind = step[0]
        if kind == "leaf":
            _, kernel, k, j, static = step
            decls += [(texture_name(k + r), mode) for r, mode in enumerate(leaf_inputs(kernel, static))]
            leaves.append(leaf(kernel, k, j, static))
            lines.append(f"  vec4 v{n} = {leaf_name(j)}_get4(i);")
        elif kind in ("texel", "strided"):
            decls.append((texture_name(step[1]), dict(reads).get(step[1], kind)))
            lines.append(f"  vec4 v{n} = {texture_name(step[1])}_{'at4(t)' if kind == 'texel' else 'get4(i)'};")
        elif kind == "uniform":
            scalars = max(scalars, step[1] + 1)
            lines.append(f"  vec4 v{n} = vec4({UNIFORMS}[{step[1]}]);")
        else:
            expr, ints, args = step
            local = " ".join(f"vec4 {name} = v{arg};" for name, arg in zip("abc", args))
            lines.append(f"  vec4 v{n}; {{ {local} v{n} = {expression(expr, ints)}; }}")
    reader = "vec4 X_at4(int t) {\n  int i = 4 * t;\n" + "\n".join(lines) + f"\n  return v{len(steps) - 1};\n}}\n"
    arrays = f"uniform float {UNIFORMS}[{scalars}];\n" if scalars else ""
    return header(decls, rank) + arrays + "".join(leaves) + reader + template(main).substitute(**subs)


def texture_name(k):
    return f"L{k}"


UNIFORMS = "U"  # a fused program's scalars


def leaf_name(j):
    return f"K{j}"


# The kernels whose results are fusion leaves (fusion.py), each a template defining
# ${K}_get4(int i), and the way it reads its inputs $L0, $L1...: "texel" (flat buffers, through
# their _at4 and _at readers) or "layers" (a texture array). A depthwise convolution whose input
# is an epilogue over a matmul's product (static EPI) reads the product's texture array and
# one texel buffer per channel vector of the epilogue besides.
LEAF_INPUTS = {"unblock": ("layers",), "depthwise": ("texel", "texel"), "resize": ("texel", "texel")}


def leaf_inputs(kernel, static):
    epilogue = dict(static).get("EPI")
    if epilogue is None:
        return LEAF_INPUTS[kernel]
    return ("layers", "texel") + ("texel",) * epilogue[1]


def leaf(kernel, k, j, static):
    """The reader of a fused program's kernel leaf j, its inputs from texture input k on."""
    names = {f"L{r}": texture_name(k + r) for r in range(len(leaf_inputs(kernel, static)))}
    subs = dict(static)
    if kernel == "depthwise":
        subs["READ"] = depthwise_read(leaf_name(j), names, subs)
    return template(kernel).substitute(K=leaf_name(j), **names, **subs)


def depthwise_read(K, names, static):
    """How a depthwise leaf reads its input x: ${K}_x4(xi, p, c), the texel of x's element xi
    (pixel p, channel c, a multiple of 4), and ${K}_x1(xi), one element; ${K}_pre(c) runs once
    per output before the taps. Plainly from the texel buffer $L0; with an epilogue (static EPI:
    steps (expr, ints, args) over ("x",) the product's texel of (p, c), ("c", n) channel vector
    n's texel of c, ("u", n) scalar n and ("s", n) step n), by evaluating the epilogue per tap
    over the product's texture array, its per-channel texels fetched once in ${K}_pre."""
    L0 = names["L0"]
    epilogue = static.get("EPI")
    if epilogue is None:
        return (f"void {K}_pre(int c) {{}}\n"
                f"vec4 {K}_x4(int xi, int p, int c) {{ return {L0}_at4(xi >> 2); }}\n"
                f"float {K}_x1(int xi) {{ return {L0}_at(xi); }}\n")
    steps, channels, scalars = epilogue
    rows, log_rows = static["ROWS"], static["LOG_ROWS"]
    src = "".join(f"vec4 {K}_c{n};\n" for n in range(channels))
    src += f"uniform float {K}_u[{scalars}];\n" if scalars else ""
    src += (f"void {K}_pre(int c) {{\n"
            + "".join(f"  {K}_c{n} = {names[f'L{n + 2}']}_at4(c >> 2);\n" for n in range(channels)) + "}\n")
    args = {"x": lambda n: "x", "c": lambda n: f"{K}_c{n}", "u": lambda n: f"vec4({K}_u[{n}])", "s": lambda n: f"s{n}"}
    body = [f"  vec4 x = texelFetch({L0}, ivec3(c >> 2, p >> {log_rows}, p & {rows - 1}), 0);"]
    for n, (expr, ints, ins) in enumerate(steps):
        local = " ".join(f"vec4 {name} = {args[a[0]](a[-1])};" for name, a in zip("abc", ins))
        body.append(f"  vec4 s{n}; {{ {local} s{n} = {expression(expr, ints)}; }}")
    src += f"vec4 {K}_x4(int xi, int p, int c) {{\n" + "\n".join(body) + f"\n  return s{len(steps) - 1};\n}}\n"
    return src + f"float {K}_x1(int xi) {{ return 0.0; }}  // (unused: an epilogue needs VEC4)\n"


def reduce(op):
    init, step, step4, finish4 = optable.REDUCE[op].glsl
    if optable.REDUCE[op].nan_check:  # in the steps and in the vec4 accumulator's fold
        step = f"(isnan(x) || isnan(acc)) ? x + acc : {step}"
        step4 = f"choose(isnan_(x) + isnan_(acc4), x + acc4, {step4})"
        finish4 = f"any(isnan(acc4)) ? acc4.x + acc4.y + acc4.z + acc4.w : {finish4}"
    src = template("reduce").substitute(INIT=init, COMBINE=step, COMBINE4=step4, FINISH4=finish4)
    return header([("X", "texel")], 1) + src


def simple(name, inputs, rank=1, **subs):
    return header(inputs, rank) + template(name).substitute(**subs)


def matrix(view):
    """The relayout of a matmul operand: from a drawn buffer (matrix.glsl) or straight from a
    strided view (matrix_view.glsl); both place the fragment with matrix_position.glsl."""
    return simple("matrix_view" if view else "matrix", [("X", "texel")], POSITION=template("matrix_position").template)


def matrix_fused(steps, rank, reads=()):
    """The relayout of a matmul operand still lazy: its fused expression drawn straight into
    the matrix layout (fusion.Program steps, as fused())."""
    return fused(steps, rank, reads, "matrix_fused", POSITION=template("matrix_position").template)


def matmul(rows):
    """The blocked matmul (matmul.glsl) with `rows` rows of C per fragment, one render target each."""
    outputs = f"#define ROWS {rows}\n" + "".join(f"layout(location = {r}) out vec4 result{r};\n" for r in range(1, rows))
    init = "\n".join(f"  vec4 c{r} = vec4(0.0);" for r in range(rows))
    start = "\n".join(f"  ivec2 a{r} = ivec2(ax, ay) + {r} * astep;" for r in range(rows))
    step = "\n".join(f"    a = texelFetch(A, ivec2(a{r}.x + k, a{r}.y), 0); c{r} += a.x * b0 + a.y * b1 + a.z * b2 + a.w * b3;"
                     for r in range(rows))
    store = "  result = c0;\n" + "\n".join(f"  result{r} = c{r};" for r in range(1, rows))
    return header([("A", "texel"), ("B", "texel")], 1) + template("matmul").substitute(
        OUTPUTS=outputs, INIT=init, STEP=step, STORE=store, ROWSTART=start)


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

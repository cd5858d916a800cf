"""The elementwise and reduction ops, one row each: everything webtensor knows about such an op.

A row gives the op's name, its dtype rule, its NumPy function (the CPU backend), its GLSL
expression (the WebGL backend: a vec4 expression of the loaded operands a and b; $INTS is
`true` for int32 operands) and its gradient. The backends build their kernel tables from these
rows, webtensor.ops builds the op functions and Tensor methods from them, and
tests/test_optable.py checks that every backend covers every row. A new elementwise op is one
row here plus its test.

Gradients are written with Tensor methods and operators, so this file needs nothing from ops:
unary ones are dx = grad(dy, x, y), binary ones (da, db) = grad(dy, a, b, y), reductions
dx = grad(dy, y, x) with dy and y shaped as kept dims. Gradients of broadcast operands are
summed back to their shapes by the backward pass, once, for every op.
"""
import math
from typing import Callable, NamedTuple, Optional

import numpy as np

# dtype rules
FLOAT = "float"      # computed in float32: other dtypes are cast first
SAME = "same"        # operands take their common dtype (int32 stays int32), and so does the result
TEST = "test"        # operands take their common dtype; the result is bool
LOGICAL = "logical"  # operands must be bool; the result is bool

SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


class Elementwise(NamedTuple):
    name: str
    arity: int
    dtype: str
    numpy: Callable
    glsl: str
    grad: Optional[Callable] = None
    nan_safe: bool = False  # the GLSL keeps NaN as NumPy does (GPUs may turn NaN into a number
                            # inside exp, max, pow...); other expressions get an explicit check
    quiet: bool = False     # NumPy warns only on float overflow (which tfjs would not report
                            # either), so the CPU backend skips np.errstate: it costs more than
                            # the op on small arrays
    params: tuple = ()      # the op's parameter names where tfjs's are not (x) or (a, b)


class Reduction(NamedTuple):
    name: str
    dtype: str              # SAME (bool counts as int32) or LOGICAL (bool in, bool out)
    numpy: Callable         # over axis 1 of an [outer, inner] array
    glsl: tuple             # start value, scalar step, vec4 step, vec4 accumulator -> float
    grad: Optional[Callable] = None
    nan_check: bool = False  # NaN propagates, as in NumPy: an explicit check is cheaper than none


def _sigmoid(x):
    e = np.exp(-np.abs(x))  # both branches exp() a non-positive number: no overflow
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


_erf = np.frompyfunc(math.erf, 1, 1)


def _floor_div(a, b):
    if a.dtype.kind == "f":
        return np.floor(a / b)
    with np.errstate(divide="ignore"):
        return np.where(b == 0, 0, np.floor_divide(a, np.where(b == 0, 1, b)))


def _mod(a, b):
    if a.dtype.kind == "f":
        return np.mod(a, b)
    return np.where(b == 0, 0, np.mod(a, np.where(b == 0, 1, b)))


def _pow(a, b):
    if a.dtype.kind in "iu":  # integer powers with negative exponents are 0 (or 1/±1), like tfjs
        return np.power(a.astype(np.float64), b).astype(a.dtype)
    return np.power(a, b)


def _zero(dy, *_):
    return dy * 0.0


def _unary(name, dtype, numpy, glsl, grad=None, **flags):
    return Elementwise(name, 1, dtype, numpy, glsl, grad, **flags)


def _binary(name, dtype, numpy, glsl, grad=None, **flags):
    return Elementwise(name, 2, dtype, numpy, glsl, grad, **flags)


_ELU = "choose(gt(a, vec4(0.0)), a, expm1_(min(a, 0.0)))"
_SELU = f"{SELU_SCALE!r} * choose(gt(a, vec4(0.0)), a, {SELU_ALPHA!r} * expm1_(min(a, 0.0)))"
# GLSL leaves these undefined outside their domains (SwiftShader gives numbers: acosh(0.5) = 89.1,
# atanh(-1) = -44, asinh(-inf) = 89.1), and its atan(y, x) ignores the sign of a zero y
_ASINH = "sign(a) * asinh(abs(a))"  # odd, so never log(-inf + inf)
_ACOSH = "choose(lt(a, vec4(1.0)), vec4(NAN), acosh(a))"
_ATANH = "choose(lt(abs(a), vec4(1.0)), atanh(a), choose(eq(abs(a), vec4(1.0)), a * INF, vec4(NAN)))"
_ATAN2 = "choose(eq(a, vec4(0.0)), copysign_(3.14159265 * signbit_(b), a), atan(a, b))"

UNARY = {row.name: row for row in [
    _unary("neg", SAME, np.negative, "-a", lambda dy, x, y: -dy, nan_safe=True),
    _unary("abs", SAME, np.abs, "abs(a)", lambda dy, x, y: dy * x.sign(), nan_safe=True),
    _unary("square", SAME, np.square, "a * a", lambda dy, x, y: dy * (x * 2.0), nan_safe=True),
    _unary("sqrt", FLOAT, np.sqrt, "sqrt(a)", lambda dy, x, y: dy.div(y * 2.0)),
    _unary("rsqrt", FLOAT, lambda x: 1 / np.sqrt(x), "inversesqrt(a)", lambda dy, x, y: dy * (y.div(x) * -0.5)),
    _unary("exp", FLOAT, np.exp, "exp(a)", lambda dy, x, y: dy * y),
    _unary("log", FLOAT, np.log, "log_(a)", lambda dy, x, y: dy.div(x)),
    _unary("log1p", FLOAT, np.log1p, "log1p_(a)", lambda dy, x, y: dy.div(x + 1.0)),
    _unary("expm1", FLOAT, np.expm1, "expm1_(a)", lambda dy, x, y: dy * (y + 1.0)),
    _unary("sin", FLOAT, np.sin, "sin(a)", lambda dy, x, y: dy * x.cos()),
    _unary("cos", FLOAT, np.cos, "cos(a)", lambda dy, x, y: -(dy * x.sin())),
    _unary("tan", FLOAT, np.tan, "tan(a)", lambda dy, x, y: dy.div(x.cos().square())),
    _unary("asin", FLOAT, np.arcsin, "asin(a)", lambda dy, x, y: dy.div((1.0 - x.square()).sqrt())),
    _unary("acos", FLOAT, np.arccos, "acos(a)", lambda dy, x, y: -dy.div((1.0 - x.square()).sqrt())),
    _unary("atan", FLOAT, np.arctan, "atan(a)", lambda dy, x, y: dy.div(x.square() + 1.0)),
    _unary("sinh", FLOAT, np.sinh, "sinh(a)", lambda dy, x, y: dy * x.cosh()),
    _unary("cosh", FLOAT, np.cosh, "cosh(a)", lambda dy, x, y: dy * x.sinh()),
    _unary("tanh", FLOAT, np.tanh, "tanh(clamp(a, -15.0, 15.0))", lambda dy, x, y: dy * (1.0 - y.square())),
    _unary("asinh", FLOAT, np.arcsinh, _ASINH, lambda dy, x, y: dy.div((x.square() + 1.0).sqrt())),
    _unary("acosh", FLOAT, np.arccosh, _ACOSH, lambda dy, x, y: dy.div((x.square() - 1.0).sqrt())),
    _unary("atanh", FLOAT, np.arctanh, _ATANH, lambda dy, x, y: dy.div(1.0 - x.square())),
    _unary("sigmoid", FLOAT, _sigmoid, "sigmoid_(a)", lambda dy, x, y: dy * (y * (1.0 - y))),
    _unary("softplus", FLOAT, lambda x: np.logaddexp(np.float32(0), x), "softplus_(a)",
           lambda dy, x, y: dy * x.sigmoid()),
    _unary("sign", SAME, np.sign, "sign(a)", _zero),
    _unary("floor", SAME, np.floor, "floor(a)", _zero),
    _unary("ceil", SAME, np.ceil, "ceil(a)", _zero),
    _unary("round", SAME, np.round, "roundEven(a)", _zero),
    _unary("reciprocal", FLOAT, lambda x: 1 / x, "1.0 / a", lambda dy, x, y: -(dy * y.square())),
    _unary("erf", FLOAT, lambda x: np.asarray(_erf(x), dtype=x.dtype), "erf_(a)",
           lambda dy, x, y: dy * ((-x.square()).exp() * (2 / math.sqrt(math.pi)))),
    # np.where, not np.maximum or np.clip: the same values (NaN kept), three times faster in
    # Pyodide's NumPy, where relu over a feature map cost more than the convolution before it
    _unary("relu", SAME, lambda x: np.where(x < 0, 0, x), "max(a, 0.0)", lambda dy, x, y: dy * x.step()),
    _unary("relu6", SAME, lambda x: np.minimum(np.where(x < 0, 0, x), 6), "clamp(a, 0.0, 6.0)",
           lambda dy, x, y: dy * ((x > 0) & (x < 6)).cast(dy.dtype)),
    _unary("elu", FLOAT, lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))), _ELU,
           lambda dy, x, y: dy * (x > 0).where(1.0, y + 1.0)),
    _unary("selu", FLOAT, lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
           _SELU, lambda dy, x, y: dy * (x > 0).where(SELU_SCALE, y + SELU_SCALE * SELU_ALPHA)),
    _unary("is_nan", TEST, np.isnan, "isnan_(a)", nan_safe=True),
    _unary("is_inf", TEST, np.isinf, "isinf_(a)", nan_safe=True),
    _unary("is_finite", TEST, np.isfinite, "(1.0 - isnan_(a)) * (1.0 - isinf_(a))", nan_safe=True),
    _unary("logical_not", LOGICAL, np.logical_not, "1.0 - a", nan_safe=True),
]}

BINARY = {row.name: row for row in [
    _binary("add", SAME, np.add, "a + b", lambda dy, a, b, y: (dy, dy), nan_safe=True, quiet=True),
    _binary("sub", SAME, np.subtract, "a - b", lambda dy, a, b, y: (dy, -dy), nan_safe=True, quiet=True),
    _binary("mul", SAME, np.multiply, "a * b", lambda dy, a, b, y: (dy * b, dy * a), nan_safe=True, quiet=True),
    _binary("div", SAME, np.true_divide, "a / b", lambda dy, a, b, y: (dy.div(b), -(dy * y.div(b))), nan_safe=True),
    _binary("floor_div", SAME, _floor_div, "floordiv_(a, b, $INTS)", lambda dy, a, b, y: (dy * 0.0, dy * 0.0)),
    _binary("mod", SAME, _mod, "mod_(a, b, $INTS)", lambda dy, a, b, y: (dy, -(dy * a.div(b).floor()))),
    _binary("pow", SAME, _pow, "pow_(a, b, $INTS)", lambda dy, a, b, y: (
        dy * (b * a.pow(b - 1.0)), dy * (a > 0).where(y * (a > 0).where(a, 1.0).log(), 0.0)), nan_safe=True,
        params=("base", "exp")),
    _binary("maximum", SAME, np.maximum, "max(a, b)",
            lambda dy, a, b, y: (dy * (a >= b).cast(dy.dtype), dy * (a < b).cast(dy.dtype)), quiet=True),
    _binary("minimum", SAME, np.minimum, "min(a, b)",
            lambda dy, a, b, y: (dy * (a <= b).cast(dy.dtype), dy * (a > b).cast(dy.dtype)), quiet=True),
    _binary("squared_difference", SAME, lambda a, b: np.square(a - b), "(a - b) * (a - b)",
            lambda dy, a, b, y: (dy * ((a - b) * 2.0), dy * ((b - a) * 2.0)), nan_safe=True),
    _binary("atan2", FLOAT, np.arctan2, _ATAN2, lambda dy, a, b, y: (
        dy * b.div(a.square() + b.square()), -(dy * a.div(a.square() + b.square())))),
    _binary("prelu", SAME, lambda x, a: np.where(x > 0, x, a * x), "choose(gt(a, vec4(0.0)), a, a * b)",
            lambda dy, a, b, y: (dy * (a > 0).where(1.0, b), dy * (a > 0).where(0.0, a)),
            nan_safe=True, params=("x", "alpha")),  # NaN x: not > 0, so x * alpha; NaN alpha: only there
    _binary("equal", TEST, np.equal, "eq(a, b)", nan_safe=True, quiet=True),
    _binary("not_equal", TEST, np.not_equal, "ne(a, b)", nan_safe=True, quiet=True),
    _binary("less", TEST, np.less, "lt(a, b)", nan_safe=True, quiet=True),
    _binary("less_equal", TEST, np.less_equal, "le(a, b)", nan_safe=True, quiet=True),
    _binary("greater", TEST, np.greater, "gt(a, b)", nan_safe=True, quiet=True),
    _binary("greater_equal", TEST, np.greater_equal, "ge(a, b)", nan_safe=True, quiet=True),
    _binary("logical_and", LOGICAL, np.logical_and, "a * b", nan_safe=True, quiet=True),
    _binary("logical_or", LOGICAL, np.logical_or, "max(a, b)", nan_safe=True, quiet=True),
    _binary("logical_xor", LOGICAL, np.logical_xor, "abs(a - b)", nan_safe=True, quiet=True),
]}

_FOLD_MAX = "max(max(acc4.x, acc4.y), max(acc4.z, acc4.w))"
_FOLD_MIN = "min(min(acc4.x, acc4.y), min(acc4.z, acc4.w))"


def _extremum_grad(dy, y, x):
    return dy * x.equal(y).cast(dy.dtype)


def _prod_grad(dy, y, x):
    """The product of the other elements: y / x, except where x has zeros (one zero: the
    product of the rest at it, 0 elsewhere; more: 0 everywhere)."""
    axes = [i for i, (k, d) in enumerate(zip(y.shape, x.shape)) if k == 1 and d != 1]
    zero = x.equal(0)
    rest = zero.where(1.0, x).prod(axes, True)
    zeros = zero.cast("float32").sum(axes, True)
    at_zero = (zero & zeros.equal(1)).where(rest, 0.0)
    return dy * zeros.equal(0).where(rest.div(zero.where(1.0, x)), at_zero)


REDUCE = {row.name: row for row in [
    Reduction("sum", SAME, np.sum, ("0.0", "acc + x", "acc4 + x", "dot(acc4, vec4(1.0))"),
              lambda dy, y, x: dy.broadcast_to(x.shape)),
    Reduction("prod", SAME, np.prod, ("1.0", "acc * x", "acc4 * x", "acc4.x * acc4.y * acc4.z * acc4.w"),
              _prod_grad),
    Reduction("max", SAME, np.max, ("uintBitsToFloat(0xff800000u)", "max(acc, x)", "max(acc4, x)", _FOLD_MAX),
              _extremum_grad, nan_check=True),
    Reduction("min", SAME, np.min, ("uintBitsToFloat(0x7f800000u)", "min(acc, x)", "min(acc4, x)", _FOLD_MIN),
              _extremum_grad, nan_check=True),
    Reduction("any", LOGICAL, np.any, ("0.0", "max(acc, x)", "max(acc4, x)", _FOLD_MAX)),
    Reduction("all", LOGICAL, np.all, ("1.0", "min(acc, x)", "min(acc4, x)", _FOLD_MIN)),
]}

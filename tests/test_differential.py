"""A property-based differential test: webtensor against NumPy on seeded random cases.

Each test draws its cases from a generator of its own, seeded by SEED and the test's name, so
every run sees the same cases and a failure names its case (op, call, shapes, dtypes, values).
Covered: every elementwise row of webtensor/optable.py (unary and binary: broadcasting of
random shapes with size-0 and size-1 dims and scalars, Python numbers on either side, through
wt.<op>, the Tensor method and the Python operator; int32, float32 and bool as the row's dtype
rule allows; NaN, inf and -0.0), reductions (random axes: negative, tuples, [], keep_dims,
size-0), matmul (batch dims broadcast, zero-size, transposes; `@` and dot), t[...] (negative
ints, slices with negative steps, boolean and int lists, None, Ellipsis), shape ops and casts
at the int32/float32 edges. The references are written here in float64/int64 with dtype rules
of their own; optable's NumPy functions are only cross-checked against them.

A longer run on demand: WEBTENSOR_DIFF_CASES=N draws N cases per test (per op for the
elementwise and reduction tests) instead of the default few, and WEBTENSOR_DIFF_SEED=S other
cases, e.g.  WEBTENSOR_DIFF_CASES=300 python -m pytest tests/test_differential.py -q
"""
import math
import os
import warnings
import zlib

import numpy as np
import pytest

import webtensor as wt
from webtensor import optable
from conftest import tol, to_np

SEED = int(os.environ.get("WEBTENSOR_DIFF_SEED", "15"))
NP = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
RANK = {"bool": 0, "int32": 1, "float32": 2}  # the common dtype of two is the higher
NAN, INF = float("nan"), float("inf")
SPECIALS = (NAN, INF, -INF, 0.0, -0.0)
# the cases hold inf and NaN on purpose: NumPy's warnings about them are no finding here
pytestmark = [pytest.mark.leakcheck, pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")]


def n_cases(default):
    return int(os.environ.get("WEBTENSOR_DIFF_CASES") or default)


def generator(*names):
    return np.random.default_rng([SEED, zlib.crc32(repr(names).encode())])


# ---------------------------------------------------------------- random shapes and values

def rand_shape(g, max_rank=4, p_zero=0.08, max_size=120, min_rank=0):
    while True:
        rank = int(g.integers(min_rank, max_rank + 1))
        shape = tuple(0 if g.random() < p_zero else int(g.choice([1, 1, 2, 3, 4, 5])) for _ in range(rank))
        if math.prod(shape) <= max_size:
            return shape


def broadcast_pair(g, max_rank=4):
    """Two shapes that broadcast: suffixes of one shape, some dims 1."""
    out = rand_shape(g, max_rank)

    def operand():
        rank = int(g.integers(0, len(out) + 1))
        return tuple(1 if g.random() < 0.3 else d for d in out[len(out) - rank:])
    return operand(), operand()


def floats(g, shape, lo, hi, specials=(), p_special=0.15):
    x = g.uniform(lo, hi, shape)
    # a quarter on a grid of halves: ties for round, equal operands, exact quotients
    x = np.where(g.random(shape) < 0.25, np.clip(np.round(x * 2) / 2, lo, hi) + 0.0, x)  # (+ 0.0: no -0.0)
    if specials:
        x = np.where(g.random(shape) < p_special, np.asarray(specials)[g.integers(0, len(specials), shape)], x)
    return np.asarray(x, np.float32)


def values(g, shape, dtype, lo=-4.0, hi=4.0, ints=(-9, 9), specials=SPECIALS):
    if dtype == "float32":
        return floats(g, shape, lo, hi, specials)
    if dtype == "int32":
        return np.asarray(g.integers(ints[0], ints[1] + 1, shape), np.int32)
    return np.asarray(g.random(shape) < 0.5)


def any_values(g, shape, backend):
    """Values of a random dtype for movement ops: signed zeros, NaN, inf, the int32 extremes."""
    dtype = str(g.choice(["float32", "int32", "bool"]))
    if dtype == "int32":  # WebGL textures hold int32 as float32: exact to 2**24
        edges = [-2 ** 31, 2 ** 31 - 1] if backend == "cpu" else [-2 ** 24, 2 ** 24]
        return np.asarray(g.choice(edges + [-7, 0, 3, 12345], shape), np.int32)
    return values(g, shape, dtype)


# ---------------------------------------------------------------- comparing

def check(got, want, dtype, what, tolerance=None, signed_zero=False):
    """got (a Tensor) has want's shape, the dtype and values: exact for int32/bool, within
    tolerance (exact when None) for float32, NaN equal to NaN, infinities exact, and the sign of
    zeros where the op defines it."""
    want = np.asarray(want)
    assert isinstance(got, wt.Tensor), f"{what}: got {type(got).__name__}"
    assert tuple(got.shape) == want.shape, f"{what}: shape {tuple(got.shape)} != {want.shape}"
    assert got.dtype == dtype, f"{what}: dtype {got.dtype} != {dtype}"
    have = to_np(got)
    want = want.astype(NP[dtype])
    if dtype == "float32" and tolerance is not None:
        np.testing.assert_allclose(have.astype(np.float64), want.astype(np.float64), equal_nan=True,
                                   err_msg=what, **tolerance)
    else:
        np.testing.assert_array_equal(have, want, err_msg=what)
    if dtype == "float32" and signed_zero:
        zeros = want == 0
        np.testing.assert_array_equal(np.signbit(have[zeros]), np.signbit(want[zeros]),
                                      err_msg=f"{what}: signs of zeros")


def show(*arrays):
    return "; ".join(np.array2string(np.asarray(a), threshold=40, separator=",") for a in arrays)


# ---------------------------------------------------------------- elementwise references

def _int_floor_div(a, b):  # exact for int32 operands: the float64 quotient is never off
    return np.where(b == 0, 0, np.floor(a / np.where(b == 0, 1, b))).astype(np.int64)


def _round_half_even(x):
    f = np.floor(x)
    d = x - f
    return np.where(np.isfinite(x), np.where(d > 0.5, f + 1, np.where(d < 0.5, f, f + np.mod(f, 2))), x)


def _int_pow(a, b):
    """a ** b with b < 0 as 1 / a ** -b truncated toward zero (0 unless |a| == 1)."""
    pos = np.power(a, np.maximum(b, 0))
    neg = np.where(np.abs(a) == 1, np.where(np.mod(b, 2) == 1, a, 1), 0)
    return np.where(b >= 0, pos, neg)


def _nan_or(a, b, value):
    return np.where(np.isnan(a) | np.isnan(b), NAN, value) if a.dtype.kind == "f" else value


SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf, otypes=[np.float64])


class Spec:
    """How to test one row: reference (on float64 or int64 operands), float domain (per operand
    for binary ops), int32 domain (None: no int32 inputs), specials, tolerance kind (None: exact)
    and whether the sign of a zero result is part of the op; `webgl` replaces some of these
    where WebGL cannot do what NumPy does (each says why)."""

    def __init__(self, ref, dom=(-4, 4), ints=(-9, 9), specials=SPECIALS, kind="trans", signed_zero=False,
                 fix=None, webgl=None):
        self.ref, self.dom, self.ints, self.specials = ref, dom, ints, specials
        self.kind, self.signed_zero, self.fix, self.webgl = kind, signed_zero, fix, webgl or {}

    def on(self, backend):
        spec = Spec(self.ref, self.dom, self.ints, self.specials, self.kind, self.signed_zero, self.fix)
        if backend == "webgl":
            vars(spec).update(self.webgl)
        return spec


def _quotients_away_from_integers(compute, a, b):
    """floor(a / b): float32 and float64 quotients differ where one rounds onto an integer (and
    a GPU's division is not exactly rounded): such cases are drawn again; exact quotients stay."""
    if compute != "float32":
        return a, b
    with np.errstate(all="ignore"):
        q = calc(a, compute) / calc(b, compute)
        near = np.isfinite(q) & (np.abs(q - np.round(q)) < 1e-3 * np.maximum(1, np.abs(q))) & (q != np.round(q))
    return None if near.any() else (a, b)


def _no_zeros(x):  # (a Python number keeps its type, and so its weak dtype)
    return np.where(x == 0, 1, x).astype(x.dtype) if isinstance(x, np.ndarray) else x or type(x)(1)


def _int_powers(compute, a, b):
    """0 ** -n is inf, which an int32 cannot hold (tfjs's backends disagree): no zero bases then."""
    return (_no_zeros(a) if compute == "int32" and (np.asarray(b) < 0).any() else a), b


NO_INF = (NAN, 0.0, -0.0)  # e.g. mod(x, inf) and inf // x: NumPy, tfjs and GLSL all disagree
UNARY = {
    "neg": Spec(lambda x: -x, ints=(-99, 99), kind=None, signed_zero=True),
    "abs": Spec(lambda x: np.where(np.signbit(x), -x, x), ints=(-99, 99), kind=None, signed_zero=True),
    "square": Spec(lambda x: x * x, ints=(-99, 99), kind="basic"),
    "sqrt": Spec(lambda x: x ** 0.5, (0, 9), (0, 20), SPECIALS + (-1.0,)),
    "rsqrt": Spec(lambda x: 1 / x ** 0.5, (0, 9), (0, 20), SPECIALS + (-1.0,)),
    "exp": Spec(np.exp, (-10, 10), (-10, 10)),
    "log": Spec(np.log, (0, 10), (0, 20), SPECIALS + (-1.0,)),
    "log1p": Spec(np.log1p, (-0.99, 10), (-1, 20), SPECIALS + (-2.0, -1.0)),
    "expm1": Spec(np.expm1, (-10, 10), (-10, 10)),
    "sin": Spec(np.sin, (-6, 6), (-6, 6)),
    "cos": Spec(np.cos, (-6, 6), (-6, 6)),
    "tan": Spec(np.tan, (-1.4, 1.4), (-1, 1)),
    "asin": Spec(np.arcsin, (-1, 1), (-1, 1), SPECIALS + (1.5,)),
    "acos": Spec(np.arccos, (-1, 1), (-1, 1), SPECIALS + (-1.5,)),
    "atan": Spec(np.arctan, (-10, 10)),
    "sinh": Spec(np.sinh, (-5, 5), (-5, 5)),
    "cosh": Spec(np.cosh, (-5, 5), (-5, 5)),
    "tanh": Spec(np.tanh, (-10, 10), (-20, 20)),
    "asinh": Spec(np.arcsinh, (-10, 10)),
    "acosh": Spec(np.arccosh, (1, 8), (1, 9), SPECIALS + (0.5,)),
    "atanh": Spec(np.arctanh, (-0.99, 0.99), (-1, 1), SPECIALS + (1.0, -1.0, 2.0)),
    "sigmoid": Spec(lambda x: 1 / (1 + np.exp(-x)), (-10, 10)),
    "softplus": Spec(lambda x: np.log1p(np.exp(x)), (-20, 20)),
    "sign": Spec(lambda x: np.where(x > 0, 1, np.where(x < 0, -1, x)), kind=None),
    "floor": Spec(lambda x: np.floor(x) if x.dtype.kind == "f" else x, kind=None),
    "ceil": Spec(lambda x: np.ceil(x) if x.dtype.kind == "f" else x, kind=None),
    "round": Spec(lambda x: _round_half_even(x) if x.dtype.kind == "f" else x, kind=None),
    "reciprocal": Spec(lambda x: 1 / x, ints=(-5, 5), kind="basic", signed_zero=True),
    "erf": Spec(_erf, (-3, 3), (-3, 3)),
    "relu": Spec(lambda x: np.where(x < 0, 0, x), kind=None),
    "relu6": Spec(lambda x: np.where(x < 0, 0, np.where(x > 6, 6, x)), (-3, 9), (-3, 9), kind=None),
    "elu": Spec(lambda x: np.where(x > 0, x, np.expm1(x)), (-5, 5)),
    "selu": Spec(lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)), (-5, 5)),
    "is_nan": Spec(lambda x: x != x),
    "is_inf": Spec(lambda x: (x == INF) | (x == -INF)),
    "is_finite": Spec(lambda x: (x == x) & (x != INF) & (x != -INF)),
    "logical_not": Spec(lambda x: ~x),
}

BINARY = {
    "add": Spec(lambda a, b: a + b, ints=(-999, 999), kind="basic"),
    "sub": Spec(lambda a, b: a - b, ints=(-999, 999), kind="basic"),
    "mul": Spec(lambda a, b: a * b, ints=(-99, 99), kind="basic", signed_zero=True),
    "div": Spec(lambda a, b: _int_floor_div(a, b) if a.dtype.kind == "i" else a / b, ints=(-20, 20), kind="basic"),
    "floor_div": Spec(lambda a, b: _int_floor_div(a, b) if a.dtype.kind == "i" else np.floor(a / b),
                      ints=(-20, 20), specials=NO_INF, kind=None, fix=_quotients_away_from_integers),
    "mod": Spec(lambda a, b: np.where(b == 0, 0, a - b * _int_floor_div(a, b)) if a.dtype.kind == "i" else
                a - b * np.floor(a / b),
                ints=(-20, 20), specials=NO_INF, kind="basic", fix=_quotients_away_from_integers),
    "pow": Spec(lambda a, b: _int_pow(a, b) if a.dtype.kind == "i" else a ** b, ((-3, 3), (-3, 3)),
                ((-4, 4), (-3, 5)), fix=_int_powers),  # 1 ** nan is 1 (NumPy; JavaScript's is NaN)
    "maximum": Spec(lambda a, b: _nan_or(a, b, np.where(a > b, a, b)), kind=None),
    "minimum": Spec(lambda a, b: _nan_or(a, b, np.where(a < b, a, b)), kind=None),
    "squared_difference": Spec(lambda a, b: (a - b) * (a - b), ints=(-99, 99), kind="basic"),
    "atan2": Spec(np.arctan2, signed_zero=True),
    "prelu": Spec(lambda x, alpha: np.where(x > 0, x, alpha * x), kind="basic"),
    "equal": Spec(lambda a, b: a == b),
    "not_equal": Spec(lambda a, b: a != b),
    "less": Spec(lambda a, b: a < b),
    "less_equal": Spec(lambda a, b: a <= b),
    "greater": Spec(lambda a, b: a > b),
    "greater_equal": Spec(lambda a, b: a >= b),
    "logical_and": Spec(lambda a, b: a & b),
    "logical_or": Spec(lambda a, b: a | b),
    "logical_xor": Spec(lambda a, b: a ^ b),
}
OPERATORS = {"add": "+", "sub": "-", "mul": "*", "floor_div": "//", "mod": "%", "pow": "**",
             "equal": "==", "not_equal": "!=", "less": "<", "less_equal": "<=", "greater": ">",
             "greater_equal": ">=", "logical_and": "&", "logical_or": "|", "logical_xor": "^"}
UNARY_OPERATORS = {"neg": lambda x: -x, "abs": abs, "logical_not": lambda x: ~x}


def result_dtype(rule, *dtypes):
    """(compute dtype, result dtype) of an elementwise op under its optable rule."""
    common = max(dtypes, key=RANK.__getitem__)
    compute = {optable.FLOAT: "float32", optable.LOGICAL: "bool"}.get(rule, common)
    return compute, "bool" if rule in (optable.TEST, optable.LOGICAL) else compute


def weak_dtype(number, other):
    """The dtype a Python number takes next to a tensor of dtype `other`."""
    if isinstance(number, bool):
        return other
    if isinstance(number, int):
        return "int32" if other in ("int32", "bool") else "float32"
    return "float32"


def calc(x, dtype):
    """Operand values in the dtype the op computes in, widened for the reference."""
    x = np.asarray(x).astype(NP[dtype])
    return x.astype({"float32": np.float64, "int32": np.int64, "bool": np.bool_}[dtype])


def reference(spec, compute, out, *xs):
    with np.errstate(all="ignore"):
        return np.asarray(spec.ref(*[calc(x, compute) for x in xs])).astype(NP[out])


def operand_dtypes(g, rule, arity):
    if rule == optable.LOGICAL:
        return ("bool",) * arity
    choices = ["float32", "float32", "int32", "bool"]
    while True:
        dtypes = tuple(str(g.choice(choices)) for _ in range(arity))
        # tfjs defines no arithmetic on bool alone (its values wrap in a Uint8Array): a SAME op
        # gets bool only next to a number
        if rule != optable.SAME or set(dtypes) != {"bool"}:
            return dtypes


def draw(g, spec, side, shape, dtype):
    dom = spec.dom[side] if isinstance(spec.dom[0], tuple) else spec.dom
    ints = spec.ints[side] if spec.ints and isinstance(spec.ints[0], tuple) else spec.ints
    return values(g, shape, dtype, dom[0], dom[1], ints, spec.specials)


def allowed_dtypes(spec, rule, dtypes):
    if "int32" in dtypes and spec.ints is None:
        return False
    return not (rule == optable.FLOAT and "bool" in dtypes and not spec.dom[0] <= 0 < 1 <= spec.dom[1])


# ---------------------------------------------------------------- elementwise tests

def test_every_optable_row_has_a_reference():
    assert set(UNARY) == set(optable.UNARY)
    assert set(BINARY) == set(optable.BINARY)


@pytest.mark.parametrize("name", sorted({**optable.UNARY, **optable.BINARY}))
def test_optable_numpy_functions_agree_with_the_references(name):
    """The cross-check: each row's NumPy function (the CPU backend) against the reference."""
    row = {**optable.UNARY, **optable.BINARY}[name]
    spec = (UNARY if row.arity == 1 else BINARY)[name]
    g = generator("numpy", name)
    for dtype in ("float32", "int32", "bool"):
        dtypes = (dtype,) * row.arity
        if (row.dtype == optable.LOGICAL) != (dtype == "bool") and row.dtype != optable.TEST \
                or not allowed_dtypes(spec, row.dtype, dtypes) or name == "div" and dtype == "int32":
            continue  # (wt.div sends int32 operands to floor_div, never to this row)
        compute, out = result_dtype(row.dtype, *dtypes)
        xs = operands(g, spec, row, [(12,)] * row.arity, [compute] * row.arity)
        with np.errstate(all="ignore"):
            got = np.asarray(row.numpy(*xs)).astype(NP[out])
        want = reference(spec, compute, out, *xs)
        if out == "float32":
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, equal_nan=True,
                                       err_msg=f"{name} {show(*xs)}")
        else:
            np.testing.assert_array_equal(got, want, err_msg=f"{name} {show(*xs)}")


def operands(g, spec, row, shapes, dtypes):
    """Operands for one case, drawn again until the spec's fix accepts them."""
    while True:
        xs = [draw(g, spec, i, s, d) for i, (s, d) in enumerate(zip(shapes, dtypes))]
        fixed = spec.fix(result_dtype(row.dtype, *dtypes)[0], *xs) if spec.fix else xs
        if fixed is not None:
            return list(fixed)


@pytest.mark.parametrize("name", sorted(optable.UNARY))
def test_unary(backend, name):
    row, spec = optable.UNARY[name], UNARY[name].on(backend)
    g = generator("unary", name)
    for case in range(n_cases(8)):
        (dtype,) = operand_dtypes(g, row.dtype, 1)
        if not allowed_dtypes(spec, row.dtype, (dtype,)):
            dtype = "float32"
        shape = rand_shape(g)
        x = draw(g, spec, 0, shape, dtype)
        compute, out = result_dtype(row.dtype, dtype)
        style = str(g.choice(["function", "method", "operator" if name in UNARY_OPERATORS else "list"]))
        what = f"case {case}: {style} {name}({dtype} {shape} {show(x)})"
        with wt.tidy():
            if style == "list" and dtype != "int32" and x.size:  # Python floats/bools: float32/bool tensors
                got = getattr(wt, name)(x.tolist())
            else:
                t = wt.tensor(x)
                got = (UNARY_OPERATORS[name](t) if style == "operator" else
                       getattr(t, name)() if style == "method" else getattr(wt, name)(t))
            check(got, reference(spec, compute, out, x), out, what,
                  spec.kind and tol(backend, spec.kind), spec.signed_zero)


def call_binary(name, style, a, b):
    if style == "operator":
        return eval(f"a {OPERATORS[name]} b", {"a": a, "b": b})  # noqa: S307  (a fixed table)
    if style == "method":
        return getattr(a, name)(b)
    return getattr(wt, name)(a, b)


def binary_case(g, row, spec):
    """(a, b, dtype of a, dtype of b): arrays, or one of them a Python number."""
    while True:
        dtypes = operand_dtypes(g, row.dtype, 2)
        if not allowed_dtypes(spec, row.dtype, dtypes):
            dtypes = ("float32", "float32")
        a, b = operands(g, spec, row, broadcast_pair(g), dtypes)
        side = int(g.integers(0, 8))  # 0: a becomes a Python number, 1: b does
        if side > 1 or not (a, b)[side].size:
            return a, b, dtypes[0], dtypes[1]
        number = (a, b)[side].reshape(-1)[0].item()  # a Python float, int or bool
        other = dtypes[1 - side]
        dtype = weak_dtype(number, other)
        if row.dtype == optable.LOGICAL and not isinstance(number, bool) \
                or row.dtype == optable.SAME and dtype == other == "bool":
            continue  # see operand_dtypes
        a, b = (number, b) if side == 0 else (a, number)
        fixed = spec.fix(result_dtype(row.dtype, dtype, other)[0], a, b) if spec.fix else (a, b)
        if fixed is None:
            continue
        a, b = fixed
        return (a, b, dtype, other) if side == 0 else (a, b, other, dtype)


@pytest.mark.parametrize("name", sorted(optable.BINARY))
def test_binary(backend, name):
    row, spec = optable.BINARY[name], BINARY[name].on(backend)
    g = generator("binary", name)
    for case in range(n_cases(10)):
        a, b, da, db = binary_case(g, row, spec)
        style = str(g.choice(["function", "method", "operator"]))
        if style == "operator" and name not in OPERATORS or style == "method" and not isinstance(a, np.ndarray):
            style = "function"
        compute, out = result_dtype(row.dtype, da, db)
        what = f"case {case}: {style} {name}({da} {np.shape(a)} {show(a)}, {db} {np.shape(b)} {show(b)})"
        with wt.tidy():
            got = call_binary(name, style, wt.tensor(a) if isinstance(a, np.ndarray) else a,
                              wt.tensor(b) if isinstance(b, np.ndarray) else b)
            check(got, reference(spec, compute, out, a, b), out, what,
                  spec.kind and tol(backend, spec.kind), spec.signed_zero)
    with wt.tidy(), pytest.raises(ValueError, match=f"{name}.*broadcast"):
        getattr(wt, name)(wt.zeros([2, 3], "bool"), wt.zeros([4, 3], "bool"))


def test_true_division_operator(backend):
    """`/` divides in float32 whatever the dtypes (wt.div floors two int32s: test_binary)."""
    g = generator("truediv")
    for case in range(n_cases(10)):
        sa, sb = broadcast_pair(g)
        da, db = (str(g.choice(["float32", "int32", "bool"])) for _ in range(2))
        a = values(g, sa, da, ints=(-20, 20))
        b = values(g, sb, db, ints=(-20, 20)) if case % 3 else int(g.integers(-3, 4))
        with wt.tidy():
            got = wt.tensor(a) / (wt.tensor(b) if case % 3 else b)
            with np.errstate(all="ignore"):
                want = calc(a, "float32") / calc(b, "float32")
            check(got, want, "float32", f"case {case}: {show(a)} / {show(b)}", tol(backend))


# ---------------------------------------------------------------- reductions

def rand_axes(g, rank):
    """None, an int, [] or a list/tuple of distinct axes, each maybe negative."""
    kind = int(g.integers(0, 5)) if rank else int(g.integers(0, 2)) * 2
    if kind == 0:
        return None
    if kind == 1:
        return int(g.integers(-rank, rank))
    if kind == 2:
        return []
    axes = [int(a) - (rank if g.random() < 0.5 else 0) for a in g.permutation(rank)[:g.integers(1, rank + 1)]]
    return axes if kind == 3 else tuple(axes)


def _extremum(f, empty):
    def ref(x, axes, keep):
        if x.size == 0 or 0 in [x.shape[a] for a in axes]:
            # an empty extremum is its identity for floats and 0 for int32 (what tfjs leaves)
            shape = [1 if i in axes else d for i, d in enumerate(x.shape)] if keep else \
                [d for i, d in enumerate(x.shape) if i not in axes]
            return np.full(shape, empty if x.dtype.kind == "f" else 0, x.dtype)
        return f(x, axis=axes, keepdims=keep)
    return ref


REDUCTIONS = {  # name: (reference on float64/int64 values, result dtype for each input dtype)
    "sum": (lambda x, axes, keep: np.sum(x, axis=axes, keepdims=keep), None),
    "prod": (lambda x, axes, keep: np.prod(x, axis=axes, keepdims=keep), None),
    "max": (_extremum(np.max, -INF), None), "min": (_extremum(np.min, INF), None),
    "any": (lambda x, axes, keep: np.any(x != 0, axis=axes, keepdims=keep), "bool"),
    "all": (lambda x, axes, keep: np.all(x != 0, axis=axes, keepdims=keep), "bool"),
    "mean": (lambda x, axes, keep: np.mean(x, axis=axes, keepdims=keep), "float32"),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS) + ["argmax", "argmin"])
def test_reduction(backend, name):
    g = generator("reduce", name)
    for case in range(n_cases(12)):
        shape = rand_shape(g)
        dtype = str(g.choice(["float32", "float32", "int32", "bool"]))
        # NaN: tfjs's argmax skips it, NumPy's returns it, no agreed answer
        x = values(g, shape, dtype, specials=SPECIALS[1:] if name.startswith("arg") else SPECIALS)
        if name in ("prod", "mean") and dtype == "float32":
            x = np.where(np.abs(x) > 2, x / 2, x).astype(np.float32)  # products of 100 numbers in float32
        if name == "prod" and dtype == "int32":
            x = np.clip(x, -1, 2) if x.size < 20 else np.clip(x, -1, 1)  # no int32 overflow
        keep = bool(g.random() < 0.4)
        with wt.tidy():
            t = wt.tensor(x)
            if name.startswith("arg"):
                if not shape or 0 in shape:
                    continue
                axis = int(g.integers(-len(shape), len(shape)))
                what = f"case {case}: {name}({dtype} {shape} {show(x)}, axis={axis})"
                f = np.argmax if name == "argmax" else np.argmin
                check(getattr(t, name)(axis), f(calc(x, dtype), axis=axis), "int32", what)
                continue
            axis = rand_axes(g, len(shape))
            axes = tuple(range(len(shape))) if axis is None else \
                tuple(sorted(a % len(shape) for a in ([axis] if isinstance(axis, int) else axis)))
            ref, out = REDUCTIONS[name]
            out = out or ("float32" if dtype == "float32" else "int32")
            what = f"case {case}: {name}({dtype} {shape} {show(x)}, axis={axis}, keep_dims={keep})"
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # the mean of nothing
                want = ref(calc(x, "float32" if dtype == "float32" else "int32"), axes, keep)
            got = getattr(wt, name)(t, axis, keep) if case % 2 else getattr(t, name)(axis=axis, keep_dims=keep)
            check(got, want, out, what, tol(backend))


# ---------------------------------------------------------------- matmul

@pytest.mark.parametrize("kind", ["matmul", "dot"])
def test_matmul(backend, kind):
    g = generator("matmul", kind)
    for case in range(n_cases(24)):
        m, k, n = (int(g.choice([0, 1, 2, 3, 5], p=[0.1, 0.2, 0.3, 0.2, 0.2])) for _ in range(3))
        dtype = str(g.choice(["float32", "float32", "int32"]))
        if kind == "dot":  # rank 1 or 2 operands: wt.dot and `@`
            sa, sb = [(m, k), (k,)][int(g.integers(0, 2))], [(k, n), (k,)][int(g.integers(0, 2))]
            ta = tb = False
        else:
            ba, bb = broadcast_pair(g, max_rank=2)
            ta, tb = bool(g.random() < 0.5), bool(g.random() < 0.5)
            sa, sb = ba + ((k, m) if ta else (m, k)), bb + ((n, k) if tb else (k, n))
        a, b = values(g, sa, dtype, -2, 2, (-5, 5), ()), values(g, sb, dtype, -2, 2, (-5, 5), ())
        a64, b64 = calc(a, "float32"), calc(b, "float32")
        want = np.matmul(np.swapaxes(a64, -1, -2) if ta else a64, np.swapaxes(b64, -1, -2) if tb else b64) \
            if kind == "matmul" else np.dot(a64, b64)
        what = f"case {case}: {kind}({dtype} {sa}, {dtype} {sb}, transpose_a={ta}, transpose_b={tb})"
        with wt.tidy():
            x, y = wt.tensor(a), wt.tensor(b)
            style = int(g.integers(0, 3))
            if style == 0 and not (ta or tb):
                got = x @ y
            elif kind == "dot":
                got = wt.dot(x, y) if style == 1 else x.dot(y)
            else:
                got = wt.matmul(x, y, ta, tb) if style == 1 else x.matmul(y, transpose_a=ta, transpose_b=tb)
            check(got, want, "float32", what, tol(backend))


# ---------------------------------------------------------------- indexing

def rand_slice(g, d):
    def end():
        return None if g.random() < 0.3 else int(g.integers(-d - 2, d + 3))
    return slice(end(), end(), [None, 1, 2, 3, -1, -2, -3][int(g.integers(0, 7))])


def rand_key(g, shape):
    """A key for t[...]: an int or bool list (or array), or ints, slices, None and one ... ."""
    rank, r = len(shape), g.random()
    if rank and r < 0.1:
        return [bool(v) for v in g.random(shape[0]) < 0.5]
    if rank and r < 0.2:
        idx = [int(v) for v in g.integers(-shape[0], shape[0], int(g.integers(0, 4)))] if shape[0] else []
        return idx if r < 0.17 else np.array(idx, np.int32)
    items = [int(g.integers(-d, d)) if d and g.random() < 0.3 else
             slice(None) if g.random() < 0.3 else rand_slice(g, d) for d in shape]
    if rank and g.random() < 0.05:
        items[0] = int(g.choice([shape[0], -shape[0] - 1]))  # out of range: IndexError
    if g.random() < 0.5:  # a run of whole axes becomes ..., or is left out at the end
        i = int(g.integers(0, rank + 1))
        j = i + next((n for n, k in enumerate(items[i:]) if k != slice(None)), rank - i)
        items[i:j] = [Ellipsis] if g.random() < 0.6 or j < rank else []
    for _ in range(int(g.integers(0, 3)) if g.random() < 0.4 else 0):
        items.insert(int(g.integers(0, len(items) + 1)), None)
    return items[0] if len(items) == 1 and g.random() < 0.5 else tuple(items)


def test_getitem(backend):
    g = generator("getitem")
    for case in range(n_cases(80)):
        shape = rand_shape(g, min_rank=int(g.random() < 0.9))
        x = any_values(g, shape, backend)
        key = rand_key(g, shape)
        what = f"case {case}: {x.dtype} {shape}[{key!r}]"
        with wt.tidy():
            t = wt.tensor(x)
            try:
                want = x[key]
            except IndexError:
                with pytest.raises(IndexError):
                    t[key]
                continue
            check(t[key], want, t.dtype, what, signed_zero=True)
            if isinstance(key, list) and key and not isinstance(key[0], bool) and min(key) >= 0:
                check(t[wt.tensor(np.array(key, np.int32))], want, t.dtype, what + " as a tensor")


# ---------------------------------------------------------------- shape ops

def _factor_shape(g, size):
    """A random shape of `size` elements (rank 0 to 4)."""
    if size == 0:
        shape = list(rand_shape(g, min_rank=1))
        shape[int(g.integers(0, len(shape)))] = 0
        return shape
    dims = [1] * int(g.integers(1 if size > 1 else 0, 5))
    n, p = size, 2
    while n > 1:
        while n % p == 0:
            dims[int(g.integers(0, len(dims)))] *= p
            n //= p
        p += 1
    return dims


def refuse(why):
    raise ValueError(why)


def case_reshape(g, x):
    shape = _factor_shape(g, x.size) if g.random() < 0.9 else [x.size + 1]
    if shape and g.random() < 0.5:
        shape[int(g.integers(0, len(shape)))] = -1
    return (f"reshape {shape}", lambda t: wt.reshape(t, shape) if len(shape) % 2 else t.reshape(shape),
            lambda: x.reshape(shape))


def case_transpose(g, x):
    perm = None if g.random() < 0.3 else [int(p) for p in g.permutation(x.ndim)]
    return f"transpose {perm}", lambda t: wt.transpose(t, perm), lambda: np.transpose(x, perm)


def dtype_of(x):
    return "bool" if x.dtype == bool else x.dtype.name


def case_concat(g, x):
    if not x.ndim:
        x = x.reshape(1)
    axis = int(g.integers(-x.ndim, x.ndim))
    parts = [x]
    for _ in range(int(g.integers(0, 4))):
        shape = list(x.shape)
        shape[axis] = int(g.integers(0, 4))
        # mostly x's dtype; others are upcast to the common one
        parts.append(values(g, tuple(shape), dtype_of(x) if g.random() < 0.7 else str(g.choice(list(NP)))))
    dtype = max(map(dtype_of, parts), key=RANK.__getitem__)
    return (f"concat axis {axis} of {[p.shape for p in parts]}",
            lambda t: wt.concat([t] + [wt.tensor(p) for p in parts[1:]], axis),
            lambda: np.concatenate(parts, axis).astype(NP[dtype]), x)


def case_stack(g, x):
    axis = int(g.integers(-x.ndim - 1, x.ndim + 1))
    parts = [x] + [values(g, x.shape, dtype_of(x)) for _ in range(int(g.integers(0, 3)))]
    return (f"stack axis {axis} of {len(parts)}",
            lambda t: wt.stack([t] + [wt.tensor(p) for p in parts[1:]], axis), lambda: np.stack(parts, axis))


def case_split(g, x):
    if not x.ndim:
        x = x.reshape(1)
    axis = int(g.integers(-x.ndim, x.ndim))
    n = x.shape[axis]
    if g.random() < 0.5:
        num = int(g.choice([k for k in range(1, 6) if n % k == 0]))
        sizes = [n // num] * num
    else:
        cuts = np.sort(g.integers(0, n + 1, int(g.integers(0, 3))))
        sizes = np.diff(np.concatenate([[0], cuts, [n]])).tolist()
        num = list(sizes)
        if g.random() < 0.5:
            num[int(g.integers(0, len(num)))] = -1
    return (f"split {num} axis {axis}", lambda t: wt.split(t, num, axis),
            lambda: np.split(x, np.cumsum(sizes)[:-1], axis), x)


def case_slice(g, x):
    begin = [int(g.integers(0, d + 1)) for d in x.shape]
    size = [int(g.integers(-1, d - b + 1)) for d, b in zip(x.shape, begin)]
    k = int(g.integers(0, x.ndim + 1))  # begin and size may cover the leading axes only
    begin, size = begin[:k], size[:k]
    key = tuple(slice(b, None if s == -1 else b + s) for b, s in zip(begin, size))
    return f"slice {begin} {size}", lambda t: wt.slice(t, begin, size), lambda: x[key]


def case_pad(g, x):
    paddings = [[int(v) for v in g.integers(0, 3, 2)] for _ in x.shape]
    value = {np.float32: -2.5, np.int32: 7, np.bool_: 1}[x.dtype.type] if g.random() < 0.5 else 0
    return (f"pad {paddings} {value}", lambda t: wt.pad(t, paddings, value),
            lambda: np.pad(x, paddings, constant_values=value) if x.ndim else refuse("tfjs pads no scalar"))


def case_tile(g, x):
    reps = [int(r) for r in g.integers(0, 4, x.ndim)]
    return f"tile {reps}", lambda t: wt.tile(t, reps), lambda: np.tile(x, reps).reshape(
        [d * r for d, r in zip(x.shape, reps)])


def case_reverse(g, x):
    axis = rand_axes(g, x.ndim)
    return f"reverse {axis}", lambda t: wt.reverse(t, axis), lambda: np.flip(
        x, None if axis is None else tuple(axis) if not isinstance(axis, int) else axis) if x.ndim else x


def case_squeeze(g, x):
    ones = [i - (x.ndim if g.random() < 0.5 else 0) for i, d in enumerate(x.shape) if d == 1 and g.random() < 0.6]
    axis = None if g.random() < 0.3 else ones if g.random() < 0.9 or not x.ndim else [int(g.integers(0, x.ndim))]
    return (f"squeeze {axis}", lambda t: wt.squeeze(t, axis),
            lambda: np.squeeze(x, None if axis is None else tuple(axis)))


def case_expand_dims(g, x):
    axis = int(g.integers(-x.ndim - 1, x.ndim + 1))
    return f"expand_dims {axis}", lambda t: wt.expand_dims(t, axis), lambda: np.expand_dims(x, axis)


def case_gather(g, x):
    if not x.ndim:
        x = x.reshape(1)
    axis = int(g.integers(-x.ndim, x.ndim))
    n = x.shape[axis]
    idx = np.asarray(g.integers(-1, n + 2, rand_shape(g, max_rank=2)), np.int32)

    def ref():  # out of range (also negative) indices give zeros
        valid = (idx >= 0) & (idx < n)
        taken = np.take(x, np.where(valid, idx, 0), axis=axis) if n else \
            np.zeros(x.shape[:axis % x.ndim] + idx.shape + x.shape[axis % x.ndim + 1:], x.dtype)
        mask = valid.reshape((1,) * (axis % x.ndim) + idx.shape + (1,) * (x.ndim - axis % x.ndim - 1))
        return np.where(mask, taken, np.zeros((), x.dtype))
    return f"gather {show(idx)} axis {axis}", lambda t: wt.gather(t, wt.tensor(idx), axis), ref, x


def case_broadcast_to(g, x):
    shape = [int(g.choice([d, 3] if d == 1 else [d])) for d in x.shape]
    shape = [int(d) for d in g.integers(1, 3, int(g.integers(0, 2)))] + shape
    return f"broadcast_to {shape}", lambda t: wt.broadcast_to(t, shape), lambda: np.broadcast_to(x, shape)


SHAPE_CASES = {f.__name__[5:]: f for f in [case_reshape, case_transpose, case_concat, case_stack, case_split,
                                            case_slice, case_pad, case_tile, case_reverse, case_squeeze,
                                            case_expand_dims, case_gather, case_broadcast_to]}


@pytest.mark.parametrize("name", sorted(SHAPE_CASES))
def test_shape_op(backend, name):
    g = generator("shape", name)
    for case in range(n_cases(16)):
        x = any_values(g, rand_shape(g), backend)
        what, f, ref, *given = SHAPE_CASES[name](g, x)
        x = given[0] if given else x
        what = f"case {case}: {what} of {x.dtype} {x.shape} {show(x)}"
        with wt.tidy():
            t = wt.tensor(x)
            try:
                want = ref()
            except ValueError:
                with pytest.raises(ValueError, match=name):
                    f(t)
                continue
            got = f(t)
            for y, w in zip(got, want) if isinstance(got, list) else [(got, want)]:
                check(y, w, dtype_of(w), what, signed_zero=True)
            if isinstance(got, list):
                assert len(got) == len(want), what


# ---------------------------------------------------------------- casts

FLOAT_EDGES = [0.0, -0.0, 0.5, -0.5, 0.99999994, -1.5, 2.5, -2.7, NAN, INF, -INF, 2.0 ** 24, 2.0 ** 24 + 2,
               2.0 ** 24 + 1, 2.0 ** 31 - 128, 2.0 ** 31, -2.0 ** 31, -2.0 ** 31 - 256, 1e10, -1e10, 3.4e38, 1e-45]
INT_EDGES = [0, 1, -1, 2 ** 24, 2 ** 24 + 1, -2 ** 24 - 1, 2 ** 31 - 1, -2 ** 31, 2 ** 31 - 65, 123456789]


def cast_reference(x, dtype):
    """float -> int32 truncates toward zero, NaN is 0 and the rest saturates (as wt.tensor does)."""
    if dtype == "bool":
        return x != 0
    if dtype == "int32" and x.dtype.kind == "f":
        x = np.clip(np.trunc(np.nan_to_num(x.astype(np.float64), nan=0.0)), -2 ** 31, 2 ** 31 - 1)
    return x.astype(NP[dtype])


def held(x, backend):
    """The values a backend holds exactly. WebGL: int32 is float32 on textures, exact to 2**24,
    and GPUs flush float32 subnormals to zero (both inherent to float32 textures). (Float32 casts
    to int32 are exact there: truncated float32 values are float32 values.)"""
    if backend != "webgl":
        return x
    a = np.abs(x.astype(np.float64))
    if x.dtype.kind == "i":
        return x[a <= 2 ** 24]
    return x[np.isnan(a) | (a == 0) | (a >= np.finfo(np.float32).tiny)]


def cast_values(g, shape, dtype, backend):
    if dtype == "bool":
        return values(g, shape, "bool")
    edges = held(np.asarray(FLOAT_EDGES if dtype == "float32" else INT_EDGES, NP[dtype]), backend)
    x = values(g, shape, dtype, -300, 300, (-300, 300))
    return np.where(g.random(shape) < 0.5, edges[g.integers(0, len(edges), shape)], x).astype(NP[dtype])


CASTS = {"cast": lambda t, d: wt.cast(t, d), "method": lambda t, d: t.cast(d),
         "as_type": lambda t, d: t.as_type(d),
         "to": lambda t, d: {"float32": t.to_float, "int32": t.to_int, "bool": t.to_bool}[d]()}


def test_cast(backend):
    g = generator("cast")
    for case in range(n_cases(30)):
        src, dst = (str(g.choice(list(NP))) for _ in range(2))
        x = cast_values(g, rand_shape(g), src, backend)
        style = str(g.choice(list(CASTS)))
        what = f"case {case}: {style} {src} {x.shape} {show(x)} to {dst}"
        with wt.tidy():
            got = CASTS[style](wt.tensor(x), dst)
            check(got, cast_reference(x, dst), dst, what, signed_zero=True)
            if src == "float32" and dst == "int32":  # tensor() converts as cast() does, but refuses
                finite = x[np.isfinite(x)].astype(np.float64)  # numbers out of the int32 range
                if finite.size and (finite.min() < -2 ** 31 or finite.max() >= 2 ** 31):
                    with pytest.raises(ValueError, match="int32 range"):
                        wt.tensor(x, dtype="int32")
                else:
                    check(wt.tensor(x, dtype="int32"), cast_reference(x, dst), dst, what + " by tensor()")


def test_cast_edges(backend):
    """Every edge value at once, in both directions, and back."""
    for src, edges in (("float32", FLOAT_EDGES), ("int32", INT_EDGES)):
        x = held(np.asarray(edges, NP[src]), backend)
        with wt.tidy():
            t = wt.tensor(x)
            for dst in NP:
                check(wt.cast(t, dst), cast_reference(x, dst), dst, f"{src} {show(x)} to {dst}", signed_zero=True)
                back = cast_reference(cast_reference(x, dst), src)
                check(wt.cast(wt.cast(t, dst), src), back, src, f"{src} {show(x)} to {dst} and back",
                      signed_zero=True)


# ---------------------------------------------------------------- what the generator found

I32, F32 = np.int32, np.float32
PI = F32(np.pi)


def f32(*v):
    return wt.tensor(F32(v))


REGRESSIONS = {  # id: (what was wrong, the op, its NumPy value); signs of zeros count
    "div": ("div(bool, int32) truncated instead of flooring",
            lambda: wt.div(wt.tensor([True]), wt.tensor(I32([-7]))), I32([-1])),
    "dot": ("dot with an inner size 0 failed in reshape", lambda: wt.dot(wt.zeros([2, 0]), wt.zeros([0])),
            np.zeros(2, F32)),
    "matmul": ("matmul of an empty batch with an unbatched operand got a batch of 1",
               lambda: wt.matmul(wt.ones([3, 2]), wt.ones([0, 2, 4])), np.zeros((0, 3, 4), F32)),
    "gather": ("gather from an axis of size 0 (np.take raised): out of range gives zeros",
               lambda: wt.gather(wt.zeros([2, 0], "int32"), wt.tensor(I32([0, 1])), 1), np.zeros((2, 2), I32)),
    "cast": ("cast of inf and of floats past the int32 range gave -2**31 (WebGL: when read): it saturates",
             lambda: wt.cast(f32(INF, -INF, 1e10, 2.0 ** 31, NAN), "int32"),
             I32([2 ** 31 - 1, -2 ** 31, 2 ** 31 - 1, 2 ** 31 - 1, 0])),
    "tensor": ("tensor(float32 inf, 'int32') was refused (2**31 - 1 rounded up in float32)",
               lambda: wt.tensor(F32([INF, -INF]), dtype="int32"), I32([2 ** 31 - 1, -2 ** 31])),
    # WebGL: GLSL leaves these undefined, or SwiftShader gets them wrong
    "cast_zero": ("WebGL: an int32 -0.0 (trunc(-0.5), -0) came back as a float32 -0.0",
                  lambda: wt.concat([wt.cast(wt.cast(f32(-0.5, 0.5), "int32"), "float32"),
                                     wt.cast(wt.neg(wt.tensor(I32([0]))), "float32")]), F32([0, 0, 0])),
    "pow_int": ("WebGL: int32 powers were rounded, so 2 ** -1 was 1",
                lambda: wt.pow(wt.tensor(I32([2, -2, 1, -1, 3, -3])), wt.tensor(I32([-1, -1, -3, -3, 2, 3]))),
                I32([0, 0, 1, -1, 9, -27])),
    "pow_zero": ("WebGL: 0 ** y was exp2(y * log2(0)), and SwiftShader's log2(0) is finite",
                 lambda: wt.pow(f32(0, 0, -0.0, -0.0, -0.0, 0), f32(0.4, -0.8, -1, 3, 0.5, 0)),
                 F32([0, INF, -INF, -0.0, 0, 1])),
    "pow_special": ("WebGL: 1 ** inf and 1 ** nan were inf, (-inf) ** 0.5 NaN, 2 ** nan inf",
                    lambda: wt.pow(f32(1, 1, -1, 2, NAN, -INF, -INF, NAN), f32(INF, NAN, -INF, NAN, 0, 0.5, 3, 1)),
                    F32([1, 1, 1, NAN, 1, INF, -INF, NAN])),
    "atanh": ("WebGL: atanh(-1) was -44, atanh(2) 0.549", lambda: wt.atanh(f32(-1, 1, 2, -INF)),
              F32([-INF, INF, NAN, NAN])),
    "acosh": ("WebGL: acosh(x < 1) was 89.1", lambda: wt.acosh(f32(0.5, 0, -INF, 1)), F32([NAN, NAN, NAN, 0])),
    "asinh": ("WebGL: asinh(-inf) was 89.1", lambda: wt.asinh(f32(-INF, INF)), F32([-INF, INF])),
    "log1p": ("WebGL: log1p(-1) was -88, log1p(-2) 0", lambda: wt.log1p(f32(-1, -2, -1.5, INF, -INF)),
              F32([-INF, NAN, NAN, INF, NAN])),
    "atan2": ("WebGL: atan2 ignored the sign of a zero y",
              lambda: wt.atan2(f32(0, -0.0, -0.0, 0, -0.0), f32(-0.0, 0, -6, 6, -0.0)), F32([PI, -0.0, -PI, 0, -PI])),
    "prelu": ("WebGL: the NaN check made prelu(4, alpha=nan) NaN",
              lambda: wt.prelu(f32(4, -1, NAN), f32(NAN, NAN, 2)), F32([4, NAN, NAN])),
    "min_max": ("WebGL: min and max lost NaN in the fold of their vec4 accumulator",
                lambda: wt.stack([f(f32(NAN, -INF, -INF, -0.89, 1, 2, 3, 4)) for f in (wt.min, wt.max)]
                                 + [f(f32(1, 2, 3, 4, 5, NAN, 6, 7)) for f in (wt.min, wt.max)]),
                F32([NAN, NAN, NAN, NAN])),
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_regression(backend, name):
    what, f, want = REGRESSIONS[name]
    with wt.tidy():
        check(f(), want, dtype_of(want), what, signed_zero=True)


def test_pad_refuses_a_scalar(backend):
    with wt.tidy(), pytest.raises(ValueError, match="pad: argument 'x' must have rank >= 1"):
        wt.pad(wt.scalar(1.0), [])

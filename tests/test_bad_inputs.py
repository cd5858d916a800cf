"""A catalogue of bad and unusual inputs across the API (issue 15). Every case either gives the
right result or raises an error of the right class whose message names the op and the argument;
either way wt.memory() ends where it started and no tensor passed in is disposed.

Each case: an id, the inputs (NumPy arrays become tensors before the call; callables make other
objects: variables, disposed tensors, models), the call, and what is expected: ok(value) or
err(exception class, op, argument). The helpers below build the cases in families."""
import asyncio
import math
import re

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, run, tol
from webtensor.engine import ENGINE

NAN, INF = float("nan"), float("inf")
I32_MAX, I32_MIN = 2 ** 31 - 1, -2 ** 31


# ---------------------------------------------------------------- expectations

class Ok:
    def __init__(self, check):
        self.check = check  # check(result, backend) raises AssertionError when the result is wrong


class Err:
    def __init__(self, exc, pattern):
        self.exc, self.pattern = exc, pattern


def ok(expected=None, dtype=None):
    """The result equals `expected` (values, shape and dtype; a list of arrays for a list result)."""
    def check(result, backend):
        if isinstance(expected, list) and expected and isinstance(expected[0], np.ndarray):
            assert isinstance(result, (list, tuple)) and len(result) == len(expected), f"got {result!r}"
            for r, e in zip(result, expected):
                assert_close(r, e, **tol(backend, "trans"))
        elif isinstance(result, wt.Tensor):
            assert_close(result, np.asarray(expected), dtype=dtype, **tol(backend, "trans"))
        else:
            assert result == expected, f"got {result!r}, expected {expected!r}"
    return Ok(check)


def ok_if(predicate, what):
    """The result satisfies predicate(result) (for random values, structures, numbers)."""
    def check(result, backend):
        assert predicate(result), f"{what}: got {result!r}"
    return Ok(check)


def err(exc, op, arg=""):
    """An exception of class exc (or one of a tuple) whose message names op, then arg (regexes)."""
    return Err(exc, f"{op}.*{arg}" if arg else op)


# ---------------------------------------------------------------- inputs

def f(*shape):
    """float32 0, 1, 2, ... of a shape (a list: those values)."""
    if len(shape) == 1 and isinstance(shape[0], list):
        return np.asarray(shape[0], np.float32)
    return np.arange(math.prod(shape), dtype=np.float32).reshape(shape)


def i(*shape):
    if len(shape) == 1 and isinstance(shape[0], list):
        return np.asarray(shape[0], np.int32)
    return np.arange(math.prod(shape), dtype=np.int32).reshape(shape)


def b(*shape):
    return np.arange(math.prod(shape)).reshape(shape) % 2 == 0


def disposed(shape=(2,)):
    t = wt.zeros(shape)
    t.dispose()
    return t


def var(values=(1.0, 2.0)):
    return lambda: wt.variable(np.asarray(values, np.float32))


def make(spec):
    if isinstance(spec, (np.ndarray, np.generic)):
        return wt.tensor(spec)
    return spec() if callable(spec) else spec


# ---------------------------------------------------------------- the table

CASES, _IDS = [], set()


class XFail(str):
    """As a case's last input: the reason it cannot be fixed in this task's files."""


class XFailOn(XFail):
    """As XFail, on some backends only (the backend fixture's params: 'webgl', 'webgl+host')."""

    def __new__(cls, backends, reason):
        self = super().__new__(cls, reason)
        self.backends = backends
        return self




def case(id_, fn, expect, *inputs):
    """One case: fn(*made inputs) against expect."""
    xfail = xfail_on = None
    if inputs and isinstance(inputs[-1], XFail):
        inputs, xfail = inputs[:-1], inputs[-1]
        if isinstance(xfail, XFailOn):
            xfail, xfail_on = None, xfail
    assert id_ not in _IDS, f"duplicate case id {id_}"
    _IDS.add(id_)
    entry = (id_, fn, expect, inputs, xfail_on)
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    CASES.append(pytest.param(entry, id=id_, marks=marks))


X, XI, XB = f(2, 3), i(2, 3), b(2, 3)
X4, W4 = f(1, 4, 4, 1), f(2, 2, 1, 1)

# ---- creation: tensor and its ranked forms
for id_, values, kw, expect, *marks in [
    ("str", "abc", {}, err(TypeError, "tensor", "values")),
    ("bytes", b"ab", {}, err(TypeError, "tensor", "values")),
    ("ragged", [[1, 2], [3]], {}, err(ValueError, "tensor", "values")),
    ("none-in-list", [1, None], {}, err((TypeError, ValueError), "tensor", "values")),
    ("dict", {"a": 1}, {}, err((TypeError, ValueError), "tensor", "values")),
    ("object-array-of-ints", np.array([1, 2], dtype=object), {}, ok(f([1, 2]))),
    ("object-array", np.array([1, None], dtype=object), {}, err(TypeError, "tensor", "values")),
    ("str-array", np.array(["a", "b"]), {}, err(TypeError, "tensor", "values")),
    ("complex-array", np.array([1 + 2j]), {}, err(TypeError, "tensor", "values")),
    ("float64-array", np.array([1.5, 2.5]), {}, ok(f([1.5, 2.5]))),
    ("float16-array", np.array([1.5], np.float16), {}, ok(f([1.5]))),
    ("int64-array", np.array([1, 2], np.int64), {}, ok(i([1, 2]))),
    ("int64-beyond-int32", np.array([2 ** 40], np.int64), {}, err(ValueError, "tensor", "int32")),
    ("uint8-array", np.array([255], np.uint8), {}, ok(i([255]))),
    ("uint32-beyond-int32", np.array([2 ** 32 - 1], np.uint32), {}, err(ValueError, "tensor", "int32")),
    ("bool-array", np.array([True, False]), {}, ok(np.array([True, False]))),
    ("py-int-beyond-int32", [2 ** 31], {"dtype": "int32"}, err(ValueError, "tensor", "int32")),
    ("py-int-min", [I32_MIN, 2 ** 24], {"dtype": "int32"}, ok(i([I32_MIN, 2 ** 24]))),
    ("py-int-max", [I32_MAX], {"dtype": "int32"}, ok(i([I32_MAX]))),
    ("py-int-huge", [2 ** 64], {}, ok(f([2.0 ** 64]))),
    ("float-beyond-int32", [3e9], {"dtype": "int32"}, err(ValueError, "tensor", "int32")),
    ("nan-to-int32", [NAN], {"dtype": "int32"}, ok(i([0]))),
    ("neg-inf-to-int32", [-INF], {"dtype": "int32"}, ok(i([I32_MIN]))),
    ("inf-to-int32", [INF], {"dtype": "int32"}, ok(i([I32_MAX]))),
    ("trunc-to-int32", [1.7, -1.7], {"dtype": "int32"}, ok(i([1, -1]))),
    ("nan-to-bool", [NAN, 0.0], {"dtype": "bool"}, ok(np.array([True, False]))),
    ("float32-overflow", [1e40], {}, ok(f([INF]))),
    ("dtype-float64-name", [1, 2], {"dtype": "float64"}, err(TypeError, "tensor", "dtype")),
    ("dtype-number", [1, 2], {"dtype": 5}, err(TypeError, "tensor", "dtype")),
    ("shape-mismatch", [1, 2, 3], {"shape": [2, 2]}, err(ValueError, "tensor", "shape")),
    ("shape-float", [1, 2, 3, 4], {"shape": [2, 2.5]}, err(ValueError, "tensor", "shape")),
    ("shape-two-negative", [1, 2], {"shape": [-1, -2]}, err(ValueError, "tensor", "shape")),
    ("shape-none-entry", [1, 2], {"shape": [None, 2]}, err(ValueError, "tensor", "shape")),
    ("shape-scalar", 5, {"shape": []}, ok(np.float32(5))),
    ("shape-empty", [], {"shape": [0, 3]}, ok(np.zeros((0, 3), np.float32))),
    ("shape-int", [1, 2], {"shape": 2}, ok(f([1, 2]))),
]:
    case(f"tensor-{id_}", lambda values=values, kw=kw: wt.tensor(values, **kw), expect, *marks)

case("tensor-from-tensor-cast", lambda x: wt.tensor(x, dtype="int32"), ok(XI), X)
case("tensor-from-disposed", lambda d: wt.tensor(d), err(ValueError, "tensor", "disposed"), disposed)
for id_, fn, expect, *inputs in [
    ("tensor1d-rank2", lambda: wt.tensor1d([[1]]), err(ValueError, "tensor1d", "values")),
    ("tensor1d-scalar", lambda: wt.tensor1d(5), err(ValueError, "tensor1d", "values")),
    ("tensor1d-str", lambda: wt.tensor1d("ab"), err(TypeError, "tensor1d", "values")),
    ("tensor2d-ok", lambda: wt.tensor2d([1, 2, 3, 4], [2, 2]), ok(f([[1, 2], [3, 4]]))),
    ("tensor2d-shape-int", lambda: wt.tensor2d([1, 2], 2), err((TypeError, ValueError), "tensor2d", "shape")),
    ("tensor2d-shape-rank", lambda: wt.tensor2d([1, 2, 3], [3]), err(ValueError, "tensor2d", "shape")),
    ("tensor2d-size", lambda: wt.tensor2d([1, 2, 3], [2, 2]), err(ValueError, "tensor2d", "shape")),
    ("tensor2d-int32", lambda: wt.tensor2d([1, 2, 3, 4], [2, 2], "int32"), ok(i([[1, 2], [3, 4]]))),
    ("tensor3d-shape-rank", lambda: wt.tensor3d([1, 2], [1, 2]), err(ValueError, "tensor3d", "shape")),
    ("tensor4d-ok", lambda: wt.tensor4d(np.zeros((1, 1, 1, 1))), ok(np.zeros((1, 1, 1, 1), np.float32))),
    ("tensor5d-ok", lambda: wt.tensor5d([1], [1, 1, 1, 1, 1]), ok(np.ones((1,) * 5, np.float32))),
    ("tensor6d-rank5", lambda: wt.tensor6d(np.zeros((1,) * 5)), err(ValueError, "tensor6d", "values")),
    ("tensor6d-dtype", lambda: wt.tensor6d(np.zeros((1,) * 6), None, "x"), err(TypeError, "tensor6d", "dtype")),
    ("scalar-list", lambda: wt.scalar([1]), err(ValueError, "scalar", "value")),
    ("scalar-str", lambda: wt.scalar("a"), err(TypeError, "scalar", "value")),
    ("scalar-none", lambda: wt.scalar(None), err(TypeError, "scalar", "value")),
    ("scalar-bool", lambda: wt.scalar(True), ok(np.bool_(True))),
]:
    case(id_, fn, expect, *inputs)

# ---- creation: fills
for name, call in [("zeros", lambda s, **kw: wt.zeros(s, **kw)), ("ones", lambda s, **kw: wt.ones(s, **kw)),
                   ("fill", lambda s, **kw: wt.fill(s, 1.0, **kw))]:
    for id_, shape, kw, expect in [
        ("huge", [2 ** 62, 4], {}, err(ValueError, name, "shape")),
        ("overflow-int64", [2 ** 32, 2 ** 32], {}, err(ValueError, name, "shape")),
        ("negative", [-1, 2], {}, err(ValueError, name, "shape")),
        ("float", [2.5], {}, err(ValueError, name, "shape")),
        ("none", None, {}, err(ValueError, name, "shape")),
        ("str", "ab", {}, err(ValueError, name, "shape")),
        ("bool-dim", [True, 2], {}, err(ValueError, name, "shape")),
        ("dtype", [2], {"dtype": "float64"}, err(TypeError, name, "dtype")),
        ("np-int", [np.int64(2), 1], {}, ok(np.full((2, 1), 0.0 if name == "zeros" else 1.0, np.float32))),
        ("empty", [0, 5], {}, ok(np.zeros((0, 5), np.float32))),
        ("scalar", [], {}, ok(np.float32(0.0 if name == "zeros" else 1.0))),
    ]:
        case(f"{name}-{id_}", lambda shape=shape, kw=kw, call=call: call(shape, **kw), expect)
for id_, fn, expect, *inputs in [
    ("fill-value-str", lambda: wt.fill([2], "a"), err(TypeError, "fill", "value")),
    ("fill-value-none", lambda: wt.fill([2], None), err(TypeError, "fill", "value")),
    ("fill-list", lambda: wt.fill([2], [1, 2]), err(TypeError, "fill", "value")),
    ("fill-int32-overflow", lambda: wt.fill([2], 2 ** 40, "int32"), err(ValueError, "fill", "value")),
    ("fill-nan-int32", lambda: wt.fill([2], NAN, "int32"), ok(i([0, 0]))),
    ("fill-float-int32", lambda: wt.fill([2], 1.5, "int32"), ok(i([1, 1]))),
    ("fill-int-default", lambda: wt.fill([2], 3), ok(f([3, 3]))),
    ("fill-bool", lambda: wt.fill([2], True), ok(np.array([True, True]))),
    ("fill-np-float", lambda: wt.fill([2], np.float64(1.5)), ok(f([1.5, 1.5]))),
    ("ones-bool", lambda: wt.ones([2], "bool"), ok(np.array([True, True]))),
    ("zeros-like-list", lambda: wt.zeros_like([1.0, 2.0]), ok(f([0, 0]))),
    ("ones-like-list", lambda: wt.ones_like([[1], [2]]), ok(f([[1], [1]]))),
    ("ones-like-str", lambda: wt.ones_like("a"), err(TypeError, "ones_like", "x")),
    ("zeros-like-none", lambda: wt.zeros_like(None), err(TypeError, "zeros_like", "x")),
]:
    case(id_, fn, expect, *inputs)
case("zeros-like-disposed", lambda d: wt.zeros_like(d), err(ValueError, "zeros_like", "disposed"), disposed)
case("zeros-like-int32", lambda x: wt.zeros_like(x), ok(np.zeros((2, 3), np.int32)), XI)

# ---- creation: ranges, eye, random
for id_, fn, expect, *inputs in [
    ("range-step-zero", lambda: wt.range(0, 10, 0), err(ValueError, "range", "step")),
    ("range-str", lambda: wt.range(0, "a"), err(TypeError, "range", "stop")),
    ("range-huge", lambda: wt.range(0, 1e9, 0.001), err(ValueError, "range", "elements")),
    ("range-empty", lambda: wt.range(5, 0), ok(np.zeros(0, np.float32))),
    ("range-empty-negative-step", lambda: wt.range(0, 5, -1), ok(np.zeros(0, np.float32))),
    ("range-negative-step", lambda: wt.range(5, 0, -2), ok(f([5, 3, 1]))),
    ("range-nan", lambda: wt.range(0, NAN), err(ValueError, "range", "stop")),
    ("range-inf", lambda: wt.range(0, INF), err(ValueError, "range", "stop")),
    ("range-int32", lambda: wt.range(0, 3, dtype="int32"), ok(i([0, 1, 2]))),
    ("range-int32-overflow", lambda: wt.range(0, 2 ** 40, 2 ** 39, dtype="int32"), err(ValueError, "range", "int32")),
    ("range-bool", lambda: wt.range(0, 3, dtype="bool"), err(TypeError, "range", "dtype")),
    ("range-none-step", lambda: wt.range(0, 3, None), err(TypeError, "range", "step")),
    ("linspace-negative", lambda: wt.linspace(0, 1, -1), err(ValueError, "linspace", "num")),
    ("linspace-float", lambda: wt.linspace(0, 1, 2.5), err(TypeError, "linspace", "num")),
    ("linspace-str", lambda: wt.linspace(0, 1, "a"), err(TypeError, "linspace", "num")),
    ("linspace-huge", lambda: wt.linspace(0, 1, 2 ** 40), err(ValueError, "linspace", "num")),
    ("linspace-one", lambda: wt.linspace(0, 1, 1), ok(f([0]))),
    ("linspace-start-str", lambda: wt.linspace("a", 1, 3), err(TypeError, "linspace", "start")),
    ("linspace-nan", lambda: wt.linspace(0, NAN, 2), err(ValueError, "linspace", "stop")),
    ("eye-negative", lambda: wt.eye(-1), err(ValueError, "eye", "num_rows")),
    ("eye-float", lambda: wt.eye(2.5), err(TypeError, "eye", "num_rows")),
    ("eye-zero-columns", lambda: wt.eye(3, 0), ok(np.zeros((3, 0), np.float32))),
    ("eye-empty", lambda: wt.eye(0), ok(np.zeros((0, 0), np.float32))),
    ("eye-rect", lambda: wt.eye(2, 3), ok(np.eye(2, 3, dtype=np.float32))),
    ("eye-batch", lambda: wt.eye(2, batch_shape=[2]), ok(np.stack([np.eye(2, dtype=np.float32)] * 2))),
    ("eye-batch-negative", lambda: wt.eye(2, batch_shape=[-1]), err(ValueError, "eye", "batch_shape")),
    ("eye-huge", lambda: wt.eye(2 ** 20), err(ValueError, "eye", "elements")),
    ("eye-int32", lambda: wt.eye(2, dtype="int32"), ok(np.eye(2, dtype=np.int32))),
    ("eye-columns-str", lambda: wt.eye(2, "a"), err(TypeError, "eye", "num_columns")),
    ("random-uniform-negative", lambda: wt.random_uniform([-1]), err(ValueError, "random_uniform", "shape")),
    ("random-uniform-huge", lambda: wt.random_uniform([2 ** 31]), err(ValueError, "random_uniform", "shape")),
    ("random-uniform-bool", lambda: wt.random_uniform([2], dtype="bool"), err(TypeError, "random_uniform", "dtype")),
    ("random-uniform-minval-str", lambda: wt.random_uniform([2], "a"), err(TypeError, "random_uniform", "minval")),
    ("random-uniform-seed-str", lambda: wt.random_uniform([3], seed="a"),
     ok_if(lambda t: t.shape == (3,) and ((t.numpy() >= 0) & (t.numpy() < 1)).all(), "3 values in [0, 1)")),
    ("random-uniform-seed-float", lambda: wt.random_uniform([3], seed=1.5), ok_if(lambda t: t.shape == (3,), "shape")),
    ("random-uniform-seed-negative", lambda: wt.random_uniform([3], seed=-1),
     ok_if(lambda t: t.shape == (3,), "shape")),
    ("random-uniform-int32", lambda: wt.random_uniform([50], 0, 10, "int32"),
     ok_if(lambda t: t.dtype == "int32" and 0 <= t.numpy().min() and t.numpy().max() < 10, "int32 in [0, 10)")),
    ("random-normal-stddev", lambda: wt.random_normal([2], 0, -1.0), err(ValueError, "random_normal", "stddev")),
    ("random-normal-bool", lambda: wt.random_normal([2], dtype="bool"), err(TypeError, "random_normal", "dtype")),
    ("random-normal-shape-float", lambda: wt.random_normal([2, 3.0]), err(ValueError, "random_normal", "shape")),
    ("truncated-normal-stddev", lambda: wt.truncated_normal([2], 0, -1.0),
     err(ValueError, "truncated_normal", "stddev")),
    ("truncated-normal-bool", lambda: wt.truncated_normal([2], dtype="bool"),
     err(TypeError, "truncated_normal", "dtype")),
]:
    case(id_, fn, expect, *inputs)

# ---- elementwise: unary ops given what is not a tensor
for name in ["exp", "sqrt", "abs", "neg", "relu", "sigmoid", "floor", "log", "tanh", "square"]:
    op_ = getattr(wt, name)
    case(f"{name}-str", lambda op_=op_: op_("a"), err(TypeError, name, "x"))
    case(f"{name}-none", lambda op_=op_: op_(None), err(TypeError, name, "x"))
    case(f"{name}-disposed", lambda d, op_=op_: op_(d), err(ValueError, name, "disposed"), disposed)
case("exp-list", lambda: wt.exp([0.0, 1.0]), ok(np.exp(f([0, 1]))))
case("sqrt-int32", lambda x: wt.sqrt(x), ok(np.sqrt(XI).astype(np.float32)), XI)
case("logical-not-float", lambda x: wt.logical_not(x), err(TypeError, "logical_not", "x"), X)
case("invert-float", lambda x: ~x, err(TypeError, "logical_not", "x"), X)
case("logical-not-list", lambda: wt.logical_not([True, False]), ok(np.array([False, True])))

# ---- elementwise: binary ops given bad second operands
BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "pow", "equal", "less", "squared_difference",
          "mod", "floor_div"]
for name in BINARY:
    op_ = getattr(wt, name)
    arg = "(b|exp)"
    case(f"{name}-str", lambda x, op_=op_: op_(x, "a"), err(TypeError, name, arg), X)
    case(f"{name}-none", lambda x, op_=op_: op_(x, None), err(TypeError, name, arg), X)
    case(f"{name}-str-array", lambda x, op_=op_: op_(x, np.array(["a", "b", "c"])), err(TypeError, name, arg), X)
    case(f"{name}-broadcast", lambda x, op_=op_: op_(x, [1.0, 2.0]), err(ValueError, name, "broadcast"), X)
    case(f"{name}-disposed", lambda x, d, op_=op_: op_(x, d), err(ValueError, name, "disposed"), X, disposed)
for id_, fn, expect, *inputs in [
    ("add-str-first", lambda x: wt.add("a", x), err(TypeError, "add", "a"), X),
    ("add-dict", lambda x: wt.add(x, {1: 2}), err(TypeError, "add", "b"), X),
    ("add-list", lambda x: wt.add(x, [1, 2, 3]), ok(X + [1, 2, 3]), X),
    ("add-column-list", lambda x: wt.add(x, [[1], [2]]), ok(X + [[1], [2]]), X),
    ("truediv-list", lambda x: x / [1, 2, 4], ok(X / [1, 2, 4]), X),
    ("rtruediv-list", lambda x: [1, 2, 4] / x, ok([1, 2, 4] / (X + 1)), X + 1),
    ("div-zero", lambda x: x / 0.0, ok(np.array([[NAN, INF, INF], [INF, INF, INF]], np.float32)), X),
    ("div-negative-zero", lambda x: x / -0.0, ok(np.array([[NAN, -INF, -INF], [-INF, -INF, -INF]], np.float32)), X),
    ("mul-negative-zero", lambda x: x * -0.0, ok_if(lambda t: np.signbit(t.numpy()).all(), "all -0.0"), X),
    ("mul-nan", lambda x: x * NAN, ok(np.full((2, 3), NAN, np.float32)), X),
    ("add-inf", lambda x: x + INF, ok(np.full((2, 3), INF, np.float32)), X),
    ("add-np-float32", lambda x: x + np.float32(2), ok(X + 2), X),
    ("add-np-float64", lambda x: x + np.float64(2), ok(X + 2), X),
    ("add-np-int64", lambda x: x + np.int64(2), ok(X + 2), X),
    ("add-true", lambda x: x + True, ok(X + 1), X),
    ("add-0d-array", lambda x: x * np.array(5.0), ok(X * 5), X),
    ("int-add-int", lambda x: x + 2, ok(XI + 2), XI),
    ("int-add-float", lambda x: x + 2.5, ok(XI + np.float32(2.5)), XI),
    ("int-add-beyond-int32", lambda x: x + 2 ** 40, err(ValueError, "add", "int32"), XI),
    ("int-add-int64-array-beyond", lambda x: x + np.array([2 ** 40]), err(ValueError, "add", "int32"), XI),
    ("int-add-int64-array", lambda x: x + np.array([1, 2, 3], np.int64), ok(XI + [1, 2, 3]), XI),
    ("int-add-float64-array", lambda x: x + np.array([0.5, 1, 2]), ok(XI + np.float32([0.5, 1, 2])), XI),
    ("float-add-uint8", lambda x: x + np.array([1, 2, 3], np.uint8), ok(X + [1, 2, 3]), X),
    ("float-add-bool-array", lambda x: x + np.array([True, False, True]), ok(X + [1, 0, 1]), X),
    ("float-add-object-array", lambda x: x + np.array([1, 2, 3], dtype=object), err(TypeError, "add", "b"), X),
    ("float-add-complex", lambda x: x + np.array([1j, 2j, 3j]), err(TypeError, "add", "b"), X),
    ("bool-add-int", lambda x: x + 1, ok(XB.astype(np.int32) + 1), XB),
    ("bool-add-float", lambda x: x + 1.5, ok(XB.astype(np.float32) + 1.5), XB),
    ("int-truediv", lambda x: x / 2, ok(XI / np.float32(2)), XI),
    ("int-rtruediv", lambda x: 6 / x, ok(6 / (XI + 1).astype(np.float32)), XI + 1),
    ("int-div-floors", lambda x: wt.div(x, 2), ok(XI // 2), XI),
    ("int-div-zero", lambda x: wt.div(x, 0), ok(np.zeros((2, 3), np.int32)), XI),
    ("int-floordiv-zero", lambda x: x // 0, ok(np.zeros((2, 3), np.int32)), XI),
    ("int-mod-zero", lambda x: x % 0, ok(np.zeros((2, 3), np.int32)), XI),
    ("int-pow-negative", lambda x: x ** -1, ok(i([1, 0, -1])), i([1, 2, -1])),
    ("float-pow-negative-base", lambda x: wt.pow(x, 0.5), ok(f([NAN, 2])), f([-1, 4])),
    ("eq-none", lambda x: x == None, err(TypeError, "equal", "b"), X),  # noqa: E711
    ("lt-str", lambda x: x < "a", err(TypeError, "less", "b"), X),
    ("logical-and-float", lambda x: wt.logical_and(x, x), err(TypeError, "logical_and", "bool"), X),
    ("logical-or-int", lambda x: wt.logical_or(x, 1), err(TypeError, "logical_or", "bool"), XB),
    ("logical-and-list", lambda x: wt.logical_and(x, [True, False, True]), ok(XB & [True, False, True]), XB),
    ("where-float-condition", lambda x: wt.where(x, x, x), err(TypeError, "where", "condition"), X),
    ("where-mixed", lambda c, x, y: wt.where(c, x, y), ok(np.where(XB, X, XI)), XB, X, XI),
    ("where-broadcast", lambda c, x: wt.where(c, x, [1.0, 2.0]), err(ValueError, "where", "broadcast"), XB, X),
    ("where-numbers", lambda c: wt.where(c, 1, 0), ok(XB.astype(np.float32)), XB),
    ("where-str", lambda c, x: wt.where(c, x, "a"), err(TypeError, "where", "b"), XB, X),
    ("clip-reversed", lambda x: wt.clip_by_value(x, 1, 0), err(ValueError, "clip_by_value", "clip_value_min"), X),
    ("clip-str", lambda x: wt.clip_by_value(x, "a", 1), err(TypeError, "clip_by_value", "clip_value_min"), X),
    ("clip-nan", lambda x: wt.clip_by_value(x, NAN, 1), err(ValueError, "clip_by_value", "clip_value_min"), X),
    ("clip-tensor-bound", lambda x, c: wt.clip_by_value(x, c, 2), err(TypeError, "clip_by_value", "clip_value_min"), X,
     np.float32(1)),
    ("clip-int32", lambda x: wt.clip_by_value(x, 1, 3), ok(np.clip(XI, 1, 3)), XI),
    ("add-n-empty", lambda: wt.add_n([]), err(ValueError, "add_n", "tensors")),
    ("add-n-tensor", lambda x: wt.add_n(x), err(TypeError, "add_n", "tensors"), X),
    ("add-n-str", lambda x: wt.add_n([x, "a"]), err(TypeError, "add_n", "tensors"), X),
    ("add-n-shapes", lambda x: wt.add_n([x, [1.0]]), err(ValueError, "add_n", "shape"), X),
    ("add-n-mixed", lambda x, y: wt.add_n([x, y]), ok(X + XI), X, XI),
    ("add-n-one", lambda x: wt.add_n([x]), ok(X), X),
    ("prelu-str", lambda x: wt.prelu(x, "a"), err(TypeError, "prelu", "(b|alpha)"), X),
    ("leaky-relu-str", lambda x: wt.leaky_relu(x, "a"), err(TypeError, "leaky_relu", "alpha"), X),
    ("step-str", lambda x: wt.step(x, "a"), err(TypeError, "step", "alpha"), X),
    ("add-missing", lambda x: wt.add(x), err(TypeError, "add", "b"), X),
    ("squared-difference-mixed", lambda x, y: wt.squared_difference(x, y), ok((X - XI) ** 2), X, XI),
]:
    case(id_, fn, expect, *inputs)

# ---- casts at the int32 / float32 edges
EDGES = f([NAN, -INF, -3e9, 2.7, -2.7, 2147483520.0])
for id_, fn, expect, *inputs in [
    ("cast-float64-name", lambda x: wt.cast(x, "float64"), err(TypeError, "cast", "dtype"), X),
    ("cast-none", lambda x: wt.cast(x, None), err(TypeError, "cast", "dtype"), X),
    ("cast-list", lambda: wt.cast([1.5, -1.5], "int32"), ok(i([1, -1]))),
    ("cast-edges-int32", lambda x: wt.cast(x, "int32"), ok(i([0, I32_MIN, I32_MIN, 2, -2, 2147483520])), EDGES),
    ("cast-saturates-int32", lambda x: wt.cast(x, "int32"), ok(i([I32_MAX, I32_MAX])), f([INF, 3e9])),
    ("cast-edges-bool", lambda x: wt.cast(x, "bool"), ok(EDGES != 0), EDGES),
    ("cast-int32-max-float", lambda x: wt.cast(x, "float32"), ok(f([2.0 ** 31, -2.0 ** 31])), i([I32_MAX, I32_MIN])),
    ("cast-int-bool", lambda x: wt.cast(x, "bool"), ok(np.array([True, False])), i([-5, 0])),
    ("cast-bool-int", lambda x: wt.cast(x, "int32"), ok(XB.astype(np.int32)), XB),
    ("to-int-method", lambda x: x.to_int(), ok(i([0, I32_MIN, 3])), f([NAN, -INF, 3.5])),
    ("as-type-bad", lambda x: x.as_type("int64"), err(TypeError, "cast", "dtype"), X),
]:
    case(id_, fn, expect, *inputs)

# ---- reductions and their axes
REDUCTIONS = ["sum", "prod", "max", "min", "mean", "any", "all", "logsumexp"]
for name in REDUCTIONS:
    op_ = getattr(wt, name)
    for id_, axis, exc in [("axis-out", 2, ValueError), ("axis-negative-out", -3, ValueError),
                           ("axis-duplicate", [0, 0], ValueError), ("axis-duplicate-negative", [1, -1], ValueError),
                           ("axis-float", 1.0, TypeError), ("axis-str", "a", TypeError),
                           ("axis-bool", True, TypeError), ("axis-list-float", [0.5], TypeError)]:
        case(f"{name}-{id_}", lambda x, op_=op_, axis=axis: op_(x, axis), err(exc, name, "axis"), X)
    case(f"{name}-str", lambda op_=op_: op_("a"), err(TypeError, name, "x"))
for id_, fn, expect, *inputs in [
    ("sum-no-axes", lambda x: wt.sum(x, []), ok(X), X),
    ("sum-tuple-axes", lambda x: wt.sum(x, (0, 1)), ok(np.float32(X.sum())), X),
    ("sum-np-axis", lambda x: wt.sum(x, np.int64(1)), ok(X.sum(1)), X),
    ("sum-bool", lambda x: wt.sum(x), ok(np.int32(XB.sum())), XB),
    ("sum-empty", lambda x: wt.sum(x), ok(np.float32(0)), f(0)),
    ("mean-empty", lambda x: wt.mean(x), ok(np.float32(NAN)), f(0)),
    ("mean-int", lambda x: wt.mean(x, 1), ok(XI.mean(1).astype(np.float32)), XI),
    ("min-int", lambda x: wt.min(x, 0), ok(XI.min(0)), XI),
    ("max-keep-dims", lambda x: wt.max(x, -1, True), ok(X.max(-1, keepdims=True)), X),
    ("prod-zero", lambda x: wt.prod(x), ok(np.float32(0)), X),
    ("any-float", lambda x: wt.any(x), ok(np.bool_(True)), X),
    ("all-float", lambda x: wt.all(x, 1), ok(X.all(1)), X),
    ("logsumexp-inf", lambda x: wt.logsumexp(x), ok(np.float32(INF)), f([INF, 1])),
    ("logsumexp-all-neg-inf", lambda x: wt.logsumexp(x), ok(np.float32(-INF)), f([-INF, -INF])),
    ("logsumexp-nan", lambda x: wt.logsumexp(x), ok(np.float32(NAN)), f([NAN, 1])),
    ("logsumexp-large", lambda x: wt.logsumexp(x), ok(np.float32(1000 + np.log(2))), f([1000, 1000])),
    ("argmax-axis-out", lambda x: wt.argmax(x, 2), err(ValueError, "argmax", "axis"), X),
    ("argmax-axis-list", lambda x: wt.argmax(x, [0]), err(TypeError, "argmax", "axis"), X),
    ("argmax-axis-float", lambda x: wt.argmin(x, 1.5), err(TypeError, "argmin", "axis"), X),
    ("argmax-empty-axis", lambda x: wt.argmax(x, 1), err(ValueError, "argmax", "axis"), f(2, 0)),
    ("argmax-empty-outer", lambda x: wt.argmax(x, 1), ok(np.zeros(0, np.int32)), f(0, 3)),
    ("argmax-nan", lambda x: wt.argmax(x), ok(np.int32(1)), f([1, NAN, 2])),
    ("argmax-bool", lambda x: wt.argmax(x), ok(np.int32(0)), np.array([True, False])),
    ("cumsum-axis-out", lambda x: wt.cumsum(x, 2), err(ValueError, "cumsum", "axis"), X),
    ("cumsum-axis-list", lambda x: wt.cumsum(x, [0]), err(TypeError, "cumsum", "axis"), X),
    ("cumsum-bool", lambda x: wt.cumsum(x, 1), ok(np.cumsum(XB, 1).astype(np.int32)), XB),
    ("cumsum-str", lambda: wt.cumsum("a"), err(TypeError, "cumsum", "x")),
    ("norm-ord", lambda x: wt.norm(x, "nuc"), err(ValueError, "norm", "ord"), X),
    ("norm-ord2-matrix", lambda x: wt.norm(x, 2, [0, 1]), err(ValueError, "norm", "ord"), X),
    ("norm-axis-duplicate", lambda x: wt.norm(x, "euclidean", [0, 0]), err(ValueError, "norm", "axis"), X),
    ("norm-int", lambda x: wt.norm(x), ok(np.float32(np.sqrt((XI ** 2).sum()))), XI),
    ("moments-axis", lambda x: wt.moments(x, 2), err(ValueError, "moments", "axis"), X),
]:
    case(id_, fn, expect, *inputs)

# ---- shape ops
for id_, fn, expect, *inputs in [
    ("reshape-size", lambda x: wt.reshape(x, [4, 2]), err(ValueError, "reshape", "shape"), X),
    ("reshape-two-unknown", lambda x: wt.reshape(x, [-1, -1]), err(ValueError, "reshape", "-1"), X),
    ("reshape-float", lambda x: wt.reshape(x, [3.5, 2]), err(TypeError, "reshape", "shape"), X),
    ("reshape-float-integral", lambda x: wt.reshape(x, [3.0, 2]), err(TypeError, "reshape", "shape"), X),
    ("reshape-str", lambda x: wt.reshape(x, "ab"), err(TypeError, "reshape", "shape"), X),
    ("reshape-none", lambda x: wt.reshape(x, None), err(TypeError, "reshape", "shape"), X),
    ("reshape-bool-dim", lambda x: wt.reshape(x, [6, True]), err(TypeError, "reshape", "shape"), X),
    ("reshape-negatives", lambda x: wt.reshape(x, [-2, -3]), err(ValueError, "reshape", "shape"), X),
    ("reshape-zero-unknown", lambda x: wt.reshape(x, [0, -1]), err(ValueError, "reshape", "shape"), X),
    ("reshape-empty-unknown", lambda x: wt.reshape(x, [-1, 0]), err(ValueError, "reshape", "shape"), f(0, 3)),
    ("reshape-int", lambda x: wt.reshape(x, 6), ok(X.reshape(6)), X),
    ("reshape-np-ints", lambda x: wt.reshape(x, [np.int64(3), 2]), ok(X.reshape(3, 2)), X),
    ("reshape-int-tensor-dims", lambda x, d: wt.reshape(x, (d, 2)), ok(X.reshape(3, 2)), X, np.int32(3)),
    ("reshape-empty", lambda x: wt.reshape(x, [3, 0, 2]), ok(np.zeros((3, 0, 2), np.float32)), f(0, 6)),
    ("reshape-empty-ambiguous", lambda x: wt.reshape(x, [3, 0, -1]), err(ValueError, "reshape", "shape"), f(0, 6)),
    ("transpose-repeat", lambda x: wt.transpose(x, [0, 0]), err(ValueError, "transpose", "perm"), X),
    ("transpose-short", lambda x: wt.transpose(x, [0]), err(ValueError, "transpose", "perm"), X),
    ("transpose-out", lambda x: wt.transpose(x, [0, 2]), err(ValueError, "transpose", "perm"), X),
    ("transpose-float", lambda x: wt.transpose(x, [1.0, 0]), err(TypeError, "transpose", "perm"), X),
    ("transpose-str", lambda x: wt.transpose(x, "ab"), err(TypeError, "transpose", "perm"), X),
    ("transpose-default", lambda x: wt.transpose(x), ok(X.T), X),
    ("transpose-3d", lambda x: wt.transpose(x, [2, 0, 1]), ok(f(2, 3, 4).transpose(2, 0, 1)), f(2, 3, 4)),
    ("slice-overflow", lambda x: wt.slice(x, [0, 0], [3, 1]), err(ValueError, "slice", "size"), X),
    ("slice-negative-begin", lambda x: wt.slice(x, [-1, 0], [1, 1]), err(ValueError, "slice", "begin"), X),
    ("slice-extra-begin", lambda x: wt.slice(x, [0, 0, 0], [1, 1, 1]), err(ValueError, "slice", "begin"), X),
    ("slice-extra-size", lambda x: wt.slice(x, [0, 0], [1, 1, 1]), err(ValueError, "slice", "size"), X),
    ("slice-float-begin", lambda x: wt.slice(x, [0.5, 0]), err(TypeError, "slice", "begin"), X),
    ("slice-float-size", lambda x: wt.slice(x, [0, 0], [1.5, 1]), err(TypeError, "slice", "size"), X),
    ("slice-none", lambda x: wt.slice(x, None), err(TypeError, "slice", "begin"), X),
    ("slice-size-minus-two", lambda x: wt.slice(x, [0, 1], [1, -2]), err(ValueError, "slice", "size"), X),
    ("slice-int-begin", lambda x: wt.slice(x, 1), ok(X[1:]), X),
    ("slice-to-end", lambda x: wt.slice(x, [0, 1], [-1, -1]), ok(X[:, 1:]), X),
    ("slice-empty-at-end", lambda x: wt.slice(x, [0, 3], [2, 0]), ok(np.zeros((2, 0), np.float32)), X),
    ("slice-past-end", lambda x: wt.slice(x, [0, 4], [1, 0]), err(ValueError, "slice", "begin"), X),
    ("strided-slice-zero-stride", lambda x: wt.strided_slice(x, [0, 0], [2, 3], [1, 0]),
     err(ValueError, "strided_slice", "strides"), X),
    ("strided-slice-float-begin", lambda x: wt.strided_slice(x, [0.5, 0], [2, 3]),
     err(TypeError, "strided_slice", "begin"), X),
    ("strided-slice-float-stride", lambda x: wt.strided_slice(x, [0, 0], [2, 3], [1, 1.5]),
     err(TypeError, "strided_slice", "strides"), X),
    ("strided-slice-lengths", lambda x: wt.strided_slice(x, [0, 0], [2]), err(ValueError, "strided_slice", "end"), X),
    ("strided-slice-shrink", lambda x: wt.strided_slice(x, [0], [2], shrink_axis_mask=1), ok(X[0]), X),
    ("strided-slice-shrink-out", lambda x: wt.strided_slice(x, [5], [6], shrink_axis_mask=1),
     err(ValueError, "strided_slice", "begin"), X),
    ("strided-slice-mask-negative", lambda x: wt.strided_slice(x, [0], [1], begin_mask=-1),
     err(TypeError, "strided_slice", "mask"), X),
    ("strided-slice-reverse", lambda x: wt.strided_slice(x, [2, 0], [0, 3], [-1, 1]), ok(X[2:0:-1, 0:3]), X),
    ("strided-slice-too-many", lambda x: wt.strided_slice(x, [0, 0, 0], [1, 1, 1]),
     err(ValueError, "strided_slice", "begin"), X),
    ("strided-slice-two-ellipses", lambda x: wt.strided_slice(x, [0, 0], [1, 1], ellipsis_mask=3),
     err(ValueError, "strided_slice", "ellipsis_mask"), X),
    ("strided-slice-none", lambda x: wt.strided_slice(x, None, [1]), err(TypeError, "strided_slice", "begin"), X),
    ("pad-rank", lambda x: wt.pad(x, [[1, 1]]), err(ValueError, "pad", "paddings"), X),
    ("pad-negative", lambda x: wt.pad(x, [[-1, 0], [0, 0]]), err(ValueError, "pad", "paddings"), X),
    ("pad-float", lambda x: wt.pad(x, [[0.5, 0], [0, 0]]), err(TypeError, "pad", "paddings"), X),
    ("pad-value-str", lambda x: wt.pad(x, [[1, 1], [0, 0]], "a"), err(TypeError, "pad", "constant_value"), X),
    ("pad-value-nan", lambda x: wt.pad(x, [[1, 0], [0, 0]], NAN), ok(np.pad(X, [(1, 0), (0, 0)], constant_values=NAN)),
     X),
    ("pad-int-value-float", lambda x: wt.pad(x, [[1, 0], [0, 0]], 2.5),
     ok(np.pad(XI, [(1, 0), (0, 0)], constant_values=2)), XI),
    ("pad-int-value-overflow", lambda x: wt.pad(x, [[0, 0], [0, 1]], 2 ** 40),
     err(ValueError, "pad", "constant_value"), XI),
    ("pad-none", lambda x: wt.pad(x, None), err(TypeError, "pad", "paddings"), X),
    ("pad-triple", lambda x: wt.pad(x, [[1, 1, 1], [0, 0]]), err(ValueError, "pad", "paddings"), X),
    ("pad-flat", lambda x: wt.pad(x, [1, 1]), err((TypeError, ValueError), "pad", "paddings"), X),
    ("tile-rank", lambda x: wt.tile(x, [2]), err(ValueError, "tile", "reps"), X),
    ("tile-negative", lambda x: wt.tile(x, [2, -1]), err(ValueError, "tile", "reps"), X),
    ("tile-float", lambda x: wt.tile(x, [2, 1.5]), err(TypeError, "tile", "reps"), X),
    ("tile-int", lambda x: wt.tile(x, 2), err((TypeError, ValueError), "tile", "reps"), X),
    ("tile-zero", lambda x: wt.tile(x, [0, 1]), ok(np.zeros((0, 3), np.float32)), X),
    ("tile-huge", lambda x: wt.tile(x, [2 ** 20, 2 ** 20]), err(ValueError, "tile", "elements"), X),
    ("concat-empty", lambda: wt.concat([]), err(ValueError, "concat", "tensors")),
    ("concat-tensor", lambda x: wt.concat(x), err(ValueError, "concat", "tensors"), X),
    ("concat-shapes", lambda x, y: wt.concat([x, y], 0), err(ValueError, "concat", "shape"), X, f(2, 4)),
    ("concat-ranks", lambda x, y: wt.concat([x, y], 0), err(ValueError, "concat", "shape"), X, f(3)),
    ("concat-mixed-dtypes", lambda x, y: wt.concat([x, y], 1), ok(np.concatenate([X, XI], 1)), X, XI),
    ("concat-str", lambda x: wt.concat([x, "a"]), err(TypeError, "concat", r"tensors\[1\]"), X),
    ("concat-axis-float", lambda x: wt.concat([x, x], 1.0), err(TypeError, "concat", "axis"), X),
    ("concat-axis-out", lambda x: wt.concat([x, x], 2), err(ValueError, "concat", "axis"), X),
    ("concat-list", lambda x: wt.concat([x, [[1.0, 2, 3]]]), ok(np.concatenate([X, [[1, 2, 3]]])), X),
    ("concat-disposed", lambda x, d: wt.concat([x, d]), err(ValueError, "concat", "disposed"), X, disposed),
    ("concat-empty-part", lambda x, y: wt.concat([x, y], 0), ok(X), X, f(0, 3)),
    ("stack-mixed-dtypes", lambda x, y: wt.stack([x, y]), err(TypeError, "stack", "dtype"), X, XI),
    ("stack-shapes", lambda x, y: wt.stack([x, y]), err(ValueError, "stack", "shape"), X, f(3, 2)),
    ("stack-axis-out", lambda x: wt.stack([x, x], 3), err(ValueError, "stack", "axis"), X),
    ("stack-empty", lambda: wt.stack([]), err(ValueError, "stack", "tensors")),
    ("stack-negative-axis", lambda x: wt.stack([x, x], -3), ok(np.stack([X, X], -3)), X),
    ("stack-scalars", lambda: wt.stack([1.0, 2.0]), ok(f([1, 2]))),
    ("unstack-axis-out", lambda x: wt.unstack(x, 2), err(ValueError, "unstack", "axis"), X),
    ("unstack-axis-float", lambda x: wt.unstack(x, 0.5), err(TypeError, "unstack", "axis"), X),
    ("unstack-ok", lambda x: wt.unstack(x, 1), ok([X[:, 0], X[:, 1], X[:, 2]]), X),
    ("split-unequal", lambda x: wt.split(x, 4, 1), err(ValueError, "split", "num_or_size_splits"), X),
    ("split-sizes-sum", lambda x: wt.split(x, [1, 1], 1), err(ValueError, "split", "num_or_size_splits"), X),
    ("split-infer", lambda x: wt.split(x, [1, -1], 1), ok([X[:, :1], X[:, 1:]]), X),
    ("split-two-infer", lambda x: wt.split(x, [-1, -1], 1), err(ValueError, "split", "num_or_size_splits"), X),
    ("split-float", lambda x: wt.split(x, 1.5, 1), err(TypeError, "split", "num_or_size_splits"), X),
    ("split-float-sizes", lambda x: wt.split(x, [1.5, 1.5], 1), err(TypeError, "split", "num_or_size_splits"), X),
    ("split-zero", lambda x: wt.split(x, 0, 1), err(ValueError, "split", "num_or_size_splits"), X),
    ("split-infer-negative", lambda x: wt.split(x, [4, -1], 1), err(ValueError, "split", "num_or_size_splits"), X),
    ("split-axis-out", lambda x: wt.split(x, 1, 2), err(ValueError, "split", "axis"), X),
    ("split-zero-size", lambda x: wt.split(x, [0, 3], 1), ok([X[:, :0], X]), X),
    ("reverse-axis-out", lambda x: wt.reverse(x, 2), err(ValueError, "reverse", "axis"), X),
    ("reverse-axis-duplicate", lambda x: wt.reverse(x, [0, 0]), err(ValueError, "reverse", "axis"), X),
    ("expand-dims-out", lambda x: wt.expand_dims(x, 3), err(ValueError, "expand_dims", "axis"), X),
    ("expand-dims-float", lambda x: wt.expand_dims(x, 1.0), err(TypeError, "expand_dims", "axis"), X),
    ("expand-dims-last", lambda x: wt.expand_dims(x, -1), ok(X[..., None]), X),
    ("squeeze-not-one", lambda x: wt.squeeze(x, [0]), err(ValueError, "squeeze", "axis"), X),
    ("squeeze-out", lambda x: wt.squeeze(x, 5), err(ValueError, "squeeze", "axis"), X),
    ("broadcast-to-bad", lambda x: wt.broadcast_to(x, [3, 3]), err(ValueError, "broadcast_to", "shape"), X),
    ("broadcast-to-float", lambda x: wt.broadcast_to(x, [2.5, 3]), err(TypeError, "broadcast_to", "shape"), X),
    ("broadcast-to-lower-rank", lambda x: wt.broadcast_to(x, [3]), err(ValueError, "broadcast_to", "shape"), X),
    ("broadcast-to-negative", lambda x: wt.broadcast_to(x, [-1, 3]), err(ValueError, "broadcast_to", "shape"), X),
    ("broadcast-to-more", lambda x: wt.broadcast_to(x, [4, 2, 3]), ok(np.broadcast_to(X, (4, 2, 3))), X),
    ("broadcast-to-huge", lambda x: wt.broadcast_to(x, [2 ** 40, 2, 3]), err(ValueError, "broadcast_to", "elements"),
     X),
    ("flatten-str", lambda: wt.flatten("a"), err(TypeError, "(flatten|reshape)", "x")),
]:
    case(id_, fn, expect, *inputs)

# ---- gather and one_hot: indices and depth
for id_, fn, expect, *inputs in [
    ("gather-out-of-range", lambda x: wt.gather(x, [0, 2]), ok(np.stack([X[0], np.zeros(3, np.float32)])), X),
    ("gather-negative", lambda x: wt.gather(x, [-1]), ok(np.zeros((1, 3), np.float32)), X),
    ("gather-float", lambda x: wt.gather(x, [0.5]), err(TypeError, "gather", "indices"), X),
    ("gather-float-integral", lambda x: wt.gather(x, np.array([1.0])), err(TypeError, "gather", "indices"), X),
    ("gather-float-tensor", lambda x: wt.gather(x, x), err(TypeError, "gather", "indices"), X),
    ("gather-bool", lambda x, m: wt.gather(x, m), err(TypeError, "gather", "indices"), X, XB),
    ("gather-str", lambda x: wt.gather(x, "a"), err(TypeError, "gather", "indices"), X),
    ("gather-beyond-int32", lambda x: wt.gather(x, [2 ** 40]), err(ValueError, "gather", "indices"), X),
    ("gather-2d-indices", lambda x: wt.gather(x, [[0], [1]]), ok(X[[[0], [1]]]), X),
    ("gather-axis-out", lambda x: wt.gather(x, [0], 2), err(ValueError, "gather", "axis"), X),
    ("gather-axis-float", lambda x: wt.gather(x, [0], 1.0), err(TypeError, "gather", "axis"), X),
    ("gather-batch-dims", lambda x: wt.gather(x, [0], 1, 1), err(ValueError, "gather", "batch_dims"), X),
    ("gather-empty", lambda x: wt.gather(x, []), ok(np.zeros((0, 3), np.float32)), X),
    ("gather-scalar-index", lambda x: wt.gather(x, 1), ok(X[1]), X),
    ("gather-np-int64", lambda x: wt.gather(x, np.array([1, 0], np.int64), 1), ok(X[:, [1, 0]]), X),
    ("one-hot-out-of-range", lambda: wt.one_hot([0, 3], 3), ok(np.array([[1, 0, 0], [0, 0, 0]], np.int32))),
    ("one-hot-negative", lambda: wt.one_hot([0, -1], 3), ok(np.array([[1, 0, 0], [0, 0, 0]], np.int32))),
    ("one-hot-depth-zero", lambda: wt.one_hot([0], 0), err(ValueError, "one_hot", "depth")),
    ("one-hot-depth-float", lambda: wt.one_hot([0], 2.5), err(TypeError, "one_hot", "depth")),
    ("one-hot-depth-str", lambda: wt.one_hot([0], "a"), err(TypeError, "one_hot", "depth")),
    ("one-hot-depth-none", lambda: wt.one_hot([0], None), err(TypeError, "one_hot", "depth")),
    ("one-hot-float-indices", lambda: wt.one_hot([0.5], 3), err(TypeError, "one_hot", "indices")),
    ("one-hot-float-tensor", lambda x: wt.one_hot(x, 3), err(TypeError, "one_hot", "indices"), X),
    ("one-hot-dtype", lambda: wt.one_hot([0], 3, dtype="float64"), err(TypeError, "one_hot", "dtype")),
    ("one-hot-on-value-str", lambda: wt.one_hot([0], 3, "a"), err(TypeError, "one_hot", "on_value")),
    ("one-hot-float-values", lambda: wt.one_hot([1], 2, 0.5, -0.5, "float32"), ok(f([[-0.5, 0.5]]))),
    ("one-hot-2d", lambda x: wt.one_hot(x, 2), ok(np.eye(2, dtype=np.int32)[i([[0, 1], [1, 0]])]), i([[0, 1], [1, 0]])),
    ("one-hot-depth-huge", lambda: wt.one_hot([0], 2 ** 40), err(ValueError, "one_hot", "depth")),
]:
    case(id_, fn, expect, *inputs)

# ---- matmul
for id_, fn, expect, *inputs in [
    ("matmul-rank1", lambda a, b: wt.matmul(a, b), err(ValueError, "matmul", "rank"), f(3), f(3)),
    ("matmul-inner", lambda a, b: wt.matmul(a, b), err(ValueError, "matmul", "inner"), X, X),
    ("matmul-inner-transposed", lambda a, b: wt.matmul(a, b, True), err(ValueError, "matmul", "inner"), X, f(3, 4)),
    ("matmul-batch-mismatch", lambda a, b: wt.matmul(a, b), err(ValueError, "matmul", "broadcast"),
     f(2, 2, 3), f(3, 3, 4)),
    ("matmul-zero-batch", lambda a, b: wt.matmul(a, b), ok(np.zeros((0, 2, 4), np.float32)), f(0, 2, 3), f(0, 3, 4)),
    ("matmul-zero-batch-broadcast", lambda a, b: wt.matmul(a, b), ok(np.zeros((0, 2, 4), np.float32)), f(0, 2, 3),
     f(3, 4)),
    ("matmul-zero-inner", lambda a, b: wt.matmul(a, b), ok(np.zeros((2, 3), np.float32)), f(2, 0), f(0, 3)),
    ("matmul-zero-rows", lambda a, b: wt.matmul(a, b), ok(np.zeros((1, 0, 0), np.float32)), f(1, 0, 3), f(1, 3, 0)),
    ("matmul-batch-broadcast", lambda a, b: wt.matmul(a, b), ok(f(2, 1, 2, 3) @ f(3, 3, 4)), f(2, 1, 2, 3), f(3, 3, 4)),
    ("matmul-list", lambda a: wt.matmul(a, [[1], [2], [3]]), ok(X @ np.float32([[1], [2], [3]])), X),
    ("matmul-str", lambda a: wt.matmul(a, "a"), err(TypeError, "matmul", "b"), X),
    ("matmul-int", lambda a, b: wt.matmul(a, b), ok((XI @ i(3, 2)).astype(np.float32)), XI, i(3, 2)),
    ("matmul-disposed", lambda a, d: wt.matmul(a, d), err(ValueError, "matmul", "disposed"), X, disposed),
    ("matmul-operator-vector", lambda a, v: a @ v, ok(X @ f(3)), X, f(3)),
    ("matmul-operator-str", lambda a: a @ "a", err(TypeError, "matmul", "b"), X),
    ("matmul-operator-list", lambda a: a @ [1.0, 2.0, 3.0], ok(X @ np.float32([1, 2, 3])), X),
    ("dot-rank3", lambda a, v: wt.dot(a, v), err(ValueError, "dot", "rank"), f(2, 2, 2), f(2)),
    ("dot-inner", lambda a, v: wt.dot(a, v), err(ValueError, "dot", "inner"), f(3), f(4)),
    ("dot-vectors", lambda a, v: wt.dot(a, v), ok(np.float32(f(3) @ f(3))), f(3), f(3)),
    ("outer-rank", lambda a, v: wt.outer(a, v), err(ValueError, "outer", "rank"), X, f(3)),
]:
    case(id_, fn, expect, *inputs)


# ---- convolutions and pools
def np_conv(x, w, pads=((0, 0), (0, 0))):
    x = np.pad(x, [(0, 0), *pads, (0, 0)])
    fh, fw = w.shape[:2]
    oh, ow = x.shape[1] - fh + 1, x.shape[2] - fw + 1
    return sum(x[:, a:a + oh, c:c + ow, :] @ w[a, c] for a in range(fh) for c in range(fw))


NEG_PAD = [[0, 0], [-1, 0], [0, 0], [0, 0]]
for id_, fn, expect, *inputs in [
    ("conv2d-valid", lambda x, w: wt.conv2d(x, w, 1, "valid"), ok(np_conv(X4, W4)), X4, W4),
    ("conv2d-explicit", lambda x, w: wt.conv2d(x, w, 1, [[0, 0], [1, 1], [1, 1], [0, 0]]),
     ok(np_conv(X4, W4, ((1, 1), (1, 1)))), X4, W4),
    ("conv2d-empty-batch", lambda x, w: wt.conv2d(x, w, 1, "valid"), ok(np.zeros((0, 3, 3, 1), np.float32)),
     f(0, 4, 4, 1), W4),
    ("conv2d-3d-input", lambda x, w: wt.conv2d(x, w, 1, "valid"), ok(np_conv(X4, W4)[0]), f(4, 4, 1), W4),
    ("conv2d-negative-pad", lambda x, w: wt.conv2d(x, w, 1, NEG_PAD), err(ValueError, "conv2d", "pad"), X4, W4),
    ("conv2d-batch-pad", lambda x, w: wt.conv2d(x, w, 1, [[1, 1], [0, 0], [0, 0], [0, 0]]),
     err(ValueError, "conv2d", "pad"), X4, W4),
    ("conv2d-float-pad-pair", lambda x, w: wt.conv2d(x, w, 1, [[0, 0], [0.5, 0], [0, 0], [0, 0]]),
     err((TypeError, ValueError), "conv2d", "pad"), X4, W4),
    ("conv2d-zero-stride", lambda x, w: wt.conv2d(x, w, 0, "valid"), err(ValueError, "conv2d", "strides"), X4, W4),
    ("conv2d-float-stride", lambda x, w: wt.conv2d(x, w, 1.5, "valid"),
     err((TypeError, ValueError), "conv2d", "strides"),
     X4, W4),
    ("conv2d-strides-3", lambda x, w: wt.conv2d(x, w, [1, 1, 1], "valid"), err(ValueError, "conv2d", "strides"), X4,
     W4),
    ("conv2d-filter-too-big", lambda x, w: wt.conv2d(x, w, 1, "valid"), err(ValueError, "conv2d", "filter"), X4,
     f(5, 5, 1, 1)),
    ("conv2d-rank2-input", lambda x, w: wt.conv2d(x, w, 1, "valid"), err(ValueError, "conv2d", "x"), f(4, 4), W4),
    ("conv2d-rank3-filter", lambda x, w: wt.conv2d(x, w, 1, "valid"), err(ValueError, "conv2d", "filter"), X4,
     f(2, 2, 1)),
    ("conv2d-channels", lambda x, w: wt.conv2d(x, w, 1, "valid"), err(ValueError, "conv2d", "filter"), X4,
     f(2, 2, 2, 1)),
    ("conv2d-pad-name", lambda x, w: wt.conv2d(x, w, 1, "full"), err(ValueError, "conv2d", "pad"), X4, W4),
    ("conv2d-pad-negative-int", lambda x, w: wt.conv2d(x, w, 1, -1), err(ValueError, "conv2d", "pad"), X4, W4),
    ("conv2d-pad-float", lambda x, w: wt.conv2d(x, w, 1, 1.5), err((TypeError, ValueError), "conv2d", "pad"), X4, W4),
    ("conv2d-data-format", lambda x, w: wt.conv2d(x, w, 1, "valid", "NCHW"), err(ValueError, "conv2d", "data_format"),
     X4, W4),
    ("conv2d-zero-dilation", lambda x, w: wt.conv2d(x, w, 1, "valid", "NHWC", 0),
     err(ValueError, "conv2d", "dilations"),
     X4, W4),
    ("conv2d-stride-and-dilation", lambda x, w: wt.conv2d(x, w, 2, "valid", "NHWC", 2),
     err(ValueError, "conv2d", "dilations"), X4, W4),
    ("conv2d-rounding-same", lambda x, w: wt.conv2d(x, w, 1, "same", dim_rounding_mode="ceil"),
     err(ValueError, "conv2d", "pad"), X4, W4),
    ("conv2d-rounding-name", lambda x, w: wt.conv2d(x, w, 1, 1, dim_rounding_mode="up"),
     err(ValueError, "conv2d", "dim_rounding_mode"), X4, W4),
    ("conv2d-filter-str", lambda x: wt.conv2d(x, "a", 1, "valid"), err(TypeError, "conv2d", "filter"), X4),
    ("conv2d-x-str", lambda w: wt.conv2d("a", w, 1, "valid"), err(TypeError, "conv2d", "x"), W4),
    ("conv2d-transpose-shape", lambda x, w: wt.conv2d_transpose(x, w, [1, 5, 5, 1], 1, "valid"),
     ok_if(lambda t: t.shape == (1, 5, 5, 1), "shape (1, 5, 5, 1)"), X4, W4),
    ("conv2d-transpose-mismatch", lambda x, w: wt.conv2d_transpose(x, w, [1, 6, 6, 1], 1, "valid"),
     err(ValueError, "conv2d_transpose", "output_shape"), X4, W4),
    ("conv2d-transpose-rank3-shape", lambda x, w: wt.conv2d_transpose(x, w, [1, 5, 5], 1, "valid"),
     err(ValueError, "conv2d_transpose", "output_shape"), X4, W4),
    ("conv2d-transpose-float-shape", lambda x, w: wt.conv2d_transpose(x, w, [1, 5.5, 5, 1], 1, "valid"),
     err(TypeError, "conv2d_transpose", "output_shape"), X4, W4),
    ("conv2d-transpose-int-shape", lambda x, w: wt.conv2d_transpose(x, w, 5, 1, "valid"),
     err((TypeError, ValueError), "conv2d_transpose", "output_shape"), X4, W4),
    ("conv2d-transpose-negative-pad", lambda x, w: wt.conv2d_transpose(x, w, [1, 5, 5, 1], 1, NEG_PAD),
     err(ValueError, "conv2d_transpose", "pad"), X4, W4),
    ("depthwise-channels", lambda x, w: wt.depthwise_conv2d(x, w, 1, "valid"),
     err(ValueError, "depthwise_conv2d", "filter"), X4, f(2, 2, 2, 1)),
    ("depthwise-zero-stride", lambda x, w: wt.depthwise_conv2d(x, w, 0, "valid"),
     err(ValueError, "depthwise_conv2d", "strides"), X4, W4),
    ("depthwise-negative-pad", lambda x, w: wt.depthwise_conv2d(x, w, 1, NEG_PAD),
     err(ValueError, "depthwise_conv2d", "pad"), X4, W4),
    ("depthwise-valid", lambda x, w: wt.depthwise_conv2d(x, w, 1, "valid"), ok(np_conv(X4, W4)), X4, W4),
    ("max-pool-ok", lambda x: wt.max_pool(x, 2, 2, "valid"), ok(X4.reshape(1, 2, 2, 2, 2, 1).max((2, 4))), X4),
    ("max-pool-zero-stride", lambda x: wt.max_pool(x, 2, 0, "valid"), err(ValueError, "max_pool", "strides"), X4),
    ("max-pool-zero-filter", lambda x: wt.max_pool(x, 0, 1, "valid"), err(ValueError, "max_pool", "filter_size"), X4),
    ("max-pool-filter-too-big", lambda x: wt.max_pool(x, 5, 1, "valid"), err(ValueError, "max_pool", "filter"), X4),
    ("max-pool-float-filter", lambda x: wt.max_pool(x, 2.5, 1, "valid"),
     err((TypeError, ValueError), "max_pool", "filter_size"), X4),
    ("max-pool-negative-pad", lambda x: wt.max_pool(x, 2, 1, NEG_PAD), err(ValueError, "max_pool", "pad"), X4),
    ("max-pool-rank2", lambda x: wt.max_pool(x, 2, 1, "valid"), err(ValueError, "max_pool", "x"), f(4, 4)),
    ("max-pool-filter-3", lambda x: wt.max_pool(x, [2, 2, 2], 1, "valid"), err(ValueError, "max_pool", "filter_size"),
     X4),
    ("avg-pool-negative-int-pad", lambda x: wt.avg_pool(x, 2, 1, -1), err(ValueError, "avg_pool", "pad"), X4),
    ("avg-pool-same", lambda x: wt.avg_pool(x, 2, 1, "same"), ok_if(lambda t: t.shape == (1, 4, 4, 1), "shape"), X4),
    ("avg-pool-int", lambda x: wt.avg_pool(x, 2, 2, "valid"),
     ok(i(1, 4, 4, 1).reshape(1, 2, 2, 2, 2, 1).mean((2, 4)).astype(np.float32)), i(1, 4, 4, 1)),
    ("avg-pool-rounding-valid", lambda x: wt.avg_pool(x, 2, 1, "valid", "ceil"), err(ValueError, "avg_pool", "pad"),
     X4),
    ("conv1d-zero-stride", lambda x, w: wt.conv1d(x, w, 0, "valid"), err(ValueError, "conv1d", "stride"),
     f(1, 4, 1), f(2, 1, 1)),
    ("conv1d-rank", lambda x, w: wt.conv1d(x, w, 1, "valid"), err(ValueError, "conv1d", "x"), f(1, 1, 4, 1),
     f(2, 1, 1)),
    ("conv3d-filter-too-big", lambda x, w: wt.conv3d(x, w, 1, "valid"), err(ValueError, "conv3d", "filter"),
     f(1, 2, 2, 2, 1), f(3, 3, 3, 1, 1)),
    ("separable-pointwise", lambda x, d, p: wt.separable_conv2d(x, d, p, 1, "valid"),
     err(ValueError, "separable_conv2d", "pointwise_filter"), X4, W4, f(1, 1, 2, 1)),
    ("batch-norm-shapes", lambda x: wt.batch_norm(x, f(4), f(4)), err(ValueError, "batch_norm", "broadcast"), X),
    ("dropout-rate", lambda x: wt.dropout(x, 1.5), err(ValueError, "dropout", "rate"), X),
    ("dropout-rate-str", lambda x: wt.dropout(x, "a"), err(TypeError, "dropout", "rate"), X),
    ("dropout-zero", lambda x: wt.dropout(x, 0), ok(X), X),
    ("softmax-axis", lambda x: wt.softmax(x, 2), err(ValueError, "softmax", "dim"), X),
    ("softmax-int", lambda x: wt.softmax(x), ok(np.exp(XI - np.log(np.exp(XI).sum(1, keepdims=True)))), XI),
    ("softmax-empty", lambda x: wt.softmax(x), ok(np.zeros((0, 3), np.float32)), f(0, 3)),
    ("softmax-inf", lambda x: wt.softmax(x), ok(f([NAN, NAN])), f([INF, INF])),
    ("log-softmax-axis-float", lambda x: wt.log_softmax(x, 1.0), err(TypeError, "log_softmax", "axis"), X),
    ("resize-zero", lambda x: wt.resize_bilinear(x, [0, 2]), err(ValueError, "resize_bilinear", "size"), X4),
    ("resize-float", lambda x: wt.resize_bilinear(x, [2.5, 2]),
     err((TypeError, ValueError), "resize_bilinear", "size"), X4),
    ("resize-up", lambda x: wt.resize_bilinear(x, [8, 8]), ok_if(lambda t: t.shape == (1, 8, 8, 1), "shape"), X4),
]:
    case(id_, fn, expect, *inputs)

# ---- indexing: t[...]
for id_, key, expect in [
    ("negative", -1, ok(X[-1])),
    ("negative-out", -3, err(IndexError, "getitem", "index")),
    ("out", 2, err(IndexError, "getitem", "index")),
    ("list-negative", [-1, 0], ok(X[[-1, 0]])),
    ("list-bool", [True, False], ok(X[[True, False]])),
    ("list-bool-length", [True], err(IndexError, "getitem", "boolean")),
    ("list-out", [0, 2], err(IndexError, "getitem", "index")),
    ("list-empty", [], ok(np.zeros((0, 3), np.float32))),
    ("list-nested", [[0, 1]], ok(X[[[0, 1]]])),
    ("too-many", (0, 0, 0), err(IndexError, "getitem", "indices")),
    ("two-ellipses", (..., ...), err(IndexError, "getitem", "ellipsis")),
    ("float", 1.5, err(TypeError, "getitem", "index")),
    ("str", "a", err(TypeError, "getitem", "index")),
    ("bool", True, err((TypeError, IndexError), "getitem", "index")),
    ("none", None, ok(X[None])),
    ("none-middle", (slice(None), None, 1), ok(X[:, None, 1])),
    ("reverse", slice(None, None, -1), ok(X[::-1])),
    ("step-zero", slice(None, None, 0), err(ValueError, "getitem", "step")),
    ("slice-float", slice(0.5, None), err(TypeError, "getitem", "index")),
    ("slice-past-end", slice(1, 5), ok(X[1:5])),
    ("slice-before-start", slice(-5, None), ok(X[-5:])),
    ("ellipsis", (..., 0), ok(X[..., 0])),
    ("array", np.array([1, 0]), ok(X[np.array([1, 0])])),
    ("array-2d", np.array([[0], [1]]), ok(X[np.array([[0], [1]])])),
    ("array-float", np.array([0.5]), err(IndexError, "getitem", "ints")),
    ("array-bool", np.array([False, True]), ok(X[np.array([False, True])])),
    ("np-int", np.int64(1), ok(X[1])),
    ("tuple-with-list", (1, [0, 2]), err(TypeError, "getitem", "index")),
    ("column-out", (0, 3), err(IndexError, "getitem", "index")),
    ("column-negative", (0, -1), ok(X[0, -1])),
]:
    case(f"getitem-{id_}", lambda x, key=key: x[key], expect, X)
for id_, fn, expect, *inputs in [
    ("getitem-int-tensor", lambda x, k: x[k], ok(X[[1, 0]]), X, i([1, 0])),
    ("getitem-scalar-tensor", lambda x, k: x[k], ok(X[1]), X, np.int32(1)),
    ("getitem-float-tensor", lambda x, k: x[k], err(TypeError, "(getitem|gather)", "indices"), X, f([1])),
    ("getitem-scalar", lambda x: x[0], err(IndexError, "getitem", "indices"), np.float32(1)),
    ("getitem-chained-out", lambda x: wt.tidy(lambda: x[0][5]), err(IndexError, "getitem", "index"), X),
    ("getitem-disposed", lambda d: d[0], err(ValueError, "getitem", "disposed"), disposed),
    ("getitem-empty-axis", lambda x: x[0], err(IndexError, "getitem", "index"), f(0, 3)),
    ("setitem", lambda x: x.__setitem__(0, 1.0), err(TypeError, "immutable"), X),
    ("len-scalar", lambda x: len(x), err(TypeError, "len", "scalar"), np.float32(1)),
    ("bool-ambiguous", lambda x: bool(x), err(ValueError, "bool", "ambiguous"), X),
    ("item-many", lambda x: x.item(), err(ValueError, "item", "shape"), X),
    ("index-float-tensor", lambda x, k: [1, 2, 3][k], err(TypeError, "index", "int32"), X, np.float32(1)),
    ("as-scalar-many", lambda x: x.as_scalar(), err(ValueError, "as_scalar", "shape"), X),
    ("as2d-bad", lambda x: x.as2d(4, 2), err(ValueError, "reshape", "shape"), X),
]:
    case(id_, fn, expect, *inputs)

# ---- tidy, keep, dispose
async def _coroutine():
    return None


def _with_block(x):
    with wt.tidy():
        y = x + 1.0
    return y.is_disposed


def _dispose_twice():
    t = wt.tensor([1.0])
    t.dispose()
    t.dispose()
    return t.is_disposed


def _dispose_mixed():
    t, u = wt.tensor([1.0]), wt.tensor([2.0])
    wt.dispose({"a": [t, t, 5], "b": (u, None), "c": {u}})
    return t.is_disposed and u.is_disposed


def _tensor_set_alive(result):
    return isinstance(result, set) and len(result) == 1 and not next(iter(result)).is_disposed


for id_, fn, expect, *inputs in [
    ("tidy-int", lambda: wt.tidy(5), err(TypeError, "tidy", "fn")),
    ("tidy-name-int", lambda: wt.tidy("name", 5), err(TypeError, "tidy", "fn")),
    ("tidy-none-name", lambda: wt.tidy(None, 5), err(TypeError, "tidy", "fn")),
    ("tidy-name-only", lambda: isinstance(wt.tidy("name"), wt.tidy), ok(True)),
    ("tidy-coroutine", lambda: wt.tidy(_coroutine), err(TypeError, "tidy", "coroutine")),
    ("tidy-set", lambda x: wt.tidy(lambda: {x + 1.0}), ok_if(_tensor_set_alive, "a set of one live tensor"), X),
    ("tidy-dict-nested", lambda x: wt.tidy(lambda: {"a": x + 1.0, "b": [[x * 2.0]]}),
     ok_if(lambda r: not r["a"].is_disposed and not r["b"][0][0].is_disposed, "live tensors"), X),
    ("tidy-nested-list", lambda x: wt.tidy(lambda: [[x + 1.0]])[0][0], ok(X + 1), X),
    ("tidy-tuple-mixed", lambda x: wt.tidy(lambda: (x + 1.0, 5))[0], ok(X + 1), X),
    ("tidy-returns-input", lambda x: wt.tidy(lambda: x), ok(X), X),
    ("tidy-returns-number", lambda x: wt.tidy(lambda: float((x * 2.0).sum())), ok(float(X.sum() * 2)), X),
    ("tidy-raises", lambda x: wt.tidy(lambda: (x + 1.0, 1 / 0)), err(ZeroDivisionError, "division"), X),
    ("tidy-nested-raises", lambda x: wt.tidy(lambda: wt.tidy(lambda: (x + 1.0, 1 / 0))),
     err(ZeroDivisionError, "division"), X),
    ("tidy-nested-returns", lambda x: wt.tidy(lambda: wt.tidy(lambda: x + 1.0) * 2.0), ok((X + 1) * 2), X),
    ("tidy-with-block", _with_block, ok(True), X),
    ("tidy-disposed-inside", lambda d: wt.tidy(lambda: d * 2.0), err(ValueError, "mul", "disposed"), disposed),
    ("dispose-twice", _dispose_twice, ok(True)),
    ("dispose-mixed", _dispose_mixed, ok(True)),
    ("dispose-number", lambda: wt.dispose(5), ok(None)),
    ("dispose-none", lambda: wt.dispose(None), ok(None)),
    ("keep-number", lambda: wt.keep(5), ok(5)),
    ("disposed-add-float", lambda d: d + 1.0, err(ValueError, "add", "disposed"), disposed),
    ("disposed-add-int", lambda d: d + 1, err(ValueError, "add", "disposed"), disposed),
    ("disposed-sum", lambda d: wt.sum(d), err(ValueError, "sum", "disposed"), disposed),
    ("disposed-reshape", lambda d: wt.reshape(d, [-1]), err(ValueError, "reshape", "disposed"), disposed),
    ("disposed-numpy", lambda d: d.numpy(), err(ValueError, "data_sync", "disposed"), disposed),
    ("disposed-array", lambda d: run(d.array()), err(ValueError, "data", "disposed"), disposed),
    ("disposed-clone", lambda d: d.clone(), err(ValueError, "clone", "disposed"), disposed),
    ("disposed-cast", lambda d: d.to_int(), err(ValueError, "cast", "disposed"), disposed),
    ("disposed-repr", lambda d: "disposed" in repr(d), ok(True), disposed),
    ("disposed-shape", lambda d: d.shape, ok((2,)), disposed),
]:
    case(id_, fn, expect, *inputs)


# ---- variables
def _duplicate_name(initial):
    v = wt.variable(np.float32([1.0]), name="bad_inputs_duplicate")
    try:
        return wt.variable(initial, name="bad_inputs_duplicate")
    finally:
        v.dispose()


def _variable_then_dispose(**kw):
    def fn(x):
        v = wt.variable(x, **kw)
        values, dtype = v.numpy(), v.dtype
        v.dispose()
        return wt.tensor(values, dtype=dtype)
    return fn


def _assign_disposed(value):
    v = wt.variable(np.float32([1]))
    v.dispose()
    return v.assign(value)


V = var()
for id_, fn, expect, *inputs in [
    ("assign-shape", lambda v, x: v.assign(x), err(ValueError, "assign", "shape"), V, f(3)),
    ("assign-dtype", lambda v, x: v.assign(x), err((TypeError, ValueError), "assign", "dtype"), V, i([1, 2])),
    ("assign-list", lambda v: v.assign([3.0, 4.0]).numpy(), ok_if(lambda a: (a == [3, 4]).all(), "[3, 4]"), V),
    ("assign-np-float64", lambda v: v.assign(np.array([3.0, 4.0])).numpy(),
     ok_if(lambda a: (a == [3, 4]).all(), "[3, 4]"), V),
    ("assign-str", lambda v: v.assign("a"), err(TypeError, "assign", "new_value"), V),
    ("assign-disposed-value", lambda v, d: v.assign(d), err(ValueError, "assign", "disposed"), V, disposed),
    ("assign-self", lambda v: v.assign(v).numpy(), ok_if(lambda a: (a == [1, 2]).all(), "[1, 2]"), V),
    ("assign-broadcastable", lambda v: v.assign(5.0), err(ValueError, "assign", "shape"), V),
    ("variable-duplicate", lambda x: _duplicate_name(x), err(ValueError, "variable", "name"), X),
    ("variable-duplicate-list", lambda: _duplicate_name([1.0, 2.0]), err(ValueError, "variable", "name")),
    ("variable-str", lambda: wt.variable("a"), err(TypeError, "variable", "initial_value")),
    ("variable-dtype", lambda x: wt.variable(x, dtype="float64"), err(TypeError, "variable", "dtype"), X),
    ("variable-name-int", lambda x: wt.variable(x, name=5), err(TypeError, "variable", "name"), X),
    ("variable-disposed", lambda d: wt.variable(d), err(ValueError, "variable", "disposed"), disposed),
    ("variable-cast", _variable_then_dispose(dtype="int32"), ok(XI), X),
    ("variable-of-tensor", _variable_then_dispose(), ok(X), X),
    ("variable-dispose-twice", lambda: (v := wt.variable(np.float32([1])), v.dispose(), v.dispose(), v.is_disposed)[-1],
     ok(True)),
    ("variable-assign-after-dispose", lambda: _assign_disposed([1.0]), err(ValueError, "assign", "disposed")),
]:
    case(id_, fn, expect, *inputs)

# ---- autograd
CG = {
    "ok": lambda x: (x * 2.0, lambda dy: dy * 3.0),
    "shape": lambda x: (x * 2.0, lambda dy: wt.ones([5])),
    "count": lambda x: (x * 2.0, lambda dy: [dy, dy]),
    "none": lambda x: (x * 2.0, lambda dy: None),
    "dtype": lambda x: (x * 2.0, lambda dy: wt.cast(dy, "bool")),
    "raises": lambda x: (x * 2.0, lambda dy: 1 / 0),
    "not-tuple": lambda x: x * 2.0,
    "not-callable": lambda x: (x * 2.0, 5),
}
CG = {k: wt.custom_grad(v) for k, v in CG.items()}


def _custom(kind):
    return lambda x: wt.grad(lambda y: CG[kind](y).sum())(x)


def _variable_grads(f, var_list=None):
    def fn(v):
        r = wt.variable_grads(lambda: f(v), [v] if var_list is None else var_list)
        if r.value is not v:
            r.value.dispose()
        return r.grads[v.name]
    return fn


for id_, fn, expect, *inputs in [
    ("grad-non-scalar", lambda x: wt.grad(lambda y: y * 2.0)(x), ok(np.full((2, 3), 2, np.float32)), X),
    ("grad-identity", lambda x: wt.grad(lambda y: y)(x), ok(np.ones((2, 3), np.float32)), X),
    ("grad-number", lambda x: wt.grad(lambda y: 5)(x), err(TypeError, "grad", "f"), X),
    ("grad-unused", lambda x: wt.grad(lambda y: wt.scalar(1.0))(x), err(ValueError, "grad", "input"), X),
    ("grad-str", lambda: wt.grad(lambda y: y)("a"), err(TypeError, "grad", "x")),
    ("grad-list", lambda: wt.grad(lambda y: y.sum())([1.0, 2.0]), ok(f([1, 1]))),
    ("grad-dy-shape", lambda x: wt.grad(lambda y: y * 2.0)(x, f(3)), err(ValueError, "grad", "dy"), X),
    ("grad-dy-str", lambda x: wt.grad(lambda y: y * 2.0)(x, "a"), err(TypeError, "grad", "dy"), X),
    ("grad-raises", lambda x: wt.grad(lambda y: (y * 2.0, 1 / 0))(x), err(ZeroDivisionError, "division"), X),
    ("grad-disposed", lambda d: wt.grad(lambda y: y.sum())(d), err(ValueError, "grad", "disposed"), disposed),
    ("grad-of-variable", lambda v: wt.grad(lambda y: (y * y).sum())(v), ok(f([2, 4])), V),
    ("grads-same-twice-mul", lambda x: wt.grads(lambda a, c: a * c)([x, x]), ok([X, X]), X),
    ("grads-same-twice-add", lambda x: wt.grads(lambda a, c: a + c)([x, x]),
     ok([np.ones((2, 3), np.float32)] * 2), X),
    ("grads-not-list", lambda x: wt.grads(lambda a: a)(x), err(TypeError, "grads", "list"), X),
    ("grads-str-item", lambda x: wt.grads(lambda a, c: a + c)([x, "a"]), err(TypeError, "grads", r"xs\[1\]"), X),
    ("grads-number-result", lambda x: wt.grads(lambda a: 1.0)([x]), err(TypeError, "grad", "f"), X),
    ("value-and-grad", lambda x: wt.value_and_grad(lambda y: y.sum())(x),
     ok([np.array(X.sum()), np.ones((2, 3), np.float32)]), X),
    ("value-and-grads-raises", lambda x: wt.value_and_grads(lambda a: 1 / 0)([x]), err(ZeroDivisionError, "division"),
     X),
    ("grad-prod-one-zero", lambda x: wt.grad(lambda y: wt.prod(y))(x), ok(f([6, 0, 0])), f([0, 2, 3])),
    ("grad-prod-two-zeros", lambda x: wt.grad(lambda y: wt.prod(y))(x), ok(f([0, 0, 0])), f([0, 0, 3])),
    ("grad-logsumexp-neg-inf", lambda x: wt.grad(lambda y: wt.logsumexp(y))(x), ok(f([0, 1])), f([-INF, 0])),
    ("grad-sqrt-zero", lambda x: wt.grad(lambda y: wt.sqrt(y).sum())(x), ok(f([INF, 0.5])), f([0, 1])),
    ("grad-int32", lambda x: wt.grad(lambda y: (y * 2).sum())(x), ok_if(lambda g: g.shape == (2, 3), "shape"), XI),
    ("custom-grad-ok", _custom("ok"), ok(np.full((2, 3), 3, np.float32)), X),
    ("custom-grad-shape", _custom("shape"), err(ValueError, "custom_grad", "shape"), X),
    ("custom-grad-count", _custom("count"), err(ValueError, "custom_grad", "gradients"), X),
    ("custom-grad-none", _custom("none"), err(TypeError, "custom_grad", "grad_fn"), X),
    ("custom-grad-dtype", _custom("dtype"), err(TypeError, "custom_grad", "dtype"), X),
    ("custom-grad-raises", _custom("raises"), err(ZeroDivisionError, "division"), X),
    ("custom-grad-not-tuple", lambda x: CG["not-tuple"](x), err(TypeError, "custom_grad", "f"), X),
    ("custom-grad-not-callable", lambda x: CG["not-callable"](x), err(TypeError, "custom_grad", "f"), X),
    ("custom-grad-forward", lambda x: CG["ok"](x), ok(X * 2), X),
    ("custom-grad-str", lambda: CG["ok"]("a"), err(TypeError, "custom_grad", "inputs")),
    ("variable-grads-ok", _variable_grads(lambda v: (v * v).sum()), ok(f([2, 4])), V),
    ("variable-grads-value-is-variable", _variable_grads(lambda v: v), ok(np.float32(1)),
     lambda: wt.variable(np.float32(3.0))),
    ("variable-grads-non-scalar", _variable_grads(lambda v: v * 2.0), err(ValueError, "variable_grads", "scalar"), V),
    ("variable-grads-raises", _variable_grads(lambda v: (v * 2.0, 1 / 0)), err(ZeroDivisionError, "division"), V),
    ("variable-grads-unused", _variable_grads(lambda v: wt.scalar(1.0)),
     err(ValueError, "variable_grads", "variables"), V),
    ("variable-grads-number", _variable_grads(lambda v: 1.0), err(TypeError, "(variable_grads|grad)", "f"), V),
    ("variable-grads-tensor-list", lambda x: wt.variable_grads(lambda: x.sum(), [x]),
     err(TypeError, "variable_grads", "var_list"), X),
    ("variable-grads-empty-list", lambda v: wt.variable_grads(lambda: v.sum(), []),
     err(ValueError, "variable_grads", "variables"), V),
]:
    case(id_, fn, expect, *inputs)


# ---- optimizers
def _minimize(opt, loss, **kw):
    def fn(v):
        o = opt()
        try:
            cost = o.minimize(lambda: loss(v), **kw)
            return v.numpy() if cost is None else (cost.numpy() if cost is v else cost)
        finally:
            o.dispose()
    return fn


def _apply(opt, grads):
    def fn(v, g):
        o = opt()
        try:
            return o.apply_gradients({(v.name if k is None else k): g for k in grads})
        finally:
            o.dispose()
    return fn


SGD, ADAM = (lambda: wt.train.sgd(0.5)), (lambda: wt.train.adam(0.1))
for id_, fn, expect, *inputs in [
    ("minimize-non-scalar", _minimize(SGD, lambda v: v * 2.0), err(ValueError, "(minimize|variable_grads)", "scalar"),
     V),
    ("minimize-raises", _minimize(ADAM, lambda v: (v * 2.0, 1 / 0)), err(ZeroDivisionError, "division"), V),
    ("minimize-number", _minimize(SGD, lambda v: 1.0), err(TypeError, "(minimize|variable_grads|grad)", "f"), V),
    ("minimize-variable-itself", _minimize(SGD, lambda v: v), ok_if(lambda a: a == 2.5, "3 - 0.5"),
     lambda: wt.variable(np.float32(3.0))),
    ("minimize-variable-cost", _minimize(SGD, lambda v: v, return_cost=True), ok_if(lambda a: a == 2.5, "3 - 0.5"),
     lambda: wt.variable(np.float32(3.0))),
    ("minimize-ok", _minimize(ADAM, lambda v: (v * v).sum()), ok_if(lambda a: (a < [1, 2]).all(), "smaller"), V),
    ("minimize-cost", _minimize(SGD, lambda v: (v * v).sum(), return_cost=True), ok(np.float32(5)), V),
    ("minimize-tensor-var-list", lambda x: wt.train.sgd(0.1).minimize(lambda: x.sum(), var_list=[x]),
     err(TypeError, "(minimize|variable_grads)", "var_list"), X),
    ("apply-unknown-name", _apply(SGD, ["bad_inputs_no_such_variable"]), err(ValueError, "apply_gradients", "name"),
     V, f(2)),
    ("apply-shape", _apply(SGD, [None]), err(ValueError, "apply_gradients", "shape"), V, f(3)),
    ("apply-shape-adam", _apply(ADAM, [None]), err(ValueError, "apply_gradients", "shape"), V, f(3)),
    ("apply-str", _apply(SGD, [None]), err(TypeError, "apply_gradients", "gradient"), V, lambda: "a"),
]:
    case(id_, fn, expect, *inputs)
for name, args in [("sgd", ()), ("momentum", (0.9,)), ("adagrad", ()), ("adadelta", ()), ("adam", ()),
                   ("adamax", ()), ("rmsprop", ())]:
    make_opt = getattr(wt.train, name)
    case(f"{name}-learning-rate-str", lambda make_opt=make_opt, args=args: make_opt("a", *args),
         err(TypeError, name, "learning_rate"))
    case(f"{name}-learning-rate-none", lambda make_opt=make_opt, args=args: make_opt(None, *args),
         err(TypeError, name, "learning_rate"))
case("momentum-str", lambda: wt.train.momentum(0.1, "a"), err(TypeError, "momentum", "momentum"))


# ---- layers and models
def _model(compiled=True):
    def make():
        m = wt.sequential([wt.layers.dense(units=2, input_shape=[3])])
        if compiled:
            m.compile(optimizer="sgd", loss="mean_squared_error")
        return m
    return make


def _fit(x, y, **kw):
    return lambda m: run(m.fit(x, y, **kw)) and None


L = wt.layers
for id_, fn, expect, *inputs in [
    ("dense-units-zero", lambda: L.dense(units=0), err(ValueError, "dense", "units")),
    ("dense-units-negative", lambda: L.dense(units=-1), err(ValueError, "dense", "units")),
    ("dense-units-str", lambda: L.dense(units="a"), err((TypeError, ValueError), "dense", "units")),
    ("dense-units-float", lambda: L.dense(units=2.5), err((TypeError, ValueError), "dense", "units")),
    ("dense-units-bool", lambda: L.dense(units=True), err((TypeError, ValueError), "dense", "units")),
    ("dense-activation", lambda: L.dense(units=2, activation="nope"), err(ValueError, "activation", "nope")),
    ("dense-activation-int", lambda: L.dense(units=2, activation=5), err(TypeError, "activation")),
    ("dense-initializer", lambda: L.dense(units=2, kernel_initializer="nope"), err(ValueError, "initializer", "nope")),
    ("layer-conv2d-filters-zero", lambda: L.conv2d(filters=0, kernel_size=3), err(ValueError, "conv2d", "filters")),
    ("layer-conv2d-kernel-zero", lambda: L.conv2d(filters=1, kernel_size=0), err(ValueError, "conv2d", "kernel_size")),
    ("layer-conv2d-strides-zero", lambda: L.conv2d(filters=1, kernel_size=3, strides=0),
     err(ValueError, "conv2d", "strides")),
    ("layer-conv2d-padding", lambda: L.conv2d(filters=1, kernel_size=3, padding="full"),
     err(ValueError, "conv2d", "padding")),
    ("layer-dropout-rate", lambda: L.dropout(rate=1.5), err(ValueError, "dropout", "rate")),
    ("layer-dropout-rate-str", lambda: L.dropout(rate="a"), err(TypeError, "dropout", "rate")),
    ("embedding-input-dim", lambda: L.embedding(input_dim=0, output_dim=2), err(ValueError, "embedding", "input_dim")),
    ("lstm-units", lambda: L.lstm(units=0), err(ValueError, "lstm", "units")),
    ("dense-call-shape", lambda x, y: _layer_twice(L.dense(units=2), x, y), err(ValueError, "dense", "shape"), f(2, 4),
     X),
    ("predict-shape", lambda m, x: m.predict(x), err(ValueError, "(dense|predict)", "shape"), _model(), f(2, 4)),
    ("predict-rank", lambda m, x: m.predict(x), err(ValueError, "(dense|predict)", "shape"), _model(), f(3)),
    ("predict-str", lambda m: m.predict("a"), err(TypeError, "predict", "x"), _model()),
    ("predict-batch-size", lambda m, x: m.predict(x, batch_size=0), err(ValueError, "predict", "batch_size"), _model(),
     X),
    ("predict-ok", lambda m, x: m.predict(x), ok_if(lambda t: t.shape == (2, 2), "shape (2, 2)"), _model(), X),
    ("predict-list", lambda m: m.predict([[1.0, 2.0, 3.0]]), ok_if(lambda t: t.shape == (1, 2), "shape (1, 2)"),
     _model()),
    ("fit-before-compile", lambda m, x: _fit(x, x)(m), err(RuntimeError, "compile"), _model(False), X),
    ("evaluate-before-compile", lambda m, x: m.evaluate(x, x), err(RuntimeError, "compile"), _model(False), X),
    ("compile-no-loss", lambda m: m.compile(optimizer="sgd", loss=None),
     err((TypeError, ValueError), "compile", "loss"),
     _model(False)),
    ("compile-loss-name", lambda m: m.compile(optimizer="sgd", loss="nope"), err(ValueError, "loss", "nope"),
     _model(False)),
    ("compile-optimizer-name", lambda m: m.compile(optimizer="nope", loss="mse"), err(ValueError, "optimizer", "nope"),
     _model(False)),
    ("fit-x-shape", lambda m, x, y: _fit(x, y)(m), err(ValueError, "(dense|fit)", "shape"), _model(), f(2, 4), f(2, 2)),
    ("fit-y-shape", lambda m, x, y: _fit(x, y)(m), err(ValueError, "(dense|fit)", "shape"), _model(), X, f(2, 3)),
    ("fit-samples", lambda m, x, y: _fit(x, y)(m), err(ValueError, "fit", "samples"), _model(), X, f(3, 2)),
    ("fit-batch-size", lambda m, x, y: _fit(x, y, batch_size=0)(m), err(ValueError, "fit", "batch_size"), _model(), X,
     f(2, 2)),
    ("fit-epochs", lambda m, x, y: _fit(x, y, epochs=-1)(m), err(ValueError, "fit", "epochs"), _model(), X, f(2, 2)),
    ("fit-validation-split", lambda m, x, y: _fit(x, y, validation_split=1.5)(m),
     err(ValueError, "fit", "validation_split"), _model(), X, f(2, 2)),
    ("fit-str", lambda m: _fit("a", "b")(m), err(TypeError, "fit", "x"), _model()),
    ("evaluate-batch-size", lambda m, x, y: m.evaluate(x, y, batch_size=0), err(ValueError, "evaluate", "batch_size"),
     _model(), X, f(2, 2)),
    ("train-on-batch-shape", lambda m, x, y: m.train_on_batch(x, y), err(ValueError, "(dense|train_on_batch)", "shape"),
     _model(), f(2, 4), f(2, 2)),
]:
    case(id_, fn, expect, *inputs)


def _layer_twice(layer, x, y):
    """Call a layer on x (which builds it), then on y."""
    try:
        wt.dispose(layer.apply(x))
        return layer.apply(y)
    finally:
        layer.dispose()


# ---- model files: weight specs
SPECS, DATA = wt.io.encode_weights([("w", np.float32([1, 2])), ("k", np.int32([3]))])
for id_, specs, data, expect, *marks in [
    ("ok", SPECS, DATA, ok_if(lambda d: list(d["w"]) == [1, 2] and list(d["k"]) == [3], "the values")),
    ("short-data", SPECS, DATA[:-1], err(ValueError, "weights", "bytes")),
    ("dtype", [{"name": "w", "shape": [2], "dtype": "float64"}], DATA[:8], err(ValueError, "decode_weights", "dtype")),
    ("quantization-dtype", [{"name": "w", "shape": [2], "dtype": "float32",
                             "quantization": {"dtype": "int4", "min": 0, "scale": 1}}], b"\0\0",
     err(ValueError, "decode_weights", "dtype")),
    ("no-shape", [{"name": "w", "dtype": "float32"}], DATA[:8], err(ValueError, "decode_weights", "shape")),
    ("negative-shape", [{"name": "w", "shape": [-2], "dtype": "float32"}], DATA[:8],
     err(ValueError, "decode_weights", "shape")),
    ("float-shape", [{"name": "w", "shape": [2.5], "dtype": "float32"}], DATA[:8],
     err((TypeError, ValueError), "decode_weights", "shape")),
    ("no-scale", [{"name": "w", "shape": [2], "dtype": "float32", "quantization": {"dtype": "uint8", "min": 0}}],
     b"\0\0", err(ValueError, "decode_weights", "scale")),
    ("data-none", SPECS, None, err(TypeError, "decode_weights", "data")),
    ("specs-none", None, DATA, err(TypeError, "decode_weights", "specs")),
]:
    case(f"decode-weights-{id_}", lambda specs=specs, data=data: wt.io.decode_weights(specs, data), expect, *marks)


# ---- graph models
def _graph_model():
    nodes = [{"name": "x", "op": "Placeholder", "attr": {"dtype": {"type": "DT_FLOAT"}, "shape": {"shape": {
                 "dim": [{"size": "-1"}, {"size": "3"}]}}}},
             {"name": "c", "op": "Const", "attr": {"dtype": {"type": "DT_FLOAT"}}},
             {"name": "y", "op": "AddV2", "input": ["x", "c"], "attr": {}},
             {"name": "out", "op": "Relu", "input": ["y"], "attr": {}}]
    specs, data = wt.io.encode_weights([("c", np.float32([1, -10, 0]))])
    artifacts = wt.io.ModelArtifacts(model_topology={"node": nodes}, weight_specs=specs, weight_data=data,
                                     format="graph-model")
    return run(wt.load_graph_model(wt.io.from_memory(artifacts)))


for id_, fn, expect, *inputs in [
    ("ok", lambda m, x: m.predict(x), ok(np.maximum(X + [1, -10, 0], 0)), _graph_model, X),
    ("array", lambda m: m.predict(np.ones((1, 3))), ok(f([[2, 0, 1]])), _graph_model),
    ("shape", lambda m, x: m.predict(x), err(ValueError, "x", "shape"), _graph_model, f(2, 4)),
    ("rank", lambda m, x: m.predict(x), err(ValueError, "x", "shape"), _graph_model, f(3)),
    ("dtype", lambda m, x: m.predict(x), err(TypeError, "x", "float32"), _graph_model, XI),
    ("count", lambda m, x: m.predict([x, x]), err(ValueError, "input", "2"), _graph_model, X),
    ("unknown-input", lambda m, x: m.execute({"nope": x}), err(ValueError, "unknown", "nope"), _graph_model, X),
    ("unknown-output", lambda m, x: m.execute(x, "nope"), err((KeyError, ValueError), "nope"), _graph_model, X),
    ("str", lambda m: m.predict("a"), err(TypeError, "x", "values"), _graph_model),
    ("disposed", lambda m, d: m.predict(d), err(ValueError, "disposed"), _graph_model, lambda: disposed((1, 3))),
]:
    case(f"graph-model-{id_}", fn, expect, *inputs)


# ---------------------------------------------------------------- the test

CLASSES = ("correct result", "clear error", "wrong result", "silent acceptance", "leak", "unclear error", "crash")
CRASHES = (MemoryError, SystemError, RecursionError, OverflowError)


def _tensors(obj, out):
    """The tensors in a result (through lists, tuples, sets and dicts)."""
    if isinstance(obj, wt.Tensor):
        out.append(obj)
    elif isinstance(obj, (list, tuple, set, frozenset)):
        for o in obj:
            _tensors(o, out)
    elif isinstance(obj, dict):
        for o in obj.values():
            _tensors(o, out)
    return out


def outcome(entry, backend):
    """(class, detail) of one case, the class one of CLASSES."""
    _, fn, expect, specs, _ = entry
    made = [make(s) for s in specs]
    inputs = [t for t in made if isinstance(t, wt.Tensor)]
    alive = [not t.is_disposed for t in inputs]
    before, depth = wt.memory(), (len(ENGINE.scopes), len(ENGINE.tapes), ENGINE.op_depth)
    try:
        kind, detail = _run(fn, made, expect, backend, {id(t) for t in inputs})
        after = wt.memory()
        state = (len(ENGINE.scopes), len(ENGINE.tapes), ENGINE.op_depth)
        lost = [i for i, (t, a) in enumerate(zip(inputs, alive)) if a and t.is_disposed]
        if (after.num_tensors, after.num_bytes) != (before.num_tensors, before.num_bytes) or lost or state != depth:
            if kind in ("correct result", "clear error"):
                kind = "leak"
            detail += (f" [tensors {before.num_tensors} -> {after.num_tensors}, bytes {before.num_bytes} -> "
                       f"{after.num_bytes}, inputs disposed: {lost}, scopes/tapes/ops {depth} -> {state}]")
        return kind, detail
    finally:
        while len(ENGINE.scopes) > depth[0]:  # a broken case must not break the next ones
            ENGINE.scopes.pop()
        ENGINE.op_depth = depth[2]
        for obj in made:
            if hasattr(obj, "dispose"):
                obj.dispose()


def _run(fn, made, expect, backend, input_ids):
    try:
        result = fn(*made)
    except Exception as e:  # noqa: BLE001  (classified)
        shown = f"{type(e).__name__}: {e}"
        if isinstance(expect, Ok):
            return ("crash" if isinstance(e, CRASHES) else "wrong result"), f"raised {shown}"
        if isinstance(e, expect.exc) and re.search(expect.pattern, str(e), re.I | re.S):
            return "clear error", shown
        return ("crash" if isinstance(e, CRASHES) else "unclear error"), f"raised {shown}"
    if asyncio.iscoroutine(result):
        result.close()
    try:
        if isinstance(expect, Err):
            return "silent acceptance", f"returned {result!r}"
        try:
            expect.check(result, backend)
        except AssertionError as e:
            return "wrong result", str(e)
        return "correct result", ""
    finally:
        for t in _tensors(result, []):
            if id(t) not in input_ids:
                t.dispose()


@pytest.mark.parametrize("entry", CASES)
def test_bad_input(request, backend, entry):
    xfail_on = entry[4]
    if xfail_on is not None and request.node.callspec.params["backend"] in xfail_on.backends:
        request.applymarker(pytest.mark.xfail(strict=True, reason=str(xfail_on)))
    kind, detail = outcome(entry, backend)
    assert kind in ("correct result", "clear error"), f"{kind}: {detail}"

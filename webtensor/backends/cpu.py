"""The CPU backend: every kernel of base.py on NumPy arrays. Buffers are flat contiguous arrays,
so a reshape never copies. Runs the same in CPython and in Pyodide."""
import math

import numpy as np

from ..dtypes import DTYPES
from .base import Backend

_erf = np.frompyfunc(math.erf, 1, 1)
SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def _softplus(x):
    return np.logaddexp(np.float32(0), x)


def _sigmoid(x):
    # both branches exp() of a non-positive number: no overflow
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


UNARY = {
    "neg": np.negative, "abs": np.abs, "square": np.square, "sqrt": np.sqrt,
    "rsqrt": lambda x: 1 / np.sqrt(x), "exp": np.exp, "log": np.log, "log1p": np.log1p,
    "expm1": np.expm1, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "tanh": np.tanh,
    "asinh": np.arcsinh, "acosh": np.arccosh, "atanh": np.arctanh,
    "sigmoid": _sigmoid, "softplus": _softplus, "sign": np.sign, "floor": np.floor,
    "ceil": np.ceil, "round": np.round, "reciprocal": lambda x: 1 / x,
    "erf": lambda x: np.asarray(_erf(x), dtype=x.dtype), "relu": lambda x: np.maximum(x, 0),
    "relu6": lambda x: np.clip(x, 0, 6), "elu": lambda x: np.where(x > 0, x, np.expm1(np.minimum(x, 0))),
    "selu": lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "is_nan": np.isnan, "is_inf": np.isinf, "is_finite": np.isfinite, "logical_not": np.logical_not,
}


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


BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide,
    "floor_div": _floor_div, "mod": _mod, "pow": _pow, "maximum": np.maximum,
    "minimum": np.minimum, "squared_difference": lambda a, b: np.square(a - b),
    "atan2": np.arctan2, "prelu": lambda x, a: np.where(x > 0, x, a * x),
    "equal": np.equal, "not_equal": np.not_equal, "less": np.less, "less_equal": np.less_equal,
    "greater": np.greater, "greater_equal": np.greater_equal, "logical_and": np.logical_and,
    "logical_or": np.logical_or, "logical_xor": np.logical_xor,
}

# ops that warn only on float overflow, which tfjs would not report either way
QUIET = {"add", "sub", "mul", "maximum", "minimum", "equal", "not_equal", "less", "less_equal",
         "greater", "greater_equal", "logical_and", "logical_or", "logical_xor"}
REDUCE = {"sum": np.sum, "prod": np.prod, "max": np.max, "min": np.min, "any": np.any, "all": np.all}


def unary_values(op, x):
    with np.errstate(all="ignore"):
        return UNARY[op](x)


def binary_values(op, a, b):
    if op in QUIET:  # np.errstate costs more than these ops on small arrays
        return BINARY[op](a, b)
    with np.errstate(all="ignore"):
        return BINARY[op](a, b)


def arr(t):
    return t._data.handle.reshape(t.shape)


def flat(a, dtype):
    return np.ascontiguousarray(a, dtype=DTYPES[dtype]).reshape(-1)


class CPUBackend(Backend):
    name = "cpu"

    def write(self, values, dtype):
        return np.array(values, dtype=DTYPES[dtype]).reshape(-1)  # always a private copy

    def read(self, handle, dtype):
        return handle.copy()

    def dispose(self, handle):
        pass

    def fill(self, shape, value, dtype):
        return np.full(int(np.prod(shape)), value, dtype=DTYPES[dtype])

    def unary(self, op, x):
        y = unary_values(op, arr(x))
        return flat(y, "bool" if y.dtype == np.bool_ else x.dtype)

    def binary(self, op, a, b, out_shape):
        y = binary_values(op, arr(a), arr(b))
        return flat(y, "bool" if y.dtype == np.bool_ else a.dtype)

    def where(self, cond, a, b, out_shape):
        return flat(np.where(arr(cond), arr(a), arr(b)), a.dtype)

    def cast(self, x, dtype):
        with np.errstate(all="ignore"):
            a = arr(x)
            if dtype == "int32" and a.dtype.kind == "f":
                a = np.trunc(np.nan_to_num(a))
            return flat(a != 0 if dtype == "bool" else a, dtype)

    def reduce(self, op, x):
        a = arr(x)
        if op in ("max", "min") and a.shape[1] == 0:
            fill = (-np.inf if op == "max" else np.inf) if a.dtype.kind == "f" else 0
            return np.full(a.shape[0], fill, a.dtype)
        y = REDUCE[op](a, axis=1)
        return flat(y, "bool" if op in ("any", "all") else x.dtype)

    def arg_reduce(self, op, x):
        a = arr(x)
        return flat(np.argmax(a, axis=1) if op == "argmax" else np.argmin(a, axis=1), "int32")

    def cumsum(self, x, exclusive, reverse):
        a = arr(x)
        if reverse:
            a = a[:, ::-1]
        y = np.cumsum(a, axis=1, dtype=a.dtype)
        if exclusive:
            y = np.concatenate([np.zeros_like(y[:, :1]), y[:, :-1]], axis=1)
        return flat(y[:, ::-1] if reverse else y, x.dtype)

    def matmul(self, a, b, transpose_a, transpose_b):
        x, y = arr(a), arr(b)
        if transpose_a:
            x = x.transpose(0, 2, 1)
        if transpose_b:
            y = y.transpose(0, 2, 1)
        return flat(np.matmul(x, y), a.dtype)

    def strided(self, x, shape, strides, offset):
        if 0 in shape:
            return np.empty(0, DTYPES[x.dtype])
        src = x._data.handle
        itemsize = src.itemsize
        view = np.lib.stride_tricks.as_strided(
            src[offset:], shape=shape, strides=[s * itemsize for s in strides], writeable=False)
        return flat(view, x.dtype)

    def pad(self, x, paddings, value):
        return flat(np.pad(arr(x), paddings, constant_values=value), x.dtype)

    def concat(self, xs, out_shape):
        return flat(np.concatenate([arr(x) for x in xs], axis=1), xs[0].dtype)

    def gather(self, x, indices, out_shape):
        a, idx = arr(x), indices._data.handle
        valid = (idx >= 0) & (idx < a.shape[1])
        y = np.take(a, np.where(valid, idx, 0), axis=1)
        y[:, ~valid] = 0
        return flat(y, x.dtype)

"""The CPU backend: every kernel of base.py on NumPy arrays. Buffers are flat contiguous arrays,
so a reshape never copies. Runs the same in CPython and in Pyodide."""
import numpy as np

from .. import optable
from ..dtypes import DTYPES
from . import wasm
from .base import Backend, shape_size

UNARY = {name: row.numpy for name, row in optable.UNARY.items()}
BINARY = {name: row.numpy for name, row in optable.BINARY.items()}
QUIET = {name for name, row in optable.BINARY.items() if row.quiet}
REDUCE = {name: row.numpy for name, row in optable.REDUCE.items()}


def unary_values(op, x):
    with np.errstate(all="ignore"):
        return UNARY[op](x)


def binary_values(op, a, b):
    if op in QUIET:
        return BINARY[op](a, b)
    with np.errstate(all="ignore"):
        return BINARY[op](a, b)


def arr(x):
    return x.handle.reshape(x.shape)


def flat(a, dtype):
    return np.ascontiguousarray(a, dtype=DTYPES[dtype]).reshape(-1)


def _handle(x):
    return None if x is None else x.handle


def _epilogue(y, bias, activation):
    """bias (a Buffer over y's last axis) then activation, as the ops would compose them."""
    if bias is not None:
        y = binary_values("add", y, bias.handle)
    return y if activation is None else unary_values(activation, y)


class CPUBackend(Backend):
    name = "cpu"
    fuses_epilogue = True  # the WebAssembly kernels apply them before their output is copied out

    def write(self, values, dtype):
        return np.array(values, dtype=DTYPES[dtype]).reshape(-1)  # always a private copy

    def read(self, handle, dtype):
        return handle.copy()

    def dispose(self, handle):
        pass

    def fill(self, shape, value, dtype):
        return np.full(shape_size(shape), value, dtype=DTYPES[dtype])

    def unary(self, op, x):
        y = unary_values(op, arr(x))
        return flat(y, "bool" if y.dtype == np.bool_ else x.dtype)

    def binary(self, op, a, b, out_shape):
        same = a.shape == b.shape  # flat buffers line up as they are
        y = binary_values(op, a.handle, b.handle) if same else binary_values(op, arr(a), arr(b))
        if same and y.dtype is a.handle.dtype:
            return y
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

    def matmul(self, a, b, transpose_a, transpose_b, bias=None, activation=None):
        x, y = arr(a), arr(b)
        if wasm.usable(x, y, transpose_b):  # in Pyodide: NumPy there has no fast BLAS
            return wasm.kernel().matmul(x, y, transpose_a, transpose_b, _handle(bias), activation).reshape(-1)
        if transpose_a:
            x = x.transpose(0, 2, 1)
        if transpose_b:
            y = y.transpose(0, 2, 1)
        return flat(_epilogue(np.matmul(x, y), bias, activation), a.dtype)

    def strided(self, x, shape, strides, offset):
        if 0 in shape:
            return np.empty(0, DTYPES[x.dtype])
        src = x.handle
        itemsize = src.itemsize
        view = np.lib.stride_tricks.as_strided(
            src[offset:], shape=shape, strides=[s * itemsize for s in strides], writeable=False)
        return flat(view, x.dtype)

    def pad(self, x, paddings, value):
        return flat(np.pad(arr(x), paddings, constant_values=value), x.dtype)

    def concat(self, xs, out_shape):
        return flat(np.concatenate([arr(x) for x in xs], axis=1), xs[0].dtype)

    def gather(self, x, indices, out_shape):
        a, idx = arr(x), indices.handle
        if a.shape[1] == 0:  # every index is out of range (and np.take refuses an empty axis)
            return np.zeros(shape_size(out_shape), DTYPES[x.dtype])
        valid = (idx >= 0) & (idx < a.shape[1])
        y = np.take(a, np.where(valid, idx, 0), axis=1)
        y[:, ~valid] = 0
        return flat(y, x.dtype)

    def resize_bilinear(self, x, taps, out_hw):
        y = arr(x)
        for axis, t in zip((1, 2), taps):
            lo, hi = t[:, 0].astype(np.intp), t[:, 1].astype(np.intp)
            frac = t[:, 2].reshape([-1 if i == axis else 1 for i in range(4)])
            a = np.take(y, lo, axis)
            y = a + (np.take(y, hi, axis) - a) * frac
        return flat(y, "float32")

    def depthwise_conv2d(self, x, filter, out_hw, strides, dilations, before, bias=None, activation=None):
        """The sum over the filter's taps of a strided view of the zero-padded input times that
        tap's weights, accumulated in place: no window-sized intermediate. In Pyodide, the
        WebAssembly kernel instead: faster there at every size."""
        if wasm.depthwise_usable(arr(x), arr(filter), out_hw):
            return wasm.kernel().depthwise_conv2d(arr(x), arr(filter), out_hw, strides, dilations,
                                                  before, _handle(bias), activation).reshape(-1)
        n, h, w, c = x.shape
        fh, fw, _, m = filter.shape
        (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilations
        after = [max(0, (o - 1) * s + (f - 1) * d + 1 - b - size)
                 for o, s, f, d, b, size in zip(out_hw, strides, (fh, fw), dilations, before, (h, w))]
        xp = np.pad(arr(x), ((0, 0), (before[0], after[0]), (before[1], after[1]), (0, 0)))[..., None]
        f = arr(filter)
        out = np.zeros((n, oh, ow, c, m), np.float32)
        for i in range(fh):
            for j in range(fw):
                tap = xp[:, i * dh:i * dh + (oh - 1) * sh + 1:sh, j * dw:j * dw + (ow - 1) * sw + 1:sw]
                out += tap * f[i, j]
        return _epilogue(out.reshape(n, oh, ow, c * m), bias, activation).reshape(-1)

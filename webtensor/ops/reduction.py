"""Reductions. Every backend reduces only the last axis of a 2-D [outer, inner] view; this file
moves the reduced axes last (a transpose, only when they are not already) and restores shapes."""
from collections import namedtuple

from .. import optable
from ..engine import ENGINE
from ..optable import LOGICAL
from .core import as_tensor, norm_axes, norm_axis, op, run, shape_size
from .elementwise import abs as _abs, add, cast, div, exp, is_finite, log, sqrt, square, sub, where
from .shape import move_axis_last, move_last_axis, reshape, transpose

Moments = namedtuple("Moments", "mean variance")


def _reduce(name, x, axis, keep_dims, grad=None, out_dtype=None):
    axes = norm_axes(axis, x.rank, name)
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    out_shape = kept if keep_dims else tuple(d for i, d in enumerate(x.shape) if i not in axes)
    rest = [i for i in range(x.rank) if i not in axes]
    moved = x if rest + list(axes) == list(range(x.rank)) else transpose(x, rest + list(axes))
    outer = shape_size(x.shape[i] for i in rest)
    x2 = reshape(moved, [outer, shape_size(x.shape[i] for i in axes)])
    dtype = out_dtype or x.dtype

    def backward(dy, y):
        return (grad(reshape(dy, kept), reshape(y, kept), x),)
    out = run(name, (x2,), (outer,), dtype, lambda be, x2: be.reduce(name, x2))
    out = reshape(out, out_shape)
    if grad is not None and ENGINE.tapes:
        ENGINE.record((x,), out, backward)
    return out


def _numeric(x, name):
    x = as_tensor(x, "x", name)
    return cast(x, "int32") if x.dtype == "bool" else x


def _reduction_op(row):
    """sum, prod, max, min (bool counts as int32) and any, all (on bool), from optable."""
    name = row.name

    def f(x, axis=None, keep_dims=False):
        if row.dtype == LOGICAL:
            x = as_tensor(x, "x", name)
            return _reduce(name, x if x.dtype == "bool" else cast(x, "bool"), axis, keep_dims, out_dtype="bool")
        return _reduce(name, _numeric(x, name), axis, keep_dims, row.grad)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"{name} over the given axes (all by default)."
    return op(f)


sum, prod, max, min, any, all = (_reduction_op(optable.REDUCE[n]) for n in ("sum", "prod", "max", "min", "any", "all"))


@op
def mean(x, axis=None, keep_dims=False):
    x = as_tensor(x, "x", "mean")
    x = cast(x, "float32") if x.dtype != "float32" else x
    n = shape_size(x.shape[a] for a in norm_axes(axis, x.rank, "mean"))
    return div(sum(x, axis, keep_dims), float(n))


def _arg(name):
    def f(x, axis=0):
        x = _numeric(as_tensor(x, "x", name), name)
        axis = norm_axis(axis, x.rank, name)
        if x.rank and x.shape[axis] == 0 and shape_size(x.shape[:axis] + x.shape[axis + 1:]) > 0:
            raise ValueError(f"{name}: axis {axis} of shape {x.shape} is empty: it has no {name[3:]}imum")
        moved = move_axis_last(x, axis)
        x2 = reshape(moved, [shape_size(moved.shape[:-1]), x.shape[axis]])
        out = run(name, (x2,), (x2.shape[0],), "int32", lambda be, x2: be.arg_reduce(name, x2))
        return reshape(out, moved.shape[:-1])
    f.__name__ = f.__qualname__ = name
    return op(f)


argmax = _arg("argmax")
argmin = _arg("argmin")


@op
def logsumexp(x, axis=None, keep_dims=False):
    x = as_tensor(x, "x", "logsumexp")
    m = max(x, axis, True)  # the shift's gradient cancels exactly, so it needs no stop
    m = where(is_finite(m), m, 0.0)  # all -inf gives -inf, and an inf gives inf, not NaN
    out = add(log(sum(exp(sub(x, m)), axis, True)), m)
    axes = norm_axes(axis, x.rank, "logsumexp")
    return out if keep_dims else reshape(out, [d for i, d in enumerate(x.shape) if i not in axes])


@op
def moments(x, axis=None, keep_dims=False):
    x = as_tensor(x, "x", "moments")
    x = cast(x, "float32") if x.dtype != "float32" else x
    m = mean(x, axis, True)
    variance = mean(square(sub(x, m)), axis, keep_dims)
    return Moments(m if keep_dims else reshape(m, variance.shape), variance)


@op
def norm(x, ord="euclidean", axis=None, keep_dims=False):
    x = as_tensor(x, "x", "norm")
    x = cast(x, "float32") if x.dtype != "float32" else x
    axes = norm_axes(axis, x.rank, "norm")
    if ord in ("euclidean", "fro", 2) and (len(axes) == 1 or ord != 2):
        return sqrt(sum(square(x), axes, keep_dims))
    if len(axes) == 1 or axis is None:
        if ord == 1:
            return sum(_abs(x), axes, keep_dims)
        if ord == float("inf"):
            return max(_abs(x), axes, keep_dims)
        if ord == float("-inf"):
            return min(_abs(x), axes, keep_dims)
    elif len(axes) == 2:
        if ord == 1:
            return max(sum(_abs(x), axes[0], True), axes, keep_dims)
        if ord == float("inf"):
            return max(sum(_abs(x), axes[1], True), axes, keep_dims)
    raise ValueError(f"norm: unsupported ord {ord!r} for axis {axis!r}")


@op
def cumsum(x, axis=0, exclusive=False, reverse=False):
    x = _numeric(x, "cumsum")
    axis = norm_axis(axis, x.rank, "cumsum")
    moved = move_axis_last(x, axis)
    x2 = reshape(moved, [shape_size(moved.shape[:-1]), x.shape[axis]])

    def backward(dy, y):
        return (cumsum(dy, axis, exclusive, not reverse),)
    out = run("cumsum", (x2,), x2.shape, x.dtype, lambda be, x2: be.cumsum(x2, exclusive, reverse))
    out = move_last_axis(reshape(out, moved.shape), axis)
    if ENGINE.tapes:
        ENGINE.record((x,), out, backward)
    return out

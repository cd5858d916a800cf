"""Movement ops. Reshape shares the buffer; transpose, slice, reverse and broadcast_to are one
`strided` kernel each (a view with strides and an offset, then a copy); tile and stack are
compositions."""
import builtins

import numpy as np

from ..backends.base import contiguous_strides
from ..dtypes import upcast
from ..engine import ENGINE
from ..tensor import Tensor
from .core import (as_tensor, host_number, int_list, is_complex, is_int, norm_axes, norm_axis, on_complex, op, run,
                   shape_size, view)
from .elementwise import cast, clone


def _strided(name, x, shape, strides, offset, backward):
    if is_complex(x):  # its real and imaginary parts move alike
        return on_complex("_parts", lambda part: _strided(name, part, shape, strides, offset, backward), x)
    shape = tuple(int(d) for d in shape)
    strides, offset = tuple(strides), int(offset)
    if offset == 0 and shape_size(shape) == x.size and builtins.all(
            d == 1 or s == c for d, s, c in zip(shape, strides, contiguous_strides(shape))):
        return reshape(x, shape)  # the view is x's own order (a 1x1 window, a transpose of unit dims)
    return run(name, (x,), shape, x.dtype, lambda be, x: be.strided(x, shape, strides, offset), backward)


@op
def reshape(x, shape):
    x = as_tensor(x, "x", "reshape")
    shape = int_list(shape, "reshape", "shape")
    if shape.count(-1) > 1:
        raise ValueError(f"reshape: shape {tuple(shape)} has more than one -1")
    if -1 in shape:
        known = shape_size(d for d in shape if d != -1)
        if known == 0 or x.size % known:
            raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} "
                             f"(size {x.size}) into shape {tuple(shape)}")
        shape[shape.index(-1)] = x.size // known
    if shape_size(shape) != x.size or builtins.any(d < 0 for d in shape):
        raise ValueError(f"reshape: cannot reshape a tensor of shape {x.shape} "
                         f"(size {x.size}) into shape {tuple(shape)}")
    out = view(x, shape)
    if ENGINE.tapes:
        ENGINE.record((x,), out, lambda dy, y: (reshape(dy, x.shape),))
    return out


def flatten(x):
    return reshape(x, [-1])


@op
def expand_dims(x, axis=0):
    x = as_tensor(x, "x", "expand_dims")
    axis = norm_axis(axis, x.rank + 1, "expand_dims")
    return reshape(x, x.shape[:axis] + (1,) + x.shape[axis:])


@op
def squeeze(x, axis=None):
    x = as_tensor(x, "x", "squeeze")
    axes = [i for i, d in enumerate(x.shape) if d == 1] if axis is None else norm_axes(axis, x.rank, "squeeze")
    for a in axes:
        if x.shape[a] != 1:
            raise ValueError(f"squeeze: cannot squeeze axis {a} of shape {x.shape}: its size is not 1")
    return reshape(x, [d for i, d in enumerate(x.shape) if i not in axes])


@op
def transpose(x, perm=None, conjugate=False):
    """x with its axes permuted (reversed by default); conjugate=True also negates a complex64
    tensor's imaginary part (ignored for real tensors, as tfjs)."""
    x = as_tensor(x, "x", "transpose")
    perm = list(range(x.rank))[::-1] if perm is None else int_list(perm, "transpose", "perm")
    if sorted(perm) != list(range(x.rank)):
        raise ValueError(f"transpose: argument 'perm' must hold each axis of shape {x.shape} once "
                         f"(a permutation of 0..{x.rank - 1}), got {perm}")
    strides = contiguous_strides(x.shape)
    inverse = list(np.argsort(perm))
    out = _strided("transpose", x, [x.shape[p] for p in perm], [strides[p] for p in perm], 0,
                   lambda dy, y: (transpose(dy, inverse),))
    return on_complex("conj", out) if conjugate and is_complex(out) else out


def move_axis_last(x, axis):
    """x with `axis` moved to the end (no copy when it is already last)."""
    if axis == x.rank - 1:
        return x
    return transpose(x, [i for i in range(x.rank) if i != axis] + [axis])


def move_last_axis(x, axis):
    if axis == x.rank - 1:
        return x
    perm = list(range(x.rank - 1))
    perm.insert(axis, x.rank - 1)
    return transpose(x, perm)


@op
def broadcast_to(x, shape):
    x = as_tensor(x, "x", "broadcast_to")
    shape = tuple(int_list(shape, "broadcast_to", "shape"))
    lead = len(shape) - x.rank
    if lead < 0 or builtins.any(d not in (1, s) for d, s in zip(x.shape, shape[lead:])):
        raise ValueError(f"broadcast_to: cannot broadcast shape {x.shape} to {shape}")
    if shape == x.shape:
        return clone(x)
    src = contiguous_strides(x.shape)
    strides = [0] * lead + [0 if d == 1 else s for d, s in zip(x.shape, src)]
    return _strided("broadcast_to", x, shape, strides, 0, lambda dy, y: (dy,))  # the backward pass sums dy back


def _check_begin_size(x, begin, size):
    begin = int_list(begin, "slice", "begin")
    size = [-1] * x.rank if size is None else int_list(size, "slice", "size")
    for arg, v in (("begin", begin), ("size", size)):
        if len(v) > x.rank:
            raise ValueError(f"slice: argument '{arg}' has {len(v)} entries for a tensor of shape {x.shape}")
    begin = begin + [0] * (x.rank - len(begin))
    size = size + [-1] * (x.rank - len(size))
    size = [x.shape[i] - begin[i] if s == -1 else s for i, s in enumerate(size)]
    for i in range(x.rank):
        if begin[i] < 0 or size[i] < 0 or begin[i] + size[i] > x.shape[i]:
            raise ValueError(f"slice: begin {tuple(begin)} and size {tuple(size)} are out of range "
                             f"for a tensor of shape {x.shape}")
    return begin, size


@op
def slice(x, begin, size=None):
    """The block of x starting at `begin` with extent `size` (-1: to the end), as tfjs's slice."""
    x = as_tensor(x, "x", "slice")
    begin, size = _check_begin_size(x, begin, size)
    return _strided_slice(x, begin, size, [1] * x.rank)


def _strided_slice(x, begin, size, steps):
    """Elements begin[i] + k * steps[i], k < size[i], on each axis; steps may be negative."""
    strides = contiguous_strides(x.shape)
    if list(size) == list(x.shape) and builtins.all(s == 1 for s in steps):
        return clone(x)
    offset = builtins.sum(b * s for b, s in zip(begin, strides)) if 0 not in size else 0

    def backward(dy, y):
        return (_unslice(dy, x.shape, begin, steps),)
    return _strided("slice", x, size, [s * k for s, k in zip(strides, steps)], offset, backward)


def _unslice(dy, shape, begin, steps):
    """The gradient of a strided slice: dy scattered back to where its elements came from."""
    for axis, k in enumerate(steps):
        if k < 0:  # elements were read backwards: read dy backwards from the lowest index
            dy = reverse(dy, axis)
            begin = list(begin)
            begin[axis] = begin[axis] + k * (dy.shape[axis] - 1)
            steps = list(steps)
            steps[axis] = -k
    for axis, k in enumerate(steps):
        if k > 1 and dy.shape[axis] > 0:  # put k-1 zeros after each element
            n = dy.shape[axis]
            d = expand_dims(dy, axis + 1)
            d = pad(d, [(0, 0)] * (axis + 1) + [(0, k - 1)] + [(0, 0)] * (dy.rank - axis - 1))
            dy = reshape(d, dy.shape[:axis] + (n * k,) + dy.shape[axis + 1:])
            dy = _strided_slice(dy, [0] * dy.rank, dy.shape[:axis] + ((n - 1) * k + 1,) + dy.shape[axis + 1:],
                                [1] * dy.rank)
    paddings = [(b, s - b - d) for b, s, d in zip(begin, shape, dy.shape)]
    return pad(dy, paddings)


@op
def pad(x, paddings, constant_value=0):
    x = as_tensor(x, "x", "pad")
    if x.rank == 0:
        raise ValueError("pad: argument 'x' must have rank >= 1 (as in tfjs, a scalar has nothing to pad)")
    try:
        paddings = [tuple(int_list(p, "pad", "paddings")) for p in paddings]
    except TypeError:
        raise TypeError(f"pad: argument 'paddings' must be {x.rank} pairs of non-negative ints for shape "
                        f"{x.shape}, got {paddings!r}") from None
    constant_value = host_number(constant_value, x.dtype, "pad", "constant_value")
    if len(paddings) != x.rank or builtins.any(len(p) != 2 or p[0] < 0 or p[1] < 0 for p in paddings):
        raise ValueError(f"pad: paddings must be {x.rank} pairs of non-negative ints for shape "
                         f"{x.shape}, got {paddings}")
    shape = tuple(d + a + b for d, (a, b) in zip(x.shape, paddings))
    return run("pad", (x,), shape, x.dtype, lambda be, x: be.pad(x, paddings, constant_value),
               lambda dy, y: (slice(dy, [p[0] for p in paddings], list(x.shape)),))


@op
def reverse(x, axis=None):
    x = as_tensor(x, "x", "reverse")
    axes = norm_axes(axis, x.rank, "reverse")
    strides = contiguous_strides(x.shape)
    offset = builtins.sum((x.shape[a] - 1) * strides[a] for a in axes) if x.size else 0
    steps = [-s if i in axes else s for i, s in enumerate(strides)]
    return _strided("reverse", x, x.shape, steps, offset, lambda dy, y: (reverse(dy, axes),))


@op
def concat(tensors, axis=0):
    if isinstance(tensors, Tensor) or not tensors:
        raise ValueError("concat: argument 'tensors' must be a non-empty list of tensors")
    xs = [as_tensor(t, f"tensors[{i}]", "concat") for i, t in enumerate(tensors)]
    rank = xs[0].rank
    axis = norm_axis(axis, rank, "concat")
    for x in xs:
        if x.rank != rank or x.shape[:axis] + x.shape[axis + 1:] != xs[0].shape[:axis] + xs[0].shape[axis + 1:]:
            raise ValueError(f"concat: shapes {[t.shape for t in xs]} differ outside axis {axis}")
    if builtins.any(is_complex(x) for x in xs):
        return on_complex("concat", xs, axis)
    dtype = upcast(*(x.dtype for x in xs))
    xs = [cast(x, dtype) if x.dtype != dtype else x for x in xs]
    if len(xs) == 1:
        return clone(xs[0])
    outer = shape_size(xs[0].shape[:axis])
    flat = [reshape(x, [outer, x.size // outer if outer else shape_size(x.shape[axis:])]) for x in xs]
    shape = list(xs[0].shape)
    shape[axis] = builtins.sum(x.shape[axis] for x in xs)
    out_shape = (outer, builtins.sum(f.shape[1] for f in flat))

    def backward(dy, y):
        grads, start = [], 0
        for x in xs:
            begin = [0] * rank
            begin[axis] = start
            grads.append(slice(dy, begin, list(x.shape)))
            start += x.shape[axis]
        return tuple(grads)
    out = run("concat", tuple(flat), out_shape, dtype, lambda be, *parts: be.concat(list(parts), out_shape))
    out = reshape(out, shape)
    if ENGINE.tapes:  # recorded against the original inputs, so each gets its own slice
        ENGINE.record(tuple(xs), out, backward)
    return out


@op
def stack(tensors, axis=0):
    if isinstance(tensors, Tensor) or not tensors:
        raise ValueError("stack: argument 'tensors' must be a non-empty list of tensors")
    xs = [as_tensor(t, f"tensors[{i}]", "stack") for i, t in enumerate(tensors)]
    if len({x.shape for x in xs}) > 1:
        raise ValueError(f"stack: all tensors must have the same shape, got {[x.shape for x in xs]}")
    if len({x.dtype for x in xs}) > 1:  # as tfjs (concat upcasts, stack does not)
        raise TypeError(f"stack: all tensors must have the same dtype, got {[x.dtype for x in xs]}")
    axis = norm_axis(axis, xs[0].rank + 1, "stack")
    return concat([expand_dims(x, axis) for x in xs], axis)


@op
def unstack(x, axis=0):
    x = as_tensor(x, "x", "unstack")
    axis = norm_axis(axis, x.rank, "unstack")
    size = list(x.shape)
    size[axis] = 1
    out = []
    for i in range(x.shape[axis]):
        begin = [0] * x.rank
        begin[axis] = i
        out.append(squeeze(slice(x, begin, size), [axis]))
    return out


@op
def split(x, num_or_size_splits, axis=0):
    x = as_tensor(x, "x", "split")
    axis = norm_axis(axis, x.rank, "split")
    n = x.shape[axis]
    if is_int(num_or_size_splits):
        k = int(num_or_size_splits)
        if k <= 0 or n % k:
            raise ValueError(f"split: argument 'num_or_size_splits' ({k}) must divide axis {axis} of size "
                             f"{n} into equal parts")
        sizes = [n // k] * k
    else:
        sizes = int_list(num_or_size_splits, "split", "num_or_size_splits")
        if sizes.count(-1) == 1:
            sizes[sizes.index(-1)] = n - (builtins.sum(sizes) + 1)
        if builtins.sum(sizes) != n or builtins.any(s < 0 for s in sizes):
            raise ValueError(f"split: argument 'num_or_size_splits' {list(num_or_size_splits)} must be sizes "
                             f"adding up to {n}, the size of axis {axis} (one of them may be -1)")
    out, start = [], 0
    for s in sizes:
        begin, size = [0] * x.rank, list(x.shape)
        begin[axis], size[axis] = start, s
        out.append(slice(x, begin, size))
        start += s
    return out


@op
def tile(x, reps):
    x = as_tensor(x, "x", "tile")
    reps = int_list(reps, "tile", "reps")
    if len(reps) != x.rank or builtins.any(r < 0 for r in reps):
        raise ValueError(f"tile: reps must be {x.rank} non-negative ints for shape {x.shape}, got {reps}")
    interleaved = [v for d in x.shape for v in (1, d)]
    wide = [v for r, d in zip(reps, x.shape) for v in (r, d)]
    return reshape(broadcast_to(reshape(x, interleaved), wide), [r * d for r, d in zip(reps, x.shape)])

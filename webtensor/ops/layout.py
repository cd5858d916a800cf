"""Layout ops of tfjs: strided_slice, mirror_pad, depth_to_space, space_to_batch_nd,
batch_to_space_nd, broadcast_args, ensure_shape, meshgrid, and the rank-specific aliases
(concat1d, slice2d, reverse3d, pad4d, batch_norm4d, ...). All compositions of shape.py's ops."""
import builtins
import inspect

import numpy as np

from .core import as_tensor, broadcast_shapes, from_values, op, shape_size
from .elementwise import clone
from .nn import batch_norm
from .shape import _strided_slice, broadcast_to, concat, pad, reshape, reverse, slice, transpose


def _ints(values, arg, op_name):
    values = [values] if isinstance(values, (int, np.integer)) else values
    try:
        out = [int(v) for v in values]
    except (TypeError, ValueError):
        raise TypeError(f"{op_name}: argument '{arg}' must be a list of ints, got {values!r}") from None
    if builtins.any(isinstance(v, bool) or float(v) != int(v) for v in values):
        raise TypeError(f"{op_name}: argument '{arg}' must be a list of ints, got {values!r}")
    return out


def _pairs(values, n, arg, op_name):
    """n (before, after) pairs of non-negative ints."""
    try:
        pairs = [tuple(_ints(p, arg, op_name)) for p in values]
    except TypeError:
        pairs = None
    if pairs is None or len(pairs) != n or builtins.any(len(p) != 2 or min(p) < 0 for p in pairs):
        raise ValueError(f"{op_name}: argument '{arg}' must be {n} pairs of non-negative ints, got {values!r}")
    return pairs


# ---- strided_slice ----
def _slice_axis(b, e, s, d, begin_masked, end_masked):
    """(begin, size) of begin:end:s on an axis of size d, clamped as Python slices are."""
    lo, hi = (0, d) if s > 0 else (-1, d - 1)
    b = (lo if s > 0 else hi) if begin_masked else builtins.min(builtins.max(b + d if b < 0 else b, lo), hi)
    e = (hi if s > 0 else lo) if end_masked else builtins.min(builtins.max(e + d if e < 0 else e, lo), hi)
    return b, builtins.max(0, -((b - e) // s))  # the size: ceil((e - b) / s), at least 0


@op
def strided_slice(x, begin, end, strides=None, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0):
    """x[begin:end:strides] per axis with TensorFlow's masks: bit i of a mask refers to entry i."""
    x = as_tensor(x, "x", "strided_slice")
    begin, end = _ints(begin, "begin", "strided_slice"), _ints(end, "end", "strided_slice")
    strides = [1] * len(begin) if strides is None else _ints(strides, "strides", "strided_slice")
    if not len(begin) == len(end) == len(strides):
        raise ValueError(f"strided_slice: begin, end and strides must have the same length, got "
                         f"{len(begin)}, {len(end)} and {len(strides)}")
    masks = (begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask)
    if builtins.any(not isinstance(m, (int, np.integer)) or isinstance(m, bool) or m < 0 for m in masks):
        raise TypeError(f"strided_slice: masks must be non-negative ints, got {masks}")
    if ellipsis_mask & (ellipsis_mask - 1):
        raise ValueError(f"strided_slice: ellipsis_mask {ellipsis_mask} sets more than one bit; only one "
                         "ellipsis is allowed")
    n = len(begin)
    kind = ["..." if ellipsis_mask >> i & 1 else "new" if new_axis_mask >> i & 1 else "axis" for i in range(n)]
    if "..." not in kind:  # no ellipsis: the axes left over are taken whole, as if one came last
        kind.append("...")
    used = kind.count("axis")
    if used > x.rank:
        raise ValueError(f"strided_slice: begin {begin} indexes {used} axes, but x has shape {x.shape}")
    taken, out_shape, axis = [], [], 0  # taken: (begin, size, step) on each axis of x
    for i, k in enumerate(kind):
        if k == "new":
            out_shape.append(1)
            continue
        whole = x.rank - used if k == "..." else 0
        for _ in range(whole):  # the axes the ellipsis stands for
            taken.append((0, x.shape[axis], 1))
            out_shape.append(x.shape[axis])
            axis += 1
        if k == "...":
            continue
        d, b, s = x.shape[axis], begin[i], strides[i]
        if s == 0:
            raise ValueError(f"strided_slice: strides[{i}] must be non-zero")
        if shrink_axis_mask >> i & 1:
            if s < 0:
                raise ValueError(f"strided_slice: strides[{i}] must be positive on a shrunk axis, got {s}")
            if not -d <= b < d:
                raise ValueError(f"strided_slice: begin[{i}] = {b} is out of bounds for axis {axis} of size {d}")
            b, size = b % d, 1
        else:
            b, size = _slice_axis(b, end[i], s, d, begin_mask >> i & 1, end_mask >> i & 1)
            out_shape.append(size)
        # an empty axis reads nothing: begin 0, step 1 keep the gradient's padding in range
        taken.append((b, size, s) if size else (0, 0, 1))
        axis += 1
    begins, sizes, steps = ([list(v) for v in zip(*taken)]) if taken else ([], [], [])
    return reshape(_strided_slice(x, begins, sizes, steps), out_shape)


# ---- padding and block rearrangements ----
def _reversed_run(x, axis, start, n):
    """n elements of x along `axis`, read backwards from index `start`."""
    begin, size, steps = [0] * x.rank, list(x.shape), [1] * x.rank
    begin[axis], size[axis], steps[axis] = start, n, -1
    return _strided_slice(x, begin, size, steps)


@op
def mirror_pad(x, paddings, mode):
    """x padded with its own mirror image: 'reflect' leaves out the border, 'symmetric' repeats it."""
    x = as_tensor(x, "x", "mirror_pad")
    if mode not in ("reflect", "symmetric"):
        raise ValueError(f"mirror_pad: mode must be 'reflect' or 'symmetric', got {mode!r}")
    if x.rank == 0:
        raise ValueError("mirror_pad: x must have rank >= 1, got a scalar")
    paddings = _pairs(paddings, x.rank, "paddings", "mirror_pad")
    skip = 1 if mode == "reflect" else 0  # reflect does not repeat the border element
    for axis, (p, d) in enumerate(zip(paddings, x.shape)):
        if builtins.max(p) > d - skip:
            raise ValueError(f"mirror_pad: paddings {p} of axis {axis} must be <= {d - skip} for shape {x.shape} "
                             f"in mode {mode!r}")
    for axis, (before, after) in enumerate(paddings):
        d = x.shape[axis]
        parts = [_reversed_run(x, axis, before - 1 + skip, before)] if before else []
        parts.append(x)
        if after:
            parts.append(_reversed_run(x, axis, d - 1 - skip, after))
        x = concat(parts, axis) if len(parts) > 1 else x
    return clone(x)


@op
def depth_to_space(x, block_size, data_format="NHWC"):
    """Moves blocks of block_size * block_size channels to spatial blocks (rank-4 x)."""
    x = as_tensor(x, "x", "depth_to_space")
    if x.rank != 4:
        raise ValueError(f"depth_to_space: x must have rank 4, got shape {x.shape}")
    if not isinstance(block_size, (int, np.integer)) or block_size < 2:
        raise ValueError(f"depth_to_space: block_size must be an int >= 2, got {block_size!r}")
    if data_format not in ("NHWC", "NCHW"):
        raise ValueError(f"depth_to_space: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    bs = int(block_size)
    nhwc = data_format == "NHWC"
    n, h, w, c = x.shape if nhwc else (x.shape[0], x.shape[2], x.shape[3], x.shape[1])
    if c % (bs * bs):
        raise ValueError(f"depth_to_space: the depth {c} of shape {x.shape} must be divisible by "
                         f"block_size * block_size = {bs * bs}")
    c //= bs * bs
    if nhwc:  # channel (i * bs + j) * c + k goes to row offset i, column offset j, channel k
        y = transpose(reshape(x, [n, h, w, bs, bs, c]), [0, 1, 3, 2, 4, 5])
        return reshape(y, [n, h * bs, w * bs, c])
    y = transpose(reshape(x, [n, bs, bs, c, h, w]), [0, 3, 4, 1, 5, 2])
    return reshape(y, [n, c, h * bs, w * bs])


def _block_args(x, block_shape, pairs, arg, op_name):
    x = as_tensor(x, "x", op_name)
    block = _ints(block_shape, "block_shape", op_name)
    if builtins.any(b < 1 for b in block):
        raise ValueError(f"{op_name}: block_shape values must be >= 1, got {block}")
    if x.rank < 1 + len(block):
        raise ValueError(f"{op_name}: x must have rank >= {1 + len(block)} (1 + len(block_shape)), "
                         f"got shape {x.shape}")
    return x, block, _pairs(pairs, len(block), arg, op_name)


@op
def space_to_batch_nd(x, block_shape, paddings):
    """Zero-pads the spatial axes 1..M, then moves each block_shape block's positions into the batch."""
    x, block, paddings = _block_args(x, block_shape, paddings, "paddings", "space_to_batch_nd")
    m, rest = len(block), list(x.shape[1 + len(block):])
    padded = [d + a + b for d, (a, b) in zip(x.shape[1:], paddings)]
    if builtins.any(p % b for p, b in zip(padded, block)):
        raise ValueError(f"space_to_batch_nd: the padded spatial shape {padded} of x {x.shape} must be "
                         f"divisible by block_shape {block}")
    x = pad(x, [(0, 0)] + paddings + [(0, 0)] * len(rest))
    grid = [p // b for p, b in zip(padded, block)]
    x = reshape(x, [x.shape[0]] + [v for g, b in zip(grid, block) for v in (g, b)] + rest)
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)] + list(range(1 + 2 * m, x.rank))
    return reshape(transpose(x, perm), [x.shape[0] * shape_size(block)] + grid + rest)


@op
def batch_to_space_nd(x, block_shape, crops):
    """The inverse of space_to_batch_nd: batch blocks back to spatial positions, then cropped."""
    x, block, crops = _block_args(x, block_shape, crops, "crops", "batch_to_space_nd")
    m, prod = len(block), shape_size(block)
    if x.shape[0] % prod:
        raise ValueError(f"batch_to_space_nd: the batch {x.shape[0]} of x {x.shape} must be divisible by "
                         f"the product of block_shape {block} ({prod})")
    spatial, rest = list(x.shape[1:1 + m]), list(x.shape[1 + m:])
    full = [d * b for d, b in zip(spatial, block)]
    if builtins.any(a + b > f for (a, b), f in zip(crops, full)):
        raise ValueError(f"batch_to_space_nd: crops {crops} exceed the spatial shape {full}")
    y = reshape(x, block + [x.shape[0] // prod] + spatial + rest)
    perm = [m] + [v for i in range(m) for v in (m + 1 + i, i)] + list(range(1 + 2 * m, y.rank))
    y = reshape(transpose(y, perm), [y.shape[m]] + full + rest)
    return slice(y, [0] + [a for a, _ in crops] + [0] * len(rest),
                 [-1] + [f - a - b for (a, b), f in zip(crops, full)] + [-1] * len(rest))


# ---- shapes ----
@op
def broadcast_args(s0, s1):
    """The shape (int32 1-D) that shapes s0 and s1 (int32 1-D) broadcast to."""
    shapes = []
    for arg, s in (("s0", s0), ("s1", s1)):
        t = as_tensor(s, arg, "broadcast_args", "int32")
        if t.dtype != "int32" or t.rank != 1:
            raise ValueError(f"broadcast_args: argument '{arg}' must be an int32 1-D tensor, got {t.dtype} "
                             f"of shape {t.shape}")
        shapes.append(tuple(int(v) for v in t.data_sync()))  # shapes are host values, as in tfjs
    return from_values(np.array(broadcast_shapes("broadcast_args", *shapes), np.int32), "int32")


@op
def ensure_shape(x, shape):
    """x itself (as a new tensor) if its shape matches `shape`, where None matches any size."""
    x = as_tensor(x, "x", "ensure_shape")
    shape = list(shape)
    if len(shape) != x.rank or builtins.any(s is not None and s != d for s, d in zip(shape, x.shape)):
        raise ValueError(f"ensure_shape: the shape {x.shape} of x is not compatible with {tuple(shape)}")
    return clone(x)


@op
def meshgrid(x=None, y=None, indexing="xy"):
    """[X, Y]: coordinate grids from the 1-D (flattened) x and y; 'xy' is Cartesian, 'ij' matrix indexing."""
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    if x is None:
        return []
    x = as_tensor(x, "x", "meshgrid")
    if y is None:
        return [clone(x)]
    x, y = reshape(x, [-1]), reshape(as_tensor(y, "y", "meshgrid"), [-1])
    if indexing == "xy":
        shape = (y.size, x.size)
        return [broadcast_to(reshape(x, [1, -1]), shape), broadcast_to(reshape(y, [-1, 1]), shape)]
    shape = (x.size, y.size)
    return [broadcast_to(reshape(x, [-1, 1]), shape), broadcast_to(reshape(y, [1, -1]), shape)]


# ---- rank-specific aliases: tfjs's concat1d ... batchNorm4d ----
def _ranked(base, rank):
    """base, checking that its inputs have the given rank (batch_norm's mean, variance, offset
    and scale may also be 1-D, as in tfjs)."""
    name = f"{base.__name__}{rank}d"
    signature = inspect.signature(base)
    checks = {"tensors": (rank,)} if base is concat else {"x": (rank,)}
    if base is batch_norm:
        checks.update(dict.fromkeys(("mean", "variance", "offset", "scale"), (1, rank)))

    def f(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        given = bound.arguments
        if base is pad and rank == 1 and _is_pair(given.get("paddings")):
            given["paddings"] = [given["paddings"]]  # tfjs's pad1d takes one [before, after] pair
        for arg, ranks in checks.items():
            value = given.get(arg)
            many = arg == "tensors" and isinstance(value, (list, tuple))
            for i, t in enumerate(value if many else [] if value is None else [value]):
                r = as_tensor(t, arg, name).rank
                if r not in ranks:
                    shown = f"{arg}[{i}]" if many else arg
                    raise ValueError(f"{name}: argument '{shown}' must have rank "
                                     f"{' or '.join(map(str, ranks))}, got rank {r}")
        return base(*bound.args, **bound.kwargs)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"{base.__name__} of rank-{rank} inputs."
    f.__signature__ = signature  # base's parameters for inspect (and so tfjs's), not (*args, **kwargs)
    return op(f)


def _is_pair(value):
    return isinstance(value, (list, tuple)) and len(value) == 2 and builtins.all(
        isinstance(v, (int, np.integer)) for v in value)


_RANKED = {concat: (1, 2, 3, 4), slice: (1, 2, 3, 4), reverse: (1, 2, 3, 4), pad: (1, 2, 3, 4),
           batch_norm: (2, 3, 4)}
_g = globals()
for _base, _ranks in _RANKED.items():
    for _rank in _ranks:
        _g[f"{_base.__name__}{_rank}d"] = _ranked(_base, _rank)
__all__ = [f"{b.__name__}{r}d" for b, rs in _RANKED.items() for r in rs] + [
    "strided_slice", "mirror_pad", "depth_to_space", "space_to_batch_nd", "batch_to_space_nd",
    "broadcast_args", "ensure_shape", "meshgrid"]

"""Indexing: gather, one_hot and Python's t[...] (slices and ints are strided views; int lists
and tensors gather)."""
import numpy as np

from ..dtypes import check_dtype
from ..engine import ENGINE
from ..tensor import Tensor
from .core import MAX_SIZE, as_indices, as_int, as_tensor, host_number, norm_axis, op, run, shape_size
from .creation import fill, range as arange
from .elementwise import cast, equal, where
from .linalg import matmul
from .shape import _strided_slice, expand_dims, flatten, reshape


@op
def gather(x, indices, axis=0, batch_dims=0):
    """x's slices along `axis` at `indices` (int32). Indices out of range give zeros."""
    x = as_tensor(x, "x", "gather")
    indices = as_indices(indices, "indices", "gather")
    if batch_dims:
        raise ValueError("gather: batch_dims other than 0 is not supported")
    axis = norm_axis(axis, x.rank, "gather")
    outer, n = shape_size(x.shape[:axis]), x.shape[axis]
    inner = shape_size(x.shape[axis + 1:])
    x3 = reshape(x, [outer, n, inner])
    idx = flatten(indices)
    out_shape = (outer, idx.size, inner)
    out = run("gather", (x3, idx), out_shape, x.dtype, lambda be, x, i: be.gather(x, i, out_shape))
    out = reshape(out, x.shape[:axis] + indices.shape + x.shape[axis + 1:])
    if ENGINE.tapes and x.dtype == "float32":
        def backward(dy, y):  # scatter-add as a matmul with the one-hot of the indices
            hot = cast(one_hot(idx, n), "float32")                                    # [k, n]
            dx = matmul(hot, reshape(dy, [outer, idx.size, inner]), transpose_a=True)  # [outer, n, inner]
            return reshape(dx, x.shape), None
        ENGINE.record((x, idx), out, backward)
    return out


# ---- indexing: t[...] ----
def _host_indices(key, n):
    """A list or array index as NumPy would read it: booleans select (a mask of length n),
    negative ints count from the end; out of range is an error."""
    idx = np.asarray(key)
    if idx.dtype == bool:
        if idx.ndim != 1 or idx.size != n:
            raise IndexError(f"getitem: a boolean index must have length {n}, got shape {idx.shape}")
        return np.nonzero(idx)[0].astype(np.int32)
    if idx.size and idx.dtype.kind not in "iu":
        raise IndexError(f"getitem: list indices must be ints or booleans, got {idx.dtype}")
    idx = idx.astype(np.int64)
    if idx.size and (idx.min() < -n or idx.max() >= n):
        raise IndexError(f"getitem: index {int(idx.min() if idx.min() < -n else idx.max())} is out of "
                         f"bounds for axis 0 with size {n}")
    return np.where(idx < 0, idx + n, idx).astype(np.int32)


def getitem(x, key):
    x._check_alive("getitem")
    if isinstance(key, Tensor):
        return gather(x, key, 0)
    if isinstance(key, (list, np.ndarray)):
        return gather(x, _host_indices(key, x.shape[0] if x.rank else 0), 0)
    key = key if isinstance(key, tuple) else (key,)
    if sum(k is Ellipsis for k in key) > 1:
        raise IndexError("getitem: an index can only have a single ellipsis ('...')")
    used = sum(1 for k in key if k is not None and k is not Ellipsis)
    if used > x.rank:
        raise IndexError(f"getitem: too many indices ({used}) for a tensor of shape {x.shape}")
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key = key[:i] + (slice(None),) * (x.rank - used) + key[i + 1:]
    else:
        key = key + (slice(None),) * (x.rank - used)
    begin, size, steps, out_shape, axis = [], [], [], [], 0
    for k in key:
        if k is None:
            out_shape.append(1)
            continue
        d = x.shape[axis]
        if isinstance(k, slice):
            if not all(v is None or isinstance(v, (int, np.integer, Tensor)) for v in (k.start, k.stop, k.step)):
                raise TypeError(f"getitem: slice index {k!r} must have ints or None as start, stop and step")
            if k.step == 0:
                raise ValueError(f"getitem: slice index {k!r} has step 0; a step must not be 0")
            start, stop, step = k.indices(d)
            n = len(range(start, stop, step))
            begin.append(start if n else 0)
            size.append(n)
            steps.append(step)
            out_shape.append(n)
        elif isinstance(k, (bool, np.bool_)):
            raise TypeError(f"getitem: unsupported index {k!r}; a boolean index must be a list or array mask")
        elif isinstance(k, (int, np.integer)):
            if not -d <= k < d:
                raise IndexError(f"getitem: index {k} is out of bounds for axis {axis} with size {d}")
            begin.append(int(k) % d)
            size.append(1)
            steps.append(1)
        else:
            raise TypeError(f"getitem: unsupported index {k!r}; use ints, slices, None, ... or an "
                            "int tensor/list for gather")
        axis += 1
    return _index(x, begin, size, steps, out_shape)


@op
def _index(x, begin, size, steps, out_shape):
    return reshape(_strided_slice(x, begin, size, steps), out_shape)


@op
def one_hot(indices, depth, on_value=1, off_value=0, dtype="int32"):
    indices = as_indices(indices, "indices", "one_hot")
    depth = as_int(depth, "one_hot", "depth")
    if depth < 1 or depth * max(indices.size, 1) > MAX_SIZE:
        raise ValueError(f"one_hot: argument 'depth' must be >= 1, and {indices.size} indices times depth at "
                         f"most 2**31 - 1 elements, got {depth}")
    dtype = check_dtype(dtype, "one_hot")
    on_value = host_number(on_value, dtype, "one_hot", "on_value")
    off_value = host_number(off_value, dtype, "one_hot", "off_value")
    hot = equal(expand_dims(indices, -1), arange(int(depth), dtype="int32"))
    return where(hot, fill((), on_value, dtype), fill((), off_value, dtype))

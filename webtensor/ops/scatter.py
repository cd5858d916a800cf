"""Gathering and scattering by index tuples, segment sums and bin counts.

Every scatter is a one-hot: hot[b, n, r] says that update n lands in row r. float32 rows are
summed with a matmul (as gather's backward does), which gives the gradients for free (but a NaN
or infinite update makes 0 * inf = NaN in the other rows, at its position); int32 (and bool)
rows with where + sum over a [B, N, R, S] intermediate, which stays exact (a float32 matmul
rounds integers above 2**24). Indices out of range are dropped, as on tfjs's WebGL backend:
raising for them, as tfjs's CPU backend does, would need a readback."""
import numpy as np

from ..backends.base import contiguous_strides
from .core import as_tensor, op, shape_size
from .creation import _shape as check_shape, fill, range as arange
from .elementwise import add, cast, equal, greater_equal, less, logical_and, mul, where
from .indexing import gather
from .linalg import matmul
from .reduction import any as any_, cumsum, sum as sum_
from .shape import _strided, broadcast_to, expand_dims, reshape


# ---- the one-hot machinery ----
def _rows(indices, dims):
    """Row numbers in a row-major grid of shape dims for int32 index tuples [..., len(dims)];
    -1 where a tuple is out of range, so that it lands in no row rather than in another one."""
    # a sum over the (few) columns as elementwise ops on column views: one fused pass on webgl,
    # where a reduction over the last axis would be two passes of their own
    lead = indices.shape[:-1]
    if not dims:  # the empty tuple: the one row of a grid of no dims
        return fill(lead, 0, "int32")
    flat, rows, inside = reshape(indices, [shape_size(lead), len(dims)]), None, None
    for j, (d, stride) in enumerate(zip(dims, contiguous_strides(dims))):
        # column j as a view of shape [n], which fuses (a reshaped [n, 1] slice is drawn first)
        col = _strided("slice", flat, flat.shape[:1], (len(dims),), j, None)
        ok = logical_and(greater_equal(col, 0), less(col, d))
        inside = ok if inside is None else logical_and(inside, ok)
        rows = mul(col, stride) if rows is None else add(rows, mul(col, stride))
    return reshape(where(inside, rows, -1), lead)


def _one_hot(rows, depth):
    """bool [..., depth]: whether each row number is r (none is, for -1 or out of range)."""
    return equal(expand_dims(rows, -1), arange(depth, dtype="int32"))


def _last_only(hot):
    """hot [B, N, R] keeping, for each row, only the last update that lands in it."""
    later = cumsum(cast(hot, "int32"), 1, True, True)  # how many later updates land there too
    return logical_and(hot, equal(later, 0))


def _scatter_add(hot, updates):
    """[B, R, S]: the sums over n of updates[b, n] where hot[b, n, r], for hot [B, N, R] and
    updates [B, N, S]."""
    if updates.dtype == "float32":
        return matmul(cast(hot, "float32"), updates, transpose_a=True)
    picked = where(expand_dims(hot, -1), expand_dims(updates, 2), 0)  # [B, N, R, S], exact
    total = sum_(picked, 1)
    return cast(total, "bool") if updates.dtype == "bool" else total


def _scatter(indices, updates, shape, depth, n, last_wins):
    """Updates [n, ...] placed at the first `depth` coordinates of shape: the rows [R, S] (R
    index tuples, S elements each) and the one-hot [1, n, R] saying which rows were hit."""
    rows = _rows(reshape(indices, [1, n, depth]), shape[:depth])
    hot = _one_hot(rows, shape_size(shape[:depth]))
    if last_wins:
        hot = _last_only(hot)
    size = shape_size(shape[depth:])
    out = _scatter_add(hot, reshape(updates, [1, n, size]))
    return reshape(out, [shape_size(shape[:depth]), size]), hot


def _hit(hot):
    """bool [R, 1]: whether any update landed in each row."""
    return expand_dims(reshape(any_(hot, 1), [-1]), -1)


def _int_indices(indices, arg, op_name):
    t = as_tensor(indices, arg, op_name, "int32")
    if t.dtype != "int32":
        raise TypeError(f"{op_name}: argument '{arg}' must be int32, got {t.dtype}")
    return t


def _check_updates(indices, updates, shape, op_name):
    """tfjs's scatter_nd_util checks: updates.shape = indices.shape[:-1] + shape[depth:]
    (a 1-D `indices` holds depth-1 tuples). Returns (depth, number of updates)."""
    if indices.rank < 1:
        raise ValueError(f"{op_name}: argument 'indices' must have rank >= 1, got a scalar")
    if updates.rank < 1:
        raise ValueError(f"{op_name}: argument 'updates' must have rank >= 1, got a scalar")
    if len(shape) < 1:
        raise ValueError(f"{op_name}: the output shape must have rank >= 1, got {tuple(shape)}")
    depth, lead = (indices.shape[-1], indices.shape[:-1]) if indices.rank > 1 else (1, indices.shape)
    if depth > len(shape):
        raise ValueError(f"{op_name}: the index depth indices.shape[-1] = {depth} must be <= the "
                         f"output rank {len(shape)}")
    expected = tuple(lead) + tuple(shape[depth:])
    if updates.shape != expected:
        raise ValueError(f"{op_name}: argument 'updates' must have shape {expected} (indices.shape[:-1] "
                         f"+ shape[{depth}:] for indices {indices.shape} and shape {tuple(shape)}), "
                         f"got {updates.shape}")
    return depth, shape_size(lead)


def _count(value, arg, op_name):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"{op_name}: argument '{arg}' must be a non-negative int, got {value!r}")
    return int(value)


# ---- the ops ----
@op
def gather_nd(x, indices):
    """x's elements or slices at the index tuples along indices' last axis: shape
    indices.shape[:-1] + x.shape[indices.shape[-1]:]. Tuples out of range give zeros."""
    x = as_tensor(x, "x", "gather_nd")
    indices = _int_indices(indices, "indices", "gather_nd")
    if x.rank < 1 or indices.rank < 1:
        raise ValueError(f"gather_nd: arguments 'x' and 'indices' must have rank >= 1, got shapes "
                         f"{x.shape} and {indices.shape}")
    depth, lead = indices.shape[-1], indices.shape[:-1]
    if depth > x.rank:
        raise ValueError(f"gather_nd: the index depth indices.shape[-1] = {depth} must be <= the "
                         f"rank of x ({x.rank})")
    if x.size == 0:
        raise ValueError(f"gather_nd: argument 'x' is empty (shape {x.shape}): there is nothing to gather")
    rows = _rows(reshape(indices, [shape_size(lead), depth]), x.shape[:depth])
    out = gather(reshape(x, (shape_size(x.shape[:depth]),) + x.shape[depth:]), rows, 0)
    return reshape(out, lead + x.shape[depth:])


@op
def scatter_nd(indices, updates, shape):
    """A zero tensor of `shape` with updates added at the index tuples (repeats add up)."""
    shape = check_shape(shape, "scatter_nd")
    indices = _int_indices(indices, "indices", "scatter_nd")
    updates = as_tensor(updates, "updates", "scatter_nd")
    depth, n = _check_updates(indices, updates, shape, "scatter_nd")
    return reshape(_scatter(indices, updates, shape, depth, n, False)[0], shape)


@op
def tensor_scatter_update(tensor, indices, updates):
    """`tensor` with the slices at the index tuples replaced by updates (a repeated tuple keeps
    its last update, as tfjs's CPU backend does)."""
    name = "tensor_scatter_update"
    tensor = as_tensor(tensor, "tensor", name)
    indices = _int_indices(indices, "indices", name)
    updates = as_tensor(updates, "updates", name, tensor.dtype)
    if updates.dtype != tensor.dtype:
        raise TypeError(f"{name}: arguments 'tensor' and 'updates' must have the same dtype, got "
                        f"{tensor.dtype} and {updates.dtype}")
    depth, n = _check_updates(indices, updates, tensor.shape, name)
    rows, hot = _scatter(indices, updates, tensor.shape, depth, n, True)
    return reshape(where(_hit(hot), rows, reshape(tensor, rows.shape)), tensor.shape)


@op
def sparse_to_dense(sparse_indices, sparse_values, output_shape, default_value=0):
    """A tensor of output_shape holding default_value, and sparse_values (one per index, or one
    for all) at sparse_indices. A repeated index keeps its last value, as tfjs's kernels do."""
    name = "sparse_to_dense"
    output_shape = check_shape(output_shape, name)
    indices = _int_indices(sparse_indices, "sparse_indices", name)
    values = as_tensor(sparse_values, "sparse_values", name)
    default = as_tensor(default_value, "default_value", name, values.dtype)
    if indices.rank > 2:
        raise ValueError(f"{name}: argument 'sparse_indices' must be a scalar, vector or matrix, got "
                         f"shape {indices.shape}")
    n = indices.shape[0] if indices.rank else 1
    depth = indices.shape[1] if indices.rank > 1 else 1
    if len(output_shape) != depth:
        raise ValueError(f"{name}: argument 'output_shape' must have {depth} dims (the index depth), "
                         f"got {output_shape}")
    if not (values.rank == 0 or values.shape == (n,)):
        raise ValueError(f"{name}: argument 'sparse_values' must have shape () or ({n},), got {values.shape}")
    if default.dtype != values.dtype:
        raise TypeError(f"{name}: argument 'default_value' must have the dtype of 'sparse_values' "
                        f"({values.dtype}), got {default.dtype}")
    if default.rank:
        raise ValueError(f"{name}: argument 'default_value' must be a scalar, got shape {default.shape}")
    rows, hot = _scatter(indices, broadcast_to(values, [n]), output_shape, depth, n, True)
    return reshape(where(_hit(hot), rows, default), output_shape)


@op
def unsorted_segment_sum(x, segment_ids, num_segments):
    """The sums of x's slices that share a segment id: shape [num_segments] +
    x.shape[segment_ids.rank:]. Ids outside [0, num_segments) are dropped."""
    name = "unsorted_segment_sum"
    x = as_tensor(x, "x", name)
    x = cast(x, "int32") if x.dtype == "bool" else x
    ids = _int_indices(segment_ids, "segment_ids", name)
    num_segments = _count(num_segments, "num_segments", name)
    k = ids.rank
    if k < 1 or x.shape[:k] != ids.shape:
        raise ValueError(f"{name}: argument 'segment_ids' must have rank >= 1 and match the leading "
                         f"dims of x (shape {x.shape}), got shape {ids.shape}")
    rest = x.shape[k:]
    hot = _one_hot(reshape(ids, [1, ids.size]), num_segments)
    out = _scatter_add(hot, reshape(x, [1, ids.size, shape_size(rest)]))
    return reshape(out, (num_segments,) + rest)


def _bincount(name, x, weights, size, binary_output, max_rank):
    x = _int_indices(x, "x", name)
    if not 1 <= x.rank <= max_rank:
        raise ValueError(f"{name}: argument 'x' must have rank {'1' if max_rank == 1 else '1 or 2'}, "
                         f"got shape {x.shape}")
    weights = as_tensor(weights, "weights", name)
    if weights.dtype == "bool":
        raise TypeError(f"{name}: argument 'weights' must be float32 or int32, got bool")
    if weights.size not in (0, x.size):
        raise ValueError(f"{name}: argument 'weights' must have the size of x ({x.size}) or be empty, "
                         f"got shape {weights.shape}")
    size = _count(size, "size", name)
    batch, n = (x.shape[0] if x.rank == 2 else 1), x.shape[-1]
    hot = _one_hot(reshape(x, [batch, n]), size)  # values outside [0, size) land in no bin
    if binary_output:
        out = cast(any_(hot, 1), weights.dtype)
    else:
        w = reshape(weights, [batch, n, 1]) if weights.size else fill([batch, n, 1], 1, weights.dtype)
        out = _scatter_add(hot, w)
    return reshape(out, x.shape[:-1] + (size,))


@op
def bincount(x, weights, size):
    """Counts (or summed weights) of each value in [0, size) of the int32 vector x; empty
    weights count 1 each. The result has weights' dtype."""
    return _bincount("bincount", x, weights, size, False, 1)


@op
def dense_bincount(x, weights, size, binary_output=False):
    """bincount of a vector or of each row of a matrix; binary_output gives 1 for each value
    present instead of its count (on vectors too, as TensorFlow; tfjs ignores it there)."""
    return _bincount("dense_bincount", x, weights, size, binary_output, 2)

"""Searching: top_k and search_sorted stay on the device (compositions); unique and the async
ops, whose output sizes depend on the values, read the values back to the host, as tfjs does."""
from collections import namedtuple

import numpy as np

from .core import INT32, as_tensor, from_values, norm_axis, op, shape_size
from .creation import fill, range as arange
from .elementwise import cast, equal, less, less_equal, logical_and, logical_not, logical_or, where
from .indexing import gather
from .reduction import any as any_, argmax, sum as sum_
from .shape import expand_dims, reshape, stack

TopK = namedtuple("TopK", "values indices")
Unique = namedtuple("Unique", "values indices")


# ---- on the device ----
def _top_indices(x2, k):
    """int32 [B, k]: k rounds of argmax over the entries of x2 [B, n] not yet taken. argmax
    keeps the first of equal entries, so ties go to the lower index, as in tfjs."""
    batch, n = x2.shape
    if k == 0:
        return fill([batch, 0], 0, "int32")
    low = float("-inf") if x2.dtype == "float32" else INT32[0]
    positions = arange(n, dtype="int32")
    picks, taken = [argmax(x2, -1)], None
    for _ in range(k - 1):
        hot = equal(expand_dims(picks[-1], -1), positions)
        taken = hot if taken is None else logical_or(taken, hot)
        first = argmax(where(taken, low, x2), -1)
        # argmax lands on a taken entry only when all the others equal `low` (NaN is taken
        # first): the answer is then the first entry not taken
        clash = any_(logical_and(taken, equal(expand_dims(first, -1), positions)), -1)
        picks.append(where(clash, argmax(cast(logical_not(taken), "int32"), -1), first))
    return stack(picks, -1)


@op
def top_k(x, k=1, sorted=True):
    """The k largest entries along the last axis, largest first, and their indices (equal
    entries: lower index first). `sorted=False` gives the same order (tfjs leaves it open)."""
    x = as_tensor(x, "x", "top_k")
    if x.dtype == "bool":
        raise TypeError("top_k: argument 'x' must be float32 or int32, got bool")
    if x.rank == 0:
        raise ValueError("top_k: argument 'x' must have rank >= 1, got a scalar")
    n = x.shape[-1]
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 <= k <= n:
        raise ValueError(f"top_k: argument 'k' must be an int in [0, {n}] (the last dimension), got {k!r}")
    x2 = reshape(x, [shape_size(x.shape[:-1]), n])
    indices = _top_indices(x2, int(k))
    hot = equal(expand_dims(indices, -1), arange(n, dtype="int32"))  # [B, k, n]
    # a one-hot gather: exact for int32, and the gradient goes to the picked entries only
    values = sum_(where(hot, expand_dims(x2, 1), 0), -1)
    shape = x.shape[:-1] + (int(k),)
    return TopK(reshape(values, shape), reshape(indices, shape))


@op
def search_sorted(sorted_sequence, values, side="left"):
    """For each of values' last-axis entries, its insertion index in sorted_sequence's last
    axis: before equal entries ('left') or after them ('right'). int32, of values' shape."""
    seq = as_tensor(sorted_sequence, "sorted_sequence", "search_sorted")
    values = as_tensor(values, "values", "search_sorted")
    if side not in ("left", "right"):
        raise ValueError(f"search_sorted: argument 'side' must be 'left' or 'right', got {side!r}")
    if seq.rank < 1 or values.rank < 1:
        raise ValueError(f"search_sorted: arguments 'sorted_sequence' and 'values' must have rank >= 1, "
                         f"got shapes {seq.shape} and {values.shape}")
    batch = shape_size(seq.shape[:-1])
    if shape_size(values.shape[:-1]) != batch:
        raise ValueError(f"search_sorted: the leading dims of 'sorted_sequence' {seq.shape} and 'values' "
                         f"{values.shape} must hold the same number of rows")
    seq3 = reshape(seq, [batch, 1, seq.shape[-1]])
    values3 = reshape(values, [batch, values.shape[-1], 1])
    before = (less if side == "left" else less_equal)(seq3, values3)  # [batch, m, n]
    return reshape(sum_(cast(before, "int32"), -1), values.shape)


def lower_bound(sorted_sequence, values):
    """search_sorted(sorted_sequence, values, 'left')."""
    return search_sorted(sorted_sequence, values, "left")


def upper_bound(sorted_sequence, values):
    """search_sorted(sorted_sequence, values, 'right')."""
    return search_sorted(sorted_sequence, values, "right")


# ---- read back to the host ----
@op
def unique(x, axis=0):
    """x's distinct slices along axis in order of first appearance, and for each slice of x
    the index of its value among them (int32)."""
    x = as_tensor(x, "x", "unique")
    if x.rank == 0:
        raise ValueError("unique: argument 'x' must have rank >= 1, got a scalar")
    axis = norm_axis(axis, x.rank, "unique")
    # found on the host with NumPy after a sync read (tfjs's WebGL backend reads back too)
    rows = np.moveaxis(x.numpy(), axis, 0).reshape(x.shape[axis], x.size // max(x.shape[axis], 1))
    if rows.dtype.kind == "f":  # one NaN, and 0.0 == -0.0, as tfjs's keys (the values' text)
        rows = np.where(np.isnan(rows), np.float32("nan"), rows + np.float32(0))
    seen, first, inverse = {}, [], np.empty(len(rows), np.int32)
    for i, row in enumerate(rows):
        key = row.tobytes()
        if key not in seen:
            seen[key] = len(first)
            first.append(i)
        inverse[i] = seen[key]
    return Unique(gather(x, np.array(first, np.int32), axis), from_values(inverse, "int32"))


def _inputs(op_name, *args):
    """(tensors, made): the arguments (value, name, dtype) as tensors, and those converted here,
    which the caller disposes (an async op runs outside any op scope)."""
    tensors, made = [], []
    try:
        for value, arg, dtype in args:
            t = as_tensor(value, arg, op_name, dtype)
            tensors.append(t)
            if t is not value:
                made.append(t)
    except BaseException:
        for t in made:
            t.dispose()
        raise
    return tensors, made


def _dispose(tensors):
    for t in tensors:
        t.dispose()


async def where_async(condition):
    """The coordinates of condition's true (non-zero) entries: int32 [num_true, rank]."""
    (cond,), made = _inputs("where_async", (condition, "condition", "bool"))
    try:
        values = await cond.data()
    finally:
        _dispose(made)
    return from_values(np.argwhere(np.reshape(values, cond.shape)).astype(np.int32), "int32")


@op
def _boolean_mask(x, picks, axis, k):
    """x with axes axis .. axis+k-1 merged, gathered at picks along them."""
    merged = x.shape[:axis] + (shape_size(x.shape[axis:axis + k]),) + x.shape[axis + k:]
    return gather(reshape(x, merged), picks.astype(np.int32), axis)


async def boolean_mask_async(tensor, mask, axis=0):
    """tensor's slices where mask (over the axes axis .. axis + mask.rank - 1) is true."""
    name = "boolean_mask_async"
    (t, m), made = _inputs(name, (tensor, "tensor", None), (mask, "mask", "bool"))
    try:
        if m.rank == 0:
            raise ValueError(f"{name}: argument 'mask' must have rank >= 1, got a scalar")
        axis = norm_axis(axis, t.rank, name)
        if t.shape[axis:axis + m.rank] != m.shape:
            raise ValueError(f"{name}: argument 'mask' (shape {m.shape}) must match the shape of "
                             f"'tensor' {t.shape} from axis {axis}")
        picks = np.flatnonzero(await m.data())
        return _boolean_mask(t, picks, axis, m.rank)
    finally:
        _dispose(made)


async def set_diff1d_async(x, y):
    """(out, indices): x's values that are not in y, in x's order (repeats kept), and their
    positions in x (tfjs's setdiff1dAsync)."""
    name = "set_diff1d_async"
    (xt, yt), made = _inputs(name, (x, "x", None), (y, "y", None))
    try:
        if xt.dtype != yt.dtype:
            raise TypeError(f"{name}: arguments 'x' and 'y' must have the same dtype, got {xt.dtype} "
                            f"and {yt.dtype}")
        if xt.rank != 1 or yt.rank != 1:
            raise ValueError(f"{name}: arguments 'x' and 'y' must be 1-D, got shapes {xt.shape} and {yt.shape}")
        xv, yv = await xt.data(), await yt.data()
    finally:
        _dispose(made)
    keep = ~np.isin(xv, yv)
    if xv.dtype.kind == "f" and np.isnan(yv).any():  # tfjs's Set holds NaN like any value
        keep &= ~np.isnan(xv)
    picks = np.flatnonzero(keep)
    return from_values(xv[picks], xt.dtype), from_values(picks.astype(np.int32), "int32")


setdiff1d_async = set_diff1d_async  # tfjs's spelling, setdiff1dAsync


async def in_top_k_async(predictions, targets, k=1):
    """bool of targets' shape: whether each target index is among the k largest predictions
    of its row (equal predictions: lower index first, as tfjs's stable sort)."""
    name = "in_top_k_async"
    (p, t), made = _inputs(name, (predictions, "predictions", None), (targets, "targets", None))
    try:
        if p.rank < 2:
            raise ValueError(f"{name}: argument 'predictions' must have rank >= 2, got shape {p.shape}")
        if t.shape != p.shape[:-1]:
            raise ValueError(f"{name}: argument 'targets' must have shape {p.shape[:-1]} (predictions' "
                             f"without the last axis), got {t.shape}")
        n = p.shape[-1]
        if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or not 0 < k <= n:
            raise ValueError(f"{name}: argument 'k' must be an int in [1, {n}] (the last dimension), got {k!r}")
        pv = np.reshape(await p.data(), (-1, n))
        tv = np.reshape(await t.data(), -1)
    finally:
        _dispose(made)
    inside = (tv >= 0) & (tv < n) & (tv == np.floor(tv))
    col = np.where(inside, tv, 0).astype(np.int64)
    target = pv[np.arange(len(col)), col][:, None]
    rank = (pv > target).sum(1) + ((pv == target) & (np.arange(n) < col[:, None])).sum(1)
    return from_values((inside & (rank < k)).reshape(t.shape), "bool")

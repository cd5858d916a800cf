"""tfjs's ragged ops (ragged_gather, ragged_range, ragged_tensor_to_tensor) and tf.sparse's
(sparse_fill_empty_rows, sparse_reshape, sparse_segment_sum, sparse_segment_mean).

Their output shapes depend on the input values, so each reads its inputs back and computes on
the host with NumPy, as tfjs's kernels do on the CPU (its WebGL backend reads back and runs the
same CPU code). int32 and float32 values only; no gradients (tfjs registers none)."""
import builtins
from collections import namedtuple

import numpy as np

from ..backends.base import contiguous_strides
from .core import as_tensor, from_values, op, shape_size

RaggedGather = namedtuple("RaggedGather", "output_nested_splits output_dense_values")
RaggedRange = namedtuple("RaggedRange", "rt_nested_splits rt_dense_values")
SparseFillEmptyRows = namedtuple("SparseFillEmptyRows",
                                 "output_indices output_values empty_row_indicator reverse_index_map")
SparseReshape = namedtuple("SparseReshape", "output_indices output_shape")
NUMERIC = ("float32", "int32")


def _read(value, arg, op_name, dtypes=("int32",), ranks=None):
    """(values as a NumPy array, dtype) of an argument of one of `dtypes` (a list converts to
    the first) and, if given, one of `ranks`."""
    t = as_tensor(value, arg, op_name, dtypes[0] if len(dtypes) == 1 else None)
    if t.dtype not in dtypes:
        raise TypeError(f"{op_name}: argument '{arg}' must be {' or '.join(dtypes)}, got {t.dtype}")
    if ranks is not None and t.rank not in ranks:
        raise ValueError(f"{op_name}: argument '{arg}' must have rank {' or '.join(map(str, ranks))}, "
                         f"got shape {t.shape}")
    return t.data_sync().reshape(t.shape), t.dtype


def _splits(value, arg, op_name, rows=None, total=None):
    """A ragged row-splits vector: int32 1-D, non-empty, starting at 0 (when `rows` is given,
    with rows + 1 entries), non-decreasing, and ending at `total` (when given) or before."""
    s, _ = _read(value, arg, op_name, ranks=(1,))
    if not s.size or s[0] != 0 or (s[1:] < s[:-1]).any():
        raise ValueError(f"{op_name}: argument '{arg}' must be non-empty row splits starting at 0 and "
                         f"non-decreasing, got {s.tolist()}")
    if rows is not None and s.size != rows + 1:
        raise ValueError(f"{op_name}: argument '{arg}' must have {rows + 1} entries (one more than the "
                         f"{rows} rows it splits), got {s.size}")
    if total is not None and s[-1] > total:
        raise ValueError(f"{op_name}: argument '{arg}' points past the {total} rows it splits: {s.tolist()}")
    return s.astype(np.intp)


def _sorted_ids(ids, arg, op_name, limit=None):
    if ids.size and (ids[0] < 0 or (ids[1:] < ids[:-1]).any()):
        raise ValueError(f"{op_name}: argument '{arg}' must be sorted and non-negative, got {ids.tolist()}")
    if limit is not None and ids.size and ids[-1] >= limit:
        raise ValueError(f"{op_name}: argument '{arg}' must be < {limit}, got {int(ids[-1])}")


def _in_range(indices, limit, arg, op_name):
    bad = np.flatnonzero((indices < 0) | (indices >= limit))
    if bad.size:
        raise ValueError(f"{op_name}: argument '{arg}' must be in [0, {limit}), got {int(indices.flat[bad[0]])} "
                         f"at flat position {bad[0]}")


# ---- ragged tensors: nested row splits over flat values ----
@op
def ragged_gather(params_nested_splits, params_dense_values, indices, output_ragged_rank):
    """The rows of a ragged tensor (nested row splits over dense values) picked by int32 indices
    (of any rank): (output_nested_splits, output_dense_values). Computed on the host."""
    name = "ragged_gather"
    if not isinstance(params_nested_splits, (list, tuple)) or not params_nested_splits:
        raise ValueError(f"{name}: argument 'params_nested_splits' must be a non-empty list of int32 1-D "
                         f"tensors, got {params_nested_splits!r}")
    values, dtype = _read(params_dense_values, "params_dense_values", name, NUMERIC)
    if values.ndim == 0:
        raise ValueError(f"{name}: argument 'params_dense_values' must have rank >= 1, got a scalar")
    levels = [None] * len(params_nested_splits)  # checked innermost first: each splits the next level's rows
    for d in reversed(range(len(levels))):
        total = values.shape[0] if d == len(levels) - 1 else levels[d + 1].size - 1
        levels[d] = _splits(params_nested_splits[d], f"params_nested_splits[{d}]", name, total=total)
    idx, _ = _read(indices, "indices", name)
    _in_range(idx, levels[0].size - 1, "indices", name)
    rank = idx.ndim + len(levels) - 1
    if output_ragged_rank != rank:
        raise ValueError(f"{name}: argument 'output_ragged_rank' must be {rank} (indices' rank + the number "
                         f"of params_nested_splits - 1), got {output_ragged_rank!r}")
    # indices' own dimensions but the last become uniform splits: [0, n, 2n, ...]
    uniform = [np.arange(shape_size(idx.shape[:d + 1]) + 1) * idx.shape[d + 1] for d in range(idx.ndim - 1)]
    skip = 1 if idx.ndim == 0 else 0  # a scalar index drops the outermost level
    splits = [[np.zeros(1, np.intp)] for _ in levels[skip:]]  # each level's pieces, then joined
    ends, pieces = [0] * len(splits), []
    for i in idx.reshape(-1).tolist():
        start, limit = i, i + 1
        for d, s in enumerate(levels):  # follow row i down: the rows it spans on each level
            if d >= skip:
                splits[d - skip].append(s[start + 1:limit + 1] - s[start] + ends[d - skip])
                ends[d - skip] += s[limit] - s[start]
            start, limit = s[start], s[limit]
        pieces.append(values[start:limit])
    dense = np.concatenate(pieces) if pieces else values[:0]
    out = uniform + [np.concatenate(p) for p in splits]
    return RaggedGather([from_values(s, "int32") for s in out], from_values(dense, dtype))


@op
def ragged_range(starts, limits, deltas):
    """Row i is range(starts[i], limits[i], deltas[i]) (scalars broadcast): (rt_nested_splits,
    rt_dense_values), the latter of starts' dtype. Computed on the host."""
    name = "ragged_range"
    first, dtype = _read(starts, "starts", name, NUMERIC, (0, 1))
    args = [first] + [_read(v, arg, name, (dtype,), (0, 1))[0] for v, arg in ((limits, "limits"), (deltas, "deltas"))]
    sizes = {a.size for a in args if a.ndim == 1}
    if len(sizes) > 1:
        raise ValueError(f"{name}: arguments 'starts', 'limits' and 'deltas' must be scalars or vectors of "
                         f"one length, got shapes {[a.shape for a in args]}")
    rows = sizes.pop() if sizes else 1
    start, limit, delta = (np.broadcast_to(a, (rows,)).astype(np.float64) for a in args)
    if (delta == 0).any():
        raise ValueError(f"{name}: argument 'deltas' must be non-zero, got {delta.tolist()}")
    size = np.where((limit - start) * delta < 0, 0, np.ceil(np.abs((limit - start) / delta)))
    if size.sum() > 2 ** 31 - 1:
        raise ValueError(f"{name}: the ranges would hold {int(size.sum())} values, more than 2**31 - 1")
    size = size.astype(np.intp)  # np.repeat's counts: int32 in Pyodide (wasm32)
    splits = np.concatenate([[0], np.cumsum(size)])
    step = np.arange(splits[-1]) - np.repeat(splits[:-1], size)  # each value's position in its row
    values = np.repeat(start, size) + step * np.repeat(delta, size)
    return RaggedRange(from_values(splits, "int32"), from_values(values, dtype))


_PARTITIONS = ("FIRST_DIM_SIZE", "VALUE_ROWIDS", "ROW_SPLITS")


def _row_ids(kind, part, arg, rows, op_name):
    """(row, position in the row) of each element a row partition describes, for `rows` rows."""
    if kind == "ROW_SPLITS":
        s = _splits(part, arg, op_name, rows=rows)
        ids = np.repeat(np.arange(rows), np.diff(s))
        return ids, np.arange(ids.size) - s[ids]
    ids, _ = _read(part, arg, op_name, ranks=(1,))
    _sorted_ids(ids, arg, op_name, rows)
    n = np.arange(ids.size)
    first = np.maximum.accumulate(np.where(np.diff(ids, prepend=-1) != 0, n, 0)) if ids.size else n
    return ids.astype(np.intp), n - first


@op
def ragged_tensor_to_tensor(shape, values, default_value, row_partition_tensors, row_partition_types):
    """The dense tensor of a ragged one (row partitions over values), padded with default_value
    and cut to `shape` (-1, or -1 entries: the natural size). Computed on the host."""
    name = "ragged_tensor_to_tensor"
    vals, dtype = _read(values, "values", name, NUMERIC)
    default, _ = _read(default_value, "default_value", name, (dtype,))
    types = [str(t).upper() for t in row_partition_types]
    if builtins.any(t not in _PARTITIONS for t in types) or "FIRST_DIM_SIZE" in types[1:] or \
            types[:1] == ["VALUE_ROWIDS"] or types == ["FIRST_DIM_SIZE"] or not types:
        raise ValueError(f"{name}: argument 'row_partition_types' must be ROW_SPLITS or VALUE_ROWIDS "
                         f"partitions, the first VALUE_ROWIDS one after a FIRST_DIM_SIZE, got {row_partition_types!r}")
    if len(row_partition_tensors) != len(types):
        raise ValueError(f"{name}: {len(types)} row_partition_types but {len(row_partition_tensors)} "
                         "row_partition_tensors")
    parts = list(zip(types, row_partition_tensors, [f"row_partition_tensors[{i}]" for i in range(len(types))]))
    if types[0] == "FIRST_DIM_SIZE":
        size, _ = _read(parts.pop(0)[1], "row_partition_tensors[0]", name, ranks=(0, 1))
        if size.size != 1 or size.flat[0] < 0:
            raise ValueError(f"{name}: a FIRST_DIM_SIZE partition must be one non-negative int, got {size.tolist()}")
        rows = int(size.flat[0])
    else:
        rows = _read(row_partition_tensors[0], "row_partition_tensors[0]", name, ranks=(1,))[0].size - 1
    if vals.ndim == 0 or default.ndim >= vals.ndim:
        raise ValueError(f"{name}: 'values' must have rank >= 1 and 'default_value' a lower one, got shapes "
                         f"{vals.shape} and {default.shape}")
    inner = vals.shape[1:]
    try:
        np.broadcast_shapes(default.shape, inner)
    except ValueError:
        raise ValueError(f"{name}: 'default_value' of shape {default.shape} does not broadcast to the shape "
                         f"{inner} of each value") from None
    ragged = len(parts)
    # each element's (row, position) on each ragged level, from the outermost in
    levels, n = [], rows
    for kind, part, arg in parts:
        ids, pos = _row_ids(kind, part, arg, n, name)
        levels.append((ids, pos))
        n = ids.size
    if n != vals.shape[0]:
        raise ValueError(f"{name}: the row partitions describe {n} values, but 'values' has {vals.shape[0]}")
    natural = [rows] + [int(np.max(pos, initial=-1)) + 1 for _, pos in levels] + list(inner)
    wanted, _ = _read(-1 if shape is None else shape, "shape", name, ranks=(0, 1))
    if wanted.ndim == 0:
        if wanted != -1:
            raise ValueError(f"{name}: a scalar 'shape' must be -1 (the natural shape), got {int(wanted)}")
        wanted = np.full(len(natural), -1)
    if wanted.size != len(natural) or (wanted < -1).any() or builtins.any(
            w not in (-1, d) for w, d in zip(wanted[ragged + 1:], inner)):
        raise ValueError(f"{name}: argument 'shape' must have {len(natural)} entries, >= -1, and its last "
                         f"{len(inner)} must be -1 or {list(inner)} (the shape of each value), got {wanted.tolist()}")
    out_shape = [d if w == -1 else int(w) for w, d in zip(wanted, natural)]
    strides = contiguous_strides(out_shape[:ragged + 1])
    # the flat output row of each element, level by level; -1 where it falls outside out_shape
    at = np.where(np.arange(rows) < out_shape[0], np.arange(rows) * strides[0], -1)
    for (ids, pos), size, stride in zip(levels, out_shape[1:], strides[1:]):
        parent = at[ids]
        at = np.where((parent >= 0) & (pos < size), parent + pos * stride, -1)
    width = shape_size(inner)
    out = np.empty((shape_size(out_shape[:ragged + 1]), width), vals.dtype)
    out[:] = np.broadcast_to(default, inner).reshape(-1)
    kept = at >= 0
    out[at[kept]] = vals.reshape(-1, width)[kept]
    return from_values(out.reshape(out_shape), dtype)


# ---- sparse tensors: indices, values and a dense shape ----
@op
def sparse_fill_empty_rows(indices, values, dense_shape, default_value):
    """A sparse tensor with an entry [row, 0, ...] = default_value added for each empty row:
    (output_indices, output_values, empty_row_indicator, reverse_index_map). On the host."""
    name = "sparse_fill_empty_rows"
    idx, _ = _read(indices, "indices", name, ranks=(2,))
    vals, dtype = _read(values, "values", name, NUMERIC, (1,))
    shape, _ = _read(dense_shape, "dense_shape", name, ranks=(1,))
    default, _ = _read(default_value, "default_value", name, (dtype,), (0,))
    n, rank = idx.shape
    if vals.size != n or shape.size != rank or not rank:
        raise ValueError(f"{name}: 'indices' of shape {idx.shape} needs {n} values and a dense_shape of "
                         f"{rank} >= 1 entries, got {vals.size} values and dense_shape {shape.tolist()}")
    rows = idx[:, 0].astype(np.intp)
    dense_rows = int(shape[0])
    _in_range(rows, dense_rows, "indices[:, 0]", name)
    counts = np.bincount(rows, minlength=dense_rows)
    empty = counts == 0
    if not empty.any() and (rows[1:] >= rows[:-1]).all():  # nothing to add or move, as in tfjs
        out_idx, out_vals, reverse = idx, vals, np.arange(n)
    else:  # rows in order (each row's entries in their given order), one per empty row
        filled = np.maximum(counts, 1)
        starts = np.cumsum(filled) - filled
        order = np.argsort(rows, kind="stable")
        ranked = rows[order]
        reverse = np.empty(n, np.intp)
        reverse[order] = starts[ranked] + np.arange(n) - np.searchsorted(ranked, ranked)
        out_idx = np.zeros((int(filled.sum()), rank), idx.dtype)
        out_vals = np.empty(out_idx.shape[0], vals.dtype)
        out_idx[reverse], out_vals[reverse] = idx, vals
        out_idx[starts[empty], 0] = np.flatnonzero(empty)
        out_vals[starts[empty]] = default
    return SparseFillEmptyRows(from_values(out_idx, "int32"), from_values(out_vals, dtype),
                               from_values(empty, "bool"), from_values(reverse, "int32"))


@op
def sparse_reshape(input_indices, input_shape, new_shape):
    """A sparse tensor's indices for its dense shape reshaped to new_shape (one entry may be -1):
    (output_indices, output_shape). Computed on the host."""
    name = "sparse_reshape"
    idx, _ = _read(input_indices, "input_indices", name, ranks=(2,))
    shape, _ = _read(input_shape, "input_shape", name, ranks=(1,))
    new, _ = _read(new_shape, "new_shape", name, ranks=(1,))
    if idx.shape[1] != shape.size:
        raise ValueError(f"{name}: 'input_indices' of shape {idx.shape} must have one column per entry of "
                         f"input_shape {shape.tolist()}")
    if (shape < 0).any():
        raise ValueError(f"{name}: argument 'input_shape' must be non-negative, got {shape.tolist()}")
    for j in range(shape.size):
        _in_range(idx[:, j], int(shape[j]), f"input_indices[:, {j}]", name)
    size, unknown = shape_size(shape.tolist()), np.flatnonzero(new == -1)
    if len(unknown) > 1 or (new < -1).any():
        raise ValueError(f"{name}: argument 'new_shape' must be sizes >= 0 with at most one -1, got {new.tolist()}")
    out_shape = new.astype(np.int64)
    known = shape_size(out_shape[out_shape >= 0].tolist())
    if len(unknown):
        if known == 0 or size % known:
            raise ValueError(f"{name}: cannot infer the -1 of new_shape {new.tolist()} for {size} dense values "
                             f"(input_shape {shape.tolist()})")
        out_shape[unknown[0]] = size // known
    if shape_size(out_shape.tolist()) != size:
        raise ValueError(f"{name}: new_shape {new.tolist()} holds {shape_size(out_shape.tolist())} dense values, "
                         f"but input_shape {shape.tolist()} holds {size}")
    # linear positions in int64: a sparse tensor's dense size may pass 2**31
    flat = idx.astype(np.int64) @ np.array(contiguous_strides(shape.tolist()), np.int64).reshape(-1)
    out = np.zeros((idx.shape[0], out_shape.size), np.int64)
    for j, stride in enumerate(contiguous_strides(out_shape.tolist())):
        out[:, j], flat = (flat // stride, flat % stride) if stride else (0, flat)
    return SparseReshape(from_values(out, "int32"), from_values(out_shape, "int32"))


def _segment_reduce(data, indices, segment_ids, mean, name):
    x, dtype = _read(data, "data", name, NUMERIC)
    if x.ndim == 0:
        raise ValueError(f"{name}: argument 'data' must have rank >= 1, got a scalar")
    idx, _ = _read(indices, "indices", name, ranks=(1,))
    ids, _ = _read(segment_ids, "segment_ids", name, ranks=(1,))
    if idx.size != ids.size:
        raise ValueError(f"{name}: 'indices' and 'segment_ids' must have one length, got {idx.size} and {ids.size}")
    _in_range(idx, x.shape[0], "indices", name)
    _sorted_ids(ids, "segment_ids", name)
    segments = int(ids[-1]) + 1 if ids.size else 0  # the last id + 1, as in tfjs (empty ones are 0)
    out = np.zeros((segments,) + x.shape[1:], x.dtype)
    np.add.at(out, ids, x[idx])
    if mean:
        count = np.maximum(np.bincount(ids, minlength=segments), 1).reshape((-1,) + (1,) * (x.ndim - 1))
        out = out / count if dtype == "float32" else np.trunc(out / count)  # int32: toward 0, as tfjs
    return from_values(out, dtype)


@op
def sparse_segment_sum(data, indices, segment_ids):
    """out[s] = the sum of data[indices[i]] over the i with segment_ids[i] == s (sorted ids; 0 for
    an id none has). Computed on the host."""
    return _segment_reduce(data, indices, segment_ids, False, "sparse_segment_sum")


@op
def sparse_segment_mean(data, indices, segment_ids):
    """out[s] = the mean of data[indices[i]] over the i with segment_ids[i] == s (sorted ids; 0 for
    an id none has). Computed on the host."""
    return _segment_reduce(data, indices, segment_ids, True, "sparse_segment_mean")

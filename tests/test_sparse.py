"""Ragged and sparse ops (webtensor/ops/sparse.py): ragged_gather, ragged_range,
ragged_tensor_to_tensor and wt.sparse's sparse_fill_empty_rows, sparse_reshape,
sparse_segment_sum, sparse_segment_mean. Values against tfjs's documented examples and NumPy /
plain Python references; they compute on the host, so no gradients."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, to_np

I32 = np.int32


def make_values(rng, n, inner, dtype):
    return rng.integers(-9, 10, (n,) + inner).astype(dtype)


# ---- references: ragged tensors as nested Python lists ----
def nested(splits, values):
    """A ragged tensor (row splits, outermost first, over values) as nested lists of value rows."""
    rows = list(values)
    for s in reversed(splits):
        rows = [rows[a:b] for a, b in zip(s[:-1], s[1:])]
    return rows


def unnested(rows, ragged_rank):
    """Nested lists -> (row splits, outermost first, flat list of values)."""
    splits = []
    for _ in range(ragged_rank):
        s = [0]
        for r in rows:
            s.append(s[-1] + len(r))
        splits.append(s)
        rows = [x for r in rows for x in r]
    return splits, rows


def random_ragged(rng, rows, ragged_rank, inner, dtype):
    """(splits, values) with rows rows and 0..3 entries per row on each level."""
    splits, n = [], rows
    for _ in range(ragged_rank):
        s = np.concatenate([[0], np.cumsum(rng.integers(0, 4, n))]).astype(I32)
        splits.append(s)
        n = int(s[-1])
    return splits, make_values(rng, n, inner, dtype)


def check_ragged(got_splits, got_values, splits, values, inner, dtype):
    assert len(got_splits) == len(splits)
    for g, s in zip(got_splits, splits):
        assert_close(g, np.asarray(s, I32), dtype="int32")
    assert_close(got_values, np.asarray(values, dtype).reshape((-1,) + inner))


# ---- ragged_gather ----
V9 = [.1, .2, .3, .4, .5, .6, .7, .8, .9]
GATHER_EXAMPLES = [  # tfjs's ragged_gather tests: indices, params splits, values, out splits, out values
    ([2, 1, 0, 3], [[0, 3, 3, 7, 9]], V9, [[0, 4, 4, 7, 9]], [.4, .5, .6, .7, .1, .2, .3, .8, .9]),
    ([2, 1, 0, 2, 3], [[0, 1, 3, 3, 5, 6], [0, 0, 2, 3, 5, 8, 9]], V9,
     [[0, 0, 2, 3, 3, 5], [0, 2, 3, 3, 5, 8]], [.1, .2, .3, .4, .5, .6, .7, .8]),
    ([[2, 1], [0, 3]], [[0, 3, 3, 7, 9]], V9, [[0, 2, 4], [0, 4, 4, 7, 9]], [.4, .5, .6, .7, .1, .2, .3, .8, .9]),
    (2, [[0, 3, 3, 7, 9]], V9, [], [.4, .5, .6, .7]),
]


@pytest.mark.parametrize("indices,splits,values,out_splits,out_values", GATHER_EXAMPLES, ids=str)
def test_ragged_gather_tfjs_examples(backend, indices, splits, values, out_splits, out_values):
    rank = np.ndim(indices) + len(splits) - 1
    got = wt.ragged_gather([wt.tensor(np.array(s, I32)) for s in splits], values, np.array(indices, I32), rank)
    check_ragged(got.output_nested_splits, got.output_dense_values, out_splits, out_values, (), np.float32)


@pytest.mark.parametrize("indices_shape", [(), (0,), (4,), (2, 3)], ids=str)
@pytest.mark.parametrize("ragged_rank,inner,dtype", [(1, (), np.float32), (2, (2,), np.int32)], ids=str)
def test_ragged_gather_matches_reference(backend, indices_shape, ragged_rank, inner, dtype):
    rng = np.random.default_rng(len(indices_shape) + 10 * ragged_rank)
    splits, values = random_ragged(rng, 4, ragged_rank, inner, dtype)
    indices = rng.integers(0, 4, indices_shape).astype(I32)
    rows = nested([s.tolist() for s in splits], values)

    def pick(ix):
        return rows[int(ix)] if np.ndim(ix) == 0 else [pick(i) for i in ix]
    rank = len(indices_shape) + ragged_rank - 1
    want_splits, want_values = unnested(pick(indices), rank)
    got = wt.ragged_gather(splits, wt.tensor(values), wt.tensor(indices), rank)
    assert isinstance(got.output_nested_splits, list) and len(got) == 2
    check_ragged(got.output_nested_splits, got.output_dense_values, want_splits, want_values, inner, dtype)


# ---- ragged_range ----
@pytest.mark.parametrize("starts,limits,deltas", [
    ([3, 5, 12], [8, 5, 16], [1, 2, 3]),     # tfjs's example: [[3, 4, 5, 6, 7], [], [12, 15]]
    ([0, 5, 8, 5], [8, 7, 8, 1], [2, 1, 1, -1]),
    (0, [3, 4], 1),                          # scalars broadcast
    (2, 9, 3), ([], [], []),
], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_ragged_range(backend, starts, limits, deltas, dtype):
    starts, limits, deltas = (np.array(v, dtype) for v in (starts, limits, deltas))
    rows = [np.arange(s, lim, d, dtype) for s, lim, d in np.broadcast(starts, limits, deltas)] \
        if max(np.ndim(starts), np.ndim(limits), np.ndim(deltas)) else [np.arange(starts, limits, deltas, dtype)]
    got = wt.ragged_range(wt.tensor(starts), wt.tensor(limits), wt.tensor(deltas))
    assert_close(got.rt_nested_splits, np.cumsum([0] + [len(r) for r in rows]).astype(I32))
    assert_close(got.rt_dense_values, np.concatenate(rows + [np.zeros(0, dtype)]))


def test_ragged_range_fractional_deltas(backend):
    got = wt.ragged_range([0.1, 1.5], [1.0, 0.0], [0.3, -0.25])
    assert_close(got.rt_nested_splits, np.array([0, 3, 9], I32))
    assert_close(got.rt_dense_values, np.float32([0.1, 0.4, 0.7, 1.5, 1.25, 1.0, 0.75, 0.5, 0.25]))


# ---- ragged_tensor_to_tensor ----
def dense_ref(rows, shape, default, inner):
    """rows (nested lists, ragged levels outermost first) cut or padded to shape."""
    out = np.empty(shape, np.asarray(default).dtype)
    out[...] = default
    outer = len(shape) - len(inner)

    def put(r, at):
        if len(at) == outer:
            out[at] = r
            return
        for i, x in enumerate(r[:shape[len(at)]]):
            put(x, at + (i,))
    put(rows, ())
    return out


TO_TENSOR_EXAMPLES = [  # tfjs's ragged_tensor_to_tensor tests: shape, values, default, partitions, expected
    ([4, 4], V9, 1.5, [4, [0, 0, 0, 2, 2, 2, 2, 3, 3]], ["FIRST_DIM_SIZE", "VALUE_ROWIDS"],
     [.1, .2, .3, 1.5, 1.5, 1.5, 1.5, 1.5, .4, .5, .6, .7, .8, .9, 1.5, 1.5]),
    ([4, 4], V9, 1.5, [[0, 3, 3, 7, 9]], ["ROW_SPLITS"],
     [.1, .2, .3, 1.5, 1.5, 1.5, 1.5, 1.5, .4, .5, .6, .7, .8, .9, 1.5, 1.5]),
    ([3, 2, 3], [0, 1, 2, 3], 5, [[0, 2, 2, 3], [0, 3, 3, 4]], ["ROW_SPLITS", "ROW_SPLITS"],
     [0, 1, 2, 5, 5, 5, 5, 5, 5, 5, 5, 5, 3, 5, 5, 5, 5, 5]),
    ([4, 1, 2], V9, 1.5, [5, [0, 1, 1, 3, 3, 4], [1, 1, 2, 3, 3, 4, 4, 4, 5]],
     ["FIRST_DIM_SIZE", "VALUE_ROWIDS", "VALUE_ROWIDS"], [1.5, 1.5, .1, .2, 1.5, 1.5, .4, .5]),
]


@pytest.mark.parametrize("shape,values,default,partitions,types,expected", TO_TENSOR_EXAMPLES, ids=str)
def test_ragged_tensor_to_tensor_tfjs_examples(backend, shape, values, default, partitions, types, expected):
    got = wt.ragged_tensor_to_tensor(shape, np.float32(values), default, [np.array(p, I32) for p in partitions], types)
    assert_close(got, np.float32(expected).reshape(shape))


@pytest.mark.parametrize("rowids", [False, True], ids=["row_splits", "value_rowids"])
@pytest.mark.parametrize("ragged_rank,inner,dtype", [(1, (), np.float32), (2, (2,), np.int32)], ids=str)
def test_ragged_tensor_to_tensor_matches_reference(backend, rowids, ragged_rank, inner, dtype):
    rng = np.random.default_rng(ragged_rank + 2 * rowids)
    splits, values = random_ragged(rng, 3, ragged_rank, inner, dtype)
    rows = nested([s.tolist() for s in splits], values)
    if rowids:  # the same partitions as value row ids, the first preceded by its size
        partitions = [np.int32(3)] + [np.repeat(np.arange(len(s) - 1), np.diff(s)).astype(I32) for s in splits]
        types = ["FIRST_DIM_SIZE"] + ["VALUE_ROWIDS"] * ragged_rank
    else:
        partitions, types = splits, ["ROW_SPLITS"] * ragged_rank
    natural = [3] + [int(max(np.diff(s), default=0)) for s in splits] + list(inner)
    rest = [-1] * (len(natural) - 2)
    for shape in (-1, [-1] * len(natural), [2, 4] + rest, [4, 1] + rest):  # natural, cut, padded
        out_shape = [n if s == -1 else s for s, n in zip(np.broadcast_to(shape, len(natural)), natural)]
        default = make_values(rng, 1, inner, dtype)[0] if inner else dtype(7)  # per value, broadcast
        got = wt.ragged_tensor_to_tensor(shape, wt.tensor(values), default, partitions, types)
        assert_close(got, dense_ref(rows, out_shape, default, inner))


def test_ragged_tensor_to_tensor_lowercase_types_and_empty_rows(backend):
    got = wt.ragged_tensor_to_tensor([-1, -1], wt.tensor(np.zeros(0, I32)), 3, [[0, 0, 0]], ["row_splits"])
    assert_close(got, np.zeros((2, 0), I32))
    got = wt.ragged_tensor_to_tensor([2, 2], wt.tensor(np.zeros(0, I32)), 3, [[0, 0, 0]], ["row_splits"])
    assert_close(got, np.full((2, 2), 3, I32))


# ---- sparse_fill_empty_rows ----
def fill_ref(indices, values, dense_shape, default):
    entries = []
    for r in range(dense_shape[0]):
        mine = [(tuple(indices[i]), values[i], i) for i in range(len(indices)) if indices[i][0] == r]
        entries += mine or [((r,) + (0,) * (len(dense_shape) - 1), default, None)]
    reverse = [next(j for j, e in enumerate(entries) if e[2] == i) for i in range(len(indices))]
    return (np.array([e[0] for e in entries], I32).reshape(-1, len(dense_shape)),
            np.array([e[1] for e in entries], np.asarray(values).dtype),
            np.array([not any(i[0] == r for i in indices) for r in range(dense_shape[0])], bool),
            np.array(reverse, I32))


def check_fill(got, want):
    assert len(got) == 4
    for g, w in zip(got, want):
        assert_close(g, w)


def test_sparse_fill_empty_rows_tfjs_example(backend):
    got = wt.sparse.sparse_fill_empty_rows([[0, 0], [1, 0], [1, 3], [1, 4], [3, 2], [3, 3]],
                                           [0, 10, 13, 14, 32, 33], [5, 6], -1)
    assert_close(got.output_indices, np.array([[0, 0], [1, 0], [1, 3], [1, 4], [2, 0], [3, 2], [3, 3], [4, 0]], I32))
    assert_close(got.output_values, np.float32([0, 10, 13, 14, -1, 32, 33, -1]))
    assert_close(got.empty_row_indicator, np.array([False, False, True, False, True]))
    assert_close(got.reverse_index_map, np.array([0, 1, 2, 3, 5, 6], I32))


@pytest.mark.parametrize("dense_shape,n", [([4, 3], 5), ([3, 2, 2], 3), ([2], 2), ([3, 3], 0), ([0, 2], 0)], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_sparse_fill_empty_rows_matches_reference(backend, dense_shape, n, dtype):
    rng = np.random.default_rng(n + len(dense_shape))
    indices = np.stack([rng.integers(0, d, n) for d in dense_shape], 1).astype(I32).reshape(n, len(dense_shape))
    values = make_values(rng, n, (), dtype)
    got = wt.sparse.sparse_fill_empty_rows(wt.tensor(indices), wt.tensor(values), np.array(dense_shape, I32),
                                           wt.tensor(dtype(-7)))
    check_fill(got, fill_ref(indices.tolist(), values, dense_shape, dtype(-7)))


def test_sparse_fill_empty_rows_unordered_full_rows(backend):
    indices, values = [[1, 0], [0, 1], [1, 2], [0, 0]], np.float32([1, 2, 3, 4])
    got = wt.sparse.sparse_fill_empty_rows(indices, values, [2, 3], -1)
    check_fill(got, fill_ref(indices, values, [2, 3], np.float32(-1)))
    assert_close(got.reverse_index_map, np.array([2, 0, 3, 1], I32))


# ---- sparse_reshape ----
def test_sparse_reshape_tfjs_example(backend):
    got = wt.sparse.sparse_reshape([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 2, 3]], [2, 3, 6], [9, -1])
    assert_close(got.output_indices, np.array([[0, 0], [0, 1], [1, 2], [4, 2], [8, 1]], I32))
    assert_close(got.output_shape, np.array([9, 4], I32))


@pytest.mark.parametrize("shape,new", [([2, 3, 4], [4, 6]), ([2, 3, 4], [-1]), ([6], [1, -1, 2]), ([4, 3], [3, 2, 2]),
                                       ([0, 3], [3, 0]), ([0, 3], [9, -1])], ids=str)
def test_sparse_reshape_matches_reference(backend, shape, new):
    rng = np.random.default_rng(len(shape) + len(new))
    n = 4 if 0 not in shape else 0
    indices = np.stack([rng.integers(0, d, n) for d in shape], 1).astype(I32).reshape(n, len(shape))
    known = int(np.prod([d for d in new if d != -1]))
    out_shape = [int(np.prod(shape)) // known if d == -1 else d for d in new]
    flat = np.ravel_multi_index(indices.T, shape) if n else np.zeros(0, int)
    want = np.stack(np.unravel_index(flat, out_shape), 1).astype(I32).reshape(n, len(new))
    got = wt.sparse.sparse_reshape(wt.tensor(indices), wt.tensor(np.array(shape, I32)), np.array(new, I32))
    assert_close(got.output_indices, want)
    assert_close(got.output_shape, np.array(out_shape, I32))


# ---- sparse_segment_sum / sparse_segment_mean ----
C = [[1, 2, 3, 4], [-1, -2, -3, -4], [5, 6, 7, 8]]
C_MEAN = [[1, 2, 3, 4], [-1, -2, -3, -4], [6, 7, 8, 9]]


@pytest.mark.parametrize("name,data,indices,ids,expected", [  # tfjs's documented examples
    ("sum", C, [0, 1], [0, 0], [[0, 0, 0, 0]]),
    ("sum", C, [0, 1], [0, 1], [[1, 2, 3, 4], [-1, -2, -3, -4]]),
    ("sum", C, [0, 1, 2], [0, 0, 1], [[0, 0, 0, 0], [5, 6, 7, 8]]),
    ("mean", C_MEAN, [0, 1], [0, 0], [[0, 0, 0, 0]]),
    ("mean", C_MEAN, [0, 1, 2], [0, 1, 1], [[1, 2, 3, 4], [2.5, 2.5, 2.5, 2.5]]),
], ids=str)
def test_sparse_segment_tfjs_examples(backend, name, data, indices, ids, expected):
    fn = getattr(wt.sparse, f"sparse_segment_{name}")
    assert_close(fn(wt.tensor(np.float32(data)), np.array(indices, I32), np.array(ids, I32)), np.float32(expected))


def segment_ref(data, indices, ids, mean):
    rows = int(ids[-1]) + 1 if len(ids) else 0
    out = np.zeros((rows,) + data.shape[1:], np.float64)
    count = np.zeros(rows)
    for i, s in zip(indices, ids):
        out[s] += data[i]
        count[s] += 1
    if mean:
        out /= np.maximum(count, 1).reshape((-1,) + (1,) * (data.ndim - 1))
    return np.trunc(out).astype(data.dtype) if data.dtype == I32 else out.astype(np.float32)


@pytest.mark.parametrize("mean", [False, True], ids=["sum", "mean"])
@pytest.mark.parametrize("shape,ids", [((5,), [0, 0, 2, 2, 3]), ((4, 2, 3), [1, 1, 1, 4]), ((3, 2), [])], ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_sparse_segment_matches_reference(backend, mean, shape, ids, dtype):
    rng = np.random.default_rng(len(ids) + len(shape))
    data = make_values(rng, shape[0], shape[1:], dtype)
    indices = rng.integers(0, shape[0], len(ids)).astype(I32)  # repeats allowed
    ids = np.array(ids, I32)
    fn = wt.sparse.sparse_segment_mean if mean else wt.sparse.sparse_segment_sum
    assert_close(fn(wt.tensor(data), wt.tensor(indices), wt.tensor(ids)), segment_ref(data, indices, ids, mean))


def test_sparse_segment_mean_int32_truncates(backend):
    got = wt.sparse.sparse_segment_mean(np.array([[1], [2], [-1], [-2]], I32), [0, 1, 2, 3], [0, 0, 1, 1])
    assert_close(got, np.array([[1], [-1]], I32))  # 1.5 and -1.5 toward zero, as tfjs


# ---- errors ----
def splits(*values):
    return np.array(values, I32)


gather, to_tensor, sp = wt.ragged_gather, wt.ragged_tensor_to_tensor, wt.sparse


ERRORS = [
    (lambda: gather([], [1.0], [0], 0), ValueError, "ragged_gather: argument 'params_nested_splits' must be a non"),
    (lambda: gather([splits(0, 3, 5, 2, 9)], V9, [0], 1), ValueError, r"splits\[0\]' must be .*non-decreasing"),
    (lambda: gather([splits(0, 20, 40)], V9, [0], 1), ValueError, "points past the 9 rows"),
    (lambda: gather([splits(0, 3, 9)], V9, [2, 10], 1), ValueError, r"argument 'indices' must be in \[0, 2\), got 2"),
    (lambda: gather([splits(0, 3, 9)], V9, [0], 2), ValueError, "'output_ragged_rank' must be 1"),
    (lambda: gather([splits(0, 1)], 1.0, [0], 1), ValueError, "'params_dense_values' must have rank >= 1"),
    (lambda: gather([wt.tensor([0.0, 1.0])], [1.0], [0], 1), TypeError, r"params_nested_splits\[0\]' must be int32"),
    (lambda: gather([splits(0, 1)], [True], [0], 1), TypeError, "'params_dense_values' must be float32 or int32"),
    (lambda: wt.ragged_range([0], [3], [0]), ValueError, "ragged_range: argument 'deltas' must be non-zero"),
    (lambda: wt.ragged_range([0, 1], [3, 4, 5], 1), ValueError, "must be scalars or vectors of one length"),
    (lambda: wt.ragged_range([[0]], [3], [1]), ValueError, "argument 'starts' must have rank 0 or 1"),
    (lambda: wt.ragged_range(np.int32(0), wt.tensor(3.0), 1), TypeError, "'limits' must be int32, got float32"),
    (lambda: to_tensor([2, 2], V9, 0.0, [4, splits(0)], ["FIRST_DIM_SIZE", "ROW_LENGTHS"]), ValueError,
     "ragged_tensor_to_tensor: argument 'row_partition_types' must be"),
    (lambda: to_tensor([2, 2], V9, 0.0, [splits(0, 9)], ["VALUE_ROWIDS"]), ValueError,
     "'row_partition_types' must be"),
    (lambda: to_tensor([2, 2], V9, 0.0, [splits(0, 9)], ["ROW_SPLITS", "ROW_SPLITS"]), ValueError,
     "2 row_partition_types but 1 row_partition_tensors"),
    (lambda: to_tensor([2, 2, 2], V9, 0.0, [splits(0, 9)], ["ROW_SPLITS"]), ValueError,
     "argument 'shape' must have 2 entries"),
    (lambda: to_tensor([2, 3], np.ones((9, 2), np.float32), 0.0, [splits(0, 9)], ["ROW_SPLITS"]),
     ValueError, "argument 'shape' must have 3 entries"),
    (lambda: to_tensor([2, 3, 3], np.ones((9, 2), np.float32), 0.0, [splits(0, 9)], ["ROW_SPLITS"]),
     ValueError, r"must be -1 or \[2\]"),
    (lambda: to_tensor(3, V9, 0.0, [splits(0, 9)], ["ROW_SPLITS"]), ValueError, "a scalar 'shape' must be -1"),
    (lambda: to_tensor(-1, V9, [0.0], [splits(0, 9)], ["ROW_SPLITS"]), ValueError,
     "'default_value' a lower one"),
    (lambda: to_tensor(-1, np.ones((9, 2), np.float32), [0.0] * 3, [splits(0, 9)], ["ROW_SPLITS"]),
     ValueError, r"'default_value' of shape \(3,\) does not broadcast"),
    (lambda: to_tensor(-1, V9, 0.0, [splits(0, 8)], ["ROW_SPLITS"]), ValueError,
     "describe 8 values, but 'values' has 9"),
    (lambda: to_tensor(-1, V9, 0.0, [2, splits(0, 2, 1)], ["FIRST_DIM_SIZE", "VALUE_ROWIDS"]),
     ValueError, r"row_partition_tensors\[1\]' must be sorted"),
    (lambda: to_tensor(-1, V9, wt.tensor(np.int32(0)), [splits(0, 9)], ["ROW_SPLITS"]), TypeError,
     "'default_value' must be float32, got int32"),
    (lambda: sp.sparse_fill_empty_rows([[0, 0], [4, 1]], [5.0, 6.0], [4, 2], 9.0), ValueError,
     r"sparse_fill_empty_rows: argument 'indices\[:, 0\]' must be in \[0, 4\), got 4"),
    (lambda: sp.sparse_fill_empty_rows([0, 1], [5.0, 6.0], [4, 2], 9.0), ValueError, "'indices' must have rank 2"),
    (lambda: sp.sparse_fill_empty_rows([[0, 0]], [5.0, 6.0], [4, 2], 9.0), ValueError, "needs 1 values"),
    (lambda: sp.sparse_fill_empty_rows([[0, 0]], [5.0], [4, 2], [9.0]), ValueError, "'default_value' must have rank 0"),
    (lambda: sp.sparse_reshape([[0, 0, 0]], [2, 3, 6], [-1, -1]), ValueError,
     "sparse_reshape: argument 'new_shape' must be sizes >= 0 with at most one -1"),
    (lambda: sp.sparse_reshape([[0, 0, 0]], [2, 3, 6], [5, -1]), ValueError, "cannot infer the -1"),
    (lambda: sp.sparse_reshape([[0, 0, 0]], [2, 3, 6], [5, 7]), ValueError, "holds 35 dense values"),
    (lambda: sp.sparse_reshape([[0, 1, 0]], [2, 3], [6]), ValueError, "one column per entry"),
    (lambda: sp.sparse_reshape([[0, 3]], [2, 3], [6]), ValueError, r"input_indices\[:, 1\]' must be in \[0, 3\)"),
    (lambda: sp.sparse_segment_sum(wt.ones([3, 2]), [0, 1, 2], [1, 0, 1]), ValueError,
     "sparse_segment_sum: argument 'segment_ids' must be sorted and non-negative"),
    (lambda: sp.sparse_segment_sum(wt.ones([3, 2]), [0, 5], [0, 0]), ValueError,
     r"argument 'indices' must be in \[0, 3\), got 5"),
    (lambda: sp.sparse_segment_mean(wt.ones([3, 2]), [0, 1], [0]), ValueError, "must have one length"),
    (lambda: sp.sparse_segment_mean(wt.tensor(1.0), [0], [0]), ValueError, "'data' must have rank >= 1"),
    (lambda: sp.sparse_segment_mean(wt.ones([3]), wt.tensor([0.0, 1.0]), [0, 1]), TypeError,
     "argument 'indices' must be int32, got float32"),
    (lambda: sp.sparse_segment_sum(wt.ones([3]), [[0, 1]], [[0, 1]]), ValueError, "'indices' must have rank 1"),
]


@pytest.mark.parametrize("call,error,match", ERRORS, ids=[m for _, _, m in ERRORS])
def test_errors(backend, call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---- namespaces, parameters, leaks ----
def test_names_and_parameters():
    assert wt.sparse.__all__ == ["sparse_fill_empty_rows", "sparse_reshape", "sparse_segment_mean",
                                 "sparse_segment_sum"]
    for name in wt.sparse.__all__:
        assert getattr(wt.sparse, name) is getattr(wt.ops, name)
    got = wt.sparse.sparse_segment_sum(data=[1.0, 2.0], indices=[0, 1], segment_ids=[0, 0])
    assert_close(got, np.float32([3.0]))
    got = wt.ragged_range(starts=0, limits=2, deltas=1)
    assert_close(got.rt_dense_values, np.float32([0, 1]))


@pytest.mark.leakcheck
def test_no_leaks(backend):
    def run_all():
        outs = [*wt.ragged_gather([[0, 1, 3]], [1.0, 2.0, 3.0], [[1, 0]], 2),
                *wt.ragged_range([0, 2], 4, 1),
                wt.ragged_tensor_to_tensor(-1, wt.tensor([1.0, 2.0, 3.0]), 0.0, [[0, 1, 3]], ["ROW_SPLITS"]),
                *wt.sparse.sparse_fill_empty_rows([[0, 0], [2, 1]], [1.0, 2.0], [3, 2], 0.0),
                *wt.sparse.sparse_reshape([[0, 1]], [2, 3], [3, 2]),
                wt.sparse.sparse_segment_sum(wt.ones([3, 2]), [0, 2], [0, 1]),
                wt.sparse.sparse_segment_mean(wt.ones([3, 2]), [0, 2], [0, 0])]
        flat = [t for o in outs for t in (o if isinstance(o, list) else [o])]
        return [to_np(t) for t in flat]
    wt.tidy(run_all)
    # failures free what the op made (the arguments here are lists: the op converts them)
    for call in (lambda: wt.ragged_gather([[0, 3, 9]], V9, [2, 10], 1),
                 lambda: wt.ragged_range([0, 1], [3, 4], [1, 0]),
                 lambda: wt.ragged_tensor_to_tensor(-1, V9, 0.0, [[0, 8]], ["ROW_SPLITS"]),
                 lambda: wt.sparse.sparse_fill_empty_rows([[0, 0], [4, 1]], [5.0, 6.0], [4, 2], 9.0),
                 lambda: wt.sparse.sparse_reshape([[0, 0, 0]], [2, 3, 6], [5, 7]),
                 lambda: wt.sparse.sparse_segment_mean([[1.0], [2.0]], [0, 1], [1, 0])):
        with pytest.raises(ValueError):
            call()

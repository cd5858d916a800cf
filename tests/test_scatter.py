"""gather_nd, scatter_nd, tensor_scatter_update, sparse_to_dense, unsorted_segment_sum, bincount
and dense_bincount: values against NumPy, int32 exactness, gradients, bad input, leaks."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, tol, uniform

I32 = np.int32


# ---- NumPy references ----
def np_gather_nd(x, idx):
    idx = np.asarray(idx)
    depth = idx.shape[-1]
    flat = idx.reshape(int(np.prod(idx.shape[:-1])), depth)
    out = np.zeros((len(flat),) + x.shape[depth:], x.dtype)
    for n, tup in enumerate(flat):
        if all(0 <= t < d for t, d in zip(tup, x.shape)):
            out[n] = x[tuple(tup)]
    return out.reshape(idx.shape[:-1] + x.shape[depth:])


def np_scatter(idx, upd, shape, base=None, last_wins=False):
    """Sums (or the last update) at index tuples; tuples out of range are dropped."""
    idx = np.asarray(idx)
    idx = idx.reshape(-1, 1) if idx.ndim == 1 else idx.reshape(int(np.prod(idx.shape[:-1])), idx.shape[-1])
    depth = idx.shape[1]
    out = np.zeros(shape, upd.dtype) if base is None else base.copy()
    for tup, u in zip(idx, upd.reshape((len(idx),) + tuple(shape[depth:]))):
        if all(0 <= t < d for t, d in zip(tup, shape)):
            out[tuple(tup)] = u if last_wins else out[tuple(tup)] + u
    return out


def np_segment_sum(x, ids, num):
    out = np.zeros((num,) + x.shape[ids.ndim:], np.float64 if x.dtype.kind == "f" else np.int64)
    for i, s in zip(np.ndindex(ids.shape), ids.reshape(-1)):
        if 0 <= s < num:
            out[s] += x[i]
    return out.astype(x.dtype)


def np_bincount(x, w, size, binary=False):
    x2 = x.reshape(x.shape[0] if x.ndim == 2 else 1, x.shape[-1])
    w2 = np.ones(x2.shape, w.dtype) if w.size == 0 else w.reshape(x2.shape)
    out = np.zeros((len(x2), size), w.dtype)
    for r, (xs, ws) in enumerate(zip(x2, w2)):
        for v, wv in zip(xs, ws):
            if 0 <= v < size:
                out[r, v] = 1 if binary else out[r, v] + wv
    return out.reshape(x.shape[:-1] + (size,))


# ---- gather_nd ----
GATHER_CASES = [  # x shape, indices
    ((2, 2), [[0, 1], [1, 0]]),                    # elements
    ((3, 4), [[2], [0], [2]]),                     # rows, one repeated
    ((2, 3, 4), [[1, 2], [0, 0]]),                 # slices of a 3-D x
    ((2, 3, 4), [[[1, 2, 3], [0, 1, 0]], [[1, 0, 2], [0, 2, 3]]]),  # high-rank indices
    ((3, 4), [1, 3]),                              # a single tuple: a scalar out
    ((3, 4), [[0, 5], [-1, 0], [3, 0], [2, 3]]),   # out of range (also negative) gives zeros
    ((1, 1), [[0, 0]]),
    ((2, 3), np.zeros((3, 0), I32)),              # depth 0: the whole of x per tuple
    ((2, 3), np.zeros((0, 2), I32)),              # no tuples
]


@pytest.mark.parametrize("shape,idx", GATHER_CASES, ids=[str(i) for i in range(len(GATHER_CASES))])
def test_gather_nd(backend, shape, idx):
    x = uniform(np.random.default_rng(1), shape)
    idx = np.asarray(idx, I32)
    assert_close(wt.gather_nd(wt.tensor(x), idx), np_gather_nd(x, idx), **tol(backend))


@pytest.mark.parametrize("dtype", ["int32", "bool"])
def test_gather_nd_dtypes(backend, dtype):
    x = np.arange(12).reshape(3, 4) % (2 if dtype == "bool" else 99) * 12345
    x = x.astype(bool) if dtype == "bool" else x.astype(I32)
    idx = np.array([[2, 1], [0, 3], [1, 0]], I32)
    assert_close(wt.gather_nd(wt.tensor(x, dtype=dtype), idx), np_gather_nd(x, idx))


def test_gather_nd_grad(backend):
    idx = np.array([[1, 0], [1, 0], [0, 2], [3, 3]], I32)  # a repeat, and one out of range
    check_grad(lambda x: wt.gather_nd(x, idx), lambda x: np_gather_nd(x, idx),
               [uniform(np.random.default_rng(2), (2, 3, 2))], backend)


# ---- scatter_nd ----
SCATTER_CASES = [  # indices, updates shape, output shape
    ([4, 3, 1, 7], (4,), (8,)),                      # rank-1 indices
    ([[4], [3], [1], [7]], (4,), (8,)),
    ([[1], [1], [0], [1]], (4,), (3,)),              # repeats add up
    ([[0], [2]], (2, 3), (4, 3)),                    # rows
    ([[0, 1], [1, 1], [0, 1]], (3,), (2, 3)),        # elements, one repeated
    ([[[0, 1], [1, 0]], [[1, 1], [0, 0]]], (2, 2, 2), (2, 2, 2)),  # high-rank indices
    ([[0, 3], [2, 0], [-1, 1], [1, 1]], (4,), (2, 2)),  # out of range tuples are dropped
    (np.zeros((0, 1), I32), (0, 2), (3, 2)),         # no updates
    ([[0]], (1,), (1,)),
]


@pytest.mark.parametrize("idx,ushape,shape", SCATTER_CASES, ids=[str(i) for i in range(len(SCATTER_CASES))])
def test_scatter_nd(backend, idx, ushape, shape):
    idx = np.asarray(idx, I32)
    upd = uniform(np.random.default_rng(3), ushape)
    assert_close(wt.scatter_nd(idx, wt.tensor(upd), list(shape)), np_scatter(idx, upd, shape), **tol(backend))


def test_scatter_nd_int32(backend):
    idx = np.array([[1], [0], [1], [1]], I32)
    big = 2 ** 24 + 1 if backend == "cpu" else 2 ** 20  # webgl holds int32 as float32: exact to 2**24
    upd = np.array([[big, -3], [7, 8], [big, 1], [-big, 2]], I32)
    expected = np_scatter(idx, upd, (3, 2))
    assert_close(wt.scatter_nd(idx, upd, [3, 2]), expected)
    assert expected[1, 0] == big  # a float32 matmul would have rounded the partial sums


def test_scatter_nd_bool(backend):
    idx = np.array([[2], [0], [2]], I32)
    out = wt.scatter_nd(idx, np.array([True, False, True]), [4])
    assert_close(out, np.array([False, False, True, False]))


def test_scatter_nd_grad(backend):
    idx = np.array([[1, 0], [1, 0], [0, 2], [2, 2]], I32)  # a repeat, and one out of range
    check_grad(lambda u: wt.scatter_nd(idx, u, [2, 3, 2]), lambda u: np_scatter(idx, u, (2, 3, 2)),
               [uniform(np.random.default_rng(4), (4, 2))], backend)


# ---- tensor_scatter_update ----
def test_tensor_scatter_update_example(backend):
    out = wt.tensor_scatter_update(wt.ones([8]), np.array([[4], [3], [1], [7]], I32), [9, 10, 11, 12])
    assert_close(out, f32([1, 11, 1, 10, 9, 1, 1, 12]))


@pytest.mark.parametrize("idx,ushape,shape", [
    ([[1], [3], [1]], (3,), (5,)),                  # a repeated index keeps its last update
    ([[0], [2], [0]], (3, 2), (3, 2)),              # rows
    ([[0, 1], [1, 0], [0, 1], [5, 0]], (4,), (2, 2)),  # elements; out of range is dropped
], ids=["repeat", "rows", "elements"])
def test_tensor_scatter_update(backend, idx, ushape, shape):
    rng = np.random.default_rng(5)
    base, upd, idx = uniform(rng, shape), uniform(rng, ushape), np.asarray(idx, I32)
    expected = np_scatter(idx, upd, shape, base=base, last_wins=True)
    assert_close(wt.tensor_scatter_update(wt.tensor(base), idx, wt.tensor(upd)), expected, **tol(backend))


def test_tensor_scatter_update_int32(backend):
    big = 2 ** 31 - 5 if backend == "cpu" else 2 ** 24 - 5
    base = np.array([[1, 2], [3, 4], [5, 6]], I32)
    upd = np.array([[big, -big], [7, 8]], I32)
    idx = np.array([[2], [0]], I32)
    out = wt.tensor_scatter_update(wt.tensor(base), idx, upd)
    assert_close(out, np_scatter(idx, upd, (3, 2), base=base, last_wins=True))


def test_tensor_scatter_update_grad(backend):
    idx = np.array([[1, 0], [2, 1], [1, 0]], I32)  # the first update is overwritten: no gradient
    rng = np.random.default_rng(6)
    check_grad(lambda t, u: wt.tensor_scatter_update(t, idx, u),
               lambda t, u: np_scatter(idx, u, t.shape, base=t, last_wins=True),
               [uniform(rng, (3, 2, 2)), uniform(rng, (3, 2))], backend)


# ---- sparse_to_dense ----
@pytest.mark.parametrize("idx,values,shape,default", [
    (2, np.array(100, I32), [6], 0),                         # scalar index
    ([0, 2, 4], np.array([100, 101, 102], I32), [6], 0),
    ([0, 2, 4], np.array(10, I32), [6], 0),                  # one value for all
    ([[0, 1], [1, 1]], f32([5, 6]), [2, 2], 0),              # matrix indices
    ([[0, 1], [1, 1]], f32([5, 6]), [2, 2], 1.5),            # a default value
    ([1, 3, 1], f32([5, 6, 7]), [4], -1),                    # a repeated index keeps its last value
    (np.zeros(0, I32), f32([]), [3], 5),                     # no values
    ([1, 2], np.array([True, True]), [4], False),
], ids=[str(i) for i in range(8)])
def test_sparse_to_dense(backend, idx, values, shape, default):
    idx = np.asarray(idx, I32)
    flat = idx.reshape(-1, 1) if idx.ndim < 2 else idx
    expected = np.full(shape, default, values.dtype)
    for tup, v in zip(flat, np.broadcast_to(values, (len(flat),))):
        expected[tuple(tup)] = v
    out = wt.sparse_to_dense(idx, wt.tensor(values), shape, default)
    assert_close(out, expected)


def test_sparse_to_dense_default_tensor(backend):
    out = wt.sparse_to_dense(np.array([1], I32), wt.tensor(np.array([7], I32)), [3], wt.scalar(4, "int32"))
    assert_close(out, np.array([4, 7, 4], I32))


# ---- unsorted_segment_sum ----
@pytest.mark.parametrize("xshape,ids,num", [
    ((4,), [1, 2, 0, 1], 3),
    ((5, 3), [0, 2, 2, -1, 0], 4),            # a negative id is dropped; segment 1 and 3 stay 0
    ((2, 3, 2), [[0, 1, 0], [5, 1, 1]], 2),   # 2-D ids over x's two leading dims; 5 is dropped
    ((3, 2), [0, 0, 0], 1),
    ((0, 2), np.zeros(0, I32), 2),            # empty
    ((3,), [0, 1, 2], 0),                     # no segments
], ids=[str(i) for i in range(6)])
def test_unsorted_segment_sum(backend, xshape, ids, num):
    x = uniform(np.random.default_rng(7), xshape)
    ids = np.asarray(ids, I32)
    expected = np_segment_sum(x, ids, num)
    assert_close(wt.unsorted_segment_sum(wt.tensor(x), ids, num), expected, **tol(backend))
    assert_close(wt.tensor(x).unsorted_segment_sum(ids, num), expected, **tol(backend))  # chained


def test_unsorted_segment_sum_int32(backend):
    big = 2 ** 30 if backend == "cpu" else 2 ** 22
    x = np.array([[big, 1], [3, big], [big, -7], [1, 1]], I32)
    ids = np.array([0, 1, 0, 0], I32)
    assert_close(wt.unsorted_segment_sum(x, ids, 2), np_segment_sum(x, ids, 2))


def test_unsorted_segment_sum_grad(backend):
    ids = np.array([2, 0, 2, -1, 1], I32)
    check_grad(lambda x: wt.unsorted_segment_sum(x, ids, 3), lambda x: np_segment_sum(x, ids, 3),
               [uniform(np.random.default_rng(8), (5, 2))], backend)


# ---- bincount, dense_bincount ----
@pytest.mark.parametrize("x,w,size", [
    ([1, 1, 1, 2], f32([]), 3),                  # empty weights count 1 each
    ([1, 1, 1, 2], f32([]), 2),                  # values >= size are ignored
    ([1, 1, 1, 2], f32([0.5, 0.3, 0.3, 0.1]), 3),
    ([4, 0, 4, -1, 2], np.array([3, 4, 5, 6, 7], I32), 5),  # int32 weights; -1 ignored
    ([0, 1], f32([]), 0),
    (np.zeros(0, I32), f32([]), 3),
], ids=[str(i) for i in range(6)])
def test_bincount(backend, x, w, size):
    x = np.asarray(x, I32)
    expected = np_bincount(x, w, size)
    assert_close(wt.bincount(x, wt.tensor(w), size), expected, **tol(backend))
    assert_close(wt.dense_bincount(x, wt.tensor(w), size), expected, **tol(backend))


@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_dense_bincount_2d(backend, binary, weighted):
    x = np.array([[1, 2, 2, 9], [0, 0, 0, 3]], I32)
    w = f32([[0.5, 1, 2, 3], [1, 1, 1, 4]]) if weighted else f32([])
    out = wt.dense_bincount(x, wt.tensor(w), 4, binary)
    assert_close(out, np_bincount(x, w, 4, binary), **tol(backend))


def test_dense_bincount_binary_1d(backend):
    out = wt.dense_bincount(np.array([3, 3, 0], I32), np.array([5, 6, 7], I32), 4, True)
    assert_close(out, np.array([1, 0, 0, 1], I32))


def test_bincount_grad(backend):
    x = np.array([2, 0, 2, 5, 1], I32)
    check_grad(lambda w: wt.bincount(x, w, 4), lambda w: np_bincount(x, w, 4),
               [uniform(np.random.default_rng(9), (5,))], backend)


# ---- bad input ----
IDX = np.array([[0], [1]], I32)
ERRORS = [
    (lambda: wt.gather_nd(wt.ones([2, 2]), wt.tensor(f32([[0, 1]]))), TypeError,
     "gather_nd: argument 'indices' must be int32"),
    (lambda: wt.gather_nd(wt.ones([2, 2]), np.array([[0, 1, 0]], I32)), ValueError, "gather_nd: the index depth"),
    (lambda: wt.gather_nd(wt.ones([0, 2]), np.array([[0]], I32)), ValueError, "gather_nd: argument 'x' is empty"),
    (lambda: wt.gather_nd(wt.scalar(1.0), np.array([0], I32)), ValueError, "gather_nd: arguments 'x' and 'indices'"),
    (lambda: wt.scatter_nd(IDX, f32([1, 2, 3]), [4]), ValueError,
     r"scatter_nd: argument 'updates' must have shape \(2,\)"),
    (lambda: wt.scatter_nd(IDX, f32([1, 2]), [4, 3]), ValueError, r"must have shape \(2, 3\)"),
    (lambda: wt.scatter_nd(np.array(1, I32), f32([1]), [4]), ValueError,
     "scatter_nd: argument 'indices' must have rank"),
    (lambda: wt.scatter_nd(IDX, wt.scalar(1.0), [4]), ValueError, "scatter_nd: argument 'updates' must have rank"),
    (lambda: wt.scatter_nd(wt.tensor(f32([[0]])), f32([1]), [4]), TypeError,
     "scatter_nd: argument 'indices' must be int32"),
    (lambda: wt.scatter_nd(IDX, f32([1, 2]), [2.5]), ValueError, "scatter_nd: shape must be"),
    (lambda: wt.scatter_nd(np.array([[0, 0, 0]], I32), f32([1]), [4, 4]), ValueError, "index depth"),
    (lambda: wt.tensor_scatter_update(wt.ones([4]), IDX, wt.tensor(np.array([1, 2], I32))), TypeError,
     "tensor_scatter_update: arguments 'tensor' and 'updates' must have the same dtype"),
    (lambda: wt.tensor_scatter_update(wt.ones([4]), IDX, f32([1])), ValueError,
     "tensor_scatter_update: argument 'updates'"),
    (lambda: wt.sparse_to_dense(np.zeros((1, 1, 1), I32), f32([1]), [6]), ValueError,
     "sparse_to_dense: argument 'sparse_indices'"),
    (lambda: wt.sparse_to_dense(np.array([0, 4, 2], I32), f32([[1], [2], [3]]), [6]), ValueError,
     r"sparse_to_dense: argument 'sparse_values' must have shape \(\) or \(3,\)"),
    (lambda: wt.sparse_to_dense(np.array([0, 4, 2], I32), f32([1, 2, 3, 4]), [6]), ValueError, "'sparse_values'"),
    (lambda: wt.sparse_to_dense(np.array([[0, 1]], I32), f32([1]), [6]), ValueError,
     "argument 'output_shape' must have 2"),
    (lambda: wt.sparse_to_dense(np.array([0], I32), f32([5]), [2], wt.scalar(1, "int32")), TypeError,
     "sparse_to_dense: argument 'default_value' must have the dtype"),
    (lambda: wt.sparse_to_dense(wt.tensor(f32([0])), f32([5]), [2]), TypeError, "'sparse_indices' must be int32"),
    (lambda: wt.unsorted_segment_sum(wt.ones([4]), np.array([0, 1], I32), 2), ValueError,
     "unsorted_segment_sum: argument 'segment_ids' must have rank >= 1 and match"),
    (lambda: wt.unsorted_segment_sum(wt.ones([2]), np.array([0, 1], I32), 1.5), ValueError,
     "unsorted_segment_sum: argument 'num_segments' must be a non-negative int"),
    (lambda: wt.unsorted_segment_sum(wt.ones([2]), wt.tensor(f32([0, 1])), 2), TypeError,
     "'segment_ids' must be int32"),
    (lambda: wt.bincount(wt.tensor(f32([1, 2])), f32([]), 3), TypeError, "bincount: argument 'x' must be int32"),
    (lambda: wt.bincount(np.array([1, 2], I32), f32([]), -1), ValueError,
     "bincount: argument 'size' must be a non-negative"),
    (lambda: wt.bincount(np.array([1, 2], I32), f32([1, 2, 3]), 3), ValueError,
     "bincount: argument 'weights' must have the size"),
    (lambda: wt.bincount(np.array([[1, 2]], I32), f32([]), 3), ValueError, "bincount: argument 'x' must have rank 1"),
    (lambda: wt.dense_bincount(np.zeros((1, 1, 1), I32), f32([]), 3), ValueError,
     "dense_bincount: argument 'x' must have rank 1 or 2"),
    (lambda: wt.dense_bincount(np.array([1], I32), np.array([True]), 3), TypeError,
     "dense_bincount: argument 'weights'"),
]


@pytest.mark.parametrize("fn,exc,match", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
def test_errors(backend, fn, exc, match):
    with wt.tidy(), pytest.raises(exc, match=match):  # tidy frees the inputs the lambdas make
        fn()


@pytest.mark.leakcheck
def test_errors_free_what_they_made(backend):
    for fn in (lambda: wt.scatter_nd(IDX, f32([1, 2, 3]), [4]),
               lambda: wt.sparse_to_dense(np.array([0, 4, 2], I32), f32([1, 2]), [6]),
               lambda: wt.bincount(np.array([1, 2], I32), f32([1, 2, 3]), 3),
               lambda: wt.gather_nd(f32([[1, 2]]), np.array([[0, 0, 0]], I32))):
        with pytest.raises(ValueError):
            fn()


@pytest.mark.leakcheck
def test_no_leaks(backend):
    idx = np.array([[1, 0], [0, 1], [1, 0]], I32)
    x = wt.tensor(uniform(np.random.default_rng(10), (2, 2, 3)))
    u, w = wt.ones([3, 3]), wt.tensor(np.array([[1, 2, 3]], I32))
    outs = [wt.gather_nd(x, idx), wt.scatter_nd(idx, u, [2, 2, 3]), wt.tensor_scatter_update(x, idx, u),
            wt.sparse_to_dense(idx, f32([1, 2, 3]), [2, 2], 0.5),
            wt.unsorted_segment_sum(x, np.array([1, 1], I32), 2),
            wt.bincount(np.array([0, 2, 2], I32), [], 3),
            wt.dense_bincount(np.array([[0, 2, 2]], I32), w, 3, True)]
    g = wt.grads(lambda a, b: wt.add(wt.sum(wt.gather_nd(a, idx)),
                                     wt.sum(wt.tensor_scatter_update(a, idx, b))))([x, u])
    wt.dispose(outs + g + [x, u, w])

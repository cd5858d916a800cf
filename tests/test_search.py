"""top_k, unique, search_sorted / lower_bound / upper_bound, and the async ops where_async,
boolean_mask_async, set_diff1d_async and in_top_k_async: values against NumPy, ties, gradients,
bad input, leaks."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, run, tol, uniform

I32 = np.int32


# ---- top_k ----
def np_top_k(x, k):
    order = np.argsort(-x.astype(np.float64), axis=-1, kind="stable")[..., :k]  # ties: lower index first
    return np.take_along_axis(x, order, -1), order.astype(I32)


@pytest.mark.parametrize("shape,k", [((5,), 1), ((5,), 3), ((5,), 5), ((2, 3, 4), 2), ((3, 4), 0),
                                     ((0, 3), 2), ((1, 1), 1)], ids=str)
def test_top_k(backend, shape, k):
    x = uniform(np.random.default_rng(1), shape)
    values, indices = np_top_k(x, k)
    got = wt.top_k(wt.tensor(x), k)
    assert_close(got.values, values, **tol(backend))
    assert_close(got.indices, indices)
    v, i = wt.tensor(x).top_k(k, False)  # chained; tuple unpacking; sorted=False, same order
    assert_close(v, values, **tol(backend))
    assert_close(i, indices)


def test_top_k_example(backend):
    values, indices = wt.top_k(wt.tensor2d([[1, 5], [4, 3]]))
    assert_close(values, f32([[5], [4]]))
    assert_close(indices, np.array([[1], [0]], I32))


@pytest.mark.parametrize("x", [
    f32([3, 1, 3, 2, 3]),                                  # ties: lower index first
    f32([-np.inf, 2, -np.inf, -np.inf, np.inf]),           # infinities, repeated -inf
    np.array([[4, 4, 4, 4], [1, -2 ** 31, 1, -2 ** 31]], I32),  # int32, ties at the int32 minimum
], ids=["ties", "inf", "int32"])
def test_top_k_ties(backend, x):
    k = x.shape[-1]
    values, indices = np_top_k(x, k)
    got = wt.top_k(wt.tensor(x), k)
    assert_close(got.values, values)
    assert_close(got.indices, indices)


def test_top_k_int32_exact(backend):
    big = 2 ** 30 + 1 if backend == "cpu" else 2 ** 24 - 1  # webgl holds int32 as float32
    x = np.array([big, big - 1, -big, 3], I32)
    got = wt.top_k(x, 3)
    assert_close(got.values, np.array([big, big - 1, 3], I32))
    assert_close(got.indices, np.array([0, 1, 3], I32))


def test_top_k_grad(backend):
    x = f32(np.random.default_rng(2).permutation(12).reshape(3, 4)) * 0.25  # distinct values
    check_grad(lambda t: wt.top_k(t, 2).values, lambda a: np_top_k(a, 2)[0], [x], backend)


# ---- unique ----
def np_unique(x, axis=0):
    rows = [np.take(x, i, axis).tobytes() for i in range(x.shape[axis])]
    first = sorted({r: i for i, r in reversed(list(enumerate(rows)))}.values())
    index = {rows[i]: n for n, i in enumerate(first)}
    return np.take(x, first, axis), np.array([index[r] for r in rows], I32)


@pytest.mark.parametrize("x,axis", [
    (f32([1, 1, 2, 4, 4, 4, 7, 8, 8]), 0),
    (np.array([5, -3, 5, 0, -3], I32), 0),
    (np.array([True, True, False]), 0),
    (f32([[1, 0, 0], [1, 0, 0], [2, 0, 0]]), 0),
    (f32([[1, 0, 0], [1, 0, 0], [2, 0, 0]]), 1),
    (f32([[1, 0, 0], [1, 0, 0], [2, 0, 0]]), -1),
    (np.array([[[1, 2], [1, 2], [3, 4]], [[0, 0], [0, 0], [1, 1]]], I32), 1),
    (f32([7]), 0),
    (f32([]), 0),
], ids=[str(i) for i in range(9)])
def test_unique(backend, x, axis):
    values, indices = np_unique(x, axis)
    got = wt.unique(wt.tensor(x), axis)
    assert_close(got.values, values)
    assert_close(got.indices, indices)
    assert_close(wt.tensor(x).unique(axis).indices, indices)  # chained


def test_unique_nan_and_signed_zero(backend):
    values, indices = wt.unique(f32([np.nan, 0.0, -0.0, np.nan, 1]))
    assert_close(values, f32([np.nan, 0.0, 1]))
    assert_close(indices, np.array([0, 1, 1, 0, 2], I32))


# ---- search_sorted, lower_bound, upper_bound ----
def np_search_sorted(seq, values, side):
    rows = int(np.prod(seq.shape[:-1]))
    s2, v2 = seq.reshape(rows, seq.shape[-1]), values.reshape(rows, -1)
    return np.stack([np.searchsorted(s, v, side) for s, v in zip(s2, v2)]).astype(I32).reshape(values.shape)


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize("sshape,vshape,dtype", [((6,), (5,), "float32"), ((6,), (5,), "int32"),
                                                 ((2, 5), (2, 3), "float32"), ((2, 3, 4), (6, 2), "int32"),
                                                 ((1,), (3,), "float32"), ((0,), (2,), "float32")], ids=str)
def test_search_sorted(backend, side, sshape, vshape, dtype):
    rng = np.random.default_rng(3)
    seq = np.sort(rng.integers(-4, 5, sshape), axis=-1).astype(dtype)  # repeats, and values on them
    values = rng.integers(-5, 6, vshape).astype(dtype)
    expected = np_search_sorted(seq, values, side)
    assert_close(wt.search_sorted(wt.tensor(seq), wt.tensor(values), side), expected)
    bound = wt.lower_bound if side == "left" else wt.upper_bound
    assert_close(bound(wt.tensor(seq), wt.tensor(values)), expected)


def test_search_sorted_examples(backend):
    seq = wt.tensor1d([0, 3, 9, 10, 10])
    assert_close(wt.search_sorted(seq, wt.tensor1d([0, 4, 10])), np.array([0, 2, 3], I32))
    assert_close(wt.search_sorted(seq, [0, 4, 10], "right"), np.array([1, 2, 5], I32))
    edges = wt.tensor2d([[0, 3, 8, 9, 10], [1, 2, 3, 4, 5]])
    got = wt.search_sorted(edges, wt.tensor2d([[9.8, 2.1, 4.3], [0.1, 6.6, 4.5]]))
    assert_close(got, np.array([[4, 1, 2], [0, 5, 4]], I32))


# ---- async ops ----
@pytest.mark.parametrize("cond", [
    np.array([False, False, True]),
    np.array([[True, False], [True, True], [False, False]]),
    np.array([[0, 3], [-1, 0]], I32),   # non-zero counts as true
    np.array(True),
    np.zeros((2, 2), bool),
], ids=str)
def test_where_async(backend, cond):
    expected = np.argwhere(cond).astype(I32)
    assert_close(run(wt.where_async(wt.tensor(cond))), expected)
    assert_close(run(wt.where_async(cond)), expected)


@pytest.mark.parametrize("shape,mshape,axis", [((3, 2), (3,), 0), ((2, 3, 2), (3,), 1),
                                               ((2, 3, 2), (2, 3), 0), ((2, 3), (3,), -1),
                                               ((4,), (4,), 0)], ids=str)
def test_boolean_mask_async(backend, shape, mshape, axis):
    rng = np.random.default_rng(4)
    x, mask = uniform(rng, shape), rng.random(mshape) < 0.5
    a = axis % len(shape)
    merged = x.reshape(shape[:a] + (-1,) + shape[a + len(mshape):])
    expected = np.take(merged, np.flatnonzero(mask), a)
    assert_close(run(wt.boolean_mask_async(wt.tensor(x), wt.tensor(mask), axis)), expected)


def test_boolean_mask_async_example(backend):
    out = run(wt.boolean_mask_async(wt.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), [True, False, True]))
    assert_close(out, f32([[1, 2], [5, 6]]))
    out = run(wt.boolean_mask_async(np.array([1, 2, 3], I32), np.array([False] * 3)))
    assert_close(out, np.zeros(0, I32))


@pytest.mark.parametrize("x,y", [
    (f32([1, 2, 3, 4, 5, 6]), f32([1, 3, 5])),
    (np.array([4, 1, 4, 2, 7], I32), np.array([7, 9], I32)),   # repeats are kept
    (f32([1, 2]), f32([2, 1, 2])),                             # nothing left
    (f32([np.nan, 1, np.nan]), f32([np.nan])),                 # NaN is in y like any value
    (f32([]), f32([1])),
], ids=[str(i) for i in range(5)])
def test_set_diff1d_async(backend, x, y):
    keep = ~(np.isin(x, y) | (np.isnan(x) & np.isnan(y).any()))
    out, indices = run(wt.set_diff1d_async(wt.tensor(x), wt.tensor(y)))
    assert_close(out, x[keep])
    assert_close(indices, np.flatnonzero(keep).astype(I32))
    out, indices = run(wt.setdiff1d_async(x.tolist(), y.tolist()))  # tfjs's spelling; lists: float32
    assert_close(out, f32(x[keep]))


def np_in_top_k(p, t, k):
    order = np.argsort(-p.astype(np.float64), axis=-1, kind="stable")[..., :k]
    return (order == t[..., None]).any(-1)


@pytest.mark.parametrize("k", [1, 2, 4])
def test_in_top_k_async(backend, k):
    p = f32([[20, 10, 40, 30], [30, 50, -20, 10], [5, 5, 5, 5], [1, 2, 2, 0]])  # ties: lower index first
    for t in ([2, 0, 1, 2], [3, 1, 0, 1], [0, 3, 3, 3]):
        t = np.array(t, I32)
        assert_close(run(wt.in_top_k_async(wt.tensor(p), wt.tensor(t), k)), np_in_top_k(p, t, k))


def test_in_top_k_async_example(backend):
    p = wt.tensor2d([[20, 10, 40, 30], [30, 50, -20, 10]])
    assert_close(run(wt.in_top_k_async(p, wt.tensor1d([2, 0]))), np.array([True, False]))
    p3 = f32(np.random.default_rng(5).permutation(24).reshape(2, 3, 4))
    t = np.array([[0, 1, 3], [2, 2, 0]], I32)
    assert_close(run(wt.in_top_k_async(p3, t, 2)), np_in_top_k(p3, t, 2))


# ---- bad input ----
ERRORS = [
    (lambda: wt.top_k(f32([1, 2, 3]), 4), ValueError, r"top_k: argument 'k' must be an int in \[0, 3\]"),
    (lambda: wt.top_k(f32([1, 2, 3]), -1), ValueError, "top_k: argument 'k'"),
    (lambda: wt.top_k(f32(1), 1), ValueError, "top_k: argument 'x' must have rank >= 1"),
    (lambda: wt.top_k(np.array([True]), 1), TypeError, "top_k: argument 'x' must be float32 or int32"),
    (lambda: wt.unique(f32(1)), ValueError, "unique: argument 'x' must have rank >= 1"),
    (lambda: wt.unique(f32([1, 2]), 1), ValueError, "unique: axis 1 is out of range"),
    (lambda: wt.search_sorted(f32([1, 2]), f32([1]), "middle"), ValueError, "search_sorted: argument 'side'"),
    (lambda: wt.search_sorted(f32([[1, 2], [3, 4]]), f32([1]), "left"), ValueError,
     "search_sorted: the leading dims"),
    (lambda: wt.lower_bound(f32(1), f32([1])), ValueError, "search_sorted: arguments 'sorted_sequence' and 'values'"),
    (lambda: run(wt.boolean_mask_async(f32([1, 2]), np.array(True))), ValueError,
     "boolean_mask_async: argument 'mask'"),
    (lambda: run(wt.boolean_mask_async(f32([[1, 2]]), np.array([True, False]))), ValueError,
     r"boolean_mask_async: argument 'mask' \(shape \(2,\)\) must match"),
    (lambda: run(wt.boolean_mask_async(f32([1, 2]), np.array([True, False]), 1)), ValueError,
     "boolean_mask_async: axis 1"),
    (lambda: run(wt.set_diff1d_async(f32([1]), np.array([1], I32))), TypeError,
     "set_diff1d_async: arguments 'x' and 'y'"),
    (lambda: run(wt.set_diff1d_async(f32([[1]]), f32([1]))), ValueError,
     "set_diff1d_async: arguments 'x' and 'y' must be 1-D"),
    (lambda: run(wt.in_top_k_async(f32([1, 2]), f32(1))), ValueError, "in_top_k_async: argument 'predictions'"),
    (lambda: run(wt.in_top_k_async(f32([[1, 2]]), f32([1, 0]))), ValueError, "in_top_k_async: argument 'targets'"),
    (lambda: run(wt.in_top_k_async(f32([[1, 2]]), f32([1]), 3)), ValueError,
     r"in_top_k_async: argument 'k' must be an int in \[1, 2\]"),
    (lambda: run(wt.in_top_k_async(f32([[1, 2]]), f32([1]), 0)), ValueError, "in_top_k_async: argument 'k'"),
]


@pytest.mark.parametrize("fn,exc,match", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
@pytest.mark.leakcheck  # every input is converted inside the op, which frees it when it fails
def test_errors(backend, fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()


@pytest.mark.leakcheck
def test_no_leaks(backend):
    x = wt.tensor(uniform(np.random.default_rng(6), (2, 5)))
    outs = [*wt.top_k(x, 3), *wt.unique(x, 1), wt.search_sorted(x, x, "right"), wt.upper_bound(x, x)]
    outs += [run(wt.where_async(np.array([[True, False]]))),
             run(wt.boolean_mask_async(x, [True, False])), *run(wt.set_diff1d_async([1, 2, 3], [2])),
             run(wt.in_top_k_async(x, [1, 4], 2))]
    g = wt.grads(lambda a: wt.sum(wt.top_k(a, 2).values))([x])
    wt.dispose(outs + g + [x])

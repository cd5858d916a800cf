"""Math ops (webtensor/ops/math_ops.py): cumprod, euclidean_norm, div_no_nan, bitwise_and,
einsum, diag, confusion_matrix and the linalg ops band_part, gram_schmidt, qr. Values against
NumPy, gradients by finite differences."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, random_ints, to_np, tol, uniform


# ---- cumprod ----
def _cumprod(x, axis=0, exclusive=False, reverse=False):
    x = np.flip(x, axis) if reverse else x
    y = np.cumprod(x, axis)
    if exclusive:
        y = np.concatenate([np.ones_like(np.take(y, [0], axis)), np.take(y, range(y.shape[axis] - 1), axis)], axis)
    return np.flip(y, axis) if reverse else y


CUMPROD = [((5,), 0), ((2, 7), 1), ((3, 2), 0), ((2, 3, 4), -1), ((1, 1), 1), ((4, 0), 0), ((0, 3), 1)]


@pytest.mark.parametrize("shape,axis", CUMPROD, ids=str)
@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, False), (False, True), (True, True)])
def test_cumprod(backend, shape, axis, exclusive, reverse):
    rng = np.random.default_rng(1)
    x = uniform(rng, shape, -1.5, 1.5)
    x.flat[::4] = 0.0  # zeros and negative values: exact, unlike exp(cumsum(log(x)))
    got = wt.cumprod(wt.tensor(x), axis, exclusive, reverse)
    assert_close(got, _cumprod(x.astype(np.float64), axis, exclusive, reverse), **tol(backend))
    ints = random_ints(rng, shape, -3, 4)
    assert_close(wt.tensor(ints).cumprod(axis, exclusive, reverse), _cumprod(ints, axis, exclusive, reverse),
                 dtype="int32")


def test_cumprod_bool_counts_as_int32_and_errors(backend):
    assert_close(wt.cumprod(wt.tensor([True, True, False, True])), np.array([1, 1, 0, 0], np.int32), dtype="int32")
    with pytest.raises(ValueError, match="cumprod: x must have rank >= 1"):
        wt.cumprod(wt.tensor(2.0))
    with pytest.raises(ValueError, match="cumprod: axis 2 is out of range"):
        wt.cumprod(wt.ones([2, 2]), 2)


@pytest.mark.parametrize("exclusive,reverse", [(False, False), (True, True)])
def test_cumprod_grad(backend, exclusive, reverse):
    x = uniform(np.random.default_rng(2), (2, 5), -1.5, 1.5)
    x[0, 2] = 0.0  # the gradient through a zero is still exact (no division)
    check_grad(lambda t: wt.cumprod(t, 1, exclusive, reverse), lambda a: _cumprod(a, 1, exclusive, reverse),
               [x], backend)


# ---- euclidean_norm, div_no_nan ----
@pytest.mark.parametrize("axis,keep_dims", [(None, False), (1, False), (-1, True), ([0, 2], False), ([0, 1, 2], True)],
                         ids=str)
def test_euclidean_norm(backend, axis, keep_dims):
    x = uniform(np.random.default_rng(3), (2, 3, 2))
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    expected = np.sqrt(np.sum(x.astype(np.float64) ** 2, np_axis, keepdims=keep_dims))
    assert_close(wt.euclidean_norm(wt.tensor(x), axis, keep_dims), expected, **tol(backend))
    assert_close(wt.tensor(x).euclidean_norm(axis, keep_dims), expected, **tol(backend))
    check_grad(lambda t: wt.euclidean_norm(t, axis, keep_dims),
               lambda a: np.sqrt(np.sum(a ** 2, np_axis, keepdims=keep_dims)), [x], backend)


def test_euclidean_norm_int32(backend):
    assert_close(wt.euclidean_norm(wt.tensor(np.array([3, -4], np.int32))), np.float32(5.0))


def test_div_no_nan(backend):
    rng = np.random.default_rng(4)
    a, b = uniform(rng, (2, 3)), uniform(rng, (3,), away=[0])
    b[1] = 0.0
    expected = np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))
    assert_close(wt.div_no_nan(wt.tensor(a), wt.tensor(b)), expected, **tol(backend))
    assert_close(wt.tensor(a).div_no_nan(0.0), np.zeros((2, 3)))
    assert_close(wt.div_no_nan(wt.tensor(np.array([7, -7, 3], np.int32)), wt.tensor(np.array([2, 2, 0], np.int32))),
                 np.array([3, -4, 0], np.int32), dtype="int32")  # int32: floor division, as tfjs's div
    # the gradient at b == 0 is 0 for both operands, not NaN
    ga, gb = wt.grads(lambda p, q: wt.sum(wt.div_no_nan(p, q)))([wt.tensor(a), wt.tensor(b)])
    assert_close(ga, np.broadcast_to(np.where(b == 0, 0.0, 1 / np.where(b == 0, 1, b)), a.shape), **tol(backend))
    assert to_np(gb)[1] == 0.0 and np.isfinite(to_np(gb)).all()
    b2 = uniform(rng, (3,), away=[0], margin=0.5)
    check_grad(wt.div_no_nan, lambda p, q: p / q, [a, b2], backend)


# ---- bitwise_and ----
def test_bitwise_and(backend):
    assert_close(wt.bitwise_and(wt.tensor(np.array([0, 5, 3, 14], np.int32)), [5, 0, 7, 11]),
                 np.array([0, 0, 3, 10], np.int32), dtype="int32")
    # every int32 value on the CPU; WebGL stores int32 as float32, exact within +-2**24
    lo, hi = (-2 ** 31, 2 ** 31) if backend == "cpu" else (-2 ** 24, 2 ** 24 + 1)
    rng = np.random.default_rng(5)
    x = rng.integers(lo, hi, (3, 8), dtype=np.int64).astype(np.int32)
    y = rng.integers(lo, hi, (3, 8), dtype=np.int64).astype(np.int32)
    edges = np.array([0, -1, 1, lo, hi - 1, -2, 255, -256], np.int64).astype(np.int32)
    x[0], y[1] = edges, edges
    y[2] = -x[2]
    assert_close(wt.bitwise_and(wt.tensor(x), wt.tensor(y)), x & y, dtype="int32")
    assert_close(wt.bitwise_and(wt.tensor(np.zeros((0, 2), np.int32)), wt.tensor(np.zeros((0, 2), np.int32))),
                 np.zeros((0, 2), np.int32), dtype="int32")


def test_bitwise_and_errors(backend):
    with pytest.raises(TypeError, match="bitwise_and: arguments must be int32 tensors, got float32 and int32"):
        wt.bitwise_and(wt.tensor([1.0]), [1])
    with pytest.raises(ValueError, match="bitwise_and: x and y must have the same shape"):
        wt.bitwise_and([1, 2], [[1, 2]])


# ---- einsum ----
# equation, operand shapes (the forms tfjs supports, and more: several summed indices, two operands)
EINSUM = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("i,i->", [(3,), (3,)]), ("bi,bi->b", [(2, 3), (2, 3)]),
    ("i,j->ij", [(3,), (2,)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]), ("ijk->ki", [(2, 3, 2)]),
    ("i->i", [(3,)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]), ("ab,bc->ca", [(2, 3), (3, 2)]),
    ("ijk,kj->i", [(2, 3, 2), (2, 3)]), ("ij,k->ikj", [(2, 3), (2,)]), ("ij,jk->", [(2, 3), (3, 2)]),
    ("ij,ij->ij", [(2, 3), (2, 3)]), ("ab,cd->", [(2, 1), (1, 3)]), ("ij,j->i", [(0, 3), (3,)]),
]


@pytest.mark.parametrize("equation,shapes", EINSUM, ids=[e[0] for e in EINSUM])
def test_einsum(backend, equation, shapes):
    rng = np.random.default_rng(6)
    xs = [uniform(rng, s) for s in shapes]
    expected = np.einsum(equation, *[x.astype(np.float64) for x in xs])
    assert_close(wt.einsum(equation, *[wt.tensor(x) for x in xs]), expected, **tol(backend))
    ints = [random_ints(rng, s, -3, 4) for s in shapes]
    assert_close(wt.einsum(equation, *[wt.tensor(x) for x in ints]), np.einsum(equation, *ints), dtype="int32")


@pytest.mark.parametrize("equation,shapes", [e for e in EINSUM if 0 not in sum(e[1], ())],
                         ids=[e[0] for e in EINSUM if 0 not in sum(e[1], ())])
def test_einsum_grad(backend, equation, shapes):
    xs = [uniform(np.random.default_rng(7), s) for s in shapes]
    check_grad(lambda *ts: wt.einsum(equation, *ts), lambda *a: np.einsum(equation, *a), xs, backend)


@pytest.mark.parametrize("equation,shapes,match", [
    ("ij,jk", [(2, 3), (3, 4)], "must have an output"),
    ("i,i,i->", [(2,), (2,), (2,)], "at most 2 operands"),
    ("...i->i", [(2,)], "ellipsis"),
    ("ii->i", [(2, 2)], "must be distinct letters"),
    ("ij,jk->ik", [(2, 3), (4, 2)], "index 'j' has sizes 3 and 4"),
    ("ij->k", [(2, 3)], "output subscripts 'k'"),
    ("ij,jk->ik", [(2, 3)], "has 2 operands, got 1 tensors"),
    ("ijk->i", [(2, 3)], "do not match its shape"),
])
def test_einsum_errors(backend, equation, shapes, match):
    with pytest.raises(ValueError, match="einsum: .*" + match):
        wt.einsum(equation, *[wt.ones(s) for s in shapes])


# ---- diag, confusion_matrix ----
@pytest.mark.parametrize("shape", [(3,), (2, 2), (1,), ()], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32", "bool"])
def test_diag(backend, shape, dtype):
    rng = np.random.default_rng(8)
    x = {"float32": uniform, "int32": random_ints}.get(dtype, lambda r, s: r.random(s) > 0.5)(rng, shape)
    expected = np.diag(np.ravel(x)).reshape(shape + shape).astype(x.dtype)
    assert_close(wt.diag(wt.tensor(x)), expected, dtype=dtype)


def test_diag_grad(backend):
    x = uniform(np.random.default_rng(9), (2, 2))
    check_grad(wt.diag, lambda a: np.diag(a.ravel()).reshape(2, 2, 2, 2), [x], backend)


def test_confusion_matrix(backend):
    labels = wt.tensor(np.array([0, 1, 2, 1, 0], np.int32))
    got = wt.confusion_matrix(labels, wt.tensor(np.array([0, 2, 2, 1, 0], np.int32)), 3)
    assert_close(got, np.array([[2, 0, 0], [0, 1, 1], [0, 0, 1]], np.int32), dtype="int32")
    assert wt.math.confusion_matrix is wt.confusion_matrix
    rng = np.random.default_rng(10)
    y, p = rng.integers(0, 4, 12), rng.integers(0, 4, 12)
    expected = np.zeros((5, 5), np.int32)
    np.add.at(expected, (y, p), 1)
    assert_close(wt.confusion_matrix(y.tolist(), p.astype(np.float32), 5), expected, dtype="int32")  # floats: cast
    assert_close(wt.confusion_matrix([], [], 2), np.zeros((2, 2), np.int32), dtype="int32")


@pytest.mark.parametrize("args,match", [
    (([0, 1], [0, 1], 0), "num_classes must be a positive int"),
    (([0, 1], [0, 1], 2.5), "num_classes must be a positive int"),
    (([[0, 1]], [[0, 1]], 2), "1-D of the same length"),
    (([0, 1], [0, 1, 1], 2), "1-D of the same length"),
])
def test_confusion_matrix_errors(backend, args, match):
    with pytest.raises(ValueError, match="confusion_matrix: .*" + match):
        wt.confusion_matrix(*args)


# ---- linalg: band_part ----
def _band(a, lower, upper):
    m, n = a.shape[-2:]
    i, j = np.arange(m)[:, None], np.arange(n)
    keep = ((lower < 0) | (i - j <= lower)) & ((upper < 0) | (j - i <= upper))
    return np.where(keep, a, 0).astype(a.dtype)


@pytest.mark.parametrize("shape,lower,upper", [((4, 4), 1, -1), ((4, 4), 2, 1), ((3, 4), 0, 0), ((4, 3), -1, 0),
                                               ((2, 3, 3), 0, -1), ((3, 2), -1, -1), ((2, 0, 3), 0, 1)], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_band_part(backend, shape, lower, upper, dtype):
    rng = np.random.default_rng(11)
    a = uniform(rng, shape) if dtype == "float32" else random_ints(rng, shape)
    assert_close(wt.linalg.band_part(wt.tensor(a), lower, upper), _band(a, lower, upper), dtype=dtype)
    as_tensors = wt.band_part(wt.tensor(a), wt.tensor(np.int32(lower)), wt.tensor(np.int32(upper)))
    assert_close(as_tensors, _band(a, lower, upper), dtype=dtype)


def test_band_part_large_tensor_limits_clamp_and_grad(backend):
    a = uniform(np.random.default_rng(12), (3, 4))
    big = wt.tensor(np.int32(10))  # a tensor may exceed the matrix (tfjs takes the minimum)
    assert_close(wt.band_part(wt.tensor(a), big, wt.tensor(np.int32(1))), _band(a, -1, 1))
    check_grad(lambda t: wt.band_part(t, 1, 0), lambda v: _band(v, 1, 0), [a], backend)


@pytest.mark.parametrize("lower,upper,exc,match", [
    (5, 0, ValueError, "num_lower \\(5\\) must not be greater than the number of rows \\(3\\)"),
    (0, 6, ValueError, "num_upper \\(6\\) must not be greater than the number of columns \\(4\\)"),
    (1.5, 0, TypeError, "argument 'num_lower' must be an int"),
    (0, "1", TypeError, "argument 'num_upper' must be an int"),
])
def test_band_part_errors(backend, lower, upper, exc, match):
    with pytest.raises(exc, match="band_part: .*" + match):
        wt.band_part(wt.ones([3, 4]), lower, upper)
    with pytest.raises(ValueError, match="band_part: a must have rank >= 2"):
        wt.band_part(wt.ones([3]), 0, 0)
    with pytest.raises(TypeError, match="num_lower' must be an int or an int32 scalar, got float32"):
        wt.band_part(wt.ones([3, 3]), wt.tensor(1.0), 0)


# ---- linalg: gram_schmidt, qr ----
def _positive_qr(x, mode="reduced"):
    """NumPy's QR with the signs chosen so that r's diagonal is positive (then it is unique)."""
    q, r = np.linalg.qr(x, mode=mode)
    k = min(x.shape[-2:])
    d = np.sign(np.diagonal(r, axis1=-2, axis2=-1))
    d = np.where(d == 0, 1, d)
    q, r = q.copy(), r.copy()
    q[..., :k] *= d[..., None, :]
    r[..., :k, :] *= d[..., :, None]
    return q, r


def _gram_schmidt(xs):
    return _positive_qr(xs.T)[0].T


def test_gram_schmidt(backend):
    x = f32([[1, 2], [3, 4]])
    y = wt.linalg.gram_schmidt(wt.tensor(x))
    assert_close(y, _gram_schmidt(x.astype(np.float64)), **tol(backend))
    assert np.isclose(to_np(y)[0, 1] / to_np(y)[0, 0], 2.0)  # the first direction is kept
    rng = np.random.default_rng(13)
    vs = uniform(rng, (3, 4))
    got = wt.gram_schmidt([wt.tensor(v) for v in vs])
    assert isinstance(got, list) and len(got) == 3
    for g, e in zip(got, _gram_schmidt(vs.astype(np.float64))):
        assert_close(g, e, **tol(backend, "trans"))
    check_grad(wt.gram_schmidt, _gram_schmidt, [uniform(rng, (2, 3))], backend)


def test_gram_schmidt_errors(backend):
    with pytest.raises(ValueError, match="gram_schmidt: the number of vectors \\(3\\) exceeds their length \\(2\\)"):
        wt.gram_schmidt(wt.ones([3, 2]))
    with pytest.raises(ValueError, match="gram_schmidt: the vectors must be 1-D of one length"):
        wt.gram_schmidt([[1.0, 0.0], [1.0, 0.0, 1.0]])
    with pytest.raises(ValueError, match="gram_schmidt: argument 'xs' must be"):
        wt.gram_schmidt([])


QR = [((3, 3), False), ((4, 3), False), ((4, 2), True), ((2, 4), False), ((2, 3, 2), False), ((2, 2, 3), True),
      ((1, 1), False), ((3, 1), False)]


@pytest.mark.parametrize("shape,full", QR, ids=str)
def test_qr(backend, shape, full):
    x = uniform(np.random.default_rng(14), shape)
    q, r = wt.linalg.qr(wt.tensor(x), full)
    eq, er = _positive_qr(x.astype(np.float64), "complete" if full else "reduced")
    assert (q.shape, r.shape) == (eq.shape, er.shape)
    qv, rv = to_np(q).astype(np.float64), to_np(r).astype(np.float64)
    t = tol(backend, "trans")
    np.testing.assert_allclose(qv @ rv, x, rtol=1e-3, atol=1e-4)
    np.testing.assert_allclose(np.swapaxes(qv, -1, -2) @ qv - np.eye(qv.shape[-1]), 0, atol=1e-4)
    assert np.allclose(np.tril(rv, -1), 0, atol=1e-5)
    k = min(shape[-2:])  # the first k columns of q and rows of r are unique up to signs
    d = np.sign(np.diagonal(rv, axis1=-2, axis2=-1))[..., :k]
    np.testing.assert_allclose(qv[..., :k] * d[..., None, :], eq[..., :k], **t)
    np.testing.assert_allclose(rv[..., :k, :] * d[..., :, None], er[..., :k, :], **t)


@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (2, 3)], ids=str)
def test_qr_grad(backend, shape):
    """Through the composition (as in tfjs); compared on the sign-normalized factors."""
    def positive(q, r):
        d = wt.sign(wt.sum(wt.mul(wt.slice(r, [0, 0], [min(shape), min(shape)]), wt.eye(min(shape))), 1))
        return [wt.mul(q, d), wt.mul(r, wt.reshape(d, [-1, 1]))]
    x = uniform(np.random.default_rng(15), shape)
    check_grad(lambda t: positive(*wt.qr(t)), lambda a: list(_positive_qr(a)), [x], backend)


def test_qr_zero_and_rank_deficient_inputs_give_no_nan(backend):
    q, r = wt.qr(wt.zeros([3, 2]))
    assert_close(q, np.eye(3)[:, :2])
    assert_close(r, np.zeros((2, 2)))
    x = f32([[1, 2], [2, 4], [3, 6]])  # rank 1
    q, r = wt.qr(wt.tensor(x))
    assert np.isfinite(to_np(q)).all() and np.isfinite(to_np(r)).all()
    np.testing.assert_allclose(to_np(q) @ to_np(r), x, atol=1e-4)
    with pytest.raises(ValueError, match="qr: x must have rank >= 2"):
        wt.qr(wt.ones([3]))


# ---- no leaks ----
@pytest.mark.leakcheck
def test_no_leaks(backend):
    def run_all():
        x = wt.tensor(f32([[1, 2, 0], [3, -1, 2]]))
        outs = [wt.cumprod(x, 1, True, True), wt.euclidean_norm(x, 1), wt.div_no_nan(x, [1.0, 0.0, 2.0]),
                wt.bitwise_and([1, 7], [3, -2]), wt.einsum("ij,kj->ik", x, x), wt.einsum("ij->j", x), wt.diag(x),
                wt.confusion_matrix([0, 1], [1, 1], 2), wt.band_part(x, 0, 1), wt.gram_schmidt(x)]
        outs += wt.qr(x, True) + wt.gram_schmidt([[1.0, 0.0], [1.0, 1.0]])
        g = wt.grad(lambda t: wt.sum(wt.qr(t)[1]) + wt.sum(wt.cumprod(t, 0)) + wt.sum(wt.einsum("ij,ij->i", t, t)))(x)
        return [to_np(o) for o in outs + [g]]
    wt.tidy(run_all)
    for call in (lambda: wt.einsum("ij,jk->ik", [[1.0]], [[1.0, 2.0], [3.0, 4.0]]),
                 lambda: wt.bitwise_and([1, 2], [1]), lambda: wt.cumprod(1.0),
                 lambda: wt.confusion_matrix([0, 1], [1], 2), lambda: wt.band_part([[1.0]], 2, 0),
                 lambda: wt.gram_schmidt([[1.0], [2.0]]), lambda: wt.qr([1.0])):
        with pytest.raises(ValueError):
            call()

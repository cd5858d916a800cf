"""Reductions (axis int/list/None, keep_dims), argmax/argmin, norm, moments, cumsum."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, random_ints, tol, uniform


def _ax(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


def signed(rng, s):  # magnitudes near 1 keep prod well scaled; away from 0 for prod's grad
    return f32(rng.uniform(0.6, 1.4, s) * rng.choice([-1, 1], s))


# name, NumPy reference, domain, transcendental
REDUCE = [
    ("sum", np.sum, lambda r, s: uniform(r, s), False),
    ("mean", np.mean, lambda r, s: uniform(r, s), False),
    ("prod", np.prod, signed, False),
    ("max", np.max, lambda r, s: uniform(r, s), False),
    ("min", np.min, lambda r, s: uniform(r, s), False),
    ("logsumexp", _logsumexp, lambda r, s: uniform(r, s), True),
]
AXES = [None, 0, 1, -1, [0, 2], [-1, 0], [0, 1, 2]]
R_IDS = [r[0] for r in REDUCE]


@pytest.mark.parametrize("name,ref,domain,trans", REDUCE, ids=R_IDS)
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("keep_dims", [False, True])
def test_values(backend, name, ref, domain, trans, axis, keep_dims):
    x = domain(np.random.default_rng(21), (2, 3, 4))
    expected = ref(x.astype(np.float64), axis=_ax(axis), keepdims=keep_dims)
    got = getattr(wt, name)(wt.tensor(x), axis=axis, keep_dims=keep_dims)
    assert_close(got, expected, **tol(backend, "trans" if trans else "basic"))
    got = getattr(wt.tensor(x), name)(axis, keep_dims)  # positional, as a method
    assert_close(got, expected, **tol(backend, "trans" if trans else "basic"))


@pytest.mark.parametrize("name,ref,domain,trans", REDUCE, ids=R_IDS)
@pytest.mark.parametrize("axis,keep_dims", [(None, False), (1, False), ([0, 2], False),
                                            (-1, True)], ids=str)
def test_grad(backend, name, ref, domain, trans, axis, keep_dims):
    x = domain(np.random.default_rng(22), (2, 3, 4))
    check_grad(lambda t: getattr(wt, name)(t, axis, keep_dims),
               lambda a: ref(a, axis=_ax(axis), keepdims=keep_dims), [x], backend)


@pytest.mark.parametrize("name,ref", [("sum", np.sum), ("mean", np.mean), ("max", np.max)])
def test_non_contiguous(backend, name, ref):
    x = uniform(np.random.default_rng(23), (4, 3)).T
    assert_close(getattr(wt, name)(wt.tensor(x), axis=1), ref(x, axis=1), **tol(backend))


@pytest.mark.parametrize("name,ref", [("sum", np.sum), ("prod", np.prod), ("max", np.max),
                                      ("min", np.min)])
@pytest.mark.parametrize("axis", [None, 0, [0, 1]], ids=str)
def test_int32(backend, name, ref, axis):
    x = random_ints(np.random.default_rng(24), (3, 4), -3, 4)
    expected = ref(x, axis=_ax(axis)).astype(np.int32)
    assert_close(getattr(wt, name)(wt.tensor(x), axis=axis), expected, dtype="int32")


@pytest.mark.parametrize("name,ref", [("sum", np.sum), ("prod", np.prod)])
@pytest.mark.parametrize("shape,axis", [((0, 3), 0), ((0, 3), 1), ((0, 3), None),
                                        ((2, 0), 1)], ids=str)
def test_empty(backend, name, ref, shape, axis):
    x = np.zeros(shape, np.float32)
    assert_close(getattr(wt, name)(wt.tensor(x), axis=axis), ref(x, axis=axis))


@pytest.mark.parametrize("name,ref", [("all", np.all), ("any", np.any)])
@pytest.mark.parametrize("axis,keep_dims", [(None, False), (0, False), (1, True), ([0, 1], False)],
                         ids=str)
def test_all_any(backend, name, ref, axis, keep_dims):
    x = np.array([[True, False, True], [True, True, True], [False, False, True]])
    expected = ref(x, axis=_ax(axis), keepdims=keep_dims)
    assert_close(getattr(wt, name)(wt.tensor(x), axis=axis, keep_dims=keep_dims), expected,
                 dtype="bool")
    assert_close(getattr(wt, name)(wt.tensor(np.zeros((0, 2), bool)), axis=0),
                 ref(np.zeros((0, 2), bool), axis=0), dtype="bool")


def test_sum_of_bool_counts_as_int32(backend):
    x = np.array([[True, False, True], [True, True, True]])
    assert_close(wt.sum(wt.tensor(x)), np.int32(5), dtype="int32")
    assert_close(wt.sum(wt.tensor(x), 1), np.array([2, 3], np.int32), dtype="int32")


@pytest.mark.parametrize("name,ref", [("argmax", np.argmax), ("argmin", np.argmin)])
@pytest.mark.parametrize("axis", [0, 1, 2, -1])
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_arg_reduce(backend, name, ref, axis, dtype):
    rng = np.random.default_rng(25)
    x = f32(rng.permutation(24).reshape(2, 3, 4) - 10)  # distinct values: no ties
    x = x.astype(np.int32) if dtype == "int32" else x * 0.37
    expected = ref(x, axis=axis).astype(np.int32)
    assert_close(getattr(wt, name)(wt.tensor(x), axis), expected, dtype="int32")
    assert_close(getattr(wt.tensor(x), name)(axis), expected, dtype="int32")


@pytest.mark.parametrize("name,ref", [("argmax", np.argmax), ("argmin", np.argmin)])
def test_arg_reduce_default_axis_is_zero(backend, name, ref):
    x = np.array([[1.0, 9.0, -3.0], [4.0, 2.0, 6.0]], np.float32)
    assert_close(getattr(wt, name)(wt.tensor(x)), ref(x, axis=0).astype(np.int32), dtype="int32")


def _norm(x, ord="euclidean", axis=None, keepdims=False):
    a = np.abs(x)
    if ord in ("euclidean", "fro") or (ord == 2 and not isinstance(axis, list)):
        return np.sqrt(np.sum(a * a, axis=_ax(axis), keepdims=keepdims))
    if isinstance(axis, list):  # matrix norms over two axes
        assert ord in (1, np.inf)
        inner, outer = (axis[0], axis[1]) if ord == 1 else (axis[1], axis[0])
        s = np.sum(a, axis=inner, keepdims=True)
        out = np.max(s, axis=outer, keepdims=True)
        return out if keepdims else np.squeeze(out, axis=tuple(axis))
    red = {1: np.sum, np.inf: np.max, -np.inf: np.min}[ord]
    return red(a, axis=axis, keepdims=keepdims)


NORMS = [("euclidean", None, False), (1, 1, False), (2, -1, True), (np.inf, 0, False),
         (-np.inf, 1, False), ("fro", [0, 1], False), (1, [0, 1], False),
         (np.inf, [0, 1], True)]


@pytest.mark.parametrize("ord,axis,keep_dims", NORMS, ids=str)
def test_norm(backend, ord, axis, keep_dims):
    x = uniform(np.random.default_rng(26), (3, 4), away=[0])
    expected = _norm(x.astype(np.float64), ord, axis, keep_dims)
    assert_close(wt.norm(wt.tensor(x), ord, axis, keep_dims), expected, **tol(backend, "trans"))
    if ord in ("euclidean", 1, 2, "fro"):
        check_grad(lambda t: wt.norm(t, ord, axis, keep_dims),
                   lambda a: _norm(a, ord, axis, keep_dims), [x], backend)


@pytest.mark.parametrize("axis,keep_dims", [(None, False), (0, False), ([0, 2], True), (-1, False)],
                         ids=str)
def test_moments(backend, axis, keep_dims):
    x = uniform(np.random.default_rng(27), (2, 3, 4))
    mean, variance = wt.moments(wt.tensor(x), axis, keep_dims)
    x64 = x.astype(np.float64)
    assert_close(mean, np.mean(x64, axis=_ax(axis), keepdims=keep_dims), **tol(backend))
    assert_close(variance, np.var(x64, axis=_ax(axis), keepdims=keep_dims), **tol(backend))
    check_grad(lambda t: list(wt.moments(t, axis, keep_dims)),
               lambda a: [np.mean(a, axis=_ax(axis), keepdims=keep_dims),
                          np.var(a, axis=_ax(axis), keepdims=keep_dims)], [x], backend)


def _cumsum(x, axis, exclusive, reverse):
    y = np.flip(x, axis) if reverse else x
    out = np.cumsum(y, axis=axis) - (y if exclusive else 0)
    return np.flip(out, axis) if reverse else out


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
def test_cumsum(backend, axis, exclusive, reverse):
    x = uniform(np.random.default_rng(28), (3, 4))
    expected = _cumsum(x.astype(np.float64), axis, exclusive, reverse)
    assert_close(wt.cumsum(wt.tensor(x), axis, exclusive, reverse), expected, **tol(backend))
    check_grad(lambda t: wt.cumsum(t, axis, exclusive, reverse),
               lambda a: _cumsum(a, axis, exclusive, reverse), [x], backend)


def test_cumsum_defaults_and_int32(backend):
    x = np.array([[1, 2, 3], [4, 5, 6]], np.int32)
    assert_close(wt.cumsum(wt.tensor(x)), np.cumsum(x, axis=0).astype(np.int32), dtype="int32")
    assert_close(wt.tensor(x).cumsum(1, True), _cumsum(x, 1, True, False).astype(np.int32),
                 dtype="int32")


# ---- tfjs's parameter names: moments(x, axis, keepDims) ----
def test_moments_takes_axis_keyword(backend):
    x = uniform(np.random.default_rng(41), (2, 3))
    mean, variance = wt.moments(x=wt.tensor(x), axis=1, keep_dims=True)
    assert_close(mean, x.astype(np.float64).mean(1, keepdims=True), **tol(backend))
    assert_close(variance, x.astype(np.float64).var(1, keepdims=True), **tol(backend))
    assert_close(wt.tensor(x).moments(axis=[0, 1]).variance, np.float32(x.astype(np.float64).var()), **tol(backend))
    with pytest.raises(TypeError, match="unexpected keyword argument 'axes'"):
        wt.moments(wt.tensor(x), axes=1)

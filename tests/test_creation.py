"""Tensor creation: literals, shapes, dtypes, NumPy input, fills, ranges, one_hot, random."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, to_np


# values, explicit shape, dtype, expected array (its dtype gives the expected tensor dtype)
LITERALS = [
    ([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], None, None, np.arange(1.0, 7).reshape(2, 3)),
    ([1.0, 2.0, 3.0, 10.0, 20.0, 30.0], (2, 3), None, np.array([[1, 2, 3], [10, 20, 30.0]])),
    ([[[1.5]], [[2.5]]], None, None, np.array([[[1.5]], [[2.5]]])),
    (4.5, None, None, np.array(4.5)),
    ([], None, None, np.zeros((0,))),
    ([[], []], None, None, np.zeros((2, 0))),
    ([1, 2, 3], None, "int32", np.array([1, 2, 3], np.int32)),
    ([1.7, -2.7], None, "int32", np.array([1, -2], np.int32)),
    ([True, False], None, None, np.array([True, False])),
    ([1, 0, 2], None, "bool", np.array([True, False, True])),
    ([1.0, 2.0, 3.0, 4.0], [2, 1, 2], "float32", np.array([[[1.0, 2]], [[3, 4]]])),
    (3.0, [1, 1], None, np.array([[3.0]])),
]


@pytest.mark.parametrize("values,shape,dtype,expected", LITERALS, ids=range(len(LITERALS)))
def test_tensor_literals(backend, values, shape, dtype, expected):
    assert_close(wt.tensor(values, shape, dtype), expected)


def test_python_ints_default_to_float32_like_tfjs(backend):
    assert_close(wt.tensor([1, 2, 3]), np.array([1.0, 2.0, 3.0]))  # tf.tensor([1, 2, 3]) is float32
    assert_close(wt.scalar(2), np.array(2.0))
    assert_close(wt.tensor([[1, 2.5]]), np.array([[1.0, 2.5]]))


# constructor, args, expected array, expected class
RANKED = [
    ("scalar", (3.5,), np.array(3.5), "Scalar"),
    ("scalar", (2, "int32"), np.array(2, np.int32), "Scalar"),
    ("tensor1d", ([1.0, 2.0],), np.array([1.0, 2]), "Tensor1D"),
    ("tensor2d", ([1.0, 2.0, 3.0, 10.0, 20.0, 30.0], [2, 3]),
     np.array([[1, 2, 3], [10, 20, 30.0]]), "Tensor2D"),
    ("tensor2d", ([[0.0, 2.0], [4.0, 6.0]],), np.array([[0, 2], [4, 6.0]]), "Tensor2D"),
    ("tensor3d", ([[[1.0], [2.0]]],), np.array([[[1.0], [2.0]]]), "Tensor3D"),
    ("tensor3d", (list(range(8)), [2, 2, 2], "int32"),
     np.arange(8, dtype=np.int32).reshape(2, 2, 2), "Tensor3D"),
    ("tensor4d", ([[[[1.0, 2.0]]]],), np.array([[[[1.0, 2.0]]]]), "Tensor4D"),
]


@pytest.mark.parametrize("fn,args,expected,cls", RANKED, ids=range(len(RANKED)))
def test_ranked_constructors(backend, fn, args, expected, cls):
    t = getattr(wt, fn)(*args)
    assert_close(t, expected)
    assert isinstance(t, getattr(wt, cls))


@pytest.mark.parametrize("fn,values", [("tensor1d", [[1.0]]), ("tensor2d", [1.0, 2.0]),
                                       ("tensor3d", [[1.0]]), ("scalar", [1.0])])
def test_ranked_constructors_reject_other_ranks(backend, fn, values):
    with pytest.raises(ValueError):
        getattr(wt, fn)(values)


NUMPY = [
    np.arange(6, dtype=np.float64).reshape(2, 3) / 7,
    np.arange(6, dtype=np.float32).reshape(3, 2).T,  # non-contiguous
    np.arange(12, dtype=np.float32).reshape(3, 4)[::2, 1::2],  # strided
    np.arange(6, dtype=np.int64).reshape(2, 3) - 3,
    np.arange(6, dtype=np.int32)[::-1],  # negative stride
    np.array([[True, False]]),
    np.float32(2.5),
    np.zeros((2, 0, 3), np.float32),
]


@pytest.mark.parametrize("array", NUMPY, ids=range(len(NUMPY)))
def test_from_numpy(backend, array):
    t = wt.tensor(array)
    expected = np.asarray(array)
    assert_close(t, expected.astype(np.float32) if expected.dtype.kind == "f" else expected)


def test_from_numpy_copies(backend):
    a = np.array([1.0, 2.0], np.float32)
    t = wt.tensor(a)
    a[0] = 100.0
    assert_close(t, [1.0, 2.0])


FILLS = [
    (lambda: wt.zeros((2, 3)), np.zeros((2, 3))),
    (lambda: wt.zeros([2, 2], "int32"), np.zeros((2, 2), np.int32)),
    (lambda: wt.zeros((0, 2)), np.zeros((0, 2))),
    (lambda: wt.ones((3,)), np.ones(3)),
    (lambda: wt.ones((2, 1), "bool"), np.ones((2, 1), bool)),
    (lambda: wt.ones(()), np.ones(())),
    (lambda: wt.fill((2, 2), 7.5), np.full((2, 2), 7.5)),
    (lambda: wt.fill([3], 4, "int32"), np.full(3, 4, np.int32)),
    (lambda: wt.fill([2], 4), np.full(2, 4.0)),  # tfjs infers float32 from a number
    (lambda: wt.fill([2], True), np.full(2, True)),
    (lambda: wt.zeros_like(wt.tensor([[1, 2]], dtype="int32")), np.zeros((1, 2), np.int32)),
    (lambda: wt.ones_like(wt.tensor([[1.5], [2.5]])), np.ones((2, 1))),
    (lambda: wt.tensor([[1.5], [2.5]]).zeros_like(), np.zeros((2, 1))),
    (lambda: wt.eye(3), np.eye(3)),
    (lambda: wt.eye(2, 3), np.eye(2, 3)),
    (lambda: wt.eye(3, 2, [2]), np.broadcast_to(np.eye(3, 2), (2, 3, 2))),
    (lambda: wt.eye(2, dtype="int32"), np.eye(2, dtype=np.int32)),
    (lambda: wt.range(0, 5), np.arange(5.0)),
    (lambda: wt.range(5, 0, -1), np.arange(5.0, 0, -1)),
    (lambda: wt.range(0, 1, 0.25), np.arange(0, 1, 0.25)),
    (lambda: wt.range(2, 9, 3, "int32"), np.arange(2, 9, 3, dtype=np.int32)),
    (lambda: wt.range(3, 3), np.zeros(0)),
    (lambda: wt.linspace(0, 1, 5), np.linspace(0, 1, 5)),
    (lambda: wt.linspace(-2, 4, 4), np.linspace(-2, 4, 4)),
    (lambda: wt.one_hot(wt.tensor([0, 2, 1], dtype="int32"), 3),
     np.eye(3, dtype=np.int32)[[0, 2, 1]]),
    (lambda: wt.one_hot([1, 0], 3, 5, -1), np.array([[-1, 5, -1], [5, -1, -1]], np.int32)),
    (lambda: wt.one_hot(wt.tensor([[0], [3]], dtype="int32"), 4),
     np.eye(4, dtype=np.int32)[[[0], [3]]]),
]


@pytest.mark.parametrize("make,expected", FILLS, ids=range(len(FILLS)))
def test_fills_and_ranges(backend, make, expected):
    assert_close(make(), expected)


RANDOM = [  # constructor, kwargs, expected mean, expected std, bounds
    (wt.random_normal, {}, 0.0, 1.0, None),
    (wt.random_normal, {"mean": 2.0, "stddev": 0.5}, 2.0, 0.5, None),
    (wt.random_uniform, {}, 0.5, (1 / 12) ** 0.5, (0.0, 1.0)),
    (wt.random_uniform, {"minval": -3.0, "maxval": 1.0}, -1.0, (16 / 12) ** 0.5, (-3.0, 1.0)),
    (wt.truncated_normal, {}, 0.0, 0.8796, (-2.0, 2.0)),
    (wt.truncated_normal, {"mean": 1.0, "stddev": 3.0}, 1.0, 3 * 0.8796, (-5.0, 7.0)),
]


@pytest.mark.parametrize("fn,kw,mean,std,bounds", RANDOM, ids=range(len(RANDOM)))
def test_random(backend, fn, kw, mean, std, bounds):
    t = fn((100, 100), seed=5, **kw)
    assert t.shape == (100, 100) and t.dtype == "float32"
    x = to_np(t)
    assert abs(x.mean() - mean) < 0.05 * max(std, 1)
    assert abs(x.std() - std) < 0.05 * std
    if bounds is not None:
        assert bounds[0] <= x.min() and x.max() <= bounds[1]
    np.testing.assert_array_equal(to_np(fn((100, 100), seed=5, **kw)), x)  # reproducible
    assert not np.array_equal(to_np(fn((100, 100), seed=6, **kw)), x)
    assert not np.array_equal(to_np(fn((100, 100), **kw)), to_np(fn((100, 100), **kw)))


def test_random_uniform_int32(backend):
    t = wt.random_uniform((50, 50), 0, 10, "int32", seed=1)
    x = to_np(t)
    assert t.dtype == "int32" and x.min() >= 0 and x.max() <= 10  # tfjs rounds: 10 can occur
    assert set(range(1, 10)) <= set(np.unique(x).tolist())


@pytest.mark.parametrize("bad", ["float64", "complex64", "string", "int8"])
def test_unknown_dtype(backend, bad):
    with pytest.raises(TypeError, match=bad):
        wt.tensor([1.0, 2.0], dtype=bad)
    with pytest.raises(TypeError, match=bad):
        wt.zeros((2,), bad)

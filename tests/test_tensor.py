"""The Tensor object: classes, properties, reading values, operators, indexing, repr."""
import operator

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, run, tol, uniform

CLASSES = [((), "Scalar"), ((3,), "Tensor1D"), ((2, 3), "Tensor2D"), ((1, 2, 3), "Tensor3D"),
           ((1, 1, 2, 3), "Tensor4D")]


@pytest.mark.parametrize("shape,cls", CLASSES, ids=str)
def test_rank_classes(backend, shape, cls):
    for t in (wt.zeros(shape), wt.tensor(np.zeros(shape, np.float32)),
              wt.reshape(wt.zeros((int(np.prod(shape)),)), shape)):
        assert isinstance(t, wt.Tensor) and isinstance(t, getattr(wt, cls))
        assert type(t).__name__ == cls
    others = [c for _, c in CLASSES if c != cls]
    assert not any(isinstance(wt.zeros(shape), getattr(wt, c)) for c in others)


def test_rank5_is_plain_tensor(backend):
    t = wt.zeros((1, 1, 1, 1, 2))
    assert isinstance(t, wt.Tensor) and not isinstance(t, wt.Tensor4D)


def test_properties(backend):
    t = wt.tensor(np.zeros((2, 3, 4), np.int32))
    assert t.shape == (2, 3, 4) and isinstance(t.shape, tuple)
    assert (t.dtype, t.rank, t.size) == ("int32", 3, 24)
    s = wt.scalar(1.0)
    assert (s.shape, s.rank, s.size, s.dtype) == ((), 0, 1, "float32")
    assert wt.zeros((0, 5)).size == 0


@pytest.mark.parametrize("values,dtype", [([[1.5, -2.0], [3.0, 4.25]], "float32"),
                                          ([[1, -2], [3, 4]], "int32"),
                                          ([[True, False], [False, True]], "bool")])
def test_reading_values(backend, values, dtype):
    t = wt.tensor(values, dtype=dtype)
    expected = np.array(values, {"float32": np.float32, "int32": np.int32, "bool": bool}[dtype])
    flat = t.data_sync()
    assert isinstance(flat, np.ndarray) and flat.shape == (4,)
    np.testing.assert_array_equal(flat.astype(expected.dtype), expected.ravel())
    np.testing.assert_array_equal(np.asarray(run(t.data())).astype(expected.dtype),
                                  expected.ravel())
    assert t.array_sync() == expected.tolist() and run(t.array()) == expected.tolist()
    arr = t.numpy()
    assert arr.shape == (2, 2) and arr.dtype == expected.dtype
    np.testing.assert_array_equal(arr, expected)
    np.testing.assert_array_equal(np.asarray(t), expected)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_scalar_values(backend):
    s = wt.scalar(2.5)
    assert s.array_sync() == 2.5 and s.numpy().shape == () and float(s.numpy()) == 2.5


def test_concepts_example(backend):
    a = wt.tensor2d([[1.0, 2.0], [3.0, 4.0]])
    b = wt.tensor2d([[0.0, 2.0], [4.0, 6.0]])
    assert_close(a.sub(b).square().mean(), 1.5)
    assert_close(wt.mean(wt.square(wt.sub(a, b))), 1.5)


def test_dispose(backend):
    t = wt.tensor([1.0, 2.0])
    assert not t.is_disposed
    t.dispose()
    assert t.is_disposed
    t.dispose()  # disposing twice is harmless
    with pytest.raises(Exception, match="disposed"):
        t.data_sync()


BINOPS = [(operator.add, np.add), (operator.sub, np.subtract), (operator.mul, np.multiply),
          (operator.truediv, np.divide), (operator.floordiv, np.floor_divide),
          (operator.mod, np.mod), (operator.pow, np.power)]


@pytest.mark.parametrize("op,ref", BINOPS, ids=[o.__name__ for o, _ in BINOPS])
def test_arithmetic_operators(backend, op, ref):
    rng = np.random.default_rng(71)
    a, b = uniform(rng, (2, 3), 0.5, 2), uniform(rng, (3,), 0.5, 2)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    assert_close(op(wt.tensor(a), wt.tensor(b)), ref(a64, b64), **tol(backend, "trans"))
    assert_close(op(wt.tensor(a), 1.5), ref(a64, 1.5), **tol(backend, "trans"))
    assert_close(op(1.5, wt.tensor(b)), ref(1.5, b64), **tol(backend, "trans"))
    assert_close(op(wt.tensor(a), wt.scalar(1.5)), ref(a64, 1.5), **tol(backend, "trans"))


def test_int_operators(backend):
    a, two = wt.tensor(np.array([7, -7, 4], np.int32)), wt.tensor(np.array(2, np.int32))
    assert_close(a * two, np.array([14, -14, 8], np.int32))
    assert_close(a // two, np.array([3, -4, 2], np.int32))
    assert_close(a % two, np.array([1, 1, 0], np.int32))
    # with a Python int the result dtype differs between tfjs (float32) and NumPy (int32): values only
    for got, expected in [(a + 1, [8, -6, 5]), (a // 2, [3, -4, 2]), (a % 3, [1, 2, 1])]:
        np.testing.assert_array_equal(got.numpy(), expected)


def test_matmul_and_unary_operators(backend):
    rng = np.random.default_rng(72)
    a, b = uniform(rng, (2, 3)), uniform(rng, (3, 4))
    assert_close(wt.tensor(a) @ wt.tensor(b), a.astype(np.float64) @ b, **tol(backend))
    assert_close(-wt.tensor(a), -a)
    assert_close(abs(wt.tensor(a)), np.abs(a))


CMP = [(operator.lt, np.less), (operator.le, np.less_equal), (operator.gt, np.greater),
       (operator.ge, np.greater_equal)]


@pytest.mark.parametrize("op,ref", CMP, ids=[o.__name__ for o, _ in CMP])
def test_comparison_operators(backend, op, ref):
    a, b = f32([[1, 2, 3], [4, 5, 6]]), f32([3, 2, 1])
    assert_close(op(wt.tensor(a), wt.tensor(b)), ref(a, b), dtype="bool")
    assert_close(op(wt.tensor(a), 3), ref(a, 3), dtype="bool")
    assert_close(op(3, wt.tensor(a)), ref(3, a), dtype="bool")


def test_operators_are_differentiable(backend):
    x = f32([[0.5, 1.5], [2.0, 1.2]])
    check_grad(lambda t: (t * 3 - 1) / (t + 2) + t ** 2 - (-t) @ t,
               lambda a: (a * 3 - 1) / (a + 2) + a ** 2 - (-a) @ a, [x], backend)


ARR = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
INDICES = [
    0, -1, (1, 2), (1, 2, 3), (-1, -2, -3), slice(0, 1), slice(None, None, 2), slice(None, None, -1),
    (slice(None), slice(1, 3)), (Ellipsis, 1), (Ellipsis, slice(None, None, 2)), None,
    (slice(None), None, 1), (0, slice(None, None, -1), -2), (slice(-1, None), Ellipsis, None),
    (1, slice(None, None, -2), slice(3, 0, -1)), (slice(5, 9),),
]


@pytest.mark.parametrize("index", INDICES, ids=str)
def test_indexing(backend, index):
    expected = ARR[index]
    assert_close(wt.tensor(ARR)[index], np.asarray(expected))


def test_indexing_gradient(backend):
    check_grad(lambda t: t[1:, ::-2], lambda a: a[1:, ::-2], [ARR[0] / 10], backend)


def test_indexing_out_of_range_raises(backend):
    with pytest.raises(IndexError):
        wt.tensor(ARR)[2]
    with pytest.raises(IndexError):
        wt.tensor(ARR)[0, -4]


def test_repr(backend):
    r = repr(wt.tensor([[1.5, 2.5], [3.5, 4.5]]))
    assert "Tensor" in r and "1.5" in r and "4.5" in r
    r = repr(wt.tensor([7, 8], dtype="int32"))
    assert "7" in r and "8" in r


SPEC_OPS = """
    neg abs square sqrt rsqrt exp log log1p expm1 sin cos tan asin acos atan sinh cosh tanh sigmoid
    log_sigmoid relu relu6 elu selu leaky_relu prelu softplus sign floor ceil round reciprocal erf
    step clip_by_value is_nan is_inf is_finite
    add sub mul div floor_div mod pow maximum minimum squared_difference atan2
    equal not_equal less less_equal greater greater_equal logical_and logical_or logical_not
    logical_xor where
    sum mean prod max min argmax argmin all any logsumexp norm moments cumsum
    matmul dot outer
    reshape flatten transpose expand_dims squeeze concat stack unstack split slice gather tile pad
    reverse cast clone broadcast_to
    softmax log_softmax conv2d conv2d_transpose depthwise_conv2d max_pool avg_pool batch_norm
    dropout resize_bilinear
""".split()


@pytest.mark.parametrize("name", SPEC_OPS)
def test_every_op_is_a_function_and_a_method(name):
    assert callable(getattr(wt, name, None)), f"wt.{name} is missing"
    assert callable(getattr(wt.Tensor, name, None)), f"Tensor.{name} is missing"

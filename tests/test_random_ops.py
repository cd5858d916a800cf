"""rand, random_gamma, random_standard_normal, random_uniform_int and multinomial: shapes, dtypes,
seeded determinism, and distributions checked statistically (fixed seeds, bounds of several
standard errors: loose, yet a wrong parameterization fails them)."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, to_np

pytestmark = pytest.mark.leakcheck
N = 20000


def _sample(make):
    with wt.tidy():
        t = make()
        return t.shape, t.dtype, to_np(t).copy()


def test_rand_calls_the_function_once_per_element_in_order(backend):
    count = iter(range(100))
    with wt.tidy():
        assert_close(wt.rand([2, 3], lambda: float(next(count))), np.arange(6.0).reshape(2, 3))
        # truncated toward zero, as an Int32Array stores 2.7
        assert_close(wt.rand([3], lambda: 2.7, "int32"), np.array([2, 2, 2], np.int32))
        assert_close(wt.rand([2], lambda: 1, "bool"), np.array([True, True]))
        assert_close(wt.rand([0, 2], lambda: 1.0), np.zeros((0, 2)))


@pytest.mark.parametrize("args,error,match", [
    (([2], 3.0), TypeError, "rand: argument 'rand_function' must be a function"),
    (([2], lambda: "a"), TypeError, "rand: rand_function must return numbers"),
    (([-1], lambda: 1.0), ValueError, "rand: shape must be a list of non-negative ints"),
    (([2], lambda: 1.0, "complex64"), TypeError, "rand: unknown dtype"),
])
def test_rand_errors(backend, args, error, match):
    with pytest.raises(error, match=match):
        wt.rand(*args)


@pytest.mark.parametrize("alpha,beta", [(0.5, 1.0), (2.0, 2.0), (5.0, 0.5)])
def test_random_gamma_mean_and_variance(backend, alpha, beta):
    shape, dtype, x = _sample(lambda: wt.random_gamma([N // 100, 100], alpha, beta, seed=7))
    assert shape == (N // 100, 100) and dtype == "float32"
    mean, var = alpha / beta, alpha / beta ** 2  # beta is the rate
    assert x.min() >= 0
    assert abs(x.mean() - mean) < 5 * np.sqrt(var / N)
    assert abs(x.var() / var - 1) < 0.15
    if alpha < 1:  # many tiny values: alpha < 1 has its mode at 0
        assert np.mean(x < 0.01 * mean) > 0.05


def test_random_gamma_seed_dtype_and_defaults(backend):
    a, b, c = (_sample(lambda s=s: wt.random_gamma([50], 3.0, seed=s))[2] for s in (1, 1, 2))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    assert abs(_sample(lambda: wt.random_gamma([N], 3.0, seed=3))[2].mean() - 3.0) < 0.1  # beta=1
    shape, dtype, x = _sample(lambda: wt.random_gamma([4000], 4.0, 1.0, "int32", seed=4))
    assert dtype == "int32" and x.min() >= 0 and abs(x.mean() - 4.0) < 0.2
    assert _sample(lambda: wt.random_gamma([0], 2.0))[0] == (0,)


@pytest.mark.parametrize("args,error,match", [
    (([2], 0.0), ValueError, "random_gamma: argument 'alpha' must be > 0"),
    (([2], 1.0, -1.0), ValueError, "random_gamma: argument 'beta' must be > 0"),
    (([2], "a"), TypeError, "random_gamma: argument 'alpha' must be a number"),
    (([2], 1.0, 1.0, "bool"), TypeError, "random_gamma: unsupported dtype 'bool'"),
    (([2.5], 1.0), ValueError, "random_gamma: shape must be"),
])
def test_random_gamma_errors(backend, args, error, match):
    with pytest.raises(error, match=match):
        wt.random_gamma(*args)


def test_random_standard_normal(backend):
    shape, dtype, x = _sample(lambda: wt.random_standard_normal([N], seed=5))
    assert shape == (N,) and dtype == "float32"
    assert abs(x.mean()) < 0.04 and abs(x.std() - 1) < 0.03
    assert np.array_equal(x, _sample(lambda: wt.random_standard_normal([N], "float32", 5))[2])
    assert _sample(lambda: wt.random_standard_normal([3, 2], "int32", 1))[:2] == ((3, 2), "int32")
    with pytest.raises(TypeError, match="random_standard_normal: unsupported dtype 'bool'"):
        wt.random_standard_normal([2], "bool")


def test_random_uniform_int(backend):
    shape, dtype, x = _sample(lambda: wt.random_uniform_int([N // 10, 10], -3, 4, seed=6))
    assert shape == (N // 10, 10) and dtype == "int32"
    assert set(np.unique(x)) == set(range(-3, 4))  # maxval is excluded
    counts = np.bincount(x.ravel() + 3) / N
    assert np.all(np.abs(counts - 1 / 7) < 0.015)
    assert np.array_equal(x, _sample(lambda: wt.random_uniform_int([N // 10, 10], -3, 4, 6))[2])
    assert set(np.unique(_sample(lambda: wt.random_uniform_int([100], 5, 6))[2])) == {5}


@pytest.mark.parametrize("args,error,match", [
    (([2], 3, 3), ValueError, r"random_uniform_int: minval \(3\) must be < maxval \(3\)"),
    (([2], 0.5, 3), TypeError, "random_uniform_int: argument 'minval' must be an int"),
    (([2], 0, 3.0), TypeError, "random_uniform_int: argument 'maxval' must be an int"),
])
def test_random_uniform_int_errors(backend, args, error, match):
    with pytest.raises(error, match=match):
        wt.random_uniform_int(*args)


def test_multinomial_frequencies_follow_softmax_of_logits(backend):
    logits = np.array([[0.0, 1.0, 2.0, -1.0], [3.0, 0.0, 0.0, 0.0]], np.float32)
    shape, dtype, x = _sample(lambda: wt.multinomial(logits, 4000, seed=8))
    assert shape == (2, 4000) and dtype == "int32"
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    for row, p in zip(x, probs):
        np.testing.assert_allclose(np.bincount(row, minlength=4) / 4000, p, atol=0.03)


def test_multinomial_normalized_1d_and_seed(backend):
    shape, dtype, x = _sample(lambda: wt.multinomial([0.25, 0.0, 0.75], 4000, 9, True))
    assert shape == (4000,) and dtype == "int32"
    np.testing.assert_allclose(np.bincount(x, minlength=3) / 4000, [0.25, 0.0, 0.75], atol=0.03)
    assert np.array_equal(x, _sample(lambda: wt.multinomial([0.25, 0.0, 0.75], 4000, 9, True))[2])
    assert not np.array_equal(x, _sample(lambda: wt.multinomial([0.25, 0.0, 0.75], 4000, 10, True))[2])
    # certain events: the first, and the last (implicit in the cumulative sums)
    assert np.all(_sample(lambda: wt.multinomial([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], 50, 1, True))[2]
                  == [[0], [2]])
    assert _sample(lambda: wt.multinomial([[0.0, 1.0]], 0))[0] == (1, 0)


@pytest.mark.parametrize("args,error,match", [
    (([[[0.0, 1.0]]], 2), ValueError, "multinomial: argument 'logits' must be 1-D or 2-D"),
    (([1.0], 2), ValueError, "multinomial: logits need at least 2 outcomes"),
    (([0.0, 1.0], -1), ValueError, "multinomial: argument 'num_samples' must be >= 0"),
    (([0.0, 1.0], 2.5), TypeError, "multinomial: argument 'num_samples' must be an int"),
])
def test_multinomial_errors(backend, args, error, match):
    with pytest.raises(error, match=match):
        wt.multinomial(*args)

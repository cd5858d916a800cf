"""Edge cases that gave wrong results, leaked tensors or disposed what the caller owns: signed
zeros and NaN as Python numbers, many distinct numbers, int32 limits, list indices, non-finite
logsumexp, prod's gradient at zeros, and functions that return or repeat their arguments."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, no_leaks


def test_signed_zero_and_nan_numbers_are_distinct_operands(backend):
    x = wt.tensor([1.0, -2.0])
    assert_close(x / 0.0, [np.inf, -np.inf])
    assert_close(x / -0.0, [-np.inf, np.inf])
    assert_close(x / 0.0, [np.inf, -np.inf])  # whichever came first
    assert np.isnan((x * float("nan")).numpy()).all()


def test_many_distinct_numbers_leak_nothing_and_stay_right(backend):
    x = wt.tensor([1.0, 2.0])
    with no_leaks():
        for i in range(2500):
            y = x * float(i)
            if i % 500 == 0:
                assert_close(y, [i, 2.0 * i])
            y.dispose()
    assert_close(x * 3.0, [3.0, 6.0])  # an evicted number made again


def test_int32_range_is_checked(backend):
    i = wt.tensor(np.array([1, 2], np.int32))
    with no_leaks():
        with pytest.raises(ValueError, match=r"tensor: .*int32 range"):
            wt.tensor([2 ** 40], dtype="int32")
        with pytest.raises(ValueError, match=r"add: .*int32 range"):
            wt.add(i, 2 ** 40)
    big = 2 ** 31 - 10 if backend == "cpu" else 2 ** 24 - 10  # WebGL stores int32 as float32
    assert_close(i + big, [big + 1, big + 2], dtype="int32")


def test_nan_and_fractions_to_int32_agree_between_tensor_and_cast(backend):
    values = np.array([np.nan, 2.7, -2.7, 0.5], np.float32)
    made = wt.tensor(values, dtype="int32")
    cast = wt.cast(wt.tensor(values), "int32")
    assert made.numpy().tolist() == cast.numpy().tolist() == [0, 2, -2, 0]


def test_list_indices_negative_and_boolean(backend):
    t = wt.tensor(np.arange(6, dtype=np.float32).reshape(3, 2))
    assert_close(t[[-1, 0]], np.float32([[4, 5], [0, 1]]))
    assert_close(t[[True, False, True]], np.float32([[0, 1], [4, 5]]))
    assert_close(t[np.array([-3])], np.float32([[0, 1]]))
    with pytest.raises(IndexError, match="getitem: index 3 is out of bounds"):
        t[[3]]
    with pytest.raises(IndexError, match="boolean index must have length 3"):
        t[[True, False]]


def test_logsumexp_of_infinities(backend):
    assert wt.logsumexp(wt.tensor([-np.inf, -np.inf])).item() == -np.inf
    assert wt.logsumexp(wt.tensor([np.inf, 1.0])).item() == np.inf
    x = np.array([[-np.inf, -np.inf], [0.5, 1.5]], np.float32)
    out = wt.logsumexp(wt.tensor(x), 1).numpy()
    assert out[0] == -np.inf and abs(out[1] - np.log(np.exp(0.5) + np.exp(1.5))) < 1e-5
    g = wt.grad(lambda t: wt.logsumexp(t))(wt.tensor([1.0, 2.0, 3.0]))
    assert_close(g, np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())


@pytest.mark.parametrize("values", [[0.0, 2.0, 3.0], [0.0, 0.0, 3.0], [1.5, -2.0, 3.0], [2.0, 0.0, -1.0]])
def test_prod_gradient_is_the_product_of_the_others(backend, values):
    v = np.array(values)
    want = [np.prod(np.delete(v, i)) for i in range(v.size)]
    assert_close(wt.grad(lambda t: t.prod())(wt.tensor(values)), want)


def test_prod_gradient_along_an_axis(backend):
    x = np.array([[0.0, 2.0, 3.0], [1.0, 2.0, 4.0]], np.float32)
    assert_close(wt.grad(lambda t: t.prod(1).sum())(wt.tensor(x)), np.float32([[6, 0, 0], [8, 4, 2]]))
    assert_close(wt.grad(lambda t: t.prod(0).sum())(wt.tensor(x)), np.float32([[1, 2, 4], [0, 2, 3]]))


def test_functions_never_dispose_what_the_caller_owns(backend):
    x = wt.tensor([1.0, 2.0])
    assert_close(wt.grad(lambda t: t)(x), [1.0, 1.0])
    assert not x.is_disposed
    y, g = wt.value_and_grad(lambda t: t)([3.0, 4.0])  # the converted input is returned
    assert_close(y, [3.0, 4.0])
    assert_close(g, [1.0, 1.0])
    v = wt.variable(wt.tensor(3.0), name="edge_owned")
    try:
        wt.train.sgd(0.5).minimize(lambda: v)
        assert not v.is_disposed and abs(v.item() - 2.5) < 1e-6
        with pytest.raises(ValueError, match="scalar loss"):
            wt.variable_grads(lambda: x * v)
        assert not x.is_disposed
    finally:
        v.dispose()


@pytest.mark.leakcheck
def test_converted_arguments_do_not_leak(backend):
    g = wt.grad(lambda t: (t * t).sum())([1.0, 2.0])
    assert_close(g, [2.0, 4.0])
    g.dispose()
    a, b = wt.grads(lambda p, q: (p * q).sum())([[1.0, 2.0], [3.0, 4.0]])
    assert_close(a, [3.0, 4.0])
    assert_close(b, [1.0, 2.0])
    wt.dispose([a, b])


def test_the_same_tensor_twice_gets_each_its_own_gradient(backend):
    x = wt.tensor([1.0, 2.0])
    dp, dq = wt.grads(lambda p, q: p * q * q)([x, x])
    assert_close(dp, [1.0, 4.0])   # q ** 2
    assert_close(dq, [2.0, 8.0])   # 2 p q


def test_tidy_keeps_and_dispose_frees_tensors_in_sets(backend):
    kept = wt.tidy(lambda: {wt.tensor(1.0), wt.tensor(2.0)})
    assert sorted(t.item() for t in kept) == [1.0, 2.0]
    before = wt.memory().num_tensors
    wt.dispose(kept)
    assert wt.memory().num_tensors == before - 2


@pytest.mark.leakcheck
@pytest.mark.parametrize("make", [lambda: wt.zeros([2 ** 62, 4]), lambda: wt.ones([2 ** 16, 2 ** 16]),
                                  lambda: wt.random_normal([2 ** 40, 2 ** 40]),
                                  lambda: wt.tidy(lambda: wt.tile(wt.ones([2, 2]), [2 ** 31, 1]))])
def test_shapes_too_large_for_a_tensor_fail_before_allocating(backend, make):
    with pytest.raises(ValueError, match=r"at most 2\*\*31 - 1"):
        make()

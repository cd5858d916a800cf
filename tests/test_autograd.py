"""grad, grads, value_and_grad(s), variable_grads, custom_grad, deep graphs, errors."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, no_leaks, uniform


def test_grad(backend):
    x = wt.tensor([1.0, -2.0, 3.0])
    g = wt.grad(lambda t: wt.sum(t * t * t))(x)
    assert_close(g, 3 * np.array([1.0, 4.0, 9.0]))


def test_grad_with_dy(backend):
    x = wt.tensor([[1.0, 2.0], [3.0, 4.0]])
    dy = wt.tensor([[1.0, -1.0], [0.5, 2.0]])
    assert_close(wt.grad(lambda t: t * t)(x, dy), 2 * x.numpy() * dy.numpy())


def test_grads(backend):
    a, b = wt.tensor([1.0, 2.0]), wt.tensor([3.0, -4.0])
    ga, gb = wt.grads(lambda x, y: wt.sum(x * y + x))([a, b])
    assert_close(ga, [4.0, -3.0])
    assert_close(gb, [1.0, 2.0])


def test_value_and_grad(backend):
    x = wt.tensor([1.0, 2.0])
    before = wt.memory().num_tensors
    value, g = wt.value_and_grad(lambda t: wt.sum(wt.square(t)))(x)
    assert wt.memory().num_tensors == before + 2  # intermediates are disposed
    assert_close(value, 5.0)
    assert_close(g, [2.0, 4.0])


def test_value_and_grads(backend):
    a, b = wt.tensor([1.0, 2.0]), wt.tensor(3.0)
    value, (ga, gb) = wt.value_and_grads(lambda x, y: wt.sum(x * y))([a, b])
    assert_close(value, 9.0)
    assert_close(ga, [3.0, 3.0])
    assert_close(gb, 3.0)


def test_grad_leaves_only_the_result(backend):
    x = wt.tensor(np.linspace(-1, 1, 6, dtype=np.float32).reshape(2, 3))
    before = wt.memory().num_tensors
    g = wt.grad(lambda t: wt.sum(wt.tanh(wt.matmul(t, wt.transpose(t)))))(x)
    assert wt.memory().num_tensors == before + 1
    g.dispose()


def test_variable_grads(backend):
    a = wt.variable(wt.tensor([1.0, 2.0]), name="vg_a")
    b = wt.variable(wt.tensor([3.0]), name="vg_b")
    frozen = wt.variable(wt.tensor([5.0]), trainable=False, name="vg_frozen")
    try:
        result = wt.variable_grads(lambda: wt.sum(a * a * b) + wt.sum(frozen))
        assert_close(result.value, 20.0)
        assert set(result.grads) == {"vg_a", "vg_b"}  # non-trainable variables are skipped
        assert_close(result.grads["vg_a"], [6.0, 12.0])
        assert_close(result.grads["vg_b"], [5.0])
        only_b = wt.variable_grads(lambda: wt.sum(a * a * b), [b])
        assert set(only_b.grads) == {"vg_b"}
    finally:
        wt.dispose([a, b, frozen])


def test_custom_grad(backend):
    def f(x):
        def grad_fn(dy):
            return [dy * wt.abs(x) * 7.0]  # deliberately not the true derivative
        return wt.square(x), grad_fn

    op = wt.custom_grad(f)
    x = wt.tensor([-1.0, 2.0, 3.0])
    assert_close(op(x), [1.0, 4.0, 9.0])
    g = wt.grad(lambda t: wt.sum(op(t) * wt.tensor([1.0, 2.0, 3.0])))(x)
    assert_close(g, [7.0, 28.0, 63.0])


def test_custom_grad_two_inputs(backend):
    def f(a, b):
        return a * b, lambda dy: [dy * 2.0, dy * 3.0]

    op = wt.custom_grad(f)
    ga, gb = wt.grads(lambda a, b: wt.sum(op(a, b)))([wt.tensor([1.0, 2.0]), wt.tensor([4.0, 5.0])])
    assert_close(ga, [2.0, 2.0])
    assert_close(gb, [3.0, 3.0])


def test_deep_chain_has_no_recursion_limit(backend):
    def f(x):
        for _ in range(5000):
            x = x * 1.0001 + 0.0
        return wt.sum(x)
    with no_leaks():
        g = wt.tidy(lambda: wt.grad(f)(wt.tensor([1.0, 2.0])))
        assert_close(g, np.full(2, 1.0001 ** 5000), rtol=1e-3)
        g.dispose()


def test_grad_of_grad(backend):
    x = wt.tensor([0.5, -1.5])
    g2 = wt.grad(lambda t: wt.sum(wt.grad(lambda u: wt.sum(u * u * u))(t)))(x)
    assert_close(g2, 6 * x.numpy())


def test_gradient_through_unused_branches_and_reuse(backend):
    x = uniform(np.random.default_rng(81), (3,))
    check_grad(lambda t: t * t + wt.sin(t) * t - t,
               lambda a: a * a + np.sin(a) * a - a, [x], backend)


def test_gradient_of_unused_input_raises(backend):
    x, y = wt.tensor([1.0]), wt.tensor([2.0])
    with no_leaks():
        with pytest.raises(Exception, match="(?i)grad"):
            wt.grad(lambda t: wt.sum(y * 2))(x)
        with pytest.raises(Exception, match="(?i)grad"):
            wt.grads(lambda a, b: wt.sum(a * 2))([x, y])

"""Optimizers: steps against NumPy versions of the tfjs 4.x update rules, training to a stated
accuracy, minimize/compute_gradients/apply_gradients, and constant memory over 1000 steps."""
import itertools

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, f32, to_np

EPS = 1e-7  # tfjs's backend epsilon, the default of every optimizer's epsilon


def var(values):
    """A variable whose initial tensor is disposed at once (tidy never disposes variables)."""
    return wt.tidy(lambda: wt.variable(wt.tensor(values)))


def sgd_ref(lr):
    return lambda x, g, s, t: x - lr * g


def momentum_ref(lr, m, nesterov=False):
    def step(x, g, s, t):
        s["acc"] = m * s.get("acc", 0) + g
        return x - lr * (g + m * s["acc"] if nesterov else s["acc"])
    return step


def adagrad_ref(lr, init=0.1):
    def step(x, g, s, t):
        s["acc"] = s.get("acc", init) + g * g
        return x - lr * g / np.sqrt(s["acc"] + EPS)
    return step


def adadelta_ref(lr=0.001, rho=0.95, eps=EPS):
    def step(x, g, s, t):
        old_ag, au = s.get("ag", 0), s.get("au", 0)
        s["ag"] = rho * old_ag + (1 - rho) * g * g
        update = np.sqrt(au + eps) / np.sqrt(old_ag + eps) * g  # tfjs: the accumulator before
        s["au"] = rho * au + (1 - rho) * update ** 2
        return x - lr * update
    return step


def adam_ref(lr=0.001, b1=0.9, b2=0.999, eps=EPS):
    def step(x, g, s, t):
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0) + (1 - b2) * g * g
        m_hat, v_hat = s["m"] / (1 - b1 ** t), s["v"] / (1 - b2 ** t)
        return x - lr * m_hat / (np.sqrt(v_hat) + eps)
    return step


def adamax_ref(lr=0.002, b1=0.9, b2=0.999, eps=EPS, decay=0.0):
    def step(x, g, s, t):
        s["m"] = b1 * s.get("m", 0) + (1 - b1) * g
        s["u"] = np.maximum(b2 * s.get("u", 0), np.abs(g))
        return x - lr / (1 + (t - 1) * decay) / (1 - b1 ** t) * s["m"] / (s["u"] + eps)
    return step


def rmsprop_ref(lr, decay=0.9, momentum=0.0, eps=EPS, centered=False):
    def step(x, g, s, t):
        s["ms"] = decay * s.get("ms", 0) + (1 - decay) * g * g
        denom = s["ms"] + eps
        if centered:
            s["mg"] = decay * s.get("mg", 0) + (1 - decay) * g
            denom = s["ms"] - (s["mg"] ** 2 + eps)  # tfjs's centered form
        s["mom"] = momentum * s.get("mom", 0) + lr * g / np.sqrt(denom)
        return x - s["mom"]
    return step


# id, optimizer factory, its arguments, NumPy reference
OPTIMIZERS = [
    ("sgd", "sgd", (0.1,), sgd_ref),
    ("momentum", "momentum", (0.1, 0.9), momentum_ref),
    ("nesterov", "momentum", (0.1, 0.9, True), momentum_ref),
    ("adagrad", "adagrad", (0.5,), adagrad_ref),
    ("adagrad_init", "adagrad", (0.5, 0.3), adagrad_ref),
    ("adadelta", "adadelta", (), adadelta_ref),
    ("adadelta_args", "adadelta", (0.5, 0.8, 1e-6), adadelta_ref),
    ("adam", "adam", (), adam_ref),
    ("adam_args", "adam", (0.05, 0.8, 0.9, 1e-6), adam_ref),
    ("adamax", "adamax", (), adamax_ref),
    ("adamax_decay", "adamax", (0.1, 0.8, 0.95, 1e-7, 0.1), adamax_ref),
    ("rmsprop", "rmsprop", (0.05,), rmsprop_ref),
    ("rmsprop_momentum", "rmsprop", (0.05, 0.8, 0.5), rmsprop_ref),
    ("rmsprop_centered", "rmsprop", (0.05, 0.9, 0.3, 1e-7, True), rmsprop_ref),
]
IDS = [o[0] for o in OPTIMIZERS]


@pytest.mark.leakcheck  # also checks that opt.dispose() frees the optimizer's state
@pytest.mark.parametrize("name,factory,args,ref", OPTIMIZERS, ids=IDS)
def test_steps_match_reference(backend, name, factory, args, ref):
    rng = np.random.default_rng(91)
    x0, target, c = (f32(rng.uniform(-2, 2, (2, 3))), f32(rng.uniform(-1, 1, (2, 3))),
                     f32(rng.uniform(0.5, 2, (2, 3))))
    v = var(x0)
    opt = getattr(wt.train, factory)(*args)
    step, state, x = ref(*args), {}, x0.astype(np.float64)
    try:
        for t in range(1, 5):
            cost = opt.minimize(lambda: wt.sum(wt.tensor(c) * wt.square(v - wt.tensor(target))),
                                True)
            cost_value = to_np(cost)
            cost.dispose()
            np.testing.assert_allclose(cost_value, np.sum(c * (x - target) ** 2), rtol=1e-4)
            x = step(x, 2 * c * (x - target), state, t)
            np.testing.assert_allclose(to_np(v), x, rtol=1e-4, atol=1e-5, err_msg=f"step {t}")
    finally:
        opt.dispose()
        v.dispose()


def test_adadelta_tfjs_example(backend):
    x = wt.variable(wt.tensor1d([1.0, 2.0]))  # the case of tfjs's adadelta_optimizer_test
    opt = wt.train.adadelta(0.1, 0.95)
    opt.minimize(lambda: wt.sum(wt.square(x)))
    assert_close(x, [0.8, 1.6])
    opt.minimize(lambda: wt.sum(wt.square(x)))
    assert_close(x, [0.64, 1.28])
    wt.dispose([x, opt.get_weights()])


def _data(rng, n=200):
    x = rng.normal(size=(n, 2))
    y = (x @ np.array([2.0, -1.0]) + 0.5 > 0).astype(np.float32)
    return f32(x), y[:, None]


# optimizer, its arguments, steps: logistic regression must reach 95% training accuracy
TRAINING = [("sgd", (0.5,), 100), ("momentum", (0.1, 0.9), 100),
            ("momentum", (0.1, 0.9, True), 100), ("adagrad", (0.5,), 100),
            ("adadelta", (100.0, 0.95), 100), ("adam", (0.1,), 100), ("adamax", (0.1,), 100),
            ("rmsprop", (0.05,), 100), ("rmsprop", (0.02, 0.9, 0.5, 1e-7, True), 60)]


@pytest.mark.leakcheck
@pytest.mark.parametrize("factory,args,steps", TRAINING, ids=[f"{t[0]}{t[1]}" for t in TRAINING])
def test_logistic_regression_trains(backend, factory, args, steps):
    x_np, y_np = _data(np.random.default_rng(92))
    x, y = wt.tensor(x_np), wt.tensor(y_np)
    w, b = var(np.zeros((2, 1), np.float32)), var(np.zeros(1, np.float32))
    opt = getattr(wt.train, factory)(*args)
    try:
        first = None
        for _ in range(steps):
            cost = opt.minimize(lambda: wt.losses.sigmoid_cross_entropy(y, x @ w + b), True)
            first = float(to_np(cost)) if first is None else first
            cost.dispose()
        out = wt.tidy(lambda: x @ w + b)
        logits = to_np(out)
        out.dispose()
        accuracy = np.mean((logits > 0) == (y_np > 0.5))
        assert accuracy >= 0.95, f"accuracy {accuracy:.3f}"
        assert first == pytest.approx(np.log(2), rel=1e-4)
    finally:
        wt.dispose([x, y, w, b])
        opt.dispose()


def test_two_layer_mlp_trains(backend):
    rng = np.random.default_rng(93)
    x_np = f32(rng.uniform(-1, 1, (200, 2)))
    y_np = f32((np.sum(x_np ** 2, 1) < 0.5)[:, None])  # inside vs outside a circle
    x, y = wt.tensor(x_np), wt.tensor(y_np)
    w1 = wt.variable(wt.random_normal((2, 16), 0, 1, seed=1))
    b1 = wt.variable(wt.zeros((16,)))
    w2 = wt.variable(wt.random_normal((16, 1), 0, 0.3, seed=2))
    b2 = wt.variable(wt.zeros((1,)))
    opt = wt.train.adam(0.05)

    def model():
        return wt.matmul(wt.tanh(wt.matmul(x, w1) + b1), w2) + b2
    for _ in range(300):
        opt.minimize(lambda: wt.losses.sigmoid_cross_entropy(y, model()))
    accuracy = np.mean((to_np(model()) > 0) == (y_np > 0.5))
    assert accuracy >= 0.95, f"accuracy {accuracy:.3f}"
    wt.dispose([x, y, w1, b1, w2, b2])
    opt.dispose()


def test_minimize_1000_steps_constant_memory(backend):
    w = wt.variable(wt.tensor([[0.5, -0.5], [1.0, 2.0]]))
    x = wt.tensor([[1.0, 2.0], [3.0, 4.0]])
    opt = wt.train.adam(0.01)

    def loss():
        return wt.mean(wt.square(wt.matmul(x, w) - 1.0))
    opt.minimize(loss)  # the first step creates the optimizer's slot variables
    before = wt.memory().num_tensors
    for i in range(1000):
        cost = opt.minimize(loss, return_cost=(i % 2 == 0))
        if cost is not None:
            cost.dispose()
    assert wt.memory().num_tensors == before
    assert float(to_np(loss())) < 0.05
    wt.dispose([w, x])
    opt.dispose()


@pytest.mark.leakcheck
@pytest.mark.parametrize("name,factory,args,ref", OPTIMIZERS, ids=IDS)
def test_each_optimizer_constant_memory(backend, name, factory, args, ref):
    v = var([1.0, -2.0])
    opt = getattr(wt.train, factory)(*args)
    opt.minimize(lambda: wt.sum(wt.square(v)))
    before = wt.memory().num_tensors
    for _ in range(20):
        opt.minimize(lambda: wt.sum(wt.square(v)))
    assert wt.memory().num_tensors == before
    opt.dispose()
    v.dispose()


def test_minimize_options(backend):
    a = wt.variable(wt.tensor([1.0]), name="mo_a")
    b = wt.variable(wt.tensor([2.0]), name="mo_b")
    frozen = wt.variable(wt.tensor([3.0]), trainable=False, name="mo_frozen")
    opt = wt.train.sgd(0.1)
    try:
        def f():
            return wt.sum(a * a + b * b + frozen * frozen)
        assert opt.minimize(f) is None
        assert_close(a, [0.8])
        assert_close(b, [1.6])
        assert_close(frozen, [3.0])
        cost = opt.minimize(f, return_cost=True, var_list=[b])
        assert_close(cost, 0.64 + 2.56 + 9.0)
        assert_close(a, [0.8])
        assert_close(b, [1.6 * 0.8])
        assert_close(frozen, [3.0])
    finally:
        wt.dispose([a, b, frozen])


def test_compute_and_apply_gradients(backend):
    a = wt.variable(wt.tensor([1.0, 2.0]), name="cg_a")
    opt = wt.train.sgd(0.5)
    result = opt.compute_gradients(lambda: wt.sum(a * a * a))
    assert_close(result.value, 9.0)
    assert_close(result.grads["cg_a"], [3.0, 12.0])
    opt.apply_gradients(result.grads)
    assert_close(a, [1.0 - 1.5, 2.0 - 6.0])
    opt.apply_gradients({"cg_a": wt.tensor([1.0, 1.0])})
    assert_close(a, [-1.0, -4.5])
    wt.dispose([a, result.value, list(result.grads.values())])


def test_minimize_in_a_loop_of_all_optimizers_together(backend):
    """Several optimizers and variables side by side keep independent state."""
    vs = [wt.variable(wt.tensor([3.0])) for _ in range(3)]
    opts = [wt.train.sgd(0.1), wt.train.adam(0.1), wt.train.rmsprop(0.1)]
    refs = [sgd_ref(0.1), adam_ref(0.1), rmsprop_ref(0.1)]
    xs, states = [np.array([3.0])] * 3, [{}, {}, {}]
    for t, (i, (v, opt)) in itertools.product(range(1, 4), enumerate(zip(vs, opts))):
        opt.minimize(lambda: wt.sum(wt.square(v)), var_list=[v])
        xs[i] = refs[i](xs[i], 2 * xs[i], states[i], t)
        np.testing.assert_allclose(to_np(v), xs[i], rtol=1e-4)
    wt.dispose(vs)
    [o.dispose() for o in opts]

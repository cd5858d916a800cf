"""Normalization, activation, permute / repeat_vector / embedding layers, regularizers and
constraints: forward values and gradients against NumPy, batch norm's moving statistics in
fit, the penalties in fit's loss, constraints after a step, configs and config errors."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, no_leaks, numeric_grads, run, to_np, tol

L = wt.layers


def bn_ref(x, mean, var, gamma, beta, eps, axis=-1):
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]
    r = lambda v: np.reshape(v, shape)
    return (x - r(mean)) / np.sqrt(r(var) + eps) * r(gamma) + r(beta)


def ln_ref(x, gamma, beta, eps, axes):
    mean, var = x.mean(axes, keepdims=True), x.var(axes, keepdims=True)
    shape = [x.shape[a] if a in axes else 1 for a in range(x.ndim)]
    return (x - mean) / np.sqrt(var + eps) * np.reshape(gamma, shape) + np.reshape(beta, shape)


def built(layer, shape):
    """The layer, built for inputs of `shape` (batch included) on a throwaway input."""
    with wt.tidy():
        layer(wt.zeros(shape))
    return layer


def param_grads(loss, variables):
    """d loss() / d each variable, as arrays (wt.variable_grads)."""
    result = wt.variable_grads(loss, variables)
    out = [to_np(result.grads[v.name]) for v in variables]
    wt.dispose([result.value] + list(result.grads.values()))
    return out


# ---------------------------------------------------------------- batch normalization

@pytest.mark.leakcheck
def test_batch_norm_inference_uses_the_moving_statistics(backend):
    rng = np.random.default_rng(0)
    x = f32(rng.normal(size=(5, 4)) * 3 + 1)
    layer = built(L.batch_normalization(epsilon=0.01), [5, 4])
    assert [w.name for w in layer.trainable_weights] == [f"{layer.name}/gamma", f"{layer.name}/beta"]
    assert [w.name for w in layer.non_trainable_weights] == [f"{layer.name}/moving_mean",
                                                             f"{layer.name}/moving_variance"]
    g, b, mm, mv = f32(rng.normal(size=4)), f32(rng.normal(size=4)), f32(rng.normal(size=4)), \
        f32(rng.uniform(0.5, 2, 4))
    layer.set_weights([g, b, mm, mv])
    with wt.tidy():
        assert_close(layer(wt.tensor(x)), bn_ref(x, mm, mv, g, b, 0.01), **tol(backend))
        assert_close(layer.moving_mean, mm)  # inference leaves them alone
    layer.dispose()


@pytest.mark.leakcheck
def test_batch_norm_training_call_uses_batch_moments_and_updates_moving_ones(backend):
    rng = np.random.default_rng(1)
    x = f32(rng.normal(size=(6, 2, 3)) * 2 - 1)  # channels first: normalize axis 1
    layer = built(L.batch_normalization(axis=1, momentum=0.9), [6, 2, 3])
    g, b = f32(rng.normal(size=2)), f32(rng.normal(size=2))
    mm, mv = f32(rng.normal(size=2)), f32(rng.uniform(0.5, 2, 2))
    layer.set_weights([g, b, mm, mv])
    x64 = x.astype(np.float64)
    mean, var = x64.mean((0, 2)), x64.var((0, 2))  # tfjs: moments, the biased variance
    with wt.tidy():
        assert_close(layer(wt.tensor(x), training=True), f32(bn_ref(x64, mean, var, g, b, 1e-3, 1)),
                     **tol(backend))
    assert_close(layer.moving_mean, f32(mm - (mm - mean) * 0.1), **tol(backend))
    assert_close(layer.moving_variance, f32(mv - (mv - var) * 0.1), **tol(backend))
    unbiased = mv - (mv - x64.var((0, 2), ddof=1)) * 0.1
    assert not np.allclose(to_np(layer.moving_variance), unbiased, rtol=1e-3)
    with wt.tidy():  # and with center and scale off: no gamma, no beta
        plain = built(L.batch_normalization(center=False, scale=False), [6, 2, 3])
        assert len(plain.weights) == 2
        assert_close(plain(wt.tensor(x), training=True),
                     f32(bn_ref(x64, x64.mean((0, 1)), x64.var((0, 1)), np.ones(3), np.zeros(3), 1e-3)), **tol(backend))
        plain.dispose()
    layer.dispose()


def test_batch_norm_moving_statistics_after_fit_and_predict_with_them(backend):
    rng = np.random.default_rng(2)
    x = f32(rng.normal(size=(12, 3)) * [1, 2, 3] + [0.5, -1, 2])
    y = f32(rng.normal(size=(12, 2)))
    bn = L.batch_normalization(momentum=0.8, input_shape=[3])
    dense = L.dense(units=2)
    m = wt.sequential([bn, dense])
    m.compile(optimizer=wt.train.sgd(0.1), loss="mse")
    run(m.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0))
    mm, mv = np.zeros(3), np.ones(3)
    for _ in range(2):
        for start in range(0, 12, 4):
            xb = x[start:start + 4].astype(np.float64)
            mm, mv = mm - (mm - xb.mean(0)) * 0.2, mv - (mv - xb.var(0)) * 0.2
    assert_close(bn.moving_mean, f32(mm), **tol(backend))
    assert_close(bn.moving_variance, f32(mv), **tol(backend))
    assert not np.allclose(to_np(bn.gamma), 1)  # gamma and beta did train
    g, b, k, c = (to_np(w) for w in (bn.gamma, bn.beta, dense.kernel, dense.bias))
    with no_leaks():
        out = m.predict(x)
        assert_close(out, f32(bn_ref(x, to_np(bn.moving_mean), to_np(bn.moving_variance), g, b, 1e-3) @ k + c),
                     **tol(backend))
        out.dispose()
    assert_close(bn.moving_mean, f32(mm), **tol(backend))  # predict did not update them
    m.dispose()


def test_batch_norm_gradients_match_finite_differences(backend):
    rng = np.random.default_rng(3)
    x = f32(rng.normal(size=(5, 3)))
    g, b = f32(rng.uniform(0.5, 1.5, 3)), f32(rng.normal(size=3))
    layer = built(L.batch_normalization(), [5, 3])
    layer.set_weights([g, b, np.zeros(3, np.float32), np.ones(3, np.float32)])
    ref = lambda v, gamma=g, beta=b: bn_ref(v, v.mean(0), v.var(0), gamma, beta, 1e-3)
    check_grad(lambda t: layer(t, training=True), ref, [x], backend)
    w = f32(rng.normal(size=(5, 3)))
    xt, wt_ = wt.tensor(x), wt.tensor(w)
    got = param_grads(lambda: wt.sum(layer(xt, training=True) * wt_), [layer.gamma, layer.beta])
    x64 = x.astype(np.float64)
    expected = numeric_grads(lambda gamma, beta: float(np.sum(ref(x64, gamma, beta) * w)), [g, b])
    for gr, e in zip(got, expected):
        np.testing.assert_allclose(gr, e, **tol(backend, "grad"))
    wt.dispose([xt, wt_])
    layer.dispose()


# ---------------------------------------------------------------- layer normalization

@pytest.mark.leakcheck
@pytest.mark.parametrize("axis", [-1, [1, 2]])
def test_layer_norm_forward_matches_numpy(backend, axis):
    rng = np.random.default_rng(4)
    x = f32(rng.normal(size=(3, 4, 5)) * 2 + 1)
    layer = built(L.layer_normalization(axis=axis, epsilon=1e-2), [3, 4, 5])
    axes = [2] if axis == -1 else axis
    shape = [x.shape[a] for a in axes]
    g, b = f32(rng.normal(size=shape)), f32(rng.normal(size=shape))
    assert [list(w.shape) for w in layer.weights] == [shape, shape]
    layer.set_weights([g, b])
    with wt.tidy():
        assert_close(layer(wt.tensor(x)), f32(ln_ref(x.astype(np.float64), g, b, 1e-2, tuple(axes))),
                     **tol(backend))
    layer.dispose()


def test_layer_norm_gradients_match_finite_differences(backend):
    rng = np.random.default_rng(5)
    x = f32(rng.normal(size=(3, 4)))
    g, b = f32(rng.uniform(0.5, 1.5, 4)), f32(rng.normal(size=4))
    layer = built(L.layer_normalization(), [3, 4])
    layer.set_weights([g, b])
    ref = lambda v, gamma=g, beta=b: ln_ref(v, gamma, beta, 1e-3, (1,))
    check_grad(lambda t: layer(t), ref, [x], backend)
    w = f32(rng.normal(size=(3, 4)))
    xt, wt_ = wt.tensor(x), wt.tensor(w)
    got = param_grads(lambda: wt.sum(layer(xt) * wt_), [layer.gamma, layer.beta])
    expected = numeric_grads(lambda gamma, beta: float(np.sum(ref(x.astype(np.float64), gamma, beta) * w)), [g, b])
    for gr, e in zip(got, expected):
        np.testing.assert_allclose(gr, e, **tol(backend, "grad"))
    wt.dispose([xt, wt_])
    layer.dispose()


# ---------------------------------------------------------------- activation layers

ACTIVATION_LAYERS = [
    ("re_lu", {}, lambda x: np.maximum(x, 0)),
    ("re_lu", {"max_value": 1.5}, lambda x: np.clip(x, 0, 1.5)),
    ("leaky_re_lu", {}, lambda x: np.where(x > 0, x, 0.3 * x)),
    ("leaky_re_lu", {"alpha": 0.1}, lambda x: np.where(x > 0, x, 0.1 * x)),
    ("elu", {}, lambda x: np.where(x > 0, x, np.expm1(x))),
    ("elu", {"alpha": 0.5}, lambda x: np.where(x > 0, x, 0.5 * np.expm1(x))),
    ("thresholded_re_lu", {}, lambda x: np.where(x > 1.0, x, 0)),
    ("thresholded_re_lu", {"theta": 0.5}, lambda x: np.where(x > 0.5, x, 0)),
    ("softmax", {}, lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True)),
    ("softmax", {"axis": 1}, lambda x: np.exp(x) / np.exp(x).sum(1, keepdims=True)),
    ("softmax", {"axis": [1, 2]}, lambda x: np.exp(x) / np.exp(x).sum((1, 2), keepdims=True)),
]


@pytest.mark.leakcheck
@pytest.mark.parametrize("name,kwargs,ref", ACTIVATION_LAYERS,
                         ids=[f"{n}-{k}" for n, k, _ in ACTIVATION_LAYERS])
def test_activation_layer_matches_numpy(backend, name, kwargs, ref):
    x = f32(np.linspace(-3, 3, 24).reshape(2, 3, 4) + 0.05)
    with wt.tidy():
        layer = getattr(L, name)(**kwargs)
        assert_close(layer(wt.tensor(x)), f32(ref(x.astype(np.float64))), **tol(backend, "trans"))
        assert layer.apply(wt.input(shape=[3, 4])).shape == [None, 3, 4]


def test_prelu_shared_axes_weights_and_gradient(backend):
    rng = np.random.default_rng(6)
    x = f32(rng.normal(size=(2, 3, 4)))
    layer = built(L.prelu(shared_axes=[1]), [2, 3, 4])
    assert list(layer.alpha.shape) == [1, 4]
    np.testing.assert_array_equal(to_np(layer.alpha), 0)  # tfjs: alpha starts at zeros
    alpha = f32(rng.uniform(0.1, 0.5, (1, 4)))
    layer.set_weights([alpha])
    ref = lambda v, a=alpha: np.where(v > 0, v, a * v)
    with wt.tidy():
        assert_close(layer(wt.tensor(x)), f32(ref(x)), **tol(backend))
    check_grad(lambda t: layer(t), ref, [x], backend)
    w = f32(rng.normal(size=x.shape))
    xt, wt_ = wt.tensor(x), wt.tensor(w)
    got, = param_grads(lambda: wt.sum(layer(xt) * wt_), [layer.alpha])
    expected, = numeric_grads(lambda a: float(np.sum(ref(x.astype(np.float64), a) * w)), [alpha])
    np.testing.assert_allclose(got, expected, **tol(backend, "grad"))
    with pytest.raises(ValueError, match=layer.name):  # shared axes fix the other sizes
        layer(wt.zeros([2, 5, 4]))
    wt.dispose([xt, wt_])
    layer.dispose()


# ---------------------------------------------------------------- permute, repeat_vector, embedding

def test_permute_and_repeat_vector(backend):
    rng = np.random.default_rng(7)
    x = f32(rng.normal(size=(2, 3, 4, 5)))
    with wt.tidy():
        p = L.permute(dims=[3, 1, 2])
        assert_close(p(wt.tensor(x)), np.transpose(x, (0, 3, 1, 2)))
        assert p.apply(wt.input(shape=[3, 4, 5])).shape == [None, 5, 3, 4]
        v = f32(rng.normal(size=(2, 3)))
        r = L.repeat_vector(n=4)
        assert_close(r(wt.tensor(v)), np.repeat(v[:, None, :], 4, axis=1))
        assert r.apply(wt.input(shape=[3])).shape == [None, 4, 3]
    check_grad(lambda t: L.repeat_vector(n=3)(t), lambda a: np.repeat(a[:, None, :], 3, axis=1),
               [f32(rng.normal(size=(2, 2)))], backend)


def test_embedding_lookup_shapes_initializer_and_one_sgd_step(backend):
    rng = np.random.default_rng(8)
    layer = L.embedding(input_dim=6, output_dim=2, input_length=3)
    m = wt.sequential([layer])
    assert m.outputs[0].shape == [None, 3, 2]
    table = to_np(layer.embeddings)
    assert np.abs(table).max() <= 0.05 and np.ptp(table) > 0.02  # tfjs: uniform(-0.05, 0.05)
    table = f32(rng.normal(size=(6, 2)))
    layer.set_weights([table])
    idx = np.array([[0, 2, 2], [5, 1, 2]])
    with wt.tidy():
        assert_close(layer(wt.tensor(idx, dtype="int32")), table[idx])
        assert_close(layer(wt.tensor(f32(idx))), table[idx])  # float indices are cast
        flat = wt.sequential([L.embedding(input_dim=6, output_dim=2, input_length=3), L.flatten(), L.dense(units=1)])
        assert flat.outputs[0].shape == [None, 1]
        flat.dispose()
    y = f32(rng.normal(size=(2, 3, 2)))
    m.compile(optimizer=wt.train.sgd(0.5), loss="mse")
    m.train_on_batch(f32(idx), y)
    g_out = 2 * (table[idx] - y) / y.size
    expected = table.astype(np.float64).copy()
    np.add.at(expected, idx, -0.5 * g_out)
    assert_close(layer.embeddings, f32(expected), **tol(backend, "grad"))
    np.testing.assert_array_equal(to_np(layer.embeddings)[[3, 4]], table[[3, 4]])  # unused rows
    m.dispose()


# ---------------------------------------------------------------- regularizers

def test_fit_loss_is_data_loss_plus_penalties_and_the_step_follows_them(backend):
    rng = np.random.default_rng(9)
    n, lr = 8, 0.1
    x, y = f32(rng.normal(size=(n, 3))), f32(rng.normal(size=(n, 2)))
    d = L.dense(units=2, input_shape=[3], kernel_regularizer=wt.layers.regularizers.l1l2(l1=0.01, l2=0.02),
                bias_regularizer=wt.layers.regularizers.l2(l2=0.1), activity_regularizer={
                    "class_name": "L1", "config": {"l1": 0.05}})
    m = wt.sequential([d])
    w, b = f32(rng.normal(size=(3, 2))), f32(rng.normal(size=2))
    m.set_weights([w, b])
    m.compile(optimizer=wt.train.sgd(lr), loss="mse")
    history = run(m.fit(x, y, epochs=1, batch_size=n, shuffle=False, verbose=0))
    x64, w64, b64 = x.astype(np.float64), w.astype(np.float64), b.astype(np.float64)
    out = x64 @ w64 + b64
    data = np.mean((out - y) ** 2)
    penalty = 0.01 * np.abs(w64).sum() + 0.02 * (w64 ** 2).sum() + 0.1 * (b64 ** 2).sum() + \
        0.05 * np.abs(out).sum() / n
    np.testing.assert_allclose(history.history["loss"][0], data + penalty, rtol=1e-5)
    g_out = 2 * (out - y) / out.size + 0.05 * np.sign(out) / n
    new_w = w64 - lr * (x64.T @ g_out + 0.01 * np.sign(w64) + 0.04 * w64)
    new_b = b64 - lr * (g_out.sum(0) + 0.2 * b64)
    assert_close(d.kernel, f32(new_w), **tol(backend, "grad"))
    assert_close(d.bias, f32(new_b), **tol(backend, "grad"))
    loss = m.evaluate(x, y)  # as tfjs: evaluate reports the data loss only
    assert_close(loss, f32(np.mean((x64 @ new_w + new_b - y) ** 2)), **tol(backend))
    penalties = m.losses
    assert len(penalties) == 2
    np.testing.assert_allclose(sum(p.item() for p in penalties),
                               0.01 * np.abs(new_w).sum() + 0.02 * (new_w ** 2).sum() + 0.1 * (new_b ** 2).sum(),
                               rtol=1e-4)
    wt.dispose(penalties + [loss])
    m.dispose()


def test_activity_penalty_in_a_nested_model_and_flat_memory(backend):
    rng = np.random.default_rng(10)
    x, y = f32(rng.normal(size=(6, 2))), f32(rng.normal(size=(6, 1)))
    # a frozen layer: its penalty is off the gradient tape, so only keep() saves it from the
    # nested model's tidy
    inner = wt.sequential([L.dense(units=3, input_shape=[2], activity_regularizer="l2", trainable=False),
                           L.batch_normalization(gamma_regularizer="l1")])
    outer = wt.sequential([inner, L.dense(units=1)])
    outer.compile(optimizer=wt.train.sgd(0.05), loss="mse")
    layers = inner.layers + [outer.layers[1]]
    (w1, b1), (g, beta, _, _), (w2, b2) = [[to_np(v) for v in layer.weights] for layer in layers]
    history = run(outer.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0))
    h = x.astype(np.float64) @ w1 + b1
    out = bn_ref(h, h.mean(0), h.var(0), g, beta, 1e-3) @ w2 + b2
    expected = np.mean((out - y) ** 2) + 0.01 * (h ** 2).sum() / 6 + 0.01 * np.abs(g).sum()
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-4)
    with no_leaks():
        run(outer.fit(x, y, epochs=2, batch_size=4, verbose=0))
        outer.train_on_batch(x, y)
    outer.dispose()


def test_regularizer_names_objects_and_configs(backend):
    R = wt.layers.regularizers
    assert R.get(None) is None
    r = R.get("l1l2")
    assert isinstance(r, R.L1L2) and (r.l1, r.l2) == (0.01, 0.01)  # tfjs defaults
    assert R.get("l1").get_config() == {"l1": 0.01, "l2": 0.0}
    assert R.serialize(R.l2(0.3)) == {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.3}}
    assert R.get({"class_name": "L2", "config": {"l2": 0.5}}).l2 == 0.5  # a Keras config
    assert R.get(R.serialize(r)).get_config() == r.get_config()
    with wt.tidy():
        v = f32([[1.0, -2.0], [0.5, 3.0]])
        np.testing.assert_allclose(R.l1l2(l1=0.1, l2=0.2)(wt.tensor(v)).item(),
                                   0.1 * np.abs(v).sum() + 0.2 * (v ** 2).sum(), rtol=1e-6)
    with pytest.raises(ValueError, match=r"unknown regularizer 'l3' \(valid: l1, l1_l2, l1l2, l2\)"):
        R.get("l3")
    with pytest.raises(ValueError, match=r"l1 must be a number >= 0"):
        R.l1(-1.0)


# ---------------------------------------------------------------- constraints

@pytest.mark.leakcheck
def test_constraint_projections_match_numpy(backend):
    C = wt.layers.constraints
    rng = np.random.default_rng(11)
    w = f32(rng.normal(size=(4, 3)) * 2)
    w64 = w.astype(np.float64)
    n0, n1 = np.linalg.norm(w64, axis=0, keepdims=True), np.linalg.norm(w64, axis=1, keepdims=True)
    cases = [
        (C.get("max_norm"), w64 * np.clip(n0, 0, 2) / (n0 + 1e-7)),  # tfjs: 2, axis 0
        (C.max_norm(max_value=0.5, axis=1), w64 * np.clip(n1, 0, 0.5) / (n1 + 1e-7)),
        (C.get("unitNorm"), w64 / (n0 + 1e-7)),
        (C.get("nonNeg"), np.maximum(w64, 0)),
        (C.min_max_norm(min_value=1.0, max_value=1.5, rate=0.5),
         w64 * (0.5 * np.clip(n0, 1.0, 1.5) + 0.5 * n0) / (n0 + 1e-7)),
        (C.unit_norm(axis=[0, 1]), w64 / (np.linalg.norm(w64) + 1e-7)),
    ]
    with wt.tidy():
        for c, expected in cases:
            assert_close(c(wt.tensor(w)), f32(expected), **tol(backend))
            assert C.get(C.serialize(c)).get_config() == c.get_config()


def test_constraints_hold_after_each_step(backend):
    rng = np.random.default_rng(12)
    x, y = f32(rng.normal(size=(8, 4))), f32(rng.normal(size=(8, 3)))
    d = L.dense(units=3, input_shape=[4], kernel_constraint=wt.layers.constraints.max_norm(max_value=0.5),
                bias_constraint="non_neg")
    m = wt.sequential([d])
    w, b = f32(rng.normal(size=(4, 3)) * 2), f32([0.05, -0.3, 0.4])
    m.set_weights([w, b])
    m.compile(optimizer=wt.train.sgd(0.1), loss="mse")
    m.train_on_batch(x, y)
    x64 = x.astype(np.float64)
    g_out = 2 * (x64 @ w + b - y) / y.size
    w1, b1 = w - 0.1 * x64.T @ g_out, b - 0.1 * g_out.sum(0)
    norms = np.linalg.norm(w1, axis=0, keepdims=True)
    assert_close(d.kernel, f32(w1 * np.clip(norms, 0, 0.5) / (norms + 1e-7)), **tol(backend, "grad"))
    assert_close(d.bias, f32(np.maximum(b1, 0)), **tol(backend, "grad"))
    e = L.embedding(input_dim=5, output_dim=3, embeddings_constraint=wt.layers.constraints.unit_norm(axis=1))
    m2 = wt.sequential([e])
    m2.compile(optimizer="sgd", loss="mse")
    run(m2.fit(f32([[0, 1], [2, 3]]), f32(rng.normal(size=(2, 2, 3))), epochs=2, verbose=0))
    np.testing.assert_allclose(np.linalg.norm(to_np(e.embeddings), axis=1), 1, rtol=1e-5)
    m.dispose()
    m2.dispose()


# ---------------------------------------------------------------- configs and errors

CONFIG_LAYERS = [
    (L.BatchNormalization, {"axis": 1, "momentum": 0.9, "epsilon": 0.01, "center": False,
                            "gamma_regularizer": "l2", "beta_constraint": "non_neg",
                            "moving_variance_initializer": "zeros"}),
    (L.LayerNormalization, {"axis": [1, 2], "epsilon": 1e-5, "scale": False}),
    (L.ReLU, {"max_value": 6.0}), (L.LeakyReLU, {"alpha": 0.2}), (L.ELU, {"alpha": 0.7}),
    (L.PReLU, {"shared_axes": [1, 2], "alpha_initializer": "ones", "alpha_constraint": "non_neg"}),
    (L.ThresholdedReLU, {"theta": 0.25}), (L.Softmax, {"axis": 1}),
    (L.Permute, {"dims": [2, 1]}), (L.RepeatVector, {"n": 3}),
    (L.Embedding, {"input_dim": 7, "output_dim": 2, "input_length": 4, "embeddings_regularizer": "l1"}),
    (L.Dense, {"units": 2, "kernel_regularizer": "l1l2", "activity_regularizer": "l2",
               "kernel_constraint": "max_norm", "bias_constraint": "non_neg"}),
]


@pytest.mark.parametrize("cls,kwargs", CONFIG_LAYERS, ids=[c.__name__ for c, _ in CONFIG_LAYERS])
def test_config_round_trip(backend, cls, kwargs):
    layer = cls(**kwargs)
    config = layer.get_config()
    for key, value in kwargs.items():
        if isinstance(value, str):  # a name becomes its {'class_name', 'config'}
            assert isinstance(config[key], dict) and config[key]["class_name"], key
        else:
            assert config[key] == value, key
    copy = cls.from_config({**config, "name": f"copy_of_{layer.name}"})
    assert copy.get_config() == {**config, "name": f"copy_of_{layer.name}"}


BAD_CONFIGS = [
    (lambda: L.batch_normalization(momentum=1.5), "momentum"),
    (lambda: L.batch_normalization(axis=[1, 2]), "axis must be an int"),
    (lambda: L.layer_normalization(epsilon=0), "epsilon"),
    (lambda: L.layer_normalization(axis="last"), "axis"),
    (lambda: L.permute(dims=[1, 3]), "permutation"),
    (lambda: L.repeat_vector(n=0), "n must be"),
    (lambda: L.embedding(input_dim=0, output_dim=2), "input_dim"),
    (lambda: L.prelu(shared_axes=[0]), "shared_axes"),
    (lambda: L.re_lu(max_value=-1), "max_value"),
    (lambda: L.leaky_re_lu(alpha="x"), "alpha"),
    (lambda: L.softmax(axis=1.5), "axis"),
]


@pytest.mark.parametrize("make,words", BAD_CONFIGS, ids=[w for _, w in BAD_CONFIGS])
def test_bad_config_names_the_layer(backend, make, words):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert words in message
    assert "_" in message.split(":")[0], f"no layer name in {message!r}"


def test_bad_shapes_at_build_name_the_layer(backend):
    cases = [(L.layer_normalization(axis=3, name="ln_x"), [2, 3]),
             (L.batch_normalization(axis=1, name="bn_x"), [2, None, 3]),
             (L.softmax(axis=2, name="sm_x"), [2, 3]),
             (L.permute(dims=[2, 1], name="pm_x"), [2, 3]),
             (L.repeat_vector(n=2, name="rv_x"), [2, 3, 4]),
             (L.prelu(shared_axes=[3], name="pr_x"), [2, 3])]
    for layer, shape in cases:
        with pytest.raises(ValueError, match=layer.name):
            layer.apply(wt.input(batch_shape=shape))
    with pytest.raises(ValueError, match="emb_y: input_length"):
        L.embedding(input_dim=3, output_dim=2, input_length=4, name="emb_y").apply(wt.input(shape=[5]))

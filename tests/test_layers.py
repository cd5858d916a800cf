"""The layers API: layers, functional and sequential models, compile/fit/evaluate/predict,
against NumPy references; memory stays flat; errors name what is wrong."""
import math
import re

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, f32, no_leaks, to_np, tol


def np_relu(x):
    return np.maximum(x, 0)


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def dense_ref(x, w, b, act=lambda v: v):
    return act(x @ w + b)


def numbered(name, prefix, cls):
    m = re.fullmatch(rf"{prefix}_{cls}(\d+)", name)
    assert m, f"name {name!r} is not {prefix}_{cls}<n>"
    return int(m.group(1))


# ---------------------------------------------------------------- layers

@pytest.mark.leakcheck
def test_dense_forward_matches_numpy(backend):
    rng = np.random.default_rng(0)
    x = f32(rng.normal(size=(5, 4)))
    w, b = f32(rng.normal(size=(4, 3))), f32(rng.normal(size=3))
    layer = wt.layers.dense(units=3, activation="relu")
    xt = wt.tensor(x)
    with wt.tidy():
        layer(xt)  # builds, with random weights
    layer.set_weights([w, b])
    out = layer.apply(xt)
    assert_close(out, dense_ref(x, w, b, np_relu), **tol(backend))
    x3 = f32(rng.normal(size=(2, 5, 4)))  # dense acts on the last axis of any rank
    x3t = wt.tensor(x3)
    out3 = layer(x3t)
    assert_close(out3, dense_ref(x3, w, b, np_relu), **tol(backend))
    wt.dispose([xt, out, x3t, out3])
    layer.dispose()


def test_layer_and_weight_names_count_per_class(backend):
    a, b, d = wt.layers.dense(units=2), wt.layers.dense(units=2), wt.layers.dropout(rate=0.5)
    na, nb = numbered(a.name, "dense", "Dense"), numbered(b.name, "dense", "Dense")
    assert nb == na + 1
    numbered(d.name, "dropout", "Dropout")
    a.apply(wt.input(shape=[3]))
    assert [w.name for w in a.weights] == [f"{a.name}/kernel", f"{a.name}/bias"]
    assert [w.name for w in a.trainable_weights] == [f"{a.name}/kernel", f"{a.name}/bias"]
    assert a.count_params() == 3 * 2 + 2
    twin = wt.layers.dense(units=2, name=a.name)  # same layer name: the variables get a suffix
    twin.apply(wt.input(shape=[3]))
    assert twin.weights[0].name == f"{a.name}/kernel_1"
    a.dispose()
    twin.dispose()


def test_symbolic_shapes_are_inferred(backend):
    x = wt.input(shape=[4, 6])
    assert x.shape == [None, 4, 6]
    d1, d2 = wt.layers.dense(units=3), wt.layers.dense(units=2)
    assert d1.apply(x).shape == [None, 4, 3]
    flat = wt.layers.flatten().apply(x)
    assert flat.shape == [None, 24]
    assert wt.layers.reshape(target_shape=[3, -1]).apply(flat).shape == [None, 3, 8]
    assert wt.layers.activation(activation="tanh").apply(flat).shape == [None, 24]
    y = wt.layers.input_layer(input_shape=[5]).output
    assert wt.layers.concatenate().apply([y, d2.apply(y)]).shape == [None, 7]
    d1.dispose()
    d2.dispose()


def test_untrainable_layer_moves_its_weights(backend):
    layer = wt.layers.dense(units=2, trainable=False)
    layer.apply(wt.input(shape=[3]))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    layer.trainable = True
    assert len(layer.trainable_weights) == 2 and layer.non_trainable_weights == []
    layer.dispose()


def test_dense_config_round_trip(backend):
    layer = wt.layers.dense(units=7, activation="softmax", use_bias=False, input_shape=[3],
                            kernel_initializer="heNormal")
    config = layer.get_config()
    for key in ("units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
                "batch_input_shape", "name", "trainable"):
        assert key in config
    assert config["units"] == 7 and config["activation"] == "softmax" and config["use_bias"] is False
    assert config["batch_input_shape"] == [None, 3]
    assert config["kernel_initializer"] == {"class_name": "HeNormal", "config": {"seed": None}}
    copy = wt.layers.Dense.from_config({**config, "name": "copy_of_dense"})
    assert copy.get_config() == {**config, "name": "copy_of_dense"}


@pytest.mark.leakcheck
def test_dropout_only_while_training(backend):
    x = wt.ones([200, 50])
    layer = wt.layers.dropout(rate=0.5)
    assert_close(layer(x), np.ones((200, 50), np.float32))
    dropped = wt.tidy(lambda: to_np(layer(x, training=True)))
    zeros = np.mean(dropped == 0)
    assert 0.4 < zeros < 0.6
    np.testing.assert_allclose(dropped[dropped != 0], 2.0, rtol=1e-6)  # survivors scaled 1/(1-rate)
    model = wt.sequential([wt.layers.dropout(rate=0.5, input_shape=[50])])
    with no_leaks():
        out = model.predict(x)
        assert_close(out, np.ones((200, 50), np.float32))
        assert out is not x
        out.dispose()
    wt.dispose(model.predict(x))  # the model's output is a new tensor: the caller's x stays
    assert not x.is_disposed
    x.dispose()


# ---------------------------------------------------------------- activations

ACTIVATION_REFS = {
    "linear": lambda x: x,
    "relu": np_relu,
    "relu6": lambda x: np.clip(x, 0, 6),
    "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
    "selu": lambda x: 1.0507009873554805 * np.where(x > 0, x, 1.6732632423543772 * np.expm1(x)),
    "sigmoid": np_sigmoid,
    "hard_sigmoid": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "tanh": np.tanh,
    "softmax": lambda x: np.exp(x) / np.exp(x).sum(-1, keepdims=True),
    "softplus": lambda x: np.log1p(np.exp(x)),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "swish": lambda x: x * np_sigmoid(x),
    "mish": lambda x: x * np.tanh(np.log1p(np.exp(x))),
    "gelu": lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2))),
}


@pytest.mark.leakcheck
@pytest.mark.parametrize("name", sorted(ACTIVATION_REFS))
def test_activation_matches_numpy(backend, name):
    x = f32(np.linspace(-4, 4, 24).reshape(3, 8))
    with wt.tidy():
        fn = wt.layers.activations.get(name)
        assert_close(fn(wt.tensor(x)), f32(ACTIVATION_REFS[name](x.astype(np.float64))), **tol(backend, "trans"))


def test_activation_names_in_both_spellings(backend):
    assert wt.layers.activations.get("hardSigmoid") is wt.layers.activations.get("hard_sigmoid")
    assert wt.layers.dense(units=1, activation="hardSigmoid").get_config()["activation"] == "hard_sigmoid"


def test_unknown_activation_suggests_close_names(backend):
    with pytest.raises(ValueError, match=r"unknown activation 'rleu'; did you mean 'relu'"):
        wt.layers.dense(units=2, activation="rleu")
    with pytest.raises(ValueError, match=r"did you mean 'softmax'"):
        wt.layers.activation(activation="softmaxx")


# ---------------------------------------------------------------- initializers

def test_glorot_uniform_limit_and_variance(backend):
    fan_in, fan_out = 300, 500
    limit = math.sqrt(6 / (fan_in + fan_out))
    layer = wt.layers.dense(units=fan_out)
    layer.apply(wt.input(shape=[fan_in]))
    k = to_np(layer.kernel)
    assert np.abs(k).max() <= limit * (1 + 1e-6)
    assert np.abs(k).max() > 0.99 * limit
    assert abs(k.var() - limit ** 2 / 3) < 0.02 * limit ** 2 / 3   # uniform(-l, l): variance l^2/3
    assert abs(k.mean()) < 0.01 * limit
    np.testing.assert_array_equal(to_np(layer.bias), 0)
    layer.dispose()


@pytest.mark.leakcheck
def test_initializers_by_name_object_and_config(backend):
    shape = [400, 300]
    stats = {  # name -> expected stddev
        "he_normal": math.sqrt(2 / 400), "lecunNormal": math.sqrt(1 / 400),
        "he_uniform": math.sqrt(6 / 400) / math.sqrt(3), "glorotNormal": math.sqrt(2 / 700),
        "random_normal": 0.05, "randomUniform": 0.05 / math.sqrt(3),
    }
    for name, std in stats.items():
        with wt.tidy():
            values = to_np(wt.initializers.get(name)(shape))
        # tfjs draws 'normal' scaling from a truncated normal (no 0.88 correction): std * 0.88
        expected = std * (0.8796 if name in ("he_normal", "lecunNormal", "glorotNormal") else 1)
        assert abs(values.std() - expected) < 0.03 * expected, name
    with wt.tidy():
        assert_close(wt.initializers.constant(value=2.5)([2, 3]), np.full((2, 3), 2.5, np.float32))
        assert_close(wt.initializers.get("ones")([2]), np.ones(2, np.float32))
        assert_close(wt.initializers.get({"class_name": "Identity", "config": {"gain": 3}})([3, 3]),
                     3 * np.eye(3, dtype=np.float32))
        q = to_np(wt.initializers.orthogonal(seed=1)([6, 4]))
        np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-5)
        vs = wt.initializers.variance_scaling(scale=3.0, mode="fan_out", distribution="uniform")
        v = to_np(vs([200, 100]))
        assert np.abs(v).max() <= math.sqrt(9 / 100) * (1 + 1e-6) and np.abs(v).max() > 0.29
    with pytest.raises(ValueError, match="did you mean 'glorot_uniform'"):
        wt.initializers.get("glorot_unifrom")


def test_initializer_object_on_a_layer(backend):
    layer = wt.layers.dense(units=2, kernel_initializer=wt.initializers.ones(),
                            bias_initializer=wt.initializers.constant(value=-1.0))
    layer.apply(wt.input(shape=[3]))
    assert_close(layer.kernel, np.ones((3, 2), np.float32))
    assert_close(layer.bias, np.full(2, -1.0, np.float32))
    layer.dispose()


# ---------------------------------------------------------------- losses and metrics

EPS = 1e-7


def _np_bce(t, p):
    p = np.clip(p, EPS, 1 - EPS)
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), -1)


def _np_cce(t, p):
    p = np.clip(p / p.sum(-1, keepdims=True), EPS, 1 - EPS)
    return -np.sum(t * np.log(p), -1)


def _l2n(x):
    return x / np.sqrt(np.maximum((x ** 2).sum(-1, keepdims=True), EPS))


LOSS_REFS = {  # tfjs-layers' formulas, per sample
    "mean_squared_error": lambda t, p: np.mean((t - p) ** 2, -1),
    "mean_absolute_error": lambda t, p: np.mean(np.abs(t - p), -1),
    "mean_absolute_percentage_error": lambda t, p: 100 * np.mean(np.abs((t - p) / np.maximum(np.abs(t), EPS)), -1),
    "mean_squared_logarithmic_error": lambda t, p: np.mean(
        (np.log1p(np.maximum(p, EPS)) - np.log1p(np.maximum(t, EPS))) ** 2, -1),
    "squared_hinge": lambda t, p: np.mean(np.maximum(1 - t * p, 0) ** 2, -1),
    "hinge": lambda t, p: np.mean(np.maximum(1 - t * p, 0), -1),
    "categorical_hinge": lambda t, p: np.maximum(0, 1 + np.max((1 - t) * p, -1) - np.sum(t * p, -1)),
    "logcosh": lambda t, p: np.mean(np.log(np.cosh(p - t)), -1),
    "categorical_crossentropy": _np_cce,
    "binary_crossentropy": _np_bce,
    "kullback_leibler_divergence": lambda t, p: np.sum(
        t * np.log(np.clip(t, EPS, 1) / np.clip(p, EPS, 1)), -1),
    "poisson": lambda t, p: np.mean(p - t * np.log(p + EPS), -1),
    "cosine_proximity": lambda t, p: -np.sum(_l2n(t) * _l2n(p), -1),
}


def _loss_data():
    rng = np.random.default_rng(3)
    t = rng.uniform(0, 1, (4, 3))
    t = t / t.sum(-1, keepdims=True)  # a distribution per row: valid for every loss
    p = rng.uniform(0.05, 1, (4, 3))
    p = p / p.sum(-1, keepdims=True)
    return t, p


@pytest.mark.leakcheck
@pytest.mark.parametrize("name", sorted(LOSS_REFS))
def test_loss_matches_numpy(backend, name):
    t, p = _loss_data()
    if name in ("hinge", "squared_hinge", "categorical_hinge"):
        t = np.sign(t - 1 / 3)
    camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
    with wt.tidy():
        for spelling in (name, camel):
            fn = wt.layers.losses.get(spelling)
            assert_close(fn(wt.tensor(f32(t)), wt.tensor(f32(p))), f32(LOSS_REFS[name](t, p)),
                         **tol(backend, "trans"))


@pytest.mark.leakcheck
def test_sparse_crossentropy_and_aliases(backend):
    t, p = _loss_data()
    labels = np.array([[2], [0], [1], [2]], np.float32)
    with wt.tidy():
        got = wt.layers.losses.get("sparseCategoricalCrossentropy")(wt.tensor(labels), wt.tensor(f32(p)))
        assert_close(got, f32(_np_cce(np.eye(3)[labels[:, 0].astype(int)], p)), **tol(backend, "trans"))
    L = wt.layers.losses
    assert L.get("mse") is L.get("MSE") is L.get("meanSquaredError") is L.mean_squared_error
    assert L.get("mae") is L.mean_absolute_error
    with pytest.raises(ValueError, match="unknown loss 'mean_sqared_error'; did you mean 'mean_squared_error'"):
        L.get("mean_sqared_error")


@pytest.mark.leakcheck
def test_metrics_match_numpy(backend):
    M = wt.layers.metrics
    t = f32([[1], [0], [1], [1], [0]])
    p = f32([[0.9], [0.6], [0.4], [0.7], [0.1]])
    hard = p > 0.5
    tp, fp, fn = np.sum(hard & (t == 1)), np.sum(hard & (t == 0)), np.sum(~hard & (t == 1))
    with wt.tidy():
        T, P = wt.tensor(t), wt.tensor(p)
        assert_close(M.binary_accuracy(T, P), f32((t == hard).mean(-1)))
        assert_close(M.precision(T, P), f32(tp / (tp + fp)))
        assert_close(M.recall(T, P), f32(tp / (tp + fn)))
        probs = f32([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.2, 0.6]])
        onehot = f32([[0, 1, 0], [0, 0, 1], [0, 0, 1]])
        assert_close(M.categorical_accuracy(wt.tensor(onehot), wt.tensor(probs)), f32([1, 0, 1]))
        assert_close(M.sparse_categorical_accuracy(wt.tensor(f32([[1], [2], [2]])), wt.tensor(probs)),
                     f32([1, 0, 1]))


def test_accuracy_is_chosen_from_the_loss(backend):
    M = wt.layers.metrics
    L = wt.layers.losses
    assert M.get("accuracy", L.binary_crossentropy, [None, 3]) == ("acc", M.binary_accuracy)
    assert M.get("acc", L.mean_squared_error, [None, 1]) == ("acc", M.binary_accuracy)
    assert M.get("accuracy", L.categorical_crossentropy, [None, 3]) == ("acc", M.categorical_accuracy)
    assert M.get("accuracy", L.sparse_categorical_crossentropy, [None, 3]) == \
        ("acc", M.sparse_categorical_accuracy)
    assert M.get("mse", None, [None, 1]) == ("mse", L.mean_squared_error)


def test_optimizer_names_get_tfjs_defaults(backend):
    expected = {"sgd": (wt.train.SGD, 0.01), "adam": (wt.train.Adam, 0.001),
                "rmsprop": (wt.train.RMSProp, 0.001), "adagrad": (wt.train.Adagrad, 0.01),
                "adadelta": (wt.train.Adadelta, 1.0), "adamax": (wt.train.Adamax, 0.002),
                "RMSProp": (wt.train.RMSProp, 0.001)}
    for name, (cls, lr) in expected.items():
        m = wt.sequential([wt.layers.dense(units=1, input_shape=[2])])
        m.compile(optimizer=name, loss="mse")
        assert type(m.optimizer) is cls and m.optimizer.learning_rate == lr, name
        m.dispose()


def test_dot_layer_against_numpy(backend):
    rng = np.random.default_rng(7)
    a, b = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
    assert_close(wt.layers.dot(axes=1)([wt.tensor(a), wt.tensor(b)]), (a * b).sum(1, keepdims=True), rtol=1e-4)
    an, bn = (v / np.linalg.norm(v, axis=1, keepdims=True) for v in (a, b))
    assert_close(wt.layers.dot(axes=-1, normalize=True)([wt.tensor(a), wt.tensor(b)]),
                 (an * bn).sum(1, keepdims=True), rtol=1e-4, atol=1e-5)
    x, y = rng.normal(size=(2, 3, 4)).astype(np.float32), rng.normal(size=(2, 3, 2)).astype(np.float32)
    assert_close(wt.layers.dot(axes=1)([wt.tensor(x), wt.tensor(y)]), np.einsum("bij,bik->bjk", x, y),
                 rtol=1e-4, atol=1e-5)
    assert wt.layers.dot(axes=[2, 1]).apply([wt.input(shape=[3, 4]), wt.input(shape=[4, 5])]).shape == [None, 3, 5]
    with pytest.raises(ValueError, match="differ"):
        wt.layers.dot(axes=1).apply([wt.input(shape=[3]), wt.input(shape=[4])])

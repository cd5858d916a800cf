"""Functional and sequential models: graphs, shared layers, summary, weights, dispose;
compile/fit/evaluate/predict against NumPy; flat memory; callbacks; errors."""
import re

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, f32, no_leaks, run, to_np, tol


def mlp(n_in=3, hidden=4, n_out=2, **first):
    return wt.sequential([wt.layers.dense(units=hidden, input_shape=[n_in], activation="relu", **first),
                          wt.layers.dense(units=n_out)])


def separable(n=200, seed=0):
    rng = np.random.default_rng(seed)
    x = f32(rng.normal(size=(n, 2)))
    return x, f32((x[:, :1] - 0.5 * x[:, 1:] > 0))


# ---------------------------------------------------------------- graphs

@pytest.mark.leakcheck
def test_functional_two_inputs_concatenate_and_add(backend):
    rng = np.random.default_rng(1)
    a, b = wt.input(shape=[3], name="a_in"), wt.input(shape=[2], name="b_in")
    joined = wt.layers.concatenate().apply([a, b])
    d1, d2, d3 = wt.layers.dense(units=4), wt.layers.dense(units=4), wt.layers.dense(units=4)
    y = wt.layers.add().apply([d1.apply(joined), d2.apply(b)])
    out = d3.apply(y)
    m = wt.model(inputs=[a, b], outputs=out)
    assert [l.name for l in m.layers[:2]] == ["a_in", "b_in"]
    ws = [f32(rng.normal(size=s)) for s in [(5, 4), (4,), (2, 4), (4,), (4, 4), (4,)]]
    m.set_weights(ws)
    xa, xb = f32(rng.normal(size=(6, 3))), f32(rng.normal(size=(6, 2)))
    ref = (np.concatenate([xa, xb], 1) @ ws[0] + ws[1] + xb @ ws[2] + ws[3]) @ ws[4] + ws[5]
    got = m.predict([xa, xb])
    assert_close(got, ref, **tol(backend))
    got2 = m.predict({"a_in": xa, "b_in": xb})
    assert_close(got2, ref, **tol(backend))
    wt.dispose([got, got2])
    m.dispose()


@pytest.mark.leakcheck
def test_shared_layer_counted_once_and_two_outputs(backend):
    x1, x2 = wt.input(shape=[3]), wt.input(shape=[3])
    shared = wt.layers.dense(units=2, activation="tanh")
    y1, y2 = shared.apply(x1), shared.apply(x2)
    m = wt.model(inputs=[x1, x2], outputs=[y1, y2])
    assert len(shared.inbound_nodes) == 2
    assert len(m.weights) == 2 and m.count_params() == 3 * 2 + 2
    lines = []
    m.summary(print_fn=lines.append)
    assert any("multiple" in line for line in lines)
    assert "Total params: 8" in lines
    k, bias = to_np(shared.kernel), to_np(shared.bias)
    v1, v2 = f32(np.arange(6).reshape(2, 3) / 6), f32(-np.arange(6).reshape(2, 3) / 6)
    o1, o2 = m.predict([v1, v2])
    assert_close(o1, np.tanh(v1 @ k + bias), **tol(backend, "trans"))
    assert_close(o2, np.tanh(v2 @ k + bias), **tol(backend, "trans"))
    wt.dispose([o1, o2])
    m.dispose()


def test_deep_graph_runs_without_recursion(backend):
    x = wt.input(shape=[2])
    y = x
    for _ in range(1500):  # deeper than Python's recursion limit allows a recursive walk
        y = wt.layers.activation(activation="linear").apply(y)
    m = wt.model(inputs=x, outputs=y)
    out = m.predict(f32([[1, 2]]))
    assert_close(out, f32([[1, 2]]))
    out.dispose()


def test_disconnected_graph_raises(backend):
    x, other = wt.input(shape=[2]), wt.input(shape=[2], name="stray_input")
    layer = wt.layers.dense(units=1)
    y = layer.apply(other)
    with pytest.raises(ValueError, match="graph disconnected.*'stray_input'"):
        wt.model(inputs=x, outputs=y)
    with pytest.raises(TypeError, match="SymbolicTensors"):
        wt.model(inputs=x, outputs=[y, 1.0])
    layer.dispose()


def test_model_as_a_layer(backend):
    inner = mlp(3, 4, 2)
    x = wt.input(shape=[3])
    outer = wt.model(inputs=x, outputs=wt.layers.dense(units=1).apply(inner.apply(x)))
    assert outer.count_params() == inner.count_params() + 3
    data = f32(np.ones((2, 3)))
    with wt.tidy():
        direct = to_np(outer.layers[2].apply(inner.predict(data)))
        np.testing.assert_allclose(to_np(outer.predict(data)), direct, rtol=1e-5)
    outer.dispose()


# ---------------------------------------------------------------- sequential, summary, weights

def test_sequential_summary_totals_and_layers(backend):
    m = wt.sequential()
    m.add(wt.layers.dense(units=16, input_shape=[8], activation="relu"))
    m.add(wt.layers.dropout(rate=0.2))
    m.add(wt.layers.dense(units=3, activation="softmax"))
    assert [type(l).__name__ for l in m.layers] == ["Dense", "Dropout", "Dense"]
    assert m.get_layer(m.layers[2].name) is m.layers[2]
    assert m.outputs[0].shape == [None, 3]
    lines = []
    m.summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert m.count_params() == 8 * 16 + 16 + 16 * 3 + 3 == 195
    assert "Total params: 195" in text and "Trainable params: 195" in text
    assert re.search(rf"{m.layers[0].name} \(Dense\)\s+\[None, 16\]\s+144", text)
    assert re.search(rf"{m.layers[1].name} \(Dropout\)\s+\[None, 16\]\s+0", text)
    m.layers[0].trainable = False
    lines.clear()
    m.summary(print_fn=lines.append)
    assert "Trainable params: 51" in lines and "Non-trainable params: 144" in lines
    m.dispose()


def test_sequential_with_input_layer(backend):
    m = wt.sequential([wt.layers.input_layer(input_shape=[5]), wt.layers.dense(units=2)])
    assert m.outputs[0].shape == [None, 2] and len(m.layers) == 1
    m.dispose()


@pytest.mark.leakcheck
def test_get_set_weights_round_trip(backend):
    rng = np.random.default_rng(2)
    m1, m2 = mlp(), mlp()
    values = [f32(rng.normal(size=w.shape)) for w in m1.weights]
    m1.set_weights(values)
    for w, v in zip(m1.get_weights(), values):
        assert_close(w, v)
    m2.set_weights(m1.get_weights())
    x = f32(rng.normal(size=(4, 3)))
    p1, p2 = m1.predict(x), m2.predict(x)
    np.testing.assert_allclose(to_np(p1), to_np(p2), rtol=1e-6)
    ref = np.maximum(x @ values[0] + values[1], 0) @ values[2] + values[3]
    assert_close(p1, ref, **tol(backend))
    with pytest.raises(ValueError, match="expected 4"):
        m1.set_weights(values[:3])
    with pytest.raises(ValueError, match=r"has shape \[3, 4\], got a value of shape \[4, 3\]"):
        m1.set_weights([values[0].T] + values[1:])
    wt.dispose([p1, p2])
    m1.dispose()
    m2.dispose()


def test_dispose_100_models_leaves_memory_flat(backend):
    x, y = f32(np.ones((4, 3))), f32(np.zeros((4, 2)))
    before = wt.memory().num_tensors
    for _ in range(100):
        m = mlp()
        m.compile(optimizer="adam", loss="mse")
        m.train_on_batch(x, y)  # adam's slots now exist: dispose takes them too
        assert wt.memory().num_tensors == before + 4 + 8
        m.dispose()
    assert wt.memory().num_tensors == before


def test_shared_layer_outlives_the_first_model(backend):
    layer = wt.layers.dense(units=2, input_shape=[3])
    m1, m2 = wt.sequential([layer]), wt.sequential([layer])
    m1.dispose()
    assert not layer.kernel.is_disposed
    m2.dispose()
    assert layer.kernel.is_disposed


# ---------------------------------------------------------------- training

def test_fit_reaches_high_accuracy_on_a_separable_problem(backend):
    x, y = separable()
    m = wt.sequential([wt.layers.dense(units=1, input_shape=[2], activation="sigmoid")])
    m.compile(optimizer=wt.train.adam(0.1), loss="binary_crossentropy", metrics=["accuracy"])
    history = run(m.fit(x, y, epochs=20, batch_size=32, verbose=0))
    assert history.epoch == list(range(20))
    assert set(history.history) == {"loss", "acc"}
    assert history.history["acc"][-1] > 0.95
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = m.evaluate(x, y)
    assert acc.item() > 0.95 and loss.item() < 0.3
    wt.dispose([loss, acc])
    m.optimizer.dispose()
    m.dispose()


def test_one_full_batch_sgd_epoch_is_one_numpy_gradient_step(backend):
    rng = np.random.default_rng(5)
    n, lr = 8, 0.5
    x, y = f32(rng.normal(size=(n, 3))), f32(rng.normal(size=(n, 2)))
    m = mlp(3, 4, 2)
    w1, b1, w2, b2 = [f32(rng.normal(size=w.shape)) for w in m.weights]
    m.set_weights([w1, b1, w2, b2])
    m.compile(optimizer=wt.train.sgd(lr), loss="meanSquaredError")
    history = run(m.fit(x, y, epochs=1, batch_size=n, shuffle=False, verbose=0))
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    z1 = x64 @ w1 + b1
    a1 = np.maximum(z1, 0)
    out = a1 @ w2 + b2
    g = 2 * (out - y64) / out.size  # d mean((out - y)^2) / d out
    dz1 = (g @ w2.T) * (z1 > 0)
    expected = [w1 - lr * x64.T @ dz1, b1 - lr * dz1.sum(0), w2 - lr * a1.T @ g, b2 - lr * g.sum(0)]
    for w, e in zip(m.weights, expected):
        assert_close(w, f32(e), **tol(backend, "grad"))
    np.testing.assert_allclose(history.history["loss"][0], np.mean((out - y64) ** 2), rtol=1e-4)
    m.dispose()


def test_fit_memory_is_flat_over_epochs(backend):
    x, y = separable(100)
    xt, yt = wt.tensor(x), wt.tensor(y)
    m = wt.sequential([wt.layers.dense(units=8, input_shape=[2], activation="relu"),
                       wt.layers.dropout(rate=0.3),
                       wt.layers.dense(units=1, activation="sigmoid")])
    m.compile(optimizer="adam", loss="binary_crossentropy", metrics=["acc", "precision", "recall"])
    before = wt.memory().num_tensors
    counts = []
    probe = wt.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: counts.append(wt.memory().num_tensors))
    run(m.fit(xt, yt, epochs=1, batch_size=16, verbose=0))
    slots = len(m.optimizer.get_weights())
    assert slots == 2 * 4 and wt.memory().num_tensors == before + slots
    history = run(m.fit(xt, yt, epochs=4, batch_size=16, validation_split=0.25, verbose=0,
                        callbacks=[probe]))
    assert len(set(counts)) == 1, counts
    assert wt.memory().num_tensors == before + slots
    assert not xt.is_disposed and not yt.is_disposed  # a caller's tensors are never disposed
    assert set(history.history) == {"loss", "acc", "precision", "recall", "val_loss", "val_acc",
                                    "val_precision", "val_recall"}
    with no_leaks():
        run(m.fit(x.tolist(), y.tolist(), epochs=2, verbose=0))  # nested lists work too
    wt.dispose([xt, yt])
    m.dispose()


@pytest.mark.leakcheck
def test_evaluate_and_predict_batches(backend):
    rng = np.random.default_rng(7)
    m = mlp(3, 5, 2)
    m.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = f32(rng.normal(size=(70, 3))), f32(rng.normal(size=(70, 2)))
    w1, b1, w2, b2 = [to_np(w) for w in m.weights]
    ref = np.maximum(x @ w1 + b1, 0) @ w2 + b2
    with no_leaks():
        p = m.predict(x, batch_size=16)  # five batches, the last of 6
        assert_close(p, ref, **tol(backend))
        p.dispose()
    loss, mae = m.evaluate(x, y, batch_size=16)
    assert_close(loss, f32(np.mean((ref - y) ** 2)), **tol(backend))
    assert_close(mae, f32(np.mean(np.abs(ref - y))), **tol(backend))
    wt.dispose([loss, mae])
    m.compile(optimizer="sgd", loss="mse")
    only = m.evaluate(x, y)
    assert isinstance(only, wt.Tensor) and only.shape == ()
    only.dispose()
    p = m.predict_on_batch(x[:3])
    assert_close(p, ref[:3], **tol(backend))
    p.dispose()
    m.dispose()


def test_multi_output_losses_by_dict_and_logs(backend):
    x = wt.input(shape=[2])
    h = wt.layers.dense(units=4, activation="relu").apply(x)
    reg, cls = wt.layers.dense(units=1, name="reg").apply(h), \
        wt.layers.dense(units=3, activation="softmax", name="cls").apply(h)
    m = wt.model(inputs=x, outputs=[reg, cls])
    m.compile(optimizer="adam", loss={"reg": "mse", "cls": "sparse_categorical_crossentropy"},
              metrics={"cls": ["accuracy"]})
    data = f32(np.random.default_rng(0).normal(size=(20, 2)))
    labels = f32(np.arange(20) % 3)[:, None]
    history = run(m.fit(data, {"reg": data[:, :1], "cls": labels}, epochs=2, verbose=0))
    assert set(history.history) == {"loss", "reg_loss", "cls_loss", "cls_acc"}
    h = history.history
    np.testing.assert_allclose(h["loss"][0], h["reg_loss"][0] + h["cls_loss"][0], rtol=1e-5)
    m.optimizer.dispose()
    m.dispose()


# ---------------------------------------------------------------- callbacks

def test_callbacks_hooks_order_and_early_stopping(backend, capsys):
    x, y = separable(64)
    m = wt.sequential([wt.layers.dense(units=1, input_shape=[2], activation="sigmoid")])
    m.compile(optimizer=wt.train.sgd(0.0), loss="binary_crossentropy")  # the loss never improves
    events = []

    class Recorder(wt.callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append("train_begin")

        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"epoch_begin {epoch}")

        async def on_batch_end(self, batch, logs=None):  # an async hook is awaited
            events.append(f"batch_end {batch} {logs['size']} {logs['loss'] > 0}")

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch} {sorted(logs)}")

        def on_train_end(self, logs=None):
            events.append("train_end")
    stopper = wt.callbacks.early_stopping(monitor="loss", patience=2)
    history = run(m.fit(x, y, epochs=50, batch_size=40, shuffle=False, verbose=1,
                        callbacks=[Recorder(), stopper]))
    assert history.epoch == [0, 1, 2]  # epoch 0 sets the best, 1 and 2 do not beat it
    assert events[:5] == ["train_begin", "epoch_begin 0", "batch_end 0 40 True", "batch_end 1 24 True",
                          "epoch_end 0 ['loss']"]
    assert events[-1] == "train_end" and events.count("train_begin") == 1
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) == 6 and printed[0] == "Epoch 1/50"  # two lines an epoch: not a terminal
    assert re.match(r"2/2 \[=+\] - \d+ms - loss: \d\.\d{4}$", printed[1]), printed[1]
    seen = []
    run(m.fit(x, y, epochs=2, verbose=0, callbacks={"onEpochEnd": lambda e, logs: seen.append(e)}))
    assert seen == [0, 1]
    m.dispose()


# ---------------------------------------------------------------- errors

def test_wrong_input_shape_names_the_layer(backend):
    m = wt.sequential([wt.layers.dense(units=10, input_shape=[784])])
    name = m.layers[0].name
    with pytest.raises(ValueError, match=re.escape(f"{name}: expected input shape [None, 784], got [32, 783]")):
        m.predict(np.zeros((32, 783), np.float32))
    layer = wt.layers.dense(units=2)
    with wt.tidy():
        layer(wt.zeros([1, 5]))
        with pytest.raises(ValueError, match=re.escape(f"{layer.name}: expected input shape [1, 5], got [1, 4]")):
            layer(wt.zeros([1, 4]))
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=re.escape(f"{name}: expected target shape [None, 10], got [4, 9]")):
        m.train_on_batch(np.zeros((4, 784)), np.zeros((4, 9)))
    m.dispose()
    layer.dispose()


def test_fit_before_compile_and_other_errors(backend):
    m = mlp()
    with pytest.raises(RuntimeError, match="compile the model before fit"):
        run(m.fit(np.zeros((2, 3)), np.zeros((2, 2))))
    with pytest.raises(RuntimeError, match="compile the model before evaluate"):
        m.evaluate(np.zeros((2, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unknown loss 'meanSquaredErorr'; did you mean 'mean_squared_error'"):
        m.compile(optimizer="sgd", loss="meanSquaredErorr")
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'; did you mean 'adam'"):
        m.compile(optimizer="adamm", loss="mse")
    m.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="same number of samples"):
        run(m.fit(np.zeros((3, 3)), np.zeros((2, 2)), verbose=0))
    with pytest.raises(ValueError, match="needs an input_shape"):
        wt.sequential([wt.layers.dense(units=2)])
    m.dispose()


def _dataset_model():
    model = wt.sequential([wt.layers.dense(units=1, input_shape=[2], kernel_initializer="zeros")])
    model.compile(optimizer=wt.train.sgd(0.1), loss="mean_squared_error")
    return model


def test_fit_dataset_matches_fit_on_the_same_batches(backend):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(12, 2)).astype(np.float32)
    y = (x @ np.array([[1.5], [-2.0]], np.float32) + 0.5).astype(np.float32)
    a, b = _dataset_model(), _dataset_model()
    try:
        ha = run(a.fit(x, y, epochs=3, batch_size=4, shuffle=False, verbose=0))
        batches = [(x[i:i + 4], y[i:i + 4]) for i in range(0, 12, 4)]
        hb = run(b.fit_dataset(batches, epochs=3, verbose=0, validation_data=(x, y)))
        assert np.allclose(ha.history["loss"], hb.history["loss"], rtol=1e-5)
        assert len(hb.history["val_loss"]) == 3
        for wa, wb in zip(a.get_weights(), b.get_weights()):
            assert np.allclose(wa.numpy(), wb.numpy(), rtol=1e-5, atol=1e-6)
        def generate():  # a generator function: a fresh iterator per epoch, {"xs", "ys"} items
            for i in range(0, 12, 4):
                yield {"xs": x[i:i + 4], "ys": y[i:i + 4]}
        before = wt.memory().num_tensors
        hc = run(b.fit_dataset(generate, epochs=2, batches_per_epoch=2, verbose=0))
        assert len(hc.history["loss"]) == 2 and wt.memory().num_tensors == before
        with pytest.raises(ValueError, match="one-shot iterator"):
            run(b.fit_dataset(generate(), epochs=2, verbose=0))
    finally:
        a.dispose()
        b.dispose()


def test_fit_with_class_weight_weights_each_samples_loss(backend):
    x = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, 0.0]], np.float32)
    y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 1, 0]], np.float32)
    weights = {0: 1.0, 1: 3.0, 2: 0.5}

    def model():
        m = wt.sequential([wt.layers.dense(units=3, activation="softmax", input_shape=[2],
                                           kernel_initializer="ones", bias_initializer="zeros")])
        m.compile(optimizer=wt.train.sgd(0.0), loss="categorical_crossentropy")
        return m
    m = model()
    try:
        h = run(m.fit(x, y, epochs=1, batch_size=4, shuffle=False, verbose=0, class_weight=weights))
        p = np.exp(x @ np.ones((2, 3))) / np.exp(x @ np.ones((2, 3))).sum(1, keepdims=True)
        per_sample = -(y * np.log(p)).sum(1)
        w = np.array([weights[c] for c in y.argmax(1)])
        assert abs(h.history["loss"][0] - (per_sample * w).mean()) < 1e-5
        with pytest.raises(ValueError, match="class 2 is in the data but not in class_weight"):
            run(m.fit(x, y, epochs=1, verbose=0, class_weight={0: 1.0, 1: 2.0}))
    finally:
        m.dispose()

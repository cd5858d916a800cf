"""Model files in tfjs's layers-model format: save / load round trips through a directory and
memory, model.json's layout, shards, quantized weights, Keras 2 and 3 topologies, errors that
name the file, and no memory left behind. (Both ways with tfjs itself: tests/browser/
test_model_files_vs_tfjs.py.)"""
import json
import os
import tempfile

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, run, to_np


def folder():
    return "file://" + tempfile.mkdtemp()  # file:// is a directory in CPython and in Pyodide


def mlp():
    m = wt.sequential([wt.layers.dense(units=6, activation="relu", input_shape=[4], name="h"),
                       wt.layers.batch_normalization(name="bn"),
                       wt.layers.dense(units=3, activation="softmax", name="out")])
    rng = np.random.default_rng(0)
    m.set_weights([rng.normal(size=w.shape).astype(np.float32) if "variance" not in w.name
                   else rng.uniform(0.5, 2, w.shape).astype(np.float32) for w in m.weights])
    return m


def functional():
    a, b = wt.input(shape=[4], name="a"), wt.input(shape=[4], name="b")
    shared = wt.layers.dense(units=3, activation="tanh", name="shared")
    inner = wt.sequential([wt.layers.dense(units=3, input_shape=[3], name="inner_dense")], name="inner")
    sa, sb = shared.apply(a), shared.apply(b)
    y = wt.layers.concatenate(name="cat").apply([inner.apply(sa), sb])
    return wt.model(inputs=[a, b], outputs=[wt.layers.dense(units=2, name="out").apply(y), sa], name="f")


X = np.random.default_rng(1).normal(size=(3, 4)).astype(np.float32)


def predictions(model, xs):
    out = model.predict(xs)
    values = [to_np(t) for t in (out if isinstance(out, list) else [out])]
    wt.dispose(out)
    return values


@pytest.mark.leakcheck
@pytest.mark.parametrize("make,xs", [(mlp, X), (functional, [X, X[::-1].copy()])], ids=["sequential", "functional"])
def test_save_load_directory_round_trip(backend, make, xs):
    model, where = make(), folder()
    result = run(model.save(where))
    assert result["model_artifacts_info"]["weight_data_bytes"] == 4 * sum(w.size for w in model.weights)
    path = where[len("file://"):]
    assert sorted(os.listdir(path)) == ["group1-shard1of1.bin", "model.json"]
    with open(os.path.join(path, "model.json")) as f:
        manifest = json.load(f)
    assert manifest["format"] == "layers-model"
    assert manifest["modelTopology"]["class_name"] == model.get_class_name()
    assert manifest["weightsManifest"][0]["paths"] == ["group1-shard1of1.bin"]
    assert [s["name"] for s in manifest["weightsManifest"][0]["weights"]] == [w.original_name for w in model.weights]
    loaded = run(wt.load_layers_model(where))
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    for got, want in zip(predictions(loaded, xs), predictions(model, xs)):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert json.loads(loaded.to_json()) == json.loads(model.to_json())
    loaded.dispose()
    model.dispose()


def test_training_config_compiles_the_loaded_model(backend):
    model = mlp()
    model.compile(optimizer=wt.train.adam(0.01), loss="categoricalCrossentropy", metrics=["accuracy"])
    where = folder()
    run(model.save(where))
    loaded = run(wt.load_layers_model(where))
    assert type(loaded.optimizer) is wt.train.Adam and loaded.optimizer.learning_rate == 0.01
    y = np.eye(3, dtype=np.float32)[[0, 1, 2]]
    history = run(loaded.fit(X, y, epochs=1, verbose=0))
    assert np.isfinite(history.history["loss"][0])
    assert loaded.metrics_names == ["loss", "acc"]
    loaded.dispose()
    model.dispose()


def test_weights_over_4mb_are_sharded_and_load_back(backend):
    model = wt.sequential([wt.layers.dense(units=1100, input_shape=[1000], name="big")])  # 4.4 MB
    where = folder()
    run(model.save(where))
    path = where[len("file://"):]
    assert sorted(os.listdir(path)) == ["group1-shard1of2.bin", "group1-shard2of2.bin", "model.json"]
    assert os.path.getsize(os.path.join(path, "group1-shard1of2.bin")) == 4 * 1024 * 1024
    loaded = run(wt.load_layers_model(where))
    np.testing.assert_array_equal(to_np(loaded.weights[0]), to_np(model.weights[0]))
    loaded.dispose()
    model.dispose()


def _dense_json(units=2, inputs=3, name="d"):
    return {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "Dense", "config": {"units": units, "name": name, "batch_input_shape": [None, inputs]}}]}}


def test_quantized_weights_and_groups_spread_over_shards(backend):
    """The converter's uint8 / uint16 (min + q * scale) and float16 weights, in two groups
    whose shards split the bytes mid-weight."""
    rng = np.random.default_rng(2)
    q8 = rng.integers(0, 256, size=(3, 2)).astype(np.uint8)
    q16 = rng.integers(0, 65536, size=(2,)).astype(np.uint16)
    specs = [{"name": "d/kernel", "shape": [3, 2], "dtype": "float32",
              "quantization": {"dtype": "uint8", "min": -1.0, "scale": 0.01}},
             {"name": "d/bias", "shape": [2], "dtype": "float32",
              "quantization": {"dtype": "uint16", "min": 0.5, "scale": 1e-4}}]
    data = q8.tobytes() + q16.astype("<u2").tobytes()
    path = tempfile.mkdtemp()
    with open(os.path.join(path, "model.json"), "w") as f:
        json.dump({"modelTopology": _dense_json(), "format": "layers-model",
                   "weightsManifest": [{"paths": ["a1.bin", "a2.bin"], "weights": specs[:1]},
                                       {"paths": ["b1.bin"], "weights": specs[1:]}]}, f)
    for name, chunk in [("a1.bin", data[:4]), ("a2.bin", data[4:6]), ("b1.bin", data[6:])]:
        with open(os.path.join(path, name), "wb") as f:
            f.write(chunk)
    model = run(wt.load_layers_model("file://" + path))
    kernel = q8.astype(np.float32) * np.float32(0.01) + np.float32(-1.0)
    bias = q16.astype(np.float32) * np.float32(1e-4) + np.float32(0.5)
    assert_close(model.weights[0], kernel, rtol=1e-6, atol=1e-7)
    assert_close(model.weights[1], bias, rtol=1e-6, atol=1e-7)
    model.dispose()
    half = rng.normal(size=(3, 2)).astype(np.float16)
    values = wt.io.decode_weights([{"name": "k", "shape": [3, 2], "dtype": "float32",
                                    "quantization": {"dtype": "float16"}}], half.tobytes())
    np.testing.assert_array_equal(values["k"], half.astype(np.float32))


def test_keras3_functional_topology_loads(backend):
    """A Keras 3 export as the converter passes it: class Functional, batch_shape, dtype
    policies, module keys and {'args', 'kwargs'} inbound nodes."""
    policy = {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None}
    tensor = lambda name: {"class_name": "__keras_tensor__",  # noqa: E731
                           "config": {"shape": [None, 3], "dtype": "float32", "keras_history": [name, 0, 0]}}
    topology = {"class_name": "Functional", "config": {"name": "k3", "trainable": True, "layers": [
        {"module": "keras.layers", "class_name": "InputLayer", "name": "inp", "inbound_nodes": [],
         "config": {"batch_shape": [None, 3], "dtype": "float32", "sparse": False, "name": "inp"}},
        {"module": "keras.layers", "class_name": "Dense", "name": "dense", "registered_name": None,
         "build_config": {"input_shape": [None, 3]},
         "config": {"name": "dense", "trainable": True, "dtype": policy, "units": 3, "activation": "relu",
                    "use_bias": True, "kernel_initializer": {"module": "keras.initializers",
                                                             "class_name": "GlorotUniform",
                                                             "config": {"seed": None}, "registered_name": None}},
         "inbound_nodes": [{"args": [tensor("inp")], "kwargs": {}}]},
        {"module": "keras.layers", "class_name": "Add", "name": "add", "config": {"name": "add", "dtype": policy},
         "inbound_nodes": [{"args": [[tensor("dense"), tensor("inp")]], "kwargs": {}}]}],
        "input_layers": [["inp", 0, 0]], "output_layers": [["add", 0, 0]]}}
    rng = np.random.default_rng(3)
    kernel, bias = rng.normal(size=(3, 3)).astype(np.float32), rng.normal(size=3).astype(np.float32)
    specs, data = wt.io.encode_weights([("dense/kernel", kernel), ("dense/bias", bias)])
    model = run(wt.load_layers_model(wt.io.from_memory(topology, specs, data)))
    x = rng.normal(size=(2, 3)).astype(np.float32)
    assert_close(model.predict(x), np.maximum(x @ kernel + bias, 0) + x, rtol=1e-5, atol=1e-6)
    model.dispose()


def test_keras2_sequential_with_an_input_layer_first(backend):
    topology = {"class_name": "Sequential", "config": {"name": "s", "layers": [
        {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 2], "dtype": "float32", "name": "x"}},
        {"class_name": "Dense", "config": {"units": 1, "name": "d", "use_bias": False}}]},
        "keras_version": "2.15.0", "backend": "tensorflow"}
    specs, data = wt.io.encode_weights([("d/kernel", np.array([[2.0], [3.0]], np.float32))])
    model = run(wt.load_layers_model(wt.io.from_memory(topology, specs, data)))
    assert_close(model.predict(np.array([[1.0, 1.0]], np.float32)), [[5.0]])
    assert json.loads(model.to_json())["config"]["layers"][0]["class_name"] == "InputLayer"
    model.dispose()


def _broken(case):
    """A model directory, spoiled one way."""
    model = mlp()
    where = folder()
    run(model.save(where))
    model.dispose()
    path = where[len("file://"):]
    json_path, shard = os.path.join(path, "model.json"), os.path.join(path, "group1-shard1of1.bin")
    if case == "truncated-json":
        text = open(json_path).read()
        open(json_path, "w").write(text[: len(text) // 2])
    elif case == "missing-shard":
        os.remove(shard)
    elif case == "short-shard":
        data = open(shard, "rb").read()
        open(shard, "wb").write(data[:-4])
    elif case == "unknown-class":
        obj = json.load(open(json_path))
        obj["modelTopology"]["config"]["layers"][1]["class_name"] = "FancyLayer"
        json.dump(obj, open(json_path, "w"))
    elif case == "wrong-shape":
        obj = json.load(open(json_path))
        obj["modelTopology"]["config"]["layers"][0]["config"]["units"] = 5
        json.dump(obj, open(json_path, "w"))
    return where


@pytest.mark.parametrize("case,error,words", [
    ("truncated-json", ValueError, "model.json: not valid JSON"),
    ("missing-shard", FileNotFoundError, "group1-shard1of1.bin"),
    ("short-shard", ValueError, "describe"),
    ("unknown-class", ValueError, "FancyLayer"),
    ("wrong-shape", ValueError, "h/kernel"),
])
def test_bad_files_raise_clearly_and_leave_nothing(backend, case, error, words):
    where = _broken(case)
    before, variables = wt.memory().num_tensors, len(wt.engine.ENGINE.variables)
    with pytest.raises(error, match=words):
        run(wt.load_layers_model(where))
    assert wt.memory().num_tensors == before
    assert len(wt.engine.ENGINE.variables) == variables


def test_loading_and_disposing_20_times_leaves_memory_where_it_started(backend):
    model = mlp()
    where = folder()
    run(model.save(where))
    before = wt.memory().num_tensors
    for _ in range(20):
        loaded = run(wt.load_layers_model(where))
        wt.dispose(loaded.predict(X))
        loaded.dispose()
    assert wt.memory().num_tensors == before
    model.dispose()


def test_unknown_scheme_and_bad_targets(backend):
    model = mlp()
    with pytest.raises(ValueError, match="no IO handler for 'ftp://x'"):
        run(model.save("ftp://x"))
    with pytest.raises(TypeError, match="expected a URL, a path or an IO handler"):
        run(wt.load_layers_model(42))
    model.dispose()

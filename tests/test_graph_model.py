"""Graph models on a small hand-written GraphDef (the form tfjs-converter writes): execution
order, fused ops, parameters read from constants, several outputs, named inputs and outputs,
intermediates freed, and the errors. (Real converted models against tfjs: tests/browser/
test_graph_models_vs_tfjs.py.)"""
import base64
import json
import os
import tempfile

import numpy as np
import pytest

import webtensor as wt
from conftest import no_leaks, run


def b64(text):
    return base64.b64encode(text.encode()).decode()


def ints(*v):
    return {"list": {"i": [str(i) for i in v]}}


def node(name, op, inputs=(), **attr):
    return {"name": name, "op": op, "input": list(inputs), "attr": attr}


RNG = np.random.default_rng(0)
W = {"filter": RNG.normal(size=(3, 3, 2, 4)).astype(np.float32),
     "bias": RNG.normal(size=4).astype(np.float32),
     "alpha": RNG.uniform(0, 0.5, size=4).astype(np.float32),
     "shape": np.array([-1, 64], np.int32),
     "dense": RNG.normal(size=(16 * 4, 3)).astype(np.float32),
     "axis": np.array(1, np.int32)}
NODES = [  # deliberately not in dependency order
    node("out", "Identity", ["softmax"]),
    node("softmax", "Softmax", ["logits"]),
    node("logits", "MatMul", ["flat", "dense"], transpose_a={"b": False}, transpose_b={"b": False}),
    node("flat", "Reshape", ["pool", "shape"]),
    node("pool", "MaxPool", ["conv"], ksize=ints(1, 2, 2, 1), strides=ints(1, 2, 2, 1), padding={"s": b64("VALID")}),
    node("conv", "_FusedConv2D", ["x", "filter", "bias", "alpha"], strides=ints(1, 1, 1, 1),
         padding={"s": b64("SAME")}, dilations=ints(1, 1, 1, 1), data_format={"s": b64("NHWC")},
         fused_ops={"list": {"s": [b64("BiasAdd"), b64("Prelu")]}}, num_args={"i": "2"}),
    node("split", "Split", ["axis", "logits"], num_split={"i": "3"}),
    node("x", "Placeholder", dtype={"type": "DT_FLOAT"},
         shape={"shape": {"dim": [{"size": "-1"}, {"size": "8"}, {"size": "8"}, {"size": "2"}]}}),
] + [node(k, "Const", dtype={"type": "DT_INT32" if W[k].dtype == np.int32 else "DT_FLOAT"}) for k in W]


def reference(x):
    pad = np.pad(x, [(0, 0), (1, 1), (1, 1), (0, 0)])
    conv = sum(pad[:, i:i + 8, j:j + 8, :] @ W["filter"][i, j] for i in range(3) for j in range(3)) + W["bias"]
    conv = np.where(conv > 0, conv, W["alpha"] * conv)
    pool = conv.reshape(-1, 4, 2, 4, 2, 4).max(axis=(2, 4))
    logits = pool.reshape(len(x), -1) @ W["dense"]
    e = np.exp(logits - logits.max(-1, keepdims=True))
    return logits, e / e.sum(-1, keepdims=True)


def artifacts(nodes=NODES, signature=True):
    specs, data = wt.io.encode_weights(list(W.items()))
    sig = {"inputs": {"x:0": {"name": "x:0"}}, "outputs": {"out:0": {"name": "out:0"}}} if signature else None
    return wt.io.ModelArtifacts(model_topology={"node": nodes}, weight_specs=specs, weight_data=data,
                                format="graph-model", signature=sig)


X = RNG.normal(size=(2, 8, 8, 2)).astype(np.float32)


def test_predict_matches_numpy_and_frees_what_it_made(backend):
    model = run(wt.load_graph_model(wt.io.from_memory(artifacts())))
    assert model.inputs == [{"name": "x", "shape": [-1, 8, 8, 2], "dtype": "float32"}]
    assert model.output_nodes == ["out:0"]
    with no_leaks():
        y = model.predict(X)
        np.testing.assert_allclose(y.numpy(), reference(X)[1], rtol=1e-4, atol=1e-5)
        y.dispose()
        named = model.execute({"x": X}, ["logits", "split:2"])
        np.testing.assert_allclose(named[0].numpy(), reference(X)[0], rtol=1e-4, atol=1e-4)
        np.testing.assert_allclose(named[1].numpy(), reference(X)[0][:, 2:], rtol=1e-4, atol=1e-4)
        wt.dispose(named)
        x = wt.tensor(X)
        y = run(model.execute_async(x))
        wt.dispose([x, y])
    model.dispose()


def test_without_a_signature_the_placeholders_and_unread_nodes_are_the_ends(backend):
    model = run(wt.load_graph_model(wt.io.from_memory(artifacts(signature=False))))
    assert model.input_nodes == ["x"] and sorted(model.output_nodes) == ["out", "split"]
    wt.dispose(model.execute(X, "out"))
    model.dispose()


def test_loading_and_disposing_20_times_leaves_memory_where_it_started(backend):
    with no_leaks():
        for _ in range(20):
            model = run(wt.load_graph_model(wt.io.from_memory(artifacts())))
            wt.dispose(model.predict(X))
            model.dispose()


def test_an_output_that_is_a_weight_is_a_copy(backend):
    model = run(wt.load_graph_model(wt.io.from_memory(artifacts())))
    w = model.execute(X, "bias")
    w.dispose()  # the model's own constant is untouched
    np.testing.assert_allclose(model.execute(X, "bias").numpy(), W["bias"])
    model.dispose()


@pytest.mark.parametrize("inputs,error,words", [
    (np.zeros((2, 8, 8, 3), np.float32), ValueError, r"input 'x' must have shape \[None, 8, 8, 2\]"),
    (np.zeros((2, 8, 8, 2), np.int32), TypeError, "input 'x' must be float32, got int32"),
    ({"y": X}, ValueError, "unknown input"),
    ([X, X], ValueError, "expected 1 input"),
])
def test_bad_inputs_raise_and_leave_nothing(backend, inputs, error, words):
    model = run(wt.load_graph_model(wt.io.from_memory(artifacts())))
    data = wt.tensor(inputs) if isinstance(inputs, np.ndarray) and inputs.dtype == np.int32 else inputs
    with no_leaks():
        with pytest.raises(error, match=words):
            model.predict(data)
    if isinstance(data, wt.Tensor):
        data.dispose()
    model.dispose()


def test_an_unsupported_op_is_refused_at_load_naming_op_and_node(backend):
    nodes = NODES + [node("weird", "FancyOp", ["x"]), node("odd", "OddOp", ["x"])]
    with no_leaks():
        with pytest.raises(ValueError, match=r"unsupported op\(s\) FancyOp, OddOp, first in node 'weird'"):
            run(wt.load_graph_model(wt.io.from_memory(artifacts(nodes))))


def _loop(times):
    """out = x * 2**times, by a TensorFlow 1 while loop (Enter, Merge, LoopCond, Switch,
    NextIteration, Exit), the form tf.while_loop takes in a converted graph."""
    frame = {"frame_name": {"s": b64("loop")}}
    const = {"dtype": {"type": "DT_INT32"}}
    nodes = [node("x", "Placeholder", dtype={"type": "DT_FLOAT"}),
             node("zero", "Const", **const), node("limit", "Const", **const), node("one", "Const", **const),
             node("two", "Const", dtype={"type": "DT_FLOAT"}),
             node("enter_i", "Enter", ["zero"], **frame), node("enter_acc", "Enter", ["x"], **frame),
             node("enter_limit", "Enter", ["limit"], is_constant={"b": True}, **frame),
             node("merge_i", "Merge", ["enter_i", "next_i"]), node("merge_acc", "Merge", ["enter_acc", "next_acc"]),
             node("less", "Less", ["merge_i", "enter_limit"]), node("cond", "LoopCond", ["less"]),
             node("switch_i", "Switch", ["merge_i", "cond"]), node("switch_acc", "Switch", ["merge_acc", "cond"]),
             node("add_i", "AddV2", ["switch_i:1", "one"]), node("mul_acc", "Mul", ["switch_acc:1", "two"]),
             node("next_i", "NextIteration", ["add_i"]), node("next_acc", "NextIteration", ["mul_acc"]),
             node("exit_acc", "Exit", ["switch_acc"]), node("out", "Identity", ["exit_acc"])]
    weights = [("zero", np.array(0, np.int32)), ("limit", np.array(times, np.int32)),
               ("one", np.array(1, np.int32)), ("two", np.array(2.0, np.float32))]
    specs, data = wt.io.encode_weights(weights)
    return wt.io.ModelArtifacts(model_topology={"node": nodes}, weight_specs=specs, weight_data=data,
                                format="graph-model")


@pytest.mark.parametrize("times", [0, 1, 3])
def test_a_while_loop_runs_in_execute_async(backend, times):
    model = run(wt.load_graph_model(wt.io.from_memory(_loop(times))))
    assert model.dynamic and model.output_nodes == ["out"]
    with no_leaks():
        y = run(model.execute_async(X[0, 0]))
        np.testing.assert_allclose(y.numpy(), X[0, 0] * 2.0 ** times, rtol=1e-6)
        y.dispose()
        with pytest.raises(ValueError, match="use `await model.execute_async"):
            model.predict(X[0, 0])
    model.dispose()


def _files(broken):
    folder = tempfile.mkdtemp()
    a = artifacts()
    files = wt.io.to_files(a)
    manifest = json.loads(files["model.json"])
    manifest["format"] = "graph-model"
    files["model.json"] = json.dumps(manifest).encode()
    if broken == "truncated":
        files["model.json"] = files["model.json"][:100]
    elif broken == "short-shard":
        files["group1-shard1of1.bin"] = files["group1-shard1of1.bin"][:-8]
    for name, data in files.items():
        if broken == "missing-shard" and name.endswith(".bin"):
            continue
        with open(os.path.join(folder, name), "wb") as f:
            f.write(data)
    return "file://" + folder


@pytest.mark.parametrize("broken,error,words", [
    (None, None, None),
    ("truncated", ValueError, "model.json: not valid JSON"),
    ("missing-shard", FileNotFoundError, "weight shard 'group1-shard1of1.bin' not found"),
    ("short-shard", ValueError, "the weight data has"),
])
def test_model_files_from_a_directory(backend, broken, error, words):
    where = _files(broken)
    with no_leaks():
        if error is None:
            model = run(wt.load_graph_model(where))
            y = model.predict(X)
            np.testing.assert_allclose(y.numpy(), reference(X)[1], rtol=1e-4, atol=1e-5)
            wt.dispose(y)
            model.dispose()
        else:
            with pytest.raises(error, match=words):
                run(wt.load_graph_model(where))


def test_a_layers_model_file_is_not_a_graph_model(backend):
    m = wt.sequential([wt.layers.dense(units=1, input_shape=[2])])
    saved = {}
    run(m.save(wt.io.with_save_handler(lambda a: saved.setdefault("a", a))))
    with pytest.raises(ValueError, match="not a graph model"):
        run(wt.load_graph_model(wt.io.from_memory(saved["a"])))
    m.dispose()

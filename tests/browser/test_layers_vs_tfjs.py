"""webtensor's layers API against TensorFlow.js 4.22 itself, in the same page.

tf.min.js (npm pack, integrity-checked: benchmarks/tfjs_dist.py) is injected once into the
session's Pyodide page; from Python, `js.tf` is TensorFlow.js, on its cpu backend: the oracle.
Every case runs on both webtensor backends (webgl, cpu).

Forward: each layer is built in tfjs from its camelCase config and applied to a random input;
its initial weights are read back (weights that start out constant, as biases, gamma, beta,
the moving statistics and PReLU's alpha, are first replaced with random values, set in tfjs
too, so that they matter), copied into the webtensor layer of the same (snake_case) config,
and the outputs (and the weights after the call) are compared: float32, rtol 1e-4 with an
absolute floor of 1e-5 times the output's largest magnitude (FORWARD_TOL).

Training: the same model in both, tfjs's initial weights copied into webtensor layer by layer
(by name), fit on the same data with shuffle=False: the per-epoch losses of History, the
predictions and every weight after 3 epochs agree within TRAIN_TOL: rtol 1e-4, and for weights
and predictions an unscaled atol of 1e-5, as float32 rounding differences accumulate over the
optimizer steps (seen: losses within 3e-7 relative, predictions within 1.1e-6).

"""
import importlib
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from webtensor.host import paths

pytestmark = pytest.mark.browser

BACKENDS = ["webgl", "cpu"]
FORWARD_TOL = {"rtol": 1e-4, "atol": 1e-5}   # atol is scaled by max(1, max |tfjs output|)
TRAIN_TOL = {"rtol": 1e-4, "atol": 1e-5}   # losses: rtol only; weights, predictions: both

# The module the tests import in Pyodide (written once beside the scripts, in /home/pyodide).
HELPERS = r'''
import re
import numpy as np
import js
from pyodide.ffi import to_js
import webtensor as wt

tf = js.tf


def obj(d):
    """A JS object from a dict (nested dicts and lists converted; JsProxies kept)."""
    return to_js(d, dict_converter=js.Object.fromEntries)


def snake(key):
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def to_tf(a):
    a = np.asarray(a)
    if a.dtype.kind in "iu":
        return tf.tensor(js.Int32Array.new(to_js(a.astype(np.int32).ravel().tolist())),
                         to_js(list(a.shape)), "int32")
    return tf.tensor(js.Float32Array.new(to_js(a.astype(np.float32).ravel().tolist())),
                     to_js(list(a.shape)), "float32")


def from_tf(t):
    shape = [int(d) for d in t.shape.to_py()]
    dtype = np.int32 if t.dtype == "int32" else np.float32
    return np.frombuffer(t.dataSync().to_bytes(), dtype).reshape(shape).copy()


def js_list(out):
    return list(out) if js.Array.isArray(out) else [out]


def wt_list(out):
    return list(out) if isinstance(out, (list, tuple)) else [out]


def tf_layer(spec):
    cfg = dict(spec.get("cfg", {}))
    if "layer" in spec:
        cfg["layer"] = tf_layer(spec["layer"])
    return getattr(tf.layers, spec["tf"])(obj(cfg))


def wt_layer(spec):
    cfg = {snake(k): v for k, v in spec.get("cfg", {}).items()}
    cfg.update(spec.get("wt_cfg", {}))
    if "layer" in spec:
        cfg["layer"] = wt_layer(spec["layer"])
    return getattr(wt.layers, spec.get("wt", snake(spec["tf"])))(**cfg)


def check_close(got, want, what, rtol, atol, scaled=True):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, tfjs {want.shape}"
    if want.size == 0:
        return 0.0
    floor = atol * (max(1.0, float(np.nanmax(np.abs(want)))) if scaled else 1.0)
    err = np.abs(got - want)
    bad = ~(err <= floor + rtol * np.abs(want))  # NaN counts as bad
    if bad.any():
        i = int(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1)))
        raise AssertionError(
            f"{what}: {int(bad.sum())}/{want.size} values differ; max |diff| {np.nanmax(err):.3g} "
            f"(max |tfjs| {np.abs(want).max():.3g}); worst at flat index {i}: webtensor "
            f"{got.ravel()[i]!r}, tfjs {want.ravel()[i]!r}")
    return float(err.max())


def make_input(rng, shape, kind):
    if kind == "int":
        return rng.integers(0, 10, size=shape).astype(np.int32)
    return rng.normal(size=shape).astype(np.float32)


def starting_weights(rng, tfl):
    """tfjs's initial weights, those that start constant replaced with random values."""
    out = []
    for var, value in zip(tfl.weights, tfl.getWeights()):
        w, name = from_tf(value), str(var.name)
        if w.size and np.all(w == w.ravel()[0]):
            if "variance" in name:
                w = rng.uniform(0.5, 2.0, w.shape)
            elif "gamma" in name:
                w = 1.0 + rng.normal(0, 0.3, w.shape)
            else:
                w = rng.normal(0, 0.5, w.shape)
        out.append(np.asarray(w, np.float32))
    return out


def forward(spec, seed, rtol, atol):
    """One layer in tfjs and in webtensor, same weights, same input: same outputs."""
    rng = np.random.default_rng(seed)
    xs = [make_input(rng, s, spec.get("kind")) for s in spec["inputs"]]
    kwargs = spec.get("kwargs", {})
    multi = len(xs) > 1 or spec.get("list_input", False)
    tf.engine().startScope()
    try:
        tfl = tf_layer(spec)
        tx = [to_tf(x) for x in xs]
        targ = to_js(tx) if multi else tx[0]
        tfl.apply(targ)  # builds
        weights = starting_weights(rng, tfl)
        if weights:
            tfl.setWeights(to_js([to_tf(w) for w in weights]))
        want = [from_tf(t) for t in js_list(tfl.apply(targ, obj(kwargs)))]
        want_after = [from_tf(w) for w in tfl.getWeights()]
    finally:
        tf.engine().endScope()
    wtl = wt_layer(spec)
    wx = [wt.tensor(x) for x in xs]
    warg = wx if multi else wx[0]
    wt_list(wtl(warg))  # builds
    assert len(wtl.get_weights()) == len(weights), \
        f"{len(wtl.get_weights())} weights in webtensor, {len(weights)} in tfjs"
    wtl.set_weights(weights)
    got = [y.numpy() for y in wt_list(wtl(warg, **{snake(k): v for k, v in kwargs.items()}))]
    got_after = [w.numpy() for w in wtl.get_weights()]
    assert len(got) == len(want), f"{len(got)} outputs in webtensor, {len(want)} in tfjs"
    errs = [check_close(g, w, f"output {i}", rtol, atol) for i, (g, w) in enumerate(zip(got, want))]
    for i, (g, w) in enumerate(zip(got_after, want_after)):
        check_close(g, w, f"weight {i} after the call", rtol, atol)
    print("max |diff| per output:", " ".join(f"{e:.2g}" for e in errs))


# ---- models ----
def copy_weights(tf_model, wt_model):
    """tfjs's weights into webtensor, layer by layer, matched by name."""
    count = 0
    for layer in tf_model.layers:
        ws = [from_tf(w) for w in layer.getWeights()]
        if ws:
            wt_model.get_layer(str(layer.name)).set_weights(ws)
            count += len(ws)
    assert count == len(wt_model.weights), (count, len(wt_model.weights))


def compare_models(tf_model, wt_model, rtol, atol):
    for layer in tf_model.layers:
        name = str(layer.name)
        want = [from_tf(w) for w in layer.getWeights()]
        got = [w.numpy() for w in wt_model.get_layer(name).get_weights()]
        assert len(got) == len(want), (name, len(got), len(want))
        for i, (g, w) in enumerate(zip(got, want)):
            check_close(g, w, f"layer {name} weight {i}", rtol, atol, scaled=False)


async def fit_both(tf_model, wt_model, xs, y, loss, optimizer, epochs, batch_size, rtol, atol):
    """Compile and fit both models the same way; compare losses, predictions and weights."""
    tf_model.compile(obj({"optimizer": optimizer, "loss": loss}))
    wt_model.compile(optimizer=optimizer, loss=snake(loss))
    multi = isinstance(xs, list)
    tx = to_js([to_tf(x) for x in xs]) if multi else to_tf(xs)
    ty = to_tf(y)
    h = await tf_model.fit(tx, ty, obj({"epochs": epochs, "batchSize": batch_size, "shuffle": False,
                                        "verbose": 0}))
    want_loss = np.array(h.history.loss.to_py(), np.float64)
    want_pred = [from_tf(t) for t in js_list(tf_model.predict(tx))]
    wx = [wt.tensor(x) for x in xs] if multi else wt.tensor(xs)
    wh = await wt_model.fit(wx, wt.tensor(y), epochs=epochs, batch_size=batch_size, shuffle=False,
                            verbose=0)
    got_loss = np.array(wh.history["loss"], np.float64)
    got_pred = [p.numpy() for p in wt_list(wt_model.predict(wx))]
    print("losses tfjs", want_loss.tolist(), "webtensor", got_loss.tolist())
    check_close(got_loss, want_loss, "loss per epoch", rtol, 0.0, scaled=False)
    for i, (g, w) in enumerate(zip(got_pred, want_pred)):
        check_close(g, w, f"prediction {i}", rtol, atol, scaled=False)
    compare_models(tf_model, wt_model, rtol, atol)
    print("max |diff| of the predictions:", max(float(np.abs(g - w).max()) for g, w in zip(got_pred, want_pred)))


def sequential_both(specs):
    """The same sequential model in tfjs and webtensor, with tfjs's initial weights in both."""
    tf_model = tf.sequential(obj({"layers": [tf_layer(s) for s in specs]}))
    wt_model = wt.sequential([wt_layer(s) for s in specs])
    copy_weights(tf_model, wt_model)
    return tf_model, wt_model
'''

INSTALL = """
import js
from pathlib import Path
Path("/home/pyodide/lvt_helpers.py").write_text(HELPERS)
import sys
sys.modules.pop("lvt_helpers", None)
import lvt_helpers
await js.tf.setBackend("cpu")
await js.tf.ready()
assert js.tf.getBackend() == "cpu", js.tf.getBackend()
print("tfjs", js.tf.version.tfjs)
"""


def _tfjs_dist():
    if str(paths.ROOT) not in sys.path:  # benchmarks/ is a package at the repository's root
        sys.path.insert(0, str(paths.ROOT))
    return importlib.import_module("benchmarks.tfjs_dist")


@pytest.fixture(scope="module")
def tfjs(pyodide):
    """The session's page with TensorFlow.js 4.22 on its cpu backend and the helper module."""
    dist = _tfjs_dist()
    try:
        folder = dist.ensure()
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:  # no npm or registry, no cache
        reason = f"TensorFlow.js {dist.VERSION} is not available: {e}"
        if os.environ.get("CI"):  # as conftest.py: under CI the oracle must be there
            pytest.fail(reason)
        pytest.skip(reason)
    if not pyodide.page.evaluate("() => typeof window.tf !== 'undefined'"):
        pyodide.page.add_script_tag(path=str(folder / "dist" / "tf.min.js"))
    pyodide.run(f"HELPERS = {HELPERS!r}\n" + INSTALL, filename="install_tfjs.py").check()
    yield pyodide
    if not pyodide.stuck:  # the page is shared: free what tfjs holds (its backends restart on use)
        pyodide.run("import js\njs.tf.disposeVariables()\njs.tf.engine().reset()",
                    filename="reset_tfjs.py").check()


def run(session, body, backend, name="test_layers_vs_tfjs.py"):
    source = "import json\nimport numpy as np\nimport webtensor as wt\nimport js\nfrom lvt_helpers import *\n" + body
    return session.run(source, filename=name, backend=backend).check().stdout


# ------------------------------------------------------------------ forward cases

def L(tf, cfg=None, inputs=(2, 5), wt=None, **extra):
    """A forward case: tfjs layer factory name, camelCase config, input shape(s)."""
    shapes = [list(inputs)] if isinstance(inputs[0], int) else [list(s) for s in inputs]
    return {"tf": tf, "cfg": cfg or {}, "inputs": shapes, **({"wt": wt} if wt else {}), **extra}


ACTIVATIONS = ["linear", "relu", "relu6", "elu", "selu", "sigmoid", "hardSigmoid", "tanh", "softmax",
               "logSoftmax", "softplus", "softsign", "swish", "mish", "gelu", "gelu_new"]
IMG = (2, 6, 7, 3)
SEQ = (2, 5, 3)

FORWARD = {
    **{f"dense-{a}": L("dense", {"units": 4, "activation": a}, (3, 6)) for a in ACTIVATIONS},
    "dense-no-bias-rank3": L("dense", {"units": 3, "useBias": False}, (2, 4, 5)),
    "activation-tanh": L("activation", {"activation": "tanh"}, (3, 4)),
    "dropout-inference": L("dropout", {"rate": 0.5}, (3, 4)),
    # convolutions
    "conv1d-valid": L("conv1d", {"filters": 3, "kernelSize": 3}, (2, 8, 3)),
    "conv1d-same-strides2": L("conv1d", {"filters": 4, "kernelSize": 3, "padding": "same", "strides": 2},
                              (2, 9, 3)),
    "conv1d-dilation2-relu": L("conv1d", {"filters": 2, "kernelSize": 2, "dilationRate": 2,
                                          "activation": "relu"}, (2, 8, 3)),
    "conv2d-valid": L("conv2d", {"filters": 4, "kernelSize": 3}, IMG),
    "conv2d-same": L("conv2d", {"filters": 4, "kernelSize": [3, 2], "padding": "same"}, IMG),
    "conv2d-same-strides2": L("conv2d", {"filters": 3, "kernelSize": 3, "strides": 2, "padding": "same"}, IMG),
    "conv2d-valid-strides-2x1": L("conv2d", {"filters": 3, "kernelSize": 2, "strides": [2, 1]}, IMG),
    "conv2d-dilation2": L("conv2d", {"filters": 2, "kernelSize": 2, "dilationRate": 2, "padding": "same"}, IMG),
    "conv2d-channels-first": L("conv2d", {"filters": 2, "kernelSize": 2, "dataFormat": "channelsFirst"},
                               (2, 3, 5, 4)),
    "conv2d-transpose-same-strides2": L("conv2dTranspose", {"filters": 2, "kernelSize": 3, "strides": 2,
                                                           "padding": "same"}, (2, 4, 3, 3)),
    "conv2d-transpose-valid": L("conv2dTranspose", {"filters": 3, "kernelSize": [2, 3]}, (2, 4, 3, 2)),
    "depthwise-conv2d-same-mult2": L("depthwiseConv2d", {"kernelSize": 3, "depthMultiplier": 2,
                                                         "padding": "same"}, IMG),
    "depthwise-conv2d-valid-strides2": L("depthwiseConv2d", {"kernelSize": 2, "strides": 2}, IMG),
    "separable-conv2d-same": L("separableConv2d", {"filters": 4, "kernelSize": 3, "padding": "same"}, IMG),
    "separable-conv2d-valid-mult2": L("separableConv2d", {"filters": 2, "kernelSize": 2, "depthMultiplier": 2,
                                                          "strides": 2}, IMG),
    # pooling, padding, resizing
    "max-pooling1d": L("maxPooling1d", {"poolSize": 2}, (2, 7, 3)),
    "max-pooling1d-same-strides1": L("maxPooling1d", {"poolSize": 3, "strides": 1, "padding": "same"}, (2, 6, 2)),
    "average-pooling1d": L("averagePooling1d", {"poolSize": 3, "strides": 2}, (2, 7, 3)),
    "average-pooling1d-same": L("averagePooling1d", {"poolSize": 2, "padding": "same"}, (2, 7, 3)),
    "max-pooling2d": L("maxPooling2d", {"poolSize": 2}, IMG),
    "max-pooling2d-same-3s2": L("maxPooling2d", {"poolSize": 3, "strides": 2, "padding": "same"}, IMG),
    "average-pooling2d": L("averagePooling2d", {"poolSize": [2, 3]}, IMG),
    "average-pooling2d-same-3s2": L("averagePooling2d", {"poolSize": 3, "strides": 2, "padding": "same"}, IMG),
    "global-average-pooling1d": L("globalAveragePooling1d", {}, SEQ),
    "global-max-pooling1d": L("globalMaxPooling1d", {}, SEQ),
    "global-average-pooling2d": L("globalAveragePooling2d", {}, IMG),
    "global-max-pooling2d": L("globalMaxPooling2d", {}, IMG),
    "zero-padding2d-1": L("zeroPadding2d", {"padding": 1}, (2, 3, 4, 2)),
    "zero-padding2d-asym": L("zeroPadding2d", {"padding": [[1, 2], [0, 1]]}, (2, 3, 4, 2)),
    "up-sampling2d-2x3": L("upSampling2d", {"size": [2, 3]}, (2, 3, 2, 2)),
    "up-sampling2d-bilinear": L("upSampling2d", {"size": [2, 2], "interpolation": "bilinear"}, (1, 3, 4, 2)),
    "cropping2d": L("cropping2D", {"cropping": [[1, 0], [0, 2]]}, (2, 5, 6, 2), wt="cropping2d"),
    # normalization
    "batch-normalization-inference": L("batchNormalization", {}, IMG),
    # tfjs's cpu kernel of batchNorm indexes mean/variance/offset/scale as if they ran along the
    # last axis (i % length): for axis=1 its output is wrong (max |diff| 2.3 from NumPy's), while
    # its webgl backend agrees with NumPy to 2e-7. The oracle for this case is tfjs on webgl.
    "batch-normalization-axis1-inference": L("batchNormalization", {"axis": 1}, (3, 4, 5), oracle="webgl"),
    "batch-normalization-training-call": L("batchNormalization", {"momentum": 0.8}, (4, 3, 2, 3),
                                           kwargs={"training": True}),
    "layer-normalization": L("layerNormalization", {}, (3, 6)),
    "layer-normalization-axes-1-2": L("layerNormalization", {"axis": [1, 2]}, (2, 3, 4)),
    # activation layers
    "re-lu-max-value": L("reLU", {"maxValue": 0.7}, (3, 5), wt="re_lu"),
    "leaky-re-lu": L("leakyReLU", {"alpha": 0.1}, (3, 5), wt="leaky_re_lu"),
    "leaky-re-lu-default": L("leakyReLU", {}, (3, 5), wt="leaky_re_lu"),
    "prelu": L("prelu", {}, (3, 4, 5)),
    "prelu-shared-axes": L("prelu", {"sharedAxes": [1]}, (3, 4, 5)),
    "elu": L("elu", {}, (3, 5)),  # tfjs 4.22 throws on a non-default alpha
    "thresholded-re-lu": L("thresholdedReLU", {"theta": 0.4}, (3, 5), wt="thresholded_re_lu"),
    "softmax": L("softmax", {}, (3, 5)),
    # (softmax axis=1: tfjs's softmax op supports only the last axis)
    # embedding and reshaping
    "embedding": L("embedding", {"inputDim": 10, "outputDim": 4}, (3, 5), kind="int"),
    "flatten": L("flatten", {}, (2, 3, 4, 2)),
    "reshape": L("reshape", {"targetShape": [4, 6]}, (2, 3, 8)),
    "reshape-infer": L("reshape", {"targetShape": [-1, 2]}, (2, 3, 4)),
    "permute": L("permute", {"dims": [2, 1]}, (2, 3, 4)),
    "permute-rank4": L("permute", {"dims": [3, 1, 2]}, (2, 3, 4, 2)),
    "repeat-vector": L("repeatVector", {"n": 3}, (2, 4)),
    # merging
    **{f"merge-{m}": L(m, {}, [(3, 4)] * 3) for m in ["add", "multiply", "average", "maximum", "minimum"]},
    "merge-add-two-rank3": L("add", {}, [(2, 3, 4)] * 2),
    "concatenate": L("concatenate", {}, [(2, 3, 4), (2, 3, 2)]),
    "concatenate-axis1": L("concatenate", {"axis": 1}, [(2, 3, 4), (2, 1, 4), (2, 2, 4)]),
    "dot": L("dot", {"axes": 1}, [(3, 4), (3, 4)]),
    "dot-normalize": L("dot", {"axes": -1, "normalize": True}, [(3, 4), (3, 4)]),
    "dot-rank3": L("dot", {"axes": [2, 1]}, [(2, 3, 4), (2, 4, 5)]),
    "dot-rank3-axes1": L("dot", {"axes": 1}, [(2, 3, 4), (2, 3, 2)]),
}

_RNN_VARIANTS = {
    "": {},
    "-return-sequences": {"returnSequences": True},
    "-return-state": {"returnState": True},
    "-go-backwards-sequences": {"goBackwards": True, "returnSequences": True},
    "-sequences-state-backwards": {"returnSequences": True, "returnState": True, "goBackwards": True},
}
for _rnn, _wt in [("simpleRNN", "simple_rnn"), ("lstm", "lstm"), ("gru", "gru")]:
    for _suffix, _cfg in _RNN_VARIANTS.items():
        FORWARD[f"{_wt}{_suffix}"] = L(_rnn, {"units": 3, **_cfg}, SEQ, wt=_wt)
FORWARD["lstm-sigmoid-relu"] = L("lstm", {"units": 4, "recurrentActivation": "sigmoid", "activation": "relu",
                                          "returnSequences": True}, SEQ)
FORWARD["gru-sigmoid"] = L("gru", {"units": 2, "recurrentActivation": "sigmoid"}, SEQ)
FORWARD.update({
    "bidirectional-lstm-concat": L("bidirectional", {"mergeMode": "concat"}, SEQ,
                                   layer={"tf": "lstm", "cfg": {"units": 3, "returnSequences": True}}),
    "bidirectional-gru-sum": L("bidirectional", {"mergeMode": "sum"}, SEQ,
                               layer={"tf": "gru", "cfg": {"units": 3}}),
    "bidirectional-simple-rnn-ave-sequences": L("bidirectional", {"mergeMode": "ave"}, SEQ,
                                                layer={"tf": "simpleRNN", "wt": "simple_rnn",
                                                       "cfg": {"units": 2, "returnSequences": True}}),
    "bidirectional-simple-rnn-mul": L("bidirectional", {"mergeMode": "mul"}, SEQ,
                                      layer={"tf": "simpleRNN", "wt": "simple_rnn", "cfg": {"units": 2}}),
    "bidirectional-lstm-return-state": L("bidirectional", {}, SEQ,
                                         layer={"tf": "lstm", "cfg": {"units": 2, "returnState": True}}),
    "time-distributed-dense": L("timeDistributed", {}, SEQ, wt="time_distributed",
                                layer={"tf": "dense", "cfg": {"units": 4, "activation": "tanh"}}),
    "time-distributed-conv2d": L("timeDistributed", {}, (2, 3, 4, 4, 2), wt="time_distributed",
                                 layer={"tf": "conv2d", "cfg": {"filters": 2, "kernelSize": 2}}),
})

def _params(cases):
    return [pytest.param(case_id, backend, id=f"{case_id}-{backend}") for case_id in cases for backend in BACKENDS]


@pytest.mark.parametrize("case_id,backend", _params(FORWARD))
def test_forward(tfjs, case_id, backend):
    spec = FORWARD[case_id]
    seed = sum(map(ord, case_id))
    call = (f"forward(json.loads({json.dumps(json.dumps(spec))}), {seed}, "
            f"{FORWARD_TOL['rtol']}, {FORWARD_TOL['atol']})")
    if spec.get("oracle"):  # tfjs on another of its backends for this case, then back to cpu
        call = (f"await js.tf.setBackend({spec['oracle']!r})\ntry:\n    {call}\nfinally:\n"
                f"    await js.tf.setBackend('cpu')")
    print(run(tfjs, call + "\n", backend, name=f"forward_{backend}.py"), end="")


@pytest.mark.parametrize("backend", BACKENDS)
def test_subtract_layer_against_tf_sub(tfjs, backend):
    """tfjs-layers 4.22 has no subtract layer: webtensor's is checked against tf.sub."""
    run(tfjs, """
rng = np.random.default_rng(3)
a, b = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)
want = from_tf(js.tf.sub(to_tf(a), to_tf(b)))
got = wt.layers.subtract()([wt.tensor(a), wt.tensor(b)]).numpy()
check_close(got, want, "subtract", 1e-6, 1e-7)
""", backend)


# ------------------------------------------------------------------ training

def D(name, tf, **cfg):
    return {"tf": tf, "cfg": {"name": name, **cfg}}


EPOCHS = 3
MLP = [D("h1", "dense", units=8, activation="relu", inputShape=[5]),
       D("h2", "dense", units=6, activation="tanh"),
       D("out", "dense", units=3)]
MLP_SOFTMAX = MLP[:2] + [D("out", "dense", units=3, activation="softmax")]
DATA = """
rng = np.random.default_rng({seed})
x = rng.normal(size={xshape}).astype(np.float32)
labels = rng.integers(0, 3, size={n})
onehot = np.eye(3, dtype=np.float32)[labels]
target = rng.normal(size=({n}, {out})).astype(np.float32)
"""


def train_case(specs, xshape, out, loss, optimizer, batch_size, seed=0):
    y = "onehot" if "rossentropy" in loss else "target"
    return DATA.format(seed=seed, xshape=tuple(xshape), n=xshape[0], out=out) + f"""
tf_model, wt_model = sequential_both(json.loads({json.dumps(json.dumps(specs))}))
await fit_both(tf_model, wt_model, x, {y}, {loss!r}, {optimizer!r}, {EPOCHS}, {batch_size},
               {TRAIN_TOL['rtol']}, {TRAIN_TOL['atol']})
tf_model.dispose()
wt_model.dispose()
"""


# 12 samples in batches of 5: the last batch is short, so the epoch means are weighted
MLP_CASES = {
    "sgd-mse": (MLP, "meanSquaredError", "sgd"),
    "adam-crossentropy": (MLP_SOFTMAX, "categoricalCrossentropy", "adam"),
    "rmsprop-mse": (MLP, "meanSquaredError", "rmsprop"),
    "adagrad-mse": (MLP, "meanSquaredError", "adagrad"),
    "adadelta-mse": (MLP, "meanSquaredError", "adadelta"),
    "adamax-crossentropy": (MLP_SOFTMAX, "categoricalCrossentropy", "adamax"),
    "adam-mae": (MLP, "meanAbsoluteError", "adam"),
}


@pytest.mark.parametrize("case_id,backend", _params(MLP_CASES))
def test_fit_mlp(tfjs, case_id, backend):
    specs, loss, optimizer = MLP_CASES[case_id]
    print(run(tfjs, train_case(specs, (12, 5), 3, loss, optimizer, 5), backend, name=f"mlp_{backend}.py"))


# conv -> batch norm -> relu -> max pool: the max-pool windows tie only at relu's zeros, whose
# gradient relu stops, so how ties share the gradient does not matter (see the next test)
# (no bias before batch norm: its gradient is zero but for rounding, which adam's normalized
# steps would turn into +-lr moves that differ between any two implementations)
CNN = [D("conv", "conv2d", filters=4, kernelSize=3, padding="same", useBias=False, inputShape=[6, 6, 2]),
       D("bn", "batchNormalization", momentum=0.9),
       D("relu", "activation", activation="relu"),
       D("pool", "maxPooling2d", poolSize=2),
       D("drop", "dropout", rate=0.0),  # no random masks: the same computation on both sides
       D("conv2", "conv2d", filters=3, kernelSize=2, activation="relu"),
       D("avg", "averagePooling2d", poolSize=2),
       D("flat", "flatten"),
       D("out", "dense", units=3, activation="softmax")]
# conv(relu) -> batch norm -> max pool: relu's zeros become equal values that tie in the pool
# windows and take gradient
CNN_TIES = [D("conv", "conv2d", filters=4, kernelSize=3, activation="relu", padding="same",
              inputShape=[6, 6, 2]),
            D("bn", "batchNormalization", momentum=0.9),
            D("pool", "maxPooling2d", poolSize=2),
            D("drop", "dropout", rate=0.0),
            D("conv2", "conv2d", filters=3, kernelSize=2),
            D("flat", "flatten"),
            D("out", "dense", units=3, activation="softmax")]
@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_cnn(tfjs, backend):
    print(run(tfjs, train_case(CNN, (10, 6, 6, 2), 3, "categoricalCrossentropy", "adam", 4, seed=1),
              backend, name=f"cnn_{backend}.py"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_cnn_relu_batch_norm_max_pool(tfjs, backend):
    print(run(tfjs, train_case(CNN_TIES, (10, 6, 6, 2), 3, "categoricalCrossentropy", "adam", 4, seed=1),
              backend, name=f"cnn_ties_{backend}.py"))


TIES = """
from pyodide.ffi import create_proxy
x = np.array([[1, 1, 0, 2], [1, 0, 2, 2], [3, 3, 0, 0], [3, 3, 0, 0]], np.float32).reshape(1, 4, 4, 1)
x = np.concatenate([x, x[:, ::-1] * 0.5 + 0.25], -1)  # a second channel
dy = np.arange(1, 1 + {size}, dtype=np.float32).reshape({out_shape})  # a different weight per output
tf_f = create_proxy(lambda t: js.tf.sum(js.tf.mul({tf_op}, to_tf(dy))))
want = from_tf(js.tf.grad(tf_f)(to_tf(x)))
tf_f.destroy()
got = wt.grad(lambda t: ({wt_op} * wt.tensor(dy)).sum())(wt.tensor(x)).numpy()
check_close(got, want, "gradient", 1e-6, 1e-7)
"""
TIE_OPS = {  # op -> (tfjs, webtensor, output shape)
    "max-pool-2x2": ("js.tf.maxPool(t, 2, 2, 'valid')", "wt.max_pool(t, 2, 2, 'valid')", (1, 2, 2, 2)),
    "max-pool-3x3-same-strides1": ("js.tf.maxPool(t, 3, 1, 'same')", "wt.max_pool(t, 3, 1, 'same')",
                                   (1, 4, 4, 2)),
    "max-pooling2d-layer": ("js.tf.layers.maxPooling2d(obj({'poolSize': 2})).apply(t)",
                            "wt.layers.max_pooling2d(pool_size=2)(t)", (1, 2, 2, 2)),
    "global-max-pooling2d-layer": ("js.tf.layers.globalMaxPooling2d(obj({})).apply(t)",
                                   "wt.layers.global_max_pooling2d()(t)", (1, 2)),
    "avg-pool-2x2": ("js.tf.avgPool(t, 2, 2, 'valid')", "wt.avg_pool(t, 2, 2, 'valid')", (1, 2, 2, 2)),
}


def _tie_params():
    for op in TIE_OPS:
        for backend in BACKENDS:
            yield pytest.param(op, backend, id=f"{op}-{backend}")


@pytest.mark.parametrize("op,backend", list(_tie_params()))
def test_pooling_gradient_with_ties(tfjs, op, backend):
    tf_op, wt_op, out_shape = TIE_OPS[op]
    size = int(np.prod(out_shape))
    run(tfjs, TIES.format(tf_op=tf_op, wt_op=wt_op, size=size, out_shape=out_shape), backend,
        name=f"ties_{backend}.py")


RNN = [D("lstm", "lstm", units=4, returnSequences=True, inputShape=[5, 3]),
       D("gru", "gru", units=3),
       D("out", "dense", units=2)]


@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_lstm_gru(tfjs, backend):
    print(run(tfjs, train_case(RNN, (8, 5, 3), 2, "meanSquaredError", "adam", 4, seed=2),
              backend, name=f"rnn_{backend}.py"))


# embedding(maskZero) -> dropout -> dense -> lstm: tfjs passes the mask through the layers
# that support masking, so the lstm skips the padding (without the mask the losses differ)
MASKED = [D("emb", "embedding", inputDim=6, outputDim=3, maskZero=True, inputShape=[5]),
          D("drop", "dropout", rate=0.0),
          D("mid", "dense", units=3, activation="tanh"),
          D("lstm", "lstm", units=4),
          D("out", "dense", units=2)]
MASKED_BODY = """
rng = np.random.default_rng(7)
x = rng.integers(1, 6, size=(8, 5)).astype(np.int32)
for i, n in enumerate([5, 3, 2, 4, 1, 5, 2, 3]):
    x[i, n:] = 0
target = rng.normal(size=(8, 2)).astype(np.float32)
tf_model, wt_model = sequential_both(json.loads({specs}))
await fit_both(tf_model, wt_model, x, target, "meanSquaredError", "adam", {epochs}, 4, {rtol}, {atol})
tf_model.dispose()
wt_model.dispose()
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_masked_sequences(tfjs, backend):
    body = MASKED_BODY.format(specs=json.dumps(json.dumps(MASKED)), epochs=EPOCHS, **TRAIN_TOL)
    print(run(tfjs, body, backend, name=f"masked_{backend}.py"))


TWO_INPUTS = """
rng = np.random.default_rng(4)
xa = rng.normal(size=(10, 4)).astype(np.float32)
xb = rng.normal(size=(10, 3)).astype(np.float32)
y = rng.normal(size=(10, 2)).astype(np.float32)

def build(lib, layer, make_input, make_model):
    a, b = make_input([4], "in_a"), make_input([3], "in_b")
    ha = layer({"tf": "dense", "cfg": {"name": "da", "units": 5, "activation": "relu"}}).apply(a)
    hb = layer({"tf": "dense", "cfg": {"name": "db", "units": 5, "activation": "tanh"}}).apply(b)
    both = layer({"tf": "concatenate", "cfg": {"name": "cat"}}).apply(lib([ha, hb]))
    mixed = layer({"tf": "dense", "cfg": {"name": "mix", "units": 4, "activation": "sigmoid"}}).apply(both)
    summed = layer({"tf": "add", "cfg": {"name": "skip"}}).apply(lib([mixed, layer(
        {"tf": "dense", "cfg": {"name": "proj", "units": 4}}).apply(a)]))
    out = layer({"tf": "dense", "cfg": {"name": "out", "units": 2}}).apply(summed)
    return make_model([a, b], out)

tf_model = build(to_js, tf_layer, lambda s, n: js.tf.input(obj({"shape": s, "name": n})),
                 lambda i, o: js.tf.model(obj({"inputs": i, "outputs": o})))
wt_model = build(list, wt_layer, lambda s, n: wt.input(shape=s, name=n),
                 lambda i, o: wt.model(inputs=i, outputs=o))
copy_weights(tf_model, wt_model)
await fit_both(tf_model, wt_model, [xa, xb], y, "meanSquaredError", "adam", EPOCHS, 4, RTOL, ATOL)
tf_model.dispose()
wt_model.dispose()
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_functional_two_inputs(tfjs, backend):
    print(run(tfjs, f"EPOCHS, RTOL, ATOL = {EPOCHS}, {TRAIN_TOL['rtol']}, {TRAIN_TOL['atol']}\n" + TWO_INPUTS,
              backend, name=f"functional_{backend}.py"))


ORDER = """
specs = json.loads({specs})
tf_model = js.tf.sequential(obj({{"layers": [tf_layer(s) for s in specs]}}))
wt_model = wt.sequential([wt_layer(s) for s in specs])
rng = np.random.default_rng(5)
tf_weights = [w + rng.normal(0, 0.1, w.shape).astype(np.float32) if "variance" not in str(v.name)
              else rng.uniform(0.5, 2, w.shape).astype(np.float32)
              for v, w in zip(tf_model.weights, [from_tf(t) for t in tf_model.getWeights()])]
tf_model.setWeights(to_js([to_tf(w) for w in tf_weights]))
tf_names = [re.sub(r"_\\d+$", "", str(v.name)) for v in tf_model.weights]  # no _1, _2 ... suffix
wt_names = [re.sub(r"_\\d+$", "", w.name) for w in wt_model.weights]
print("tfjs", tf_names)
print("webtensor", wt_names)
assert wt_names == tf_names, ("model.weights order", wt_names, tf_names)
wt_model.set_weights(tf_weights)
x = rng.normal(size={xshape}).astype(np.float32)
check_close(wt_model.predict(wt.tensor(x)).numpy(), from_tf(tf_model.predict(to_tf(x))), "predict", 1e-4, 1e-5)
for i, (g, w) in enumerate(zip([w.numpy() for w in wt_model.get_weights()], tf_weights)):
    check_close(g, w, f"get_weights()[{{i}}]", 0, 0)
"""
@pytest.mark.parametrize("backend", BACKENDS)
def test_model_set_weights_takes_tfjs_get_weights(tfjs, backend):
    """tfjs's model.getWeights() into webtensor's model.set_weights(), whole model at once."""
    run(tfjs, ORDER.format(specs=json.dumps(json.dumps(MLP)), xshape=(3, 5)), backend,
        name=f"order_{backend}.py")


@pytest.mark.parametrize("backend", BACKENDS)
def test_model_set_weights_takes_tfjs_get_weights_with_batch_norm(tfjs, backend):
    run(tfjs, ORDER.format(specs=json.dumps(json.dumps(CNN)), xshape=(3, 6, 6, 2)), backend,
        name=f"order_bn_{backend}.py")

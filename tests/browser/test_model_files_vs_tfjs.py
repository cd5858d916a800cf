"""Model files both ways with TensorFlow.js 4.22 in the same page (the layers-model format).

For each model: tfjs builds it (weights randomized, so biases and batch-norm statistics
matter) and saves it through tf.io.withSaveHandler; webtensor loads those artifacts (the
topology through JSON text, as model.json carries it) and predicts what tfjs predicts; webtensor
saves the loaded model, and its weight specs and bytes must equal tfjs's exactly (names, order,
shapes, dtypes: byte for byte); tfjs loads webtensor's artifacts and predicts the same again.
"""
import json

import pytest

from .test_layers_vs_tfjs import BACKENDS, D, run, tfjs  # noqa: F401 (the page with tfjs)

pytestmark = pytest.mark.browser

ROUND_TRIP = r"""
from pyodide.ffi import create_once_callable

def tf_artifacts(model):
    saved = {}
    def keep(a):
        data = a.weightData
        chunks = list(data) if js.Array.isArray(data) else [data]
        saved["artifacts"] = wt.io.ModelArtifacts(
            model_topology=json.loads(js.JSON.stringify(a.modelTopology)),
            weight_specs=json.loads(js.JSON.stringify(a.weightSpecs)),
            weight_data=b"".join(js.Uint8Array.new(c).to_bytes() for c in chunks),
            format=a.format, generated_by=a.generatedBy)
        return obj({"modelArtifactsInfo": obj({"dateSaved": js.Date.new(), "modelTopologyType": "JSON"})})
    return saved, keep

async def round_trip(tf_model, xs, rtol=1e-4, atol=1e-5):
    rng = np.random.default_rng(3)
    ws = []
    for v, w in zip(tf_model.weights, [from_tf(t) for t in tf_model.getWeights()]):
        if "variance" in str(v.name):
            ws.append(rng.uniform(0.5, 2.0, w.shape).astype(np.float32))
        else:
            ws.append((w + rng.normal(0, 0.3, w.shape)).astype(np.float32))
    tf_model.setWeights(to_js([to_tf(w) for w in ws]))
    tx = to_js([to_tf(x) for x in xs]) if len(xs) > 1 else to_tf(xs[0])
    want = [from_tf(t) for t in js_list(tf_model.predict(tx))]

    saved, keep = tf_artifacts(tf_model)
    await tf_model.save(tf.io.withSaveHandler(create_once_callable(keep)))
    a = saved["artifacts"]
    model = await wt.load_layers_model(wt.io.from_memory(a))
    got = wt_list(model.predict([wt.tensor(x) for x in xs] if len(xs) > 1 else wt.tensor(xs[0])))
    for i, (g, w) in enumerate(zip(got, want)):
        check_close(g.numpy(), w, f"webtensor's prediction {i} from tfjs's file", rtol, atol)

    mine = {}
    await model.save(wt.io.with_save_handler(lambda b: mine.setdefault("artifacts", b)))
    b = mine["artifacts"]
    assert [s["name"] for s in b.weight_specs] == [s["name"] for s in a.weight_specs], \
        ([s["name"] for s in b.weight_specs], [s["name"] for s in a.weight_specs])
    assert b.weight_specs == a.weight_specs, (b.weight_specs, a.weight_specs)
    assert b.weight_data == a.weight_data, "weight bytes differ"

    data = js.Uint8Array.new(to_js(b.weight_data)).buffer
    handler = tf.io.fromMemory(obj({"modelTopology": js.JSON.parse(json.dumps(b.model_topology)),
                                    "weightSpecs": js.JSON.parse(json.dumps(b.weight_specs)),
                                    "weightData": data}))
    back = await tf.loadLayersModel(handler)
    again = [from_tf(t) for t in js_list(back.predict(tx))]
    for i, (g, w) in enumerate(zip(again, want)):
        check_close(g, w, f"tfjs's prediction {i} from webtensor's file", rtol, atol)
    print("layers:", [str(l.getClassName()) for l in back.layers])
    back.dispose()
    model.dispose()
    tf_model.dispose()
"""

IMG = [6, 6, 2]
SEQUENTIAL = {
    "mlp": ([D("h", "dense", units=6, activation="relu", inputShape=[5]),
             D("drop", "dropout", rate=0.3),
             D("act", "activation", activation="tanh"),
             D("out", "dense", units=3, activation="softmax")], [3, 5]),
    "cnn": ([D("c1", "conv2d", filters=3, kernelSize=3, padding="same", activation="relu", inputShape=IMG),
             D("bn", "batchNormalization"),
             D("mp", "maxPooling2d", poolSize=2),
             D("c2", "conv2d", filters=2, kernelSize=2, useBias=False),
             D("ap", "averagePooling2d", poolSize=2, strides=1),
             D("flat", "flatten"),
             D("out", "dense", units=2)], [2] + IMG),
    "convs": ([D("dw", "depthwiseConv2d", kernelSize=3, depthMultiplier=2, padding="same", inputShape=IMG),
               D("sep", "separableConv2d", filters=3, kernelSize=2),
               D("tr", "conv2dTranspose", filters=2, kernelSize=2, strides=2),
               D("zp", "zeroPadding2d", padding=1),
               D("up", "upSampling2d", size=[2, 2]),
               D("crop", "cropping2D", cropping=[[1, 1], [2, 0]]),
               D("gap", "globalAveragePooling2d")], [2] + IMG),
    "seq1d": ([D("c", "conv1d", filters=3, kernelSize=2, inputShape=[8, 3]),
               D("mp", "maxPooling1d", poolSize=2),
               D("ap", "averagePooling1d", poolSize=1),
               D("gmp", "globalMaxPooling1d"),
               D("out", "dense", units=2)], [2, 8, 3]),
    "rnn": ([D("emb", "embedding", inputDim=10, outputDim=4, inputShape=[6]),
             D("lstm", "lstm", units=3, returnSequences=True),
             D("gru", "gru", units=3, returnSequences=True),
             D("rnn", "simpleRNN", units=2),
             D("out", "dense", units=2)], [2, 6], "int"),
    "wrappers": ([dict(D("bi", "bidirectional", inputShape=[5, 3]),
                       layer={"tf": "lstm", "cfg": {"units": 3, "returnSequences": True}}),
                  dict(D("td", "timeDistributed"), layer={"tf": "dense", "cfg": {"units": 2}}),
                  D("gap", "globalAveragePooling1d")], [2, 5, 3]),
    "shapes-activations": ([D("r", "reshape", targetShape=[4, 3], inputShape=[12]),
                            D("p", "permute", dims=[2, 1]),
                            D("ln", "layerNormalization"),
                            D("pr", "prelu"),
                            D("lr", "leakyReLU", alpha=0.1),
                            D("elu", "elu"),
                            D("flat", "flatten"),
                            D("sm", "softmax"),
                            D("rv", "repeatVector", n=2)], [2, 12]),
}

FUNCTIONAL = r"""
def dense(name, units, x, act="linear"):
    return tf.layers.dense(obj({"name": name, "units": units, "activation": act})).apply(x)
a = tf.input(obj({"shape": [4], "name": "in_a"}))
b = tf.input(obj({"shape": [4], "name": "in_b"}))
shared = tf.layers.dense(obj({"name": "shared", "units": 3, "activation": "tanh"}))
sa, sb = shared.apply(a), shared.apply(b)
merged = [getattr(tf.layers, kind)(obj({"name": kind})).apply(to_js([sa, sb]))
          for kind in ("add", "multiply", "average", "maximum", "minimum", "concatenate")]
dot = tf.layers.dot(obj({"name": "dot", "axes": 1})).apply(to_js([sa, sb]))
out1 = dense("out1", 2, tf.layers.concatenate(obj({"name": "all"})).apply(to_js(merged + [dot])))
out2 = dense("out2", 1, sb, "sigmoid")
model = tf.model(obj({"inputs": to_js([a, b]), "outputs": to_js([out1, out2]), "name": "two_heads"}))
rng = np.random.default_rng(1)
await round_trip(model, [rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=(3, 4)).astype(np.float32)])
"""


def _sequential_body(case):
    specs, shape, *kind = SEQUENTIAL[case]
    return ROUND_TRIP + f"""
specs = json.loads({json.dumps(json.dumps(specs))})
model = tf.sequential(obj({{"layers": [tf_layer(s) for s in specs]}}))
x = make_input(np.random.default_rng(0), {shape}, {(kind or [None])[0]!r})
await round_trip(model, [x])
"""


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(SEQUENTIAL))
def test_sequential_files_both_ways(tfjs, case, backend):
    print(run(tfjs, _sequential_body(case), backend, name=f"files_{case}_{backend}.py"))


@pytest.mark.parametrize("backend", BACKENDS)
def test_functional_shared_layers_two_outputs_both_ways(tfjs, backend):
    print(run(tfjs, ROUND_TRIP + FUNCTIONAL, backend, name=f"files_functional_{backend}.py"))

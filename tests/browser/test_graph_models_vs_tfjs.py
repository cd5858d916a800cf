"""Pretrained graph models (tfjs's "graph-model" format) against TensorFlow.js 4.22's
loadGraphModel, in the same page, on the same input.

The models are the npm package @vladmandic/human's (face detection, face mesh, iris, emotion,
age/gender, liveness, anti-spoofing, hand landmarks, pose, object detection: converted from
Keras and TensorFlow, with _FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul, Prelu,
StridedSlice, GatherNd, TopKV2, ResizeBilinear...), fetched and verified with `npm pack` at
set-up (benchmarks/tfjs_dist.py) and served to the page from the cache at /models/. Both libraries load the
same model.json over HTTP. Outputs agree within float32 tolerance scaled to each output:
|webtensor - tfjs| <= ATOL * max(1, max |tfjs output|) + RTOL * |tfjs|.
"""
import pytest

from .test_layers_vs_tfjs import BACKENDS, _tfjs_dist, run, tfjs  # noqa: F401 (the page with tfjs)

pytestmark = pytest.mark.browser

MODELS = ["antispoof", "blazeface", "centernet", "emotion", "facemesh", "faceres", "handlandmark-lite",
          "iris", "liveness", "movenet-lightning"]
RTOL, ATOL = 1e-3, 1e-4  # float32 through ~100 layers, in another order of additions
URL = "/models/"  # where the server mounts paths.PRETRAINED


@pytest.fixture(scope="module")
def human(tfjs):
    """The page, with the human package's models fetched (the server serves them at URL)."""
    _tfjs_dist().ensure(package="@vladmandic/human")
    return tfjs


COMPARE = r"""
name = {name!r}
tm = await tf.loadGraphModel({url!r} + name + ".json")
wm = await wt.load_graph_model({url!r} + name + ".json")
spec = wm.inputs[0]
shape = [1 if d == -1 else d for d in spec["shape"]]
rng = np.random.default_rng(0)
if spec["dtype"] == "int32":
    x = rng.integers(0, 256, size=shape).astype(np.int32)
else:
    x = rng.uniform(0, 1, size=shape).astype(np.float32)
want = [from_tf(t) for t in js_list(tm.predict(to_tf(x)))]
before = wt.memory().num_tensors
got = wt_list(wm.predict(x))
assert len(got) == len(want), (len(got), len(want))
for i, (g, w) in enumerate(zip(got, want)):
    check_close(g.numpy(), w, f"{{name}} output {{i}} {{list(w.shape)}}", {rtol}, {atol})
wt.dispose(got)
assert wt.memory().num_tensors == before, wt.memory().num_tensors - before
print(name, "outputs", [list(w.shape) for w in want], "inputs", shape, spec["dtype"])
wm.dispose()
tm.dispose()
"""


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", MODELS)
def test_pretrained_graph_model_matches_tfjs(human, name, backend):
    print(run(human, COMPARE.format(name=name, url=URL, rtol=RTOL, atol=ATOL), backend,
              name=f"graph_{name}_{backend}.py"))


LOOP = r"""
tm = await tf.loadGraphModel({url!r} + "handtrack.json")
wm = await wt.load_graph_model({url!r} + "handtrack.json")
assert wm.dynamic
x = np.random.default_rng(0).integers(0, 256, size=(1, 320, 320, 3)).astype(np.int32)
# by value, not by bytes: tfjs 4.22 returns num_detections as a float32 tensor over an
# Int32Array (its bytes read as float32 would be 1.4e-43 for 100)
want = [np.array(t.dataSync().to_py(), np.float64).reshape([int(d) for d in t.shape.to_py()])
        for t in js_list(await tm.executeAsync(to_tf(x)))]
before = wt.memory().num_tensors
got = wt_list(await wm.execute_async(x))
for i, (g, w) in enumerate(zip(got, want)):
    check_close(g.numpy(), w, f"handtrack output {{i}} {{list(w.shape)}}", {rtol}, {atol})
wt.dispose(got)
assert wt.memory().num_tensors == before, wt.memory().num_tensors - before
try:
    wm.predict(x)
except ValueError as e:
    assert "execute_async" in str(e), e
else:
    raise AssertionError("predict ran a graph with control flow")
print("outputs", [list(w.shape) for w in want])
wm.dispose()
tm.dispose()
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_graph_with_a_while_loop_runs_in_execute_async_as_tfjs(human, backend):
    """handtrack: a tf.map_fn (while loop, TensorLists) over the images, then a detector
    with non-max suppression."""
    print(run(human, LOOP.format(url=URL, rtol=RTOL, atol=ATOL), backend, name=f"graph_loop_{backend}.py"))

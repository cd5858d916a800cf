"""The workloads: their inputs, a float64 NumPy reference, and the webtensor and NumPy
versions. Runs inside Pyodide. benchmarks/workloads.js holds the TensorFlow.js version of
each kind under the same name, written as the same sequence of ops.

A webtensor version returns (run, keep), or a coroutine giving them where it loads a model:
run() makes the output tensor, or a list of them (a graph model's outputs; the runner reads each
back inside the timed region), keep lists what to dispose afterwards. Where the workload is
marked run_async (the layers fit workloads), run() is a coroutine, awaited inside the timed
region, that returns host values (fit: the epoch's loss from History, already read back). A
NumPy version returns run(), which returns the output array.

Pretrained graph models (npm @vladmandic/human, fetched by tfjs_dist.py, served by the page's
server at HUMAN_MODELS) have no NumPy reference: every contender's outputs are checked against
tfjs cpu's.

The video-frame workloads read a canvas that workloads.js draws once per page (FRAME). A
contender named "webtensor <backend>, NumPy upload" (UPLOAD_PATHS) is webtensor on that backend
taking the other path to the GPU: webtensor_version's `variant`.
"""
from dataclasses import dataclass

import numpy as np

ALL = ("webtensor webgl", "webtensor cpu", "tfjs webgl", "tfjs wasm", "tfjs cpu", "numpy")
GPU_ONLY = ("webtensor webgl", "tfjs webgl")
NO_NUMPY = ALL[:-1]
NO_TFJS_WASM = tuple(c for c in ALL if c != "tfjs wasm")
NUMPY_UPLOAD = "NumPy upload"  # a webtensor contender's variant: the frame's bytes through NumPy
UPLOAD_PATHS = ("webtensor webgl", "webtensor cpu", f"webtensor webgl, {NUMPY_UPLOAD}",
                f"webtensor cpu, {NUMPY_UPLOAD}")


@dataclass
class Workload:
    name: str
    kind: str
    params: dict
    contenders: tuple = ALL
    smoke: bool = True          # part of the --smoke subset
    ops: int = 0                # ops per run, for a per-op figure
    checks: int = 1             # runs whose output is checked against the reference
    notes: str = ""
    rtol: float = 1e-3          # of the reference's largest magnitude
    read: str = "sync"          # how a timed run reads its output: data_sync() or "async", await data()
    run_async: bool = False     # webtensor's run() is a coroutine returning host values (fit)
    reference: str = ""         # the contender whose outputs are the reference, instead of NumPy's
    atol: float | None = None   # when set, per output: |x - ref| <= atol * max(1, max |ref|) + rtol * |ref|
    rounds: int = 0             # at most this many timed rounds (still within budget_s), when over the mode's


# tfjs-layers models, built the same way on both sides (workloads.js: LAYERS); the weights are
# generated in inputs() under these names, in the models' get_weights / getWeights order.
MLP_LAYERS = {"arch": "mlp", "sizes": [784, 128, 10], "weights": ["w1", "b1", "w2", "b2"]}
CNN_LAYERS = {"arch": "cnn", "hw": 28, "filters": [8], "kernel": 3, "pool": 2, "classes": 10,
              "weights": ["k1", "c1", "w2", "b2"]}
# saved once by tfjs (workloads.js: save_model) to `saved`, then loaded by every contender
CNN2_SAVED = {"arch": "cnn", "hw": 28, "filters": [16, 32], "kernel": 3, "pool": 2, "classes": 10,
              "weights": ["k1", "c1", "k2", "c2", "w3", "b3"], "saved": "indexeddb://webtensor-bench-cnn2"}
ADAM = {"lr": 0.001, "epsilon": 1e-7}
HUMAN_MODELS = "/models/"  # webtensor.host.server mounts paths.PRETRAINED (human's models/) here


def _graph(model, shape, dtype, smoke=False):
    """A pretrained graph model's predict on one random image, every output read back."""
    return Workload(
        f"graph model {model}, {'x'.join(map(str, shape))} {dtype}", "graph_model",
        {"url": f"{HUMAN_MODELS}{model}.json", "shape": shape, "dtype": dtype}, NO_NUMPY, smoke=smoke,
        reference="tfjs cpu", rtol=1e-3, atol=1e-4, notes=(
            "pretrained graph model (npm @vladmandic/human); each contender loads the same model.json "
            "over HTTP (loadGraphModel / load_graph_model, not timed); a run: predict of one input "
            "made beforehand (float32 in [0, 1), int32 in [0, 256)) and a readback of every output. "
            "Checked: every output against tfjs cpu's, |x - ref| <= 1e-4 * max(1, max |ref|) + "
            "1e-3 * |ref|"))


# The stand-in for a video frame (workloads.js: frame), a canvas drawn once per page. Its picture
# is drawn one pixel per block of 10x5 and scaled up, the blocks offset by (5, 1), so that every
# bilinear sample of a resize to 192x192 (source steps 3.33 and 2.5) falls inside one block, on
# every backend's float rounding of the source position: the resized values are whole numbers
# and movenet's cast to int32 is exact. Any picture gives the same timings; with another, that
# cast could differ by one between backends where float error crosses an integer.
FRAME = {"width": 640, "height": 480, "block": [5, 10], "offset": [1, 5]}
FRAME_TEXT = f"video frame {FRAME['width']}x{FRAME['height']}"


def _frame_model(model, size, dtype, exact):
    """Per frame: the canvas -> from_pixels -> resize to the model's input -> predict -> read."""
    h, w = size
    return Workload(
        f"{FRAME_TEXT}: from_pixels, resize {h}x{w}, {model} {dtype}", "frame_model",
        {"frame": FRAME, "url": f"{HUMAN_MODELS}{model}.json", "size": size, "dtype": dtype},
        NO_NUMPY, smoke=False, reference="tfjs cpu", rtol=1e-3, atol=1e-4, notes=(
            f"one video frame's way through a model: the same {FRAME['width']}x{FRAME['height']} "
            "canvas (drawn once) -> from_pixels / tf.browser.fromPixels (int32 RGB) -> expand_dims, "
            "resize_bilinear / tf.image.resizeBilinear to the model's input -> the model's dtype (int32: "
            "cast; float32 in [-1, 1]: x / 127.5 - 1) -> predict -> readback of every output, all "
            "in one run (in a tidy). The model loads as in the graph model rows (not timed). "
            f"Checked: as those, against tfjs cpu's outputs ({exact})"))


WORKLOADS = [
    Workload("matmul 256", "matmul", {"n": 256}),
    Workload("matmul 512", "matmul", {"n": 512}, smoke=False),
    Workload("matmul 1024", "matmul", {"n": 1024}, smoke=False),
    Workload("1000 chained scalar adds", "add_chain", {"n": 1000}, NO_NUMPY, ops=1000,
             notes="webgl backends may run ops on tiny tensors whose inputs are not on the GPU "
                   "on the CPU (tfjs: WEBGL_CPU_FORWARD, under 128 elements)"),
    Workload("1000 chained scalar adds, as GPU draws", "add_chain",
             {"n": 1000, "cpu_forward": False}, GPU_ONLY, ops=1000,
             notes="CPU forwarding off on both sides (tfjs: WEBGL_CPU_FORWARD; webtensor: "
                   "forward_size, where it has one): the adds run on the GPU; tfjs draws each, "
                   "webtensor may fuse them into fewer draws (the profile counts them)"),
    Workload("(a-b)^2 mean, 1M", "sqdiff_mean", {"n": 1 << 20}),
    Workload("conv2d 1x64x64x32, 3x3x32x64, same", "conv2d", {"hw": 64, "c": 32, "oc": 64}),
    # the two convolutions that make up the pretrained graph models (blazeface's first block)
    Workload("conv2d 1x128x128x24, 1x1x24x24", "conv2d", {"hw": 128, "c": 24, "oc": 24, "k": 1}, smoke=False),
    Workload("depthwise conv2d 1x128x128x24, 3x3x24x1, same", "conv2d",
             {"hw": 128, "c": 24, "oc": 24, "k": 3, "depthwise": True}, smoke=False),
    Workload("softmax 512x1000", "softmax", {"rows": 512, "cols": 1000}),
    Workload("MLP 784-256-10 adam step, batch 128", "mlp_step",
             {"batch": 128, "sizes": [784, 256, 10], "lr": 0.001, "epsilon": 1e-7}, checks=2,
             notes="checked: the losses of the first two steps; adam's epsilon is 1e-7 on every "
                   "side (tfjs webgl's default here is 1e-4: its backend reports float16 precision)"),
    Workload("matmul 1024, await data()", "matmul", {"n": 1024}, GPU_ONLY, smoke=False, read="async",
             notes="the output read with await data() / await t.data() instead of a blocking read"),
    Workload("MLP 784-256-10 adam step, batch 128, await data()", "mlp_step",
             {"batch": 128, "sizes": [784, 256, 10], "lr": 0.001, "epsilon": 1e-7}, GPU_ONLY, checks=2,
             read="async", notes="the loss read with await data() / await t.data()"),
    Workload("upload + download 4 MB", "transfer", {"n": 1 << 20}, GPU_ONLY,
             notes="cpu backends keep host arrays: nothing to transfer"),
    Workload("MLP 784-128-10 fit epoch, 1024 samples, batch 128", "layers_fit",
             {**MLP_LAYERS, **ADAM, "samples": 1024, "batch": 128}, smoke=False, checks=2,
             run_async=True, notes=(
                 "layers API: sequential dense relu, dense softmax; categorical crossentropy, adam "
                 "(epsilon 1e-7 on every side); one fit epoch (shuffle off, verbose 0), weights set "
                 "from the same arrays on every side; each run goes on training the same model. "
                 "Read: the epoch's loss from History (webtensor reads it back once per epoch; tfjs "
                 "syncs it at the end of fit). Checked: the losses of the first two epochs against "
                 "a float64 NumPy re-implementation of the same adam epochs (the NumPy contender "
                 "runs it in float32). Both fits yield to the page: webtensor after every batch "
                 "(setTimeout 0), tfjs when 125 ms have passed (requestAnimationFrame)")),
    Workload("CNN conv8 3x3-maxpool-dense10 fit epoch, 28x28x1, 256 samples, batch 64", "layers_fit",
             {**CNN_LAYERS, **ADAM, "samples": 256, "batch": 64}, NO_TFJS_WASM, smoke=False, checks=2,
             run_async=True, notes=(
                 "layers API: conv2d 8 filters 3x3 valid relu, max_pooling2d 2x2, flatten, dense 10 "
                 "softmax; categorical crossentropy, adam (epsilon 1e-7); one fit epoch, as the MLP "
                 "fit. Read: the epoch's loss from History. Checked: the losses of the first two "
                 "epochs against a float64 NumPy re-implementation (conv, max-pool and dense "
                 "backprop, adam). No tfjs wasm: 4.22's wasm backend has no Conv2DBackpropFilter "
                 "kernel, so it cannot train a conv layer")),
    Workload("MLP 784-128-10 predict, batch 1024", "layers_predict",
             {**MLP_LAYERS, "samples": 1024}, notes=(
                 "layers API: predict of the MLP above (batch size 1024: one forward pass); read: "
                 "data_sync / dataSync of the [1024, 10] probabilities. Checked against the forward "
                 "pass in float64 NumPy")),
    Workload("CNN conv16-pool-conv32-pool-dense10 predict, loaded, 28x28x1, batch 128", "layers_predict",
             {**CNN2_SAVED, "samples": 128}, notes=(
                 "layers API: conv2d 16 3x3 valid relu, max_pooling2d 2x2, conv2d 32 3x3 valid relu, "
                 "max_pooling2d 2x2, flatten, dense 10 softmax; built in tfjs with the benchmark's "
                 "weights, saved once to indexeddb:// (model.save), loaded by every contender "
                 "(tf.loadLayersModel / wt.load_layers_model, not timed); a run: predict of 128 "
                 "images (one batch), read back. Checked against the forward pass in float64 NumPy")),
    _graph("blazeface", [1, 256, 256, 3], "float32"),
    _graph("movenet-lightning", [1, 192, 192, 3], "int32"),
    _graph("facemesh", [1, 192, 192, 3], "float32"),
    _graph("emotion", [1, 64, 64, 1], "float32", smoke=True),  # small: the smoke run's graph model
    _frame_model("movenet-lightning", [192, 192], "int32", "the resized frame is whole numbers: FRAME"),
    _frame_model("blazeface", [256, 256], "float32", "x / 127.5 - 1 on every side"),
    Workload(f"{FRAME_TEXT}: from_pixels vs {NUMPY_UPLOAD}", "frame_upload",
             {"frame": FRAME, "begin": [240, 320, 0], "size": [2, 2, 3]}, UPLOAD_PATHS,
             rounds=200, notes=(  # tens of ms a run: the mode's 15 rounds give noisy medians
                 f"the same {FRAME['width']}x{FRAME['height']} canvas into an int32 [h, w, 3] tensor, "
                 "then a small op (a 2x2x3 slice) and its readback, which waits for the upload: "
                 "\"webtensor <backend>\" with from_pixels (webgl: texImage2D from the canvas, "
                 f"converted in a shader), \"webtensor <backend>, {NUMPY_UPLOAD}\" without it: "
                 "getImageData -> to_bytes -> np.frombuffer -> the RGB channels -> wt.tensor "
                 "(webgl: uploaded before the slice, which would otherwise run on the host copy). "
                 "Checked against the canvas's bytes (getImageData, once)")),
]


def inputs(w: Workload, seed=0):
    rng = np.random.default_rng(seed)
    u = lambda *shape: rng.uniform(-1, 1, shape).astype(np.float32)  # noqa: E731
    p = w.params
    if w.kind == "matmul":
        return {"a": u(p["n"], p["n"]), "b": u(p["n"], p["n"])}
    if w.kind == "add_chain":
        return {}
    if w.kind in ("sqdiff_mean", "transfer"):
        return {"a": u(p["n"]), "b": u(p["n"])}
    if w.kind == "conv2d":
        k = p.get("k", 3)
        return {"x": u(1, p["hw"], p["hw"], p["c"]), "f": u(k, k, p["c"], 1 if p.get("depthwise") else p["oc"]) / 10}
    if w.kind == "softmax":
        return {"x": u(p["rows"], p["cols"]) * 5}
    if w.kind == "mlp_step":
        n_in, n_hidden, n_out = p["sizes"]
        labels = np.eye(n_out, dtype=np.float32)[rng.integers(0, n_out, p["batch"])]
        return {"x": u(p["batch"], n_in), "y": labels,
                "w1": u(n_in, n_hidden) * np.float32(np.sqrt(6 / (n_in + n_hidden))),
                "b1": np.zeros(n_hidden, np.float32),
                "w2": u(n_hidden, n_out) * np.float32(np.sqrt(6 / (n_hidden + n_out))),
                "b2": np.zeros(n_out, np.float32)}
    if w.kind in ("layers_fit", "layers_predict"):
        return {**_layers_weights(p, rng), **_layers_data(p, rng)}
    if w.kind == "graph_model":
        if p["dtype"] == "int32":
            return {"x": rng.integers(0, 256, p["shape"]).astype(np.int32)}
        return {"x": rng.random(p["shape"], dtype=np.float32)}
    if w.kind == "frame_model":
        return {}  # the frame is drawn in the page
    if w.kind == "frame_upload":
        return {"rgba": _frame_rgba(p["frame"])}
    raise KeyError(w.kind)


def _frame(spec):
    """The page's frame canvas (workloads.js draws it on first use)."""
    import json

    import js
    return js.wtBench.frame(json.dumps(spec))


def _frame_rgba(spec, canvas=None):
    """uint8 [height, width, 4]: the frame canvas's bytes, read with getImageData."""
    width, height = spec["width"], spec["height"]
    data = (canvas or _frame(spec)).getContext("2d").getImageData(0, 0, width, height).data
    return np.frombuffer(data.to_bytes(), np.uint8).reshape(height, width, 4)


def _layers_weights(p, rng):
    """Glorot-uniform kernels and small random biases, float32, named as p["weights"]."""
    def glorot(shape, fan_in, fan_out):
        return (rng.uniform(-1, 1, shape) * np.sqrt(6 / (fan_in + fan_out))).astype(np.float32)

    def bias(n):
        return (rng.uniform(-1, 1, n) * 0.1).astype(np.float32)
    if p["arch"] == "mlp":
        n_in, n_hidden, n_out = p["sizes"]
        values = [glorot((n_in, n_hidden), n_in, n_hidden), bias(n_hidden),
                  glorot((n_hidden, n_out), n_hidden, n_out), bias(n_out)]
    else:
        k, values, c_in = p["kernel"], [], 1
        for f in p["filters"]:
            values += [glorot((k, k, c_in, f), k * k * c_in, k * k * f), bias(f)]
            c_in = f
        n_flat = _cnn_flat(p)
        values += [glorot((n_flat, p["classes"]), n_flat, p["classes"]), bias(p["classes"])]
    return dict(zip(p["weights"], values))


def _cnn_flat(p):
    side = p["hw"]
    for _ in p["filters"]:
        side = (side - p["kernel"] + 1) // p["pool"]
    return side * side * p["filters"][-1]


def _layers_data(p, rng):
    """Inputs in [0, 1) (pixel-like) and, for fit, random one-hot labels."""
    n = p["samples"]
    shape = (n, p["sizes"][0]) if p["arch"] == "mlp" else (n, p["hw"], p["hw"], 1)
    n_out = p["sizes"][-1] if p["arch"] == "mlp" else p["classes"]
    return {"x": rng.random(shape, dtype=np.float32),
            "y": np.eye(n_out, dtype=np.float32)[rng.integers(0, n_out, n)]}


# ---- NumPy: the reference (float64) and the NumPy contender (float32) ----

def _conv2d_valid(x, f):
    windows = np.lib.stride_tricks.sliding_window_view(x, f.shape[:2], axis=(1, 2))
    return np.tensordot(windows, f, axes=([4, 5, 3], [0, 1, 2]))  # [n, oh, ow, c, fh, fw] . f


def _conv2d_same(x, f, depthwise=False):
    fh, fw = f.shape[:2]
    x = np.pad(x, ((0, 0), (fh // 2, (fh - 1) // 2), (fw // 2, (fw - 1) // 2), (0, 0)))
    if depthwise:  # multiplier 1: each channel with its own filter
        return np.einsum("nhwcij,ijc->nhwc", np.lib.stride_tricks.sliding_window_view(x, (fh, fw), axis=(1, 2)),
                         f[..., 0])
    return _conv2d_valid(x, f)


def _max_pool(a, q):
    """q x q windows, stride q, the rows and columns left over dropped (padding 'valid')."""
    n, h, w, f = a.shape
    return a[:, :h // q * q, :w // q * q].reshape(n, h // q, q, w // q, q, f).max(axis=(2, 4))


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class Adam:
    """Parameters updated by adam as tfjs 4.x (bias-corrected moments, epsilon outside the sqrt)."""

    def __init__(self, params, dtype):
        self.dt = dtype
        self.params = [np.array(v, dtype) for v in params]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def update(self, grads, lr, b1, b2, eps):
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            m_hat, v_hat = m / (1 - b1 ** self.t), v / (1 - b2 ** self.t)
            p -= (lr * m_hat / (np.sqrt(v_hat) + eps)).astype(self.dt)


def _log_softmax(logits):
    shifted = logits - logits.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


class MLP(Adam):
    """n_in-n_hidden-n_out, relu, softmax cross-entropy (mean over the batch), adam as tfjs 4.x.
    The same as the layers model dense relu, dense softmax, categorical crossentropy: that loss
    clips the probabilities to [1e-7, 1 - 1e-7], which these never reach."""

    def __init__(self, x, dtype, names=("w1", "b1", "w2", "b2")):
        super().__init__([x[k] for k in names], dtype)

    def forward(self, x):
        w1, c1, w2, c2 = self.params
        return np.exp(_log_softmax(np.maximum(x @ w1 + c1, 0) @ w2 + c2))

    def step(self, x, y, lr, b1=0.9, b2=0.999, eps=1e-7):
        w1, c1, w2, c2 = self.params
        pre = x @ w1 + c1
        h = np.maximum(pre, 0)
        log_p = _log_softmax(h @ w2 + c2)
        loss = -(y * log_p).sum(axis=1).mean()
        d_logits = (np.exp(log_p) - y) / x.shape[0]
        dh = (d_logits @ w2.T) * (pre > 0)
        self.update([x.T @ dh, dh.sum(axis=0), h.T @ d_logits, d_logits.sum(axis=0)], lr, b1, b2, eps)
        return np.array([loss], self.dt)


class CNN(Adam):
    """conv2d (valid, stride 1) relu, max-pool (pool x pool, stride pool), flatten, dense softmax;
    categorical cross-entropy (mean over the batch), adam. The pool's gradient goes to the first
    maximum of each window, as tfjs's maxPoolBackprop does (ties are zeros from the relu, whose
    gradient is 0 either way)."""

    def __init__(self, x, dtype, pool, names=("k1", "c1", "w2", "b2")):
        super().__init__([x[k] for k in names], dtype)
        self.pool = pool

    def _forward(self, x):
        k, c, w, b = self.params
        windows = np.lib.stride_tricks.sliding_window_view(x, k.shape[:2], axis=(1, 2))
        pre = np.tensordot(windows, k, axes=([4, 5, 3], [0, 1, 2])) + c  # [n, oh, ow, f]
        a = np.maximum(pre, 0)
        n, oh, ow, f = a.shape
        q = self.pool
        ph, pw = oh // q, ow // q
        # [n, ph, pw, f, q*q]: each pooling window's values
        blocks = a[:, :ph * q, :pw * q].reshape(n, ph, q, pw, q, f).transpose(0, 1, 3, 5, 2, 4)
        blocks = blocks.reshape(n, ph, pw, f, q * q)
        pooled = blocks.max(axis=-1)
        logits = pooled.reshape(n, -1) @ w + b
        return windows, pre, blocks, pooled, logits

    def forward(self, x):
        """Any number of conv-relu-pool blocks (step: one)."""
        *convs, w, b = self.params
        for k, c in zip(convs[::2], convs[1::2]):
            x = _max_pool(np.maximum(_conv2d_valid(x, k) + c, 0), self.pool)
        return np.exp(_log_softmax(x.reshape(len(x), -1) @ w + b))

    def step(self, x, y, lr, b1=0.9, b2=0.999, eps=1e-7):
        k, c, w, b = self.params
        windows, pre, blocks, pooled, logits = self._forward(x)
        n, ph, pw, f = pooled.shape
        q = self.pool
        flat = pooled.reshape(n, -1)
        log_p = _log_softmax(logits)
        loss = -(y * log_p).sum(axis=1).mean()
        d_logits = (np.exp(log_p) - y) / n
        d_pooled = (d_logits @ w.T).reshape(pooled.shape)
        first = np.eye(q * q, dtype=self.dt)[blocks.argmax(axis=-1)]  # [n, ph, pw, f, q*q]
        d_blocks = (first * d_pooled[..., None]).reshape(n, ph, pw, f, q, q).transpose(0, 1, 4, 2, 5, 3)
        d_a = np.zeros_like(pre)
        d_a[:, :ph * q, :pw * q] = d_blocks.reshape(n, ph * q, pw * q, f)
        d_pre = d_a * (pre > 0)
        d_k = np.tensordot(windows, d_pre, axes=([0, 1, 2], [0, 1, 2]))  # [cin, kh, kw, f]
        grads = [d_k.transpose(1, 2, 0, 3), d_pre.sum(axis=(0, 1, 2)), flat.T @ d_logits, d_logits.sum(axis=0)]
        self.update(grads, lr, b1, b2, eps)
        return np.array([loss], self.dt)


def _layers_numpy(p, x, dtype):
    if p["arch"] == "mlp":
        return MLP(x, dtype, p["weights"])
    return CNN(x, dtype, p["pool"], p["weights"])


def _fit_epoch(model, x, y, p):
    """One epoch in order (no shuffle): the mean over the samples of each batch's loss, taken
    before that batch's update, as fit's History reports it."""
    n, total = x.shape[0], 0.0
    for start in range(0, n, p["batch"]):
        end = min(start + p["batch"], n)
        total += float(model.step(x[start:end], y[start:end], p["lr"], eps=p["epsilon"])[0]) * (end - start)
    return np.array([total / n], model.dt)


def reference(w: Workload, x):
    """The expected output of each checked run, computed in float64."""
    p = w.params
    d = {k: v.astype(np.float64) for k, v in x.items()}
    if w.kind == "matmul":
        return [d["a"] @ d["b"]]
    if w.kind == "add_chain":
        return [np.array([float(p["n"])])]
    if w.kind == "sqdiff_mean":
        return [np.array([np.mean((d["a"] - d["b"]) ** 2)])]
    if w.kind == "conv2d":
        return [_conv2d_same(d["x"], d["f"], p.get("depthwise"))]
    if w.kind == "softmax":
        return [_softmax(d["x"])]
    if w.kind == "mlp_step":
        mlp = MLP(d, np.float64)
        return [mlp.step(d["x"], d["y"], p["lr"], eps=p["epsilon"]) for _ in range(w.checks)]
    if w.kind == "layers_fit":  # each checked run is one more epoch of the same model
        model = _layers_numpy(p, d, np.float64)
        return [_fit_epoch(model, d["x"], d["y"], p) for _ in range(w.checks)]
    if w.kind == "layers_predict":
        return [_layers_numpy(p, d, np.float64).forward(d["x"])]
    if w.kind == "transfer":
        return [d["a"]]
    if w.kind in ("graph_model", "frame_model"):
        return None  # the reference contender's outputs (w.reference)
    if w.kind == "frame_upload":
        (y, x, c), (h, w_, n) = p["begin"], p["size"]
        return [d["rgba"][y:y + h, x:x + w_, c:c + n]]
    raise KeyError(w.kind)


def numpy_version(w: Workload, x):
    p = w.params
    if w.kind == "matmul":
        return lambda: x["a"] @ x["b"]
    if w.kind == "sqdiff_mean":
        return lambda: np.mean(np.square(x["a"] - x["b"]))
    if w.kind == "conv2d":
        return lambda: _conv2d_same(x["x"], x["f"], p.get("depthwise"))
    if w.kind == "softmax":
        return lambda: _softmax(x["x"])
    if w.kind == "mlp_step":
        mlp = MLP(x, np.float32)
        return lambda: mlp.step(x["x"], x["y"], p["lr"], eps=p["epsilon"])
    if w.kind == "layers_fit":
        model = _layers_numpy(p, x, np.float32)
        return lambda: _fit_epoch(model, x["x"], x["y"], p)
    if w.kind == "layers_predict":
        model = _layers_numpy(p, x, np.float32)
        return lambda: model.forward(x["x"])
    raise KeyError(w.kind)


# ---- webtensor ----

def _upload(wt, t):
    # The webgl backend uploads lazily, on a tensor's first use in a kernel; this forces
    # it now, as tfjs's backend.uploadToGPU does on the other side (no public API for it).
    # The cpu backend keeps host arrays: nothing to upload.
    backend = wt.backend()
    if hasattr(backend, "_texture"):
        backend._texture(t._data.handle, "upload")
    return t


def _no_cpu_forward(wt, fn):
    """Run fn with the webgl backend's CPU forwarding of tiny ops off, where it has one."""
    backend = wt.backend()
    saved = getattr(backend, "forward_size", None)
    if saved is None:
        return fn()
    backend.forward_size = 0
    try:
        return fn()
    finally:
        backend.forward_size = saved


def webtensor_version(wt, w: Workload, x, variant=None):
    """variant: NUMPY_UPLOAD for that contender of a frame_upload workload."""
    p = w.params
    own = ("mlp_step", "transfer", "layers_fit", "layers_predict", "graph_model", "frame_model",
           "frame_upload")  # make their own tensors
    t = {k: wt.tensor(v) for k, v in x.items() if w.kind not in own}
    if w.kind == "matmul":
        return (lambda: wt.matmul(t["a"], t["b"])), list(t.values())
    if w.kind == "add_chain":
        x0, one = wt.scalar(0.0), wt.scalar(1.0)

        def chain():
            y = x0
            for _ in range(p["n"]):
                y = wt.add(y, one)
            return y
        if p.get("cpu_forward", True):
            return (lambda: wt.tidy(chain)), [x0, one]
        return (lambda: _no_cpu_forward(wt, lambda: wt.tidy(chain))), [x0, one]
    if w.kind == "sqdiff_mean":
        a, b = t["a"], t["b"]
        return (lambda: wt.tidy(lambda: wt.mean(wt.square(wt.sub(a, b))))), [a, b]
    if w.kind == "conv2d":
        conv = wt.depthwise_conv2d if p.get("depthwise") else wt.conv2d
        return (lambda: conv(t["x"], t["f"], 1, "same")), list(t.values())
    if w.kind == "softmax":
        return (lambda: wt.softmax(t["x"])), list(t.values())
    if w.kind == "mlp_step":
        xs, ys = wt.tensor(x["x"]), wt.tensor(x["y"])
        w1, b1, w2, b2 = (wt.variable(wt.tensor(x[k])) for k in ("w1", "b1", "w2", "b2"))
        opt = wt.train.adam(p["lr"], epsilon=p["epsilon"])

        def loss():
            hidden = wt.relu(wt.add(wt.matmul(xs, w1), b1))
            return wt.losses.softmax_cross_entropy(ys, wt.add(wt.matmul(hidden, w2), b2))
        return (lambda: opt.minimize(loss, return_cost=True)), [xs, ys, w1, b1, w2, b2, opt]
    if w.kind == "transfer":
        return (lambda: _upload(wt, wt.tensor(x["a"]))), []
    if w.kind == "layers_fit":
        model = _layers_model(wt, p, x)
        opt = wt.train.adam(p["lr"], 0.9, 0.999, p["epsilon"])
        model.compile(optimizer=opt, loss="categorical_crossentropy")
        xs, ys = wt.tensor(x["x"]), wt.tensor(x["y"])

        async def fit_epoch():
            history = await model.fit(xs, ys, epochs=1, batch_size=p["batch"], shuffle=False, verbose=0)
            return np.array(history.history["loss"])  # a Python float: read back by fit
        return fit_epoch, [xs, ys, model, opt]
    if w.kind == "layers_predict" and "saved" in p:
        return _loaded(wt, wt.load_layers_model(p["saved"]), x["x"],
                       lambda model, xs: model.predict(xs, batch_size=p["samples"]))
    if w.kind == "layers_predict":
        model, xs = _layers_model(wt, p, x), wt.tensor(x["x"])
        return (lambda: model.predict(xs, batch_size=p["samples"])), [xs, model]
    if w.kind == "graph_model":
        return _loaded(wt, wt.load_graph_model(p["url"]), x["x"], lambda model, xs: model.predict(xs))
    if w.kind == "frame_model":
        return _frame_predict(wt, p)
    if w.kind == "frame_upload":
        frame = _frame(p["frame"])

        def through_numpy():
            return _upload(wt, wt.tensor(_frame_rgba(p["frame"], frame)[:, :, :3], dtype="int32"))
        upload = through_numpy if variant == NUMPY_UPLOAD else lambda: wt.browser.from_pixels(frame)
        return (lambda: wt.tidy(lambda: wt.slice(upload(), p["begin"], p["size"]))), []
    raise KeyError(w.kind)


async def _frame_predict(wt, p):
    """(run, keep): one frame from the canvas through the loaded model (workloads.js: frame_model)."""
    model, frame = await wt.load_graph_model(p["url"]), _frame(p["frame"])

    def per_frame():
        x = wt.image.resize_bilinear(wt.expand_dims(wt.browser.from_pixels(frame), 0), p["size"])
        return model.predict(wt.cast(x, "int32") if p["dtype"] == "int32" else wt.sub(wt.div(x, 127.5), 1))
    return (lambda: wt.tidy(per_frame)), [model]


async def _loaded(wt, loading, x, predict):
    """(run, keep) for a model that loads (a coroutine), its input made on the current backend."""
    model = await loading
    xs = wt.tensor(x)
    return (lambda: predict(model, xs)), [xs, model]


def _layers_model(wt, p, x):
    """The sequential model of p["arch"] (as workloads.js's LAYERS), its weights set from x."""
    L = wt.layers
    if p["arch"] == "mlp":
        n_in, n_hidden, n_out = p["sizes"]
        layers = [L.dense(units=n_hidden, activation="relu", input_shape=[n_in]),
                  L.dense(units=n_out, activation="softmax")]
    else:
        hw, layers = p["hw"], []
        for i, f in enumerate(p["filters"]):
            first = {"input_shape": [hw, hw, 1]} if i == 0 else {}
            layers += [L.conv2d(filters=f, kernel_size=p["kernel"], activation="relu", **first),
                       L.max_pooling2d(pool_size=p["pool"])]
        layers += [L.flatten(), L.dense(units=p["classes"], activation="softmax")]
    model = wt.sequential(layers)
    model.set_weights([x[k] for k in p["weights"]])
    return model

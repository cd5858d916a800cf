"""The workloads: their inputs, a float64 NumPy reference, and the webtensor and NumPy
versions. Runs inside Pyodide. benchmarks/workloads.js holds the TensorFlow.js version of
each kind under the same name, written as the same sequence of ops.

A webtensor version returns (run, keep): run() makes the output tensor (the runner reads it
back inside the timed region), keep lists the tensors to dispose afterwards. A NumPy version
returns run(), which returns the output array.
"""
from dataclasses import dataclass

import numpy as np

ALL = ("webtensor webgl", "webtensor cpu", "tfjs webgl", "tfjs wasm", "tfjs cpu", "numpy")
GPU_ONLY = ("webtensor webgl", "tfjs webgl")
NO_NUMPY = ALL[:-1]


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
        return {"x": u(1, p["hw"], p["hw"], p["c"]), "f": u(3, 3, p["c"], p["oc"]) / 10}
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
    raise KeyError(w.kind)


# ---- NumPy: the reference (float64) and the NumPy contender (float32) ----

def _conv2d_same(x, f):
    fh, fw = f.shape[:2]
    xp = np.pad(x, ((0, 0), (fh // 2, (fh - 1) // 2), (fw // 2, (fw - 1) // 2), (0, 0)))
    windows = np.lib.stride_tricks.sliding_window_view(xp, (fh, fw), axis=(1, 2))
    return np.tensordot(windows, f, axes=([4, 5, 3], [0, 1, 2]))  # [n, h, w, c, fh, fw] . f


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


class MLP:
    """784-256-10, relu, softmax cross-entropy (mean over the batch), adam as tfjs 4.x."""

    def __init__(self, x, dtype):
        self.dt = dtype
        self.params = [np.array(x[k], dtype) for k in ("w1", "b1", "w2", "b2")]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def step(self, x, y, lr, b1=0.9, b2=0.999, eps=1e-7):
        w1, c1, w2, c2 = self.params
        pre = x @ w1 + c1
        h = np.maximum(pre, 0)
        logits = h @ w2 + c2
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        loss = -(y * log_p).sum(axis=1).mean()
        d_logits = (np.exp(log_p) - y) / x.shape[0]
        dh = (d_logits @ w2.T) * (pre > 0)
        grads = [x.T @ dh, dh.sum(axis=0), h.T @ d_logits, d_logits.sum(axis=0)]
        self.t += 1
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            m_hat, v_hat = m / (1 - b1 ** self.t), v / (1 - b2 ** self.t)
            p -= (lr * m_hat / (np.sqrt(v_hat) + eps)).astype(self.dt)
        return np.array([loss], self.dt)


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
        return [_conv2d_same(d["x"], d["f"])]
    if w.kind == "softmax":
        return [_softmax(d["x"])]
    if w.kind == "mlp_step":
        mlp = MLP(d, np.float64)
        return [mlp.step(d["x"], d["y"], p["lr"], eps=p["epsilon"]) for _ in range(w.checks)]
    if w.kind == "transfer":
        return [d["a"]]
    raise KeyError(w.kind)


def numpy_version(w: Workload, x):
    p = w.params
    if w.kind == "matmul":
        return lambda: x["a"] @ x["b"]
    if w.kind == "sqdiff_mean":
        return lambda: np.mean(np.square(x["a"] - x["b"]))
    if w.kind == "conv2d":
        return lambda: _conv2d_same(x["x"], x["f"])
    if w.kind == "softmax":
        return lambda: _softmax(x["x"])
    if w.kind == "mlp_step":
        mlp = MLP(x, np.float32)
        return lambda: mlp.step(x["x"], x["y"], p["lr"], eps=p["epsilon"])
    raise KeyError(w.kind)


# ---- webtensor ----

def _upload(wt, t):
    # The webgl backend uploads lazily, on a tensor's first use in a kernel; this forces
    # it now, as tfjs's backend.uploadToGPU does on the other side (no public API for it).
    wt.backend()._texture(t._data.handle, "upload")
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


def webtensor_version(wt, w: Workload, x):
    p = w.params
    t = {k: wt.tensor(v) for k, v in x.items() if w.kind not in ("mlp_step", "transfer")}
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
        return (lambda: wt.conv2d(t["x"], t["f"], 1, "same")), list(t.values())
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
    raise KeyError(w.kind)

"""The page's live demo: a small MLP learns three spirals; the loss is plotted as it falls.

Run by app.js with Pyodide's runPythonAsync, so it may await: each wt.next_frame()
hands the thread back to the browser, which then repaints the plot.
"""
import numpy as np
from js import wtDemo
from pyodide.ffi import to_js

import webtensor as wt

STEPS, HIDDEN, CLASSES, GRID = 300, 48, 3, 40


def spirals(per_class=100, noise=0.25, seed=0):
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.1, 1.0, per_class), CLASSES)
    labels = np.repeat(np.arange(CLASSES), per_class)
    theta = labels * (2 * np.pi / CLASSES) + r * 2.5 * np.pi + rng.normal(0, noise, r.size)
    points = np.stack([r * np.sin(theta), r * np.cos(theta)], 1).astype(np.float32)
    return points, labels.astype(np.int32)


def pick_backend():
    # WebGL when this build has it and the browser gives a context; else the CPU.
    names = wt.list_backends() if hasattr(wt, "list_backends") else ["cpu"]
    for name in ("webgl", "cpu"):
        if name in names:
            try:
                wt.set_backend(name)
                return name
            except Exception as e:
                print(f"backend {name} unavailable: {e}")
    return str(wt.get_backend())


wtDemo.setBackend(pick_backend())
points, labels = spirals()
x, y = wt.tensor2d(points), wt.one_hot(wt.tensor1d(labels, dtype="int32"), CLASSES)
rng = np.random.default_rng(1)


def dense(n_in, n_out):
    w = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)).astype(np.float32)
    return wt.variable(wt.tensor(w)), wt.variable(wt.zeros([n_out]))


layers = [dense(2, HIDDEN), dense(HIDDEN, HIDDEN), dense(HIDDEN, CLASSES)]


def model(inputs):
    for i, (w, b) in enumerate(layers):
        inputs = inputs @ w + b
        inputs = wt.relu(inputs) if i < len(layers) - 1 else inputs
    return inputs


axis = np.linspace(-1.2, 1.2, GRID, dtype=np.float32)
grid = wt.tensor2d(np.stack(np.meshgrid(axis, -axis), -1).reshape(-1, 2))
wtDemo.setData(to_js(points.tolist()), to_js(labels.tolist()))


def show_regions():
    regions = wt.tidy(lambda: wt.argmax(model(grid), 1)).data_sync()
    wtDemo.showRegions(to_js(regions.tolist()), GRID)


optimizer = wt.train.adam(0.02)
for step in range(STEPS + 1):
    cost = optimizer.minimize(lambda: wt.losses.softmax_cross_entropy(y, model(x)),
                              return_cost=True)
    wtDemo.report(step, float(cost.data_sync()[0]))
    cost.dispose()
    if step % 20 == 0:
        show_regions()
    if step % 5 == 0:
        await wt.next_frame()  # noqa: F704 (top-level await: runPythonAsync)

predicted = wt.tidy(lambda: wt.argmax(model(x), 1)).data_sync()
wtDemo.finish(float(np.mean(predicted == labels)))

"""The page's live demo: a small network, built with wt.layers, learns three spirals; the
loss is plotted as it falls and the decision regions are redrawn as they form.

Run by app.js with Pyodide's runPythonAsync, so it may await: model.fit is a coroutine that
hands the thread back to the browser between batches (wt.next_frame), and the page repaints.
"""
import numpy as np
from js import wtDemo
from pyodide.ffi import to_js

import webtensor as wt

EPOCHS, HIDDEN, CLASSES, GRID = 300, 48, 3, 40


def spirals(per_class=100, noise=0.25, seed=0):
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.1, 1.0, per_class), CLASSES)
    labels = np.repeat(np.arange(CLASSES), per_class)
    theta = labels * (2 * np.pi / CLASSES) + r * 2.5 * np.pi + rng.normal(0, noise, r.size)
    points = np.stack([r * np.sin(theta), r * np.cos(theta)], 1).astype(np.float32)
    return points, labels.astype(np.int32)


wtDemo.setBackend(wt.get_backend())  # the default: WebGL on a GPU, the CPU where it is faster
points, labels = spirals()
x, y = wt.tensor2d(points), wt.one_hot(wt.tensor1d(labels, dtype="int32"), CLASSES)
axis = np.linspace(-1.2, 1.2, GRID, dtype=np.float32)
grid = wt.tensor2d(np.stack(np.meshgrid(axis, -axis), -1).reshape(-1, 2))
wtDemo.setData(to_js(points.tolist()), to_js(labels.tolist()))

model = wt.sequential([
    wt.layers.dense(units=HIDDEN, activation="relu", input_shape=[2],
                    kernel_initializer=wt.initializers.he_normal(seed=1)),
    wt.layers.dense(units=HIDDEN, activation="relu",
                    kernel_initializer=wt.initializers.he_normal(seed=2)),
    wt.layers.dense(units=CLASSES, activation="softmax"),
])
model.compile(optimizer=wt.train.adam(0.02), loss="categorical_crossentropy",
              metrics=["accuracy"])


def show_regions():
    regions = wt.tidy(lambda: wt.argmax(model.predict(grid), 1)).data_sync()
    wtDemo.showRegions(to_js(regions.tolist()), GRID)


class PagePlot(wt.callbacks.Callback):
    """Feeds the page: each batch's loss to the plot (one small read per batch, as a
    hand-written loop's), the decision regions every 20 epochs."""

    def on_train_begin(self, logs=None):
        self.step = 0

    def on_batch_end(self, batch, logs=None):
        wtDemo.report(self.step, logs["loss"])
        self.step += 1

    def on_epoch_end(self, epoch, logs=None):
        if epoch % 20 == 0:
            show_regions()


# One batch of all 300 points per epoch: full-batch Adam, as the loop this replaced did.
await model.fit(x, y, epochs=EPOCHS, batch_size=len(points), shuffle=False,  # noqa: F704
                verbose=0, callbacks=[PagePlot()])
show_regions()
predicted = wt.tidy(lambda: wt.argmax(model.predict(x), 1)).data_sync()
wtDemo.finish(float(np.mean(predicted == labels)))

"""Train a small convolutional network, built with wt.layers, to tell shapes apart.

The images are drawn here (no download): 16x16 pixels holding a horizontal bar, a vertical
bar, a diagonal cross or a ring, at a random place and size, with noise. The same script
runs in CPython and in the browser:
    python examples/train_cnn.py
    webtensor run examples/train_cnn.py [--backend webgl|cpu] [-- --epochs 4]
It prints the backend, the model, a progress line per epoch (fit's verbose=1), then the
accuracy on held-out images, and exits non-zero if the model did not learn.
"""
import argparse
import asyncio
import sys
import time

import numpy as np

import webtensor as wt

SIZE = 16
SHAPES = ["horizontal bar", "vertical bar", "cross", "ring"]


def draw(kind, rng):
    """One image of shape `kind`: a mask of the shape, scaled by a brightness, plus noise."""
    y, x = np.mgrid[:SIZE, :SIZE] - rng.uniform(5.5, 9.5, 2)[:, None, None]
    half, width = rng.uniform(3.5, 6.0), rng.uniform(0.6, 1.3)
    if kind == 0:
        mask = (abs(y) < width) & (abs(x) < half)
    elif kind == 1:
        mask = (abs(x) < width) & (abs(y) < half)
    elif kind == 2:
        mask = ((abs(x - y) < width * 1.4) | (abs(x + y) < width * 1.4)) & (np.maximum(abs(x), abs(y)) < half * 0.8)
    else:
        mask = abs(np.hypot(x, y) - half * 0.8) < width
    return mask * rng.uniform(0.6, 1.0) + rng.normal(0, 0.25, mask.shape)


def images(n, seed=0):
    """n images [n, 16, 16, 1] with one-hot labels, the shapes in equal numbers, shuffled."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(np.arange(n) % len(SHAPES))
    x = np.stack([draw(k, rng) for k in labels])[..., None].astype(np.float32)
    return x, np.eye(len(SHAPES), dtype=np.float32)[labels]


def build():
    model = wt.sequential([
        wt.layers.conv2d(filters=8, kernel_size=3, activation="relu", input_shape=[SIZE, SIZE, 1]),
        wt.layers.max_pooling2d(pool_size=2),
        wt.layers.conv2d(filters=16, kernel_size=3, activation="relu"),
        wt.layers.max_pooling2d(pool_size=2),
        wt.layers.flatten(),
        wt.layers.dropout(rate=0.2),
        wt.layers.dense(units=len(SHAPES), activation="softmax"),
    ])
    model.compile(optimizer=wt.train.adam(0.01), loss="categorical_crossentropy",
                  metrics=["accuracy"])
    return model


async def main(args):
    x_train, y_train = images(args.samples, seed=0)
    x_test, y_test = images(args.samples // 4, seed=1)
    print(f"backend: {wt.get_backend()}; {len(x_train)} training images, {len(x_test)} held "
          f"out, {len(SHAPES)} shapes ({', '.join(SHAPES)})")
    model = build()
    model.summary()
    start = time.perf_counter()
    await model.fit(x_train, y_train, epochs=args.epochs, batch_size=32, validation_split=0.1,
                    verbose=1)
    print(f"trained in {time.perf_counter() - start:.1f} s")
    _, accuracy = model.evaluate(x_test, y_test)
    accuracy = float(accuracy)
    print(f"held-out accuracy: {accuracy:.1%} (chance: {1 / len(SHAPES):.0%})")
    return 0 if accuracy > 0.7 else 1


def run(coro):
    """fit is a coroutine: asyncio.run in CPython; in the browser the page's event loop is
    already running, and Pyodide's run_sync waits on it (JS promise integration)."""
    if sys.platform == "emscripten":
        from pyodide.ffi import run_sync
        return run_sync(coro)
    return asyncio.run(coro)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--samples", type=int, default=640, help="training images")
    raise SystemExit(run(main(parser.parse_args())))

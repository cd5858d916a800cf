"""Train a small neural network to tell three interleaved spirals apart.

The data is generated here (no download). The same script runs in CPython and in the
browser:
    python examples/train_classifier.py
    webtensor run examples/train_classifier.py [--backend webgl|cpu] [-- --steps 200]
It prints the loss as training goes, then the accuracy on held-out points, and exits
non-zero if the model did not learn.
"""
import argparse
import time

import numpy as np

import webtensor as wt

CLASSES = 3


def spirals(per_class, noise=0.3, turns=1.5, seed=0):
    """Points on three spiral arms, shuffled; labels are the arm numbers."""
    rng = np.random.default_rng(seed)
    r = np.tile(np.linspace(0.1, 1.0, per_class), CLASSES)
    labels = np.repeat(np.arange(CLASSES), per_class)
    angle = labels * (2 * np.pi / CLASSES) + r * turns * 2 * np.pi
    theta = angle + rng.normal(0, noise, r.size)
    points = np.stack([r * np.sin(theta), r * np.cos(theta)], 1).astype(np.float32)
    order = rng.permutation(r.size)
    return points[order], labels[order].astype(np.int32)


class MLP:
    """Two hidden ReLU layers; He-initialised weights from a fixed seed."""

    def __init__(self, sizes, seed=1):
        rng = np.random.default_rng(seed)
        self.layers = []
        for n_in, n_out in zip(sizes, sizes[1:]):
            w = rng.normal(0, np.sqrt(2 / n_in), (n_in, n_out)).astype(np.float32)
            self.layers.append((wt.variable(wt.tensor(w)), wt.variable(wt.zeros([n_out]))))

    def __call__(self, x):
        for i, (w, b) in enumerate(self.layers):
            x = x @ w + b
            if i < len(self.layers) - 1:
                x = wt.relu(x)
        return x


def accuracy(model, x, labels):
    with wt.tidy():
        predicted = wt.argmax(model(x), 1)
        return float(wt.mean(wt.cast(wt.equal(predicted, labels), "float32")).data_sync()[0])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=400)
    parser.add_argument("--lr", type=float, default=0.01)
    args = parser.parse_args()

    points, labels = spirals(per_class=200)
    split = int(0.8 * len(points))
    x_train, x_test = wt.tensor2d(points[:split]), wt.tensor2d(points[split:])
    y_train = wt.one_hot(wt.tensor1d(labels[:split], dtype="int32"), CLASSES)
    labels_test = wt.tensor1d(labels[split:], dtype="int32")
    print(f"backend: {wt.get_backend()}; {split} training points, "
          f"{len(points) - split} held out, {CLASSES} classes")

    model = MLP([2, 64, 64, CLASSES])
    optimizer = wt.train.adam(args.lr)
    start = time.perf_counter()
    for step in range(1, args.steps + 1):
        cost = optimizer.minimize(
            lambda: wt.losses.softmax_cross_entropy(y_train, model(x_train)), return_cost=True)
        if step == 1 or step % 50 == 0 or step == args.steps:
            print(f"step {step:4d}  loss {float(cost.data_sync()[0]):.4f}  "
                  f"({time.perf_counter() - start:.1f} s)", flush=True)
        cost.dispose()

    test_accuracy = accuracy(model, x_test, labels_test)
    print(f"held-out accuracy: {test_accuracy:.1%}")
    return 0 if test_accuracy > 0.9 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Soak: long sessions keep memory flat. Every optimizer trains for STEPS steps; ops with fresh
Python numbers run NUMBERS times; layers models fit for many batches. Tensor and byte counts
(and on webgl the texture count) after the warm-up equal those at the end.

STEPS and NUMBERS default to the issue's 10,000 and 100,000 on the CPU backend in CPython;
inside the page (WebGL there is SwiftShader, a GPU emulated on the CPU) they are smaller, and
WEBTENSOR_SOAK_STEPS / WEBTENSOR_SOAK_NUMBERS set them for a longer run on demand."""
import os
import sys

import numpy as np
import pytest

import webtensor as wt
from conftest import run

IN_PAGE = sys.platform == "emscripten"
STEPS = int(os.environ.get("WEBTENSOR_SOAK_STEPS", 400 if IN_PAGE else 10_000))
NUMBERS = int(os.environ.get("WEBTENSOR_SOAK_NUMBERS", 2_000 if IN_PAGE else 100_000))
OPTIMIZERS = {
    "sgd": lambda: wt.train.sgd(0.05),
    "momentum": lambda: wt.train.momentum(0.05, 0.9, use_nesterov=True),
    "adagrad": lambda: wt.train.adagrad(0.1),
    "adadelta": lambda: wt.train.adadelta(1.0),
    "adam": lambda: wt.train.adam(0.01),
    "adamax": lambda: wt.train.adamax(0.01),
    "rmsprop": lambda: wt.train.rmsprop(0.01, centered=True),
}


def counts():
    m = wt.memory()
    return m.num_tensors, m.num_bytes, m.num_textures


def steps_for(backend):
    return STEPS if backend == "cpu" or "WEBTENSOR_SOAK_STEPS" in os.environ else max(STEPS // 4, 50)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_every_optimizer_trains_for_many_steps_with_flat_memory(backend, name):
    rng = np.random.default_rng(0)
    x = wt.tensor(rng.normal(size=(16, 3)).astype(np.float32))
    y = wt.tensor((rng.normal(size=(16, 1)) > 0).astype(np.float32))
    w = wt.variable(wt.zeros([3, 1]), name=f"soak_w_{name}")
    b = wt.variable(wt.zeros([1]), name=f"soak_b_{name}")
    opt = OPTIMIZERS[name]()

    def loss():
        return wt.losses.sigmoid_cross_entropy(y, x @ w + b)
    first = opt.minimize(loss, return_cost=True)
    start_loss = first.item()
    first.dispose()
    opt.minimize(loss)  # the slots exist after the first step; the warm-up ends here
    warm = counts()
    n = steps_for(backend)
    for step in range(n):
        opt.minimize(loss)
        if step % 1000 == 999:
            assert counts() == warm, (step, counts(), warm)
    assert counts() == warm, (counts(), warm)
    end = wt.tidy(lambda: loss().item())
    assert np.isfinite(end) and end < start_loss, (name, start_loss, end)
    opt.dispose()
    wt.dispose([x, y, w, b])


def test_ops_with_fresh_python_numbers_keep_memory_flat(backend):
    """Every distinct Python number an op is given becomes a constant; the cache of them is
    bounded, so a session's memory stays flat however many numbers it sees."""
    x = wt.tensor(np.arange(6, dtype=np.float32))
    for i in range(1500):  # fills the constant cache
        wt.dispose(x * (1.0 + i * 1e-6))
    warm = counts()
    for i in range(NUMBERS):
        with wt.tidy():  # three ops, three fresh numbers
            y = x * (2.0 + i * 1e-7) + (i % 97) - 0.5 / (i + 1)
            if i % 5000 == 0:
                np.testing.assert_allclose(y.numpy(), np.arange(6) * (2.0 + i * 1e-7) + (i % 97) - 0.5 / (i + 1),
                                           rtol=1e-5)
    assert counts() == warm, (counts(), warm)
    x.dispose()


def test_fit_for_many_batches_keeps_memory_flat(backend):
    rng = np.random.default_rng(1)
    batches = 40 if IN_PAGE else 1000
    xs = rng.normal(size=(batches * 4, 5)).astype(np.float32)
    ys = np.eye(3, dtype=np.float32)[rng.integers(0, 3, batches * 4)]
    model = wt.sequential([wt.layers.dense(units=8, activation="relu", input_shape=[5]),
                           wt.layers.dropout(rate=0.2), wt.layers.dense(units=3, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    run(model.fit(xs[:8], ys[:8], epochs=1, batch_size=4, verbose=0))  # slots made
    warm = counts()
    run(model.fit(xs, ys, epochs=1, batch_size=4, verbose=0))
    assert counts() == warm, (counts(), warm)
    model.dispose()

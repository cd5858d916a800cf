"""Shared fixtures and reference helpers for the core test suite.

Pure Python + NumPy so the same files run in CPython and in Pyodide. The backend under test
is a parameter: WEBTENSOR_TEST_BACKENDS="cpu,webgl" runs every op test once per backend.
Test files import the helpers below with `from conftest import ...`.
"""
import asyncio
import concurrent.futures
import contextlib
import os
import sys

import numpy as np
import pytest

import webtensor as wt

BACKENDS = [b.strip() for b in os.environ.get("WEBTENSOR_TEST_BACKENDS", "cpu").split(",")
            if b.strip()]


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "leakcheck: fail unless wt.memory().num_tensors ends where it started")


@pytest.fixture(params=BACKENDS)
def backend(request):
    """Select the backend; with @pytest.mark.leakcheck also assert no tensor was leaked.
    "webgl" runs every op's GPU kernel; "webgl+host" is the same backend as users get it,
    running tiny ops on host values with NumPy."""
    name, _, mode = request.param.partition("+")
    wt.set_backend(name)
    forward = getattr(wt.backend(), "forward_size", None)
    if forward is not None and mode != "host":
        wt.backend().forward_size = 0
    before = wt.memory().num_tensors
    yield name
    if forward is not None:
        wt.backend().forward_size = forward
    if request.node.get_closest_marker("leakcheck") is not None:
        after = wt.memory().num_tensors
        assert after == before, f"test leaked {after - before} tensors"


@contextlib.contextmanager
def no_leaks():
    """Assert that the block leaves wt.memory().num_tensors exactly unchanged."""
    before = wt.memory().num_tensors
    yield
    after = wt.memory().num_tensors
    assert after == before, f"block leaked {after - before} tensors"


def expect(fn, exc, *fragments):
    """fn() raises exc whose message holds every fragment, and leaves no tensor behind."""
    with no_leaks():
        with pytest.raises(exc) as info:
            fn()
    for fragment in fragments:
        assert fragment in str(info.value), f"{fragment!r} not in {str(info.value)!r}"


def run(coro):
    """Run a coroutine to completion from synchronous test code, in CPython and Pyodide."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    if sys.platform != "emscripten":  # CPython under a running loop (Playwright's, in a full
        # run): a helper thread has none of its own; this thread waits for it
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, coro).result()
    if can_block():  # Pyodide with JS promise integration can block on a coroutine
        from pyodide.ffi import run_sync
        return run_sync(coro)
    # A loop is already running and cannot be re-entered: step the coroutine by hand, which
    # works for the CPU-side awaits these tests make (they complete without suspending).
    try:
        while True:
            pending = coro.send(None)
            if pending is not None and not (hasattr(pending, "done") and pending.done()):
                raise RuntimeError("coroutine suspended on a pending future; cannot block here")
    except StopIteration as stop:
        return stop.value


def can_block():
    """True where run() can wait for a truly pending future (not only step a coroutine)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return True
    if sys.platform != "emscripten":
        return True
    try:
        from pyodide.ffi import run_sync  # noqa: F401
    except ImportError:
        return False
    try:
        from pyodide.ffi import can_run_sync
    except ImportError:
        return True
    return bool(can_run_sync())


# ---------------------------------------------------------------- tolerances

def tol(backend, kind="basic"):
    """rtol/atol for float32 results: 'basic' arithmetic, 'trans' transcendental, 'grad'."""
    cpu = backend == "cpu"
    table = {
        "basic": (1e-4, 1e-5) if cpu else (1e-3, 1e-4),
        "trans": (1e-4, 1e-5) if cpu else (2e-3, 1e-4),
        "grad": (5e-4, 5e-5) if cpu else (5e-3, 5e-4),
    }
    rtol, atol = table[kind]
    return {"rtol": rtol, "atol": atol}


# ---------------------------------------------------------------- value checks

def to_np(t):
    """A tensor's values as an ndarray of its shape, read through data_sync()."""
    return np.asarray(t.data_sync()).reshape(tuple(t.shape))


def assert_close(t, expected, rtol=1e-4, atol=1e-5, dtype=None):
    """Check a Tensor's shape, dtype (default: inferred from `expected`) and values."""
    expected = np.asarray(expected)
    assert isinstance(t, wt.Tensor), f"expected a Tensor, got {type(t).__name__}"
    assert tuple(t.shape) == expected.shape, f"shape {tuple(t.shape)} != {expected.shape}"
    if dtype is None:
        dtype = np_dtype_name(expected.dtype)
    assert t.dtype == dtype, f"dtype {t.dtype} != {dtype}"
    got = to_np(t)
    if dtype == "float32":
        np.testing.assert_allclose(got.astype(np.float64), expected.astype(np.float64),
                                   rtol=rtol, atol=atol, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)


def np_dtype_name(dtype):
    if dtype == np.bool_:
        return "bool"
    if np.issubdtype(dtype, np.integer):
        return "int32"
    return "float32"


def f32(x):
    return np.asarray(x, dtype=np.float32)


# ---------------------------------------------------------------- random inputs

def uniform(rng, shape, lo=-2.0, hi=2.0, away=None, margin=0.1):
    """float32 uniform values in [lo, hi), at least `margin` away from each point in `away`."""
    x = rng.uniform(lo, hi, shape)
    for p in (away or ()):
        near = np.abs(x - p) < margin
        x = np.where(near, p + np.where(x >= p, margin, -margin) * 2, x)
    return f32(x)


def random_ints(rng, shape, lo=-5, hi=6):
    return rng.integers(lo, hi, shape).astype(np.int32)


# ---------------------------------------------------------------- gradients

def numeric_grads(f, xs, eps=1e-6):
    """Central finite differences of scalar f(*xs) in float64, one array per input."""
    xs = [np.array(x, dtype=np.float64) for x in xs]
    grads = []
    for x in xs:
        g = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            orig = x[idx]
            x[idx] = orig + eps
            fp = f(*xs)
            x[idx] = orig - eps
            fm = f(*xs)
            x[idx] = orig
            g[idx] = (fp - fm) / (2 * eps)
        grads.append(g)
    return grads


def check_grad(fn, ref, inputs, backend, kind="grad", seed=0, wrt=None):
    """Compare wt.grads of sum(fn(*xs) * w) with finite differences of sum(ref(*xs) * w).

    fn maps Tensors to a Tensor (or list of Tensors); ref maps float64 arrays to the same.
    w is a fixed random weight per output, so the check is not only of plain sums.
    `wrt` lists the indices of inputs to differentiate (default all).
    """
    inputs = [f32(x) for x in inputs]
    wrt = list(range(len(inputs))) if wrt is None else list(wrt)
    outs = ref(*[x.astype(np.float64) for x in inputs])
    multi = isinstance(outs, (list, tuple))
    rng = np.random.default_rng(seed + 1000)
    weights = [f32(rng.uniform(0.5, 1.5, np.shape(o)) * rng.choice([-1.0, 1.0], np.shape(o)))
               for o in (outs if multi else [outs])]

    def loss_np(*active):
        xs = [x.astype(np.float64) for x in inputs]
        for i, a in zip(wrt, active):
            xs[i] = a
        o = ref(*xs)
        return sum(float(np.sum(oi * wi)) for oi, wi in zip(o if multi else [o], weights))

    expected = numeric_grads(loss_np, [inputs[i] for i in wrt])
    tensors = [wt.tensor(x) for x in inputs]
    w_tensors = [wt.tensor(w) for w in weights]

    def loss_wt(*active):
        ts = list(tensors)
        for i, a in zip(wrt, active):
            ts[i] = a
        o = fn(*ts)
        terms = [wt.sum(wt.mul(oi, wi)) for oi, wi in zip(o if multi else [o], w_tensors)]
        return terms[0] if len(terms) == 1 else wt.add_n(terms)

    got = wt.grads(loss_wt)([tensors[i] for i in wrt])
    assert len(got) == len(wrt)
    for i, g, e in zip(wrt, got, expected):
        assert tuple(g.shape) == inputs[i].shape, f"grad {i} shape {tuple(g.shape)}"
        np.testing.assert_allclose(to_np(g).astype(np.float64), e, **tol(backend, kind),
                                   err_msg=f"gradient of input {i}")

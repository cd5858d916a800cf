"""wt.signal: hann_window, hamming_window and frame against NumPy references (tfjs's cases)."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, tol

pytestmark = pytest.mark.leakcheck


def _cosine(n, a, b):
    """tfjs's cosineWindow: symmetric for odd lengths, periodic for even ones."""
    m = n - 1 if n % 2 else n
    return a - b * np.cos(2 * np.pi * np.arange(n) / m)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 6, 7, 20])
def test_windows(backend, n):
    with wt.tidy():
        hann, hamming = wt.signal.hann_window(n), wt.signal.hamming_window(n)
        expected = (np.ones(1), np.ones(1)) if n == 1 else (_cosine(n, 0.5, 0.5), _cosine(n, 0.54, 0.46))
        assert_close(hann, expected[0], **tol(backend, "trans"))
        assert_close(hamming, expected[1], **tol(backend, "trans"))


def test_windows_match_tfjs_values(backend):
    with wt.tidy():
        assert_close(wt.hann_window(7), [0, 0.25, 0.75, 1, 0.75, 0.25, 0], atol=1e-6)
        assert_close(wt.hann_window(6), [0, 0.25, 0.75, 1, 0.75, 0.25], atol=1e-6)
        assert_close(wt.hamming_window(3), [0.08, 1, 0.08], atol=1e-6)


@pytest.mark.parametrize("fn", ["hann_window", "hamming_window"])
@pytest.mark.parametrize("n", [-1, 2.5, True])
def test_window_errors(backend, fn, n):
    with pytest.raises(ValueError, match=f"{fn}: argument 'window_length' must be an int >= 0"):
        getattr(wt.signal, fn)(n)


def _frames(x, length, step, pad_end=False, value=0):
    """tfjs's frame, written out: full frames, then (pad_end) the ones running past the end."""
    n = len(x)
    starts = range(0, n if pad_end else n - length + 1, max(step, 1))
    padded = np.concatenate([x, np.full(length, value, x.dtype)])
    return np.array([padded[s:s + length] for s in starts], x.dtype).reshape(-1, length)


FRAMES = [  # tfjs's frame_test cases, and some edges
    (3, 1, False, 0), (3, 2, False, 0), (3, 5, False, 0), (6, 1, False, 0), (6, 0, False, 0),
    (3, 3, True, 0), (3, 3, True, 100), (4, 1, True, 0), (4, 1, True, 42), (4, 2, True, 0),
    (5, 5, False, 0), (5, 5, True, 0), (1, 1, False, 0), (7, 3, True, -1),
]


@pytest.mark.parametrize("length,step,pad_end,value", FRAMES, ids=range(len(FRAMES)))
def test_frame(backend, length, step, pad_end, value):
    x = np.arange(1, 6, dtype=np.float32)
    with wt.tidy():
        assert_close(wt.signal.frame(x, length, step, pad_end, value), _frames(x, length, step, pad_end, value))


def test_frame_int32_empty_and_grad(backend):
    x = np.arange(7, dtype=np.int32)
    with wt.tidy():
        assert_close(wt.frame(wt.tensor(x), 3, 2, True, -1), _frames(x, 3, 2, True, -1))
        assert_close(wt.frame(wt.tensor(x), 8, 1), np.zeros((0, 8), np.int32))
        assert_close(wt.frame(np.zeros(0, np.float32), 2, 1, True), np.zeros((0, 2)))
    with wt.tidy():
        rng = np.random.default_rng(0)
        check_grad(lambda s: wt.frame(s, 3, 2, True), lambda s: _frames(s, 3, 2, True), [rng.normal(size=6)],
                   backend)


@pytest.mark.parametrize("args,match", [
    (([[1.0, 2.0]], 1, 1), "frame: argument 'signal' must be 1-D"),
    (([1.0, 2.0], 0, 1), "frame: argument 'frame_length' must be an int >= 1"),
    (([1.0, 2.0], 1, 0), "frame: argument 'frame_step' must be >= 1"),
    (([1.0, 2.0], 1, 1.5), "frame: argument 'frame_step' must be an int"),
])
def test_frame_errors(backend, args, match):
    with pytest.raises(ValueError, match=match):
        wt.frame(*args)

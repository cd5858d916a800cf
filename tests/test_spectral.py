"""wt.spectral (fft, ifft, rfft, irfft) and wt.signal.stft against numpy.fft, on both of
spectral.py's paths (one DFT matrix; the four-step split of longer lengths), with gradients."""
import numpy as np
import pytest

import webtensor as wt
from conftest import check_grad, expect, tol
from webtensor.ops import spectral

pytestmark = pytest.mark.leakcheck


@pytest.fixture(params=["direct", "split"])
def path(request, monkeypatch):
    """"split" makes every length past 4 take the four-step path (a small _DIRECT)."""
    if request.param == "split":
        monkeypatch.setattr(spectral, "_DIRECT", 4)
    return request.param


def z_of(rng, *shape):
    return rng.uniform(-1, 1, shape) + 1j * rng.uniform(-1, 1, shape)


def c_of(z):
    return wt.complex(np.float32(z.real), np.float32(z.imag))


def assert_near(t, expected, backend, dtype):
    """Values to float32 accuracy, relative to the largest magnitude (DFT sums grow with n)."""
    expected = np.asarray(expected)
    assert t.dtype == dtype and tuple(t.shape) == expected.shape, (t.dtype, t.shape, expected.shape)
    scale = max(1.0, float(np.abs(expected).max(initial=0)))
    np.testing.assert_allclose(t.numpy(), expected, rtol=0, atol=10 * tol(backend)["atol"] * scale)


SHAPES = [(1,), (2,), (3,), (5,), (8,), (2, 6), (2, 1, 7), (0, 4), (12,), (16,), (2, 9)]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_fft_ifft(backend, path, shape):
    z = z_of(np.random.default_rng(len(shape) + shape[-1]), *shape)
    with wt.tidy():
        c = c_of(z)
        assert_near(wt.fft(c), np.fft.fft(z), backend, "complex64")
        assert_near(wt.ifft(c), np.fft.ifft(z), backend, "complex64")
        assert_near(wt.ifft(wt.fft(c)), z, backend, "complex64")


@pytest.mark.parametrize("shape,fft_length", [((1,), None), ((2,), None), ((5,), None), ((2, 6), None),
                                              ((3, 1, 7), None), ((9,), 4), ((5,), 8), ((2, 3), 1),
                                              ((0, 4), None), ((2, 16), None), ((12,), 13)], ids=str)
def test_rfft(backend, path, shape, fft_length):
    x = np.random.default_rng(shape[-1]).uniform(-1, 1, shape).astype(np.float32)
    with wt.tidy():
        assert_near(wt.rfft(x, fft_length), np.fft.rfft(x, fft_length), backend, "complex64")
        assert_near(wt.spectral.rfft(wt.tensor(x)), np.fft.rfft(x), backend, "complex64")


def test_rfft_of_int32_is_as_float32(backend):
    with wt.tidy():
        x = np.arange(6, dtype=np.int32)
        assert_near(wt.rfft(wt.tensor(x)), np.fft.rfft(x), backend, "complex64")


def _irfft(z):
    """tfjs's irfft: length 2 (n - 1) from n frequencies (conjugates of 1..n-2 appended); for
    n <= 2, real(ifft) of the n values."""
    n = z.shape[-1]
    return np.fft.ifft(z).real if n <= 2 else np.fft.irfft(z, 2 * (n - 1))


@pytest.mark.parametrize("shape", [(1,), (2,), (3,), (5,), (2, 4), (2, 1, 6), (0, 3), (9,), (2, 10)], ids=str)
def test_irfft(backend, path, shape):
    z = z_of(np.random.default_rng(shape[-1]), *shape)
    with wt.tidy():
        assert_near(wt.irfft(c_of(z)), _irfft(z), backend, "float32")


@pytest.mark.parametrize("n", [4, 7, 10])
def test_irfft_inverts_rfft(backend, path, n):
    x = np.random.default_rng(n).uniform(-1, 1, (2, n)).astype(np.float32)
    with wt.tidy():
        back = wt.irfft(wt.rfft(x))  # odd n: 2 (n // 2) values, the last one lost
        assert_near(back, np.fft.irfft(np.fft.rfft(x), 2 * (n // 2)), backend, "float32")
        if n % 2 == 0:
            assert_near(back, x, backend, "float32")


def test_namespaces():
    for name in ("fft", "ifft", "rfft", "irfft"):
        assert getattr(wt.spectral, name) is getattr(wt, name) and name in wt.spectral.__all__
    assert wt.signal.stft is wt.stft and "stft" in wt.signal.__all__


# ---------------------------------------------------------------- stft

def _stft(x, length, step, fft_length=None, window=None):
    """tfjs's stft: frames (no padding) times the window, each one's rfft."""
    fft_length = fft_length or 1 << (length - 1).bit_length()
    if window is None:
        m = length if length % 2 == 0 else length - 1
        window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(length) / m) if length > 1 else np.ones(1)
    frames = np.array([x[s:s + length] for s in range(0, len(x) - length + 1, step)]).reshape(-1, length)
    return np.fft.rfft(frames * window, fft_length)


@pytest.mark.parametrize("length,step,fft_length", [(8, 4, None), (5, 2, None), (4, 3, 16), (6, 6, 4),
                                                    (1, 1, None), (20, 1, None), (30, 2, None)], ids=str)
def test_stft(backend, path, length, step, fft_length):
    x = np.random.default_rng(length).uniform(-1, 1, 20).astype(np.float32)
    with wt.tidy():
        assert_near(wt.signal.stft(x, length, step, fft_length), _stft(x, length, step, fft_length),
                    backend, "complex64")


def test_stft_window_fn(backend):
    x = np.random.default_rng(0).uniform(-1, 1, 16).astype(np.float32)
    with wt.tidy():
        hamming = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(6) / 6)
        assert_near(wt.signal.stft(x, 6, 3, 8, wt.signal.hamming_window), _stft(x, 6, 3, 8, hamming),
                    backend, "complex64")
        assert_near(wt.signal.stft(x, 4, 4, window_fn=lambda n: wt.ones([n])),
                    _stft(x, 4, 4, window=np.ones(4)), backend, "complex64")


# ---------------------------------------------------------------- gradients (tfjs has none)

def test_gradients(backend, path):
    rng = np.random.default_rng(5)
    x, y = rng.uniform(-1, 1, (2, 6)), rng.uniform(-1, 1, (2, 6))
    with wt.tidy():
        check_grad(lambda a, b: wt.abs(wt.fft(wt.complex(a, b))), lambda a, b: np.abs(np.fft.fft(a + 1j * b)),
                   [x, y], backend)
        check_grad(lambda a, b: wt.real(wt.ifft(wt.complex(a, b))), lambda a, b: np.fft.ifft(a + 1j * b).real,
                   [x, y], backend)
        check_grad(lambda a: [wt.real(wt.rfft(a, 8)), wt.imag(wt.rfft(a))],
                   lambda a: [np.fft.rfft(a, 8).real, np.fft.rfft(a).imag], [x], backend)
        check_grad(lambda a, b: wt.irfft(wt.complex(a, b)), lambda a, b: np.fft.irfft(a + 1j * b, 10),
                   [x, y], backend)
        check_grad(lambda s: wt.abs(wt.signal.stft(s, 5, 3)), lambda s: np.abs(_stft(s, 5, 3)),
                   [rng.uniform(-1, 1, 14)], backend)


# ---------------------------------------------------------------- errors

def test_errors(backend):
    with wt.tidy():
        x, c, scalar, empty = wt.ones([2, 4]), wt.complex(wt.ones([4]), wt.zeros([4])), wt.complex(1.0, 2.0), \
            wt.zeros([3, 0])
        for name in ("fft", "ifft", "irfft"):
            expect(lambda: getattr(wt, name)(x), TypeError, name, "'input'", "complex64", "float32")
        expect(lambda: wt.rfft(c), TypeError, "rfft", "'input'", "real", "complex64")
        expect(lambda: wt.fft(scalar), ValueError, "fft", "innermost", "()")
        expect(lambda: wt.rfft(empty), ValueError, "rfft", "innermost", "(3, 0)")
        for bad in (0, -2, 2.5, True):
            expect(lambda: wt.rfft(x, bad), ValueError, "rfft", "'fft_length'", repr(bad))
        expect(lambda: wt.signal.stft(x, 4, 2), ValueError, "stft", "'signal'", "1-D")
        row = x[0]
        expect(lambda: wt.signal.stft(row, 0, 2), ValueError, "stft", "'frame_length'")

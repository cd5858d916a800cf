"""tfjs's tf.spectral (fft, ifft, rfft, irfft, along the innermost axis) and tf.signal.stft.

A DFT is a matrix product on the device: [re, im] @ [[C, sS], [-sS, C]], C and S the cosines and
sines of 2 pi j k / n, built on the host in float64 from the length alone. Past _DIRECT points a
length n = n1 n2 is split as Cooley and Tukey's four-step FFT (a DFT of length n1, twiddles, DFTs
of length n2, themselves split again), and a prime one is a convolution of power-of-two length
(Bluestein's), so cost and matrix sizes stay small. All compositions: every backend runs them
and autograd differentiates them (tfjs has no gradient for these)."""
import functools
import math

import numpy as np

from ..dtypes import COMPLEX64
from .complex import _make, _part
from .core import as_tensor, from_values, op
from .creation import fill
from .elementwise import add, cast, mul, sub
from .indexing import gather
from .linalg import matmul
from .shape import concat, pad, reshape, slice, transpose
from .signal import frame, hann_window

_DIRECT = 128  # the longest DFT done as one matrix product


@functools.lru_cache(maxsize=32)
def _dft64(n, inverse):
    """[[C, sS], [-sS, C]] (s = -1 forward, +1 inverse, which is also scaled by 1/n), float64:
    [re, im] @ it is [re, im] of the DFT of re + i im along the last axis."""
    angle = 2 * np.pi * (np.outer(np.arange(n), np.arange(n)) % n) / n  # exact j k mod n first
    c, s = np.cos(angle), np.sin(angle) * (1 if inverse else -1)
    return np.block([[c, s], [-s, c]]) / (n if inverse else 1)


def _constant(values):
    return from_values(values, "float32")


def _halves(y, n):
    """The first n and the next columns of y [batch, 2n]: its real and imaginary parts."""
    return slice(y, [0, 0], [y.shape[0], n]), slice(y, [0, n], [y.shape[0], n])


def _cmul(ar, ai, br, bi):
    """(ar + i ai)(br + i bi) as its parts."""
    return sub(mul(ar, br), mul(ai, bi)), add(mul(ar, bi), mul(ai, br))


@functools.lru_cache(maxsize=16)
def _twiddles(n1, n2, inverse):
    """cos and s sin of 2 pi k1 j2 / (n1 n2), [n1, n2]: the four-step's twiddle factors."""
    n = n1 * n2
    angle = 2 * np.pi * (np.outer(np.arange(n1), np.arange(n2)) % n) / n
    return np.cos(angle), np.sin(angle) * (1 if inverse else -1)


def _dft(re, im, inverse):
    """The DFT (or inverse DFT) of re + i im [batch, n] along axis 1, as its float32 parts."""
    batch, n = re.shape
    if n <= _DIRECT:
        return _halves(matmul(concat([re, im], 1), _constant(_dft64(n, inverse))), n)
    n1 = next(d for d in range(min(math.isqrt(n), _DIRECT), 0, -1) if n % d == 0)  # the most even split
    if n1 == 1:
        return _bluestein(re, im, inverse)
    # j = n2 j1 + j2 and k = k1 + n1 k2: DFTs over j1 (a product from the left with the same
    # matrix, transposed: C and S are symmetric), twiddles, DFTs over j2, then k's order
    n2 = n // n1
    x = concat([reshape(re, [batch, n1, n2]), reshape(im, [batch, n1, n2])], 1)
    y = matmul(_constant(_dft64(n1, inverse)), x, transpose_a=True)      # [batch, 2 n1, n2]
    a, b = slice(y, [0, 0, 0], [batch, n1, n2]), slice(y, [0, n1, 0], [batch, n1, n2])
    c, s = (_constant(t) for t in _twiddles(n1, n2, inverse))
    a, b = _cmul(a, b, c, s)
    parts = _dft(reshape(a, [batch * n1, n2]), reshape(b, [batch * n1, n2]), inverse)
    return tuple(reshape(transpose(reshape(p, [batch, n1, n2]), [0, 2, 1]), [batch, n]) for p in parts)


@functools.lru_cache(maxsize=16)
def _chirp(n, inverse):
    """Bluestein's chirp w_j = exp(s i pi j^2 / n), and the DFT of the length-m (a power of two
    >= 2 n - 1) cyclic sequence of its conjugates at offsets -(n - 1) ... n - 1."""
    w = np.exp((1j if inverse else -1j) * np.pi * (np.arange(n) ** 2 % (2 * n)) / n)
    m = 1 << (2 * n - 2).bit_length()
    b = np.zeros(m, complex)
    b[:n], b[m - n + 1:] = np.conj(w), np.conj(w[:0:-1])
    return w, np.fft.fft(b), m


def _bluestein(re, im, inverse):
    """A DFT of length n as a convolution: X_k = w_k sum_j (x_j w_j) conj(w_(k - j)), since
    j k = (j^2 + k^2 - (k - j)^2) / 2, computed with DFTs of power-of-two length m."""
    batch, n = re.shape
    w, bf, m = _chirp(n, inverse)
    wr, wi = _constant(w.real), _constant(w.imag)
    a = _dft(*(pad(p, [(0, 0), (0, m - n)]) for p in _cmul(re, im, wr, wi)), False)  # of x_j w_j
    c = _dft(*_cmul(*a, _constant(bf.real), _constant(bf.imag)), True)                # the convolution
    out = _cmul(*(slice(p, [0, 0], [batch, n]) for p in c), wr, wi)
    return tuple(mul(p, 1 / n) for p in out) if inverse else out


def _input(input, op_name, complex_input=True):
    x = as_tensor(input, "input", op_name)
    if complex_input and x.dtype != COMPLEX64:
        raise TypeError(f"{op_name}: argument 'input' must be complex64, got {x.dtype} (make one "
                        "with wt.complex(real, imag))")
    if not complex_input and x.dtype == COMPLEX64:
        raise TypeError(f"{op_name}: argument 'input' must be real (float32), got complex64; "
                        "use fft for complex64 tensors")
    if x.rank == 0 or x.shape[-1] == 0:
        raise ValueError(f"{op_name}: argument 'input' must have an innermost dimension of at least 1, "
                         f"got shape {x.shape}")
    return x


def _transform(x, inverse):
    n = x.shape[-1]
    re, im = (reshape(_part(x, i), [x.size // n, n]) for i in (0, 1))
    return reshape(_make(*_dft(re, im, inverse)), x.shape)


@op
def fft(input):  # noqa: A002 (tfjs's parameter name)
    """The discrete Fourier transform of a complex64 tensor along its innermost axis."""
    return _transform(_input(input, "fft"), False)


@op
def ifft(input):  # noqa: A002
    """The inverse discrete Fourier transform of a complex64 tensor along its innermost axis."""
    return _transform(_input(input, "ifft"), True)


@op
def rfft(input, fft_length=None):  # noqa: A002
    """The DFT of a real tensor along its innermost axis, cropped or zero-padded to fft_length
    first: its fft_length // 2 + 1 non-negative frequencies, complex64."""
    x = _input(input, "rfft", complex_input=False)
    x = cast(x, "float32") if x.dtype != "float32" else x
    n = x.shape[-1]
    if fft_length is not None:
        if not isinstance(fft_length, (int, np.integer)) or isinstance(fft_length, bool) or fft_length < 1:
            raise ValueError(f"rfft: argument 'fft_length' must be an int >= 1, got {fft_length!r}")
        fft_length = int(fft_length)
        if fft_length < n:
            x = slice(x, [0] * x.rank, list(x.shape[:-1]) + [fft_length])
        elif fft_length > n:
            x = pad(x, [(0, 0)] * (x.rank - 1) + [(0, fft_length - n)])
        n = fft_length
    half, batch = n // 2 + 1, x.size // n
    x2 = reshape(x, [batch, n])
    if n <= _DIRECT:  # the columns of the DFT matrix for the non-negative frequencies
        w = _dft64(n, False)[:n]
        parts = _halves(matmul(x2, _constant(np.concatenate([w[:, :half], w[:, n:n + half]], 1))), half)
    else:
        parts = (slice(p, [0, 0], [batch, half]) for p in _dft(x2, fill(x2.shape, 0, "float32"), False))
    return reshape(_make(*parts), x.shape[:-1] + (half,))


@functools.lru_cache(maxsize=32)
def _hermitian(h):
    """The spectrum of length m a real signal's h non-negative frequencies stand for, as tfjs
    extends it: indices into them and the imaginary parts' signs (conjugates) for each."""
    if h <= 2:
        return np.arange(h, dtype=np.int32), np.ones(h)
    index = np.concatenate([np.arange(h), np.arange(h - 2, 0, -1)]).astype(np.int32)
    return index, np.concatenate([np.ones(h), -np.ones(h - 2)])


@op
def irfft(input):  # noqa: A002
    """The inverse of rfft: real signals of length 2 (n - 1) (n <= 2: n) from their n
    non-negative frequencies along the innermost axis, float32."""
    x = _input(input, "irfft")
    h = x.shape[-1]
    index, sign = _hermitian(h)
    m, batch = len(index), x.size // h
    re, im = (reshape(_part(x, i), [batch, h]) for i in (0, 1))
    if m <= _DIRECT:  # the real part of the inverse DFT of the extended spectrum, folded back
        w = _dft64(m, True)[:, :m]
        folded = np.zeros((2 * h, m))
        np.add.at(folded[:h], index, w[:m])
        np.add.at(folded[h:], index, sign[:, None] * w[m:])
        out = matmul(concat([re, im], 1), _constant(folded))
    else:
        out, _ = _dft(gather(re, index, 1), mul(gather(im, index, 1), _constant(sign)), True)
    return reshape(out, x.shape[:-1] + (m,))


@op
def stft(signal, frame_length, frame_step, fft_length=None, window_fn=hann_window):
    """The short-time Fourier transform of a 1-D signal: the rfft of each frame times the window,
    [frames, fft_length // 2 + 1] complex64; fft_length defaults to a power of two >= frame_length."""
    frames = frame(signal, frame_length, frame_step)
    if fft_length is None:
        fft_length = 1 << (int(frame_length) - 1).bit_length()
    return rfft(mul(frames, window_fn(frame_length)), fft_length)

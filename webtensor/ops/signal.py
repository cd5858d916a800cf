"""tfjs's tf.signal: the Hann and Hamming windows and frame (stft, which needs the FFT, is in
spectral.py)."""
import numpy as np

from .core import as_tensor, from_values, op
from .creation import fill
from .indexing import gather
from .shape import pad


def _length(value, arg, op_name, low):
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
        raise ValueError(f"{op_name}: argument '{arg}' must be an int >= {low}, got {value!r}")
    return int(value)


def _cosine_window(window_length, a, b, op_name):
    """a - b cos(2 pi i / m): m is length - 1 for odd lengths (a symmetric window) and length
    for even ones (periodic), as in tfjs. Length 1 gives [1] (tfjs computes 0 / 0 there)."""
    n = _length(window_length, "window_length", op_name, 0)
    if n == 1:
        return from_values(np.ones(1), "float32")
    m = n - 1 + (1 - n % 2)
    return from_values(a - b * np.cos(2 * np.pi * np.arange(n) / m), "float32")


def hann_window(window_length):
    """The Hann window of window_length points."""
    return _cosine_window(window_length, 0.5, 0.5, "hann_window")


def hamming_window(window_length):
    """The Hamming window of window_length points."""
    return _cosine_window(window_length, 0.54, 0.46, "hamming_window")


@op
def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0):
    """The frames of a 1-D signal, [num_frames, frame_length], starting every frame_step
    values; pad_end=True also keeps the frames running past the end, filled with pad_value."""
    x = as_tensor(signal, "signal", "frame")
    if x.rank != 1:
        raise ValueError(f"frame: argument 'signal' must be 1-D, got shape {x.shape}")
    length = _length(frame_length, "frame_length", "frame", 1)
    if not isinstance(frame_step, (int, np.integer)) or isinstance(frame_step, bool):
        raise ValueError(f"frame: argument 'frame_step' must be an int, got {frame_step!r}")
    n = x.size
    last = n - 1 if pad_end else n - length  # the last index where a frame may start
    if last < 0:
        return fill([0, length], 0, x.dtype)
    if frame_step < 1:
        raise ValueError(f"frame: argument 'frame_step' must be >= 1, got {frame_step}")
    index = np.arange(0, last + 1, int(frame_step))[:, None] + np.arange(length)
    extra = int(index[-1, -1]) + 1 - n
    return gather(pad(x, [(0, extra)], pad_value) if extra > 0 else x, index.astype(np.int32))

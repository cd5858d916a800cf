"""wt.signal, tfjs's tf.signal: windows and framing of 1-D signals, and their short-time Fourier
transform."""
from ._namespace import export as _export

# stft (its result is complex64) is in webtensor/ops/spectral.py
__all__ = _export(globals(), "hann_window hamming_window frame stft")

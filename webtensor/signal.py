"""wt.signal, tfjs's tf.signal: windows and framing of 1-D signals."""
from ._namespace import export as _export

# stft needs complex64 (its result is complex in tfjs): present only once webtensor has it
__all__ = _export(globals(), "hann_window hamming_window frame stft")

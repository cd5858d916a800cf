"""wt.spectral, tfjs's tf.spectral: Fourier transforms. Empty for now: their results are
complex64, which webtensor does not support yet."""
from ._namespace import export as _export

__all__ = _export(globals(), "fft ifft rfft irfft")

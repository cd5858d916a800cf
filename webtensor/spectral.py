"""wt.spectral, tfjs's tf.spectral: Fourier transforms along the innermost axis (fft and ifft of
complex64 tensors, rfft of real ones and its inverse irfft), in webtensor/ops/spectral.py."""
from ._namespace import export as _export

__all__ = _export(globals(), "fft ifft rfft irfft")

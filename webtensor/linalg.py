"""wt.linalg, tfjs's tf.linalg: linear algebra on matrices (the last two dimensions)."""
from ._namespace import export as _export

__all__ = _export(globals(), "band_part gram_schmidt qr")

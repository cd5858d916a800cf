"""wt.math, tfjs's tf.math (not Python's math module)."""
from ._namespace import export as _export

__all__ = _export(globals(), "confusion_matrix")

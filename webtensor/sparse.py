"""wt.sparse, tfjs's tf.sparse: ops on sparse tensors given as indices, values and a dense shape."""
from ._namespace import export as _export

__all__ = _export(globals(), "sparse_fill_empty_rows sparse_reshape sparse_segment_mean sparse_segment_sum")

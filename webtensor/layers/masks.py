"""Masks: which time steps of a [batch, time, ...] tensor are real and which are padding.

A mask travels with the tensor it describes, as Keras's `_keras_mask`; Tensor has __slots__, so
the pairing lives here, keyed by identity and dropped when the tensor is collected. Masking and
embedding(mask_zero=True) make masks; a layer with `supports_masking` passes its input's mask on
(Layer.compute_mask), the recurrent layers honour it, merge layers combine theirs."""
import weakref

from .. import ops

_MASKS = {}    # id(tensor) -> (weak reference to the tensor, its mask)
_OWNED = set()  # ids of the masks made for a layer's output: freed with the last tensor noting them


def set_mask(x, mask, owned=False):
    """Note `mask` ([batch, time], bool) as the mask of x; returns x. An owned mask (one a
    layer made, never one the caller passed) is disposed once no tensor noting it is alive."""
    key = id(x)

    def forget(ref):
        entry = _MASKS.get(key)
        if entry is None or entry[0] is not ref:
            return
        del _MASKS[key]
        m = entry[1]
        if id(m) in _OWNED and not any(other is m for _, other in _MASKS.values()):
            _OWNED.discard(id(m))
            m.dispose()
    _MASKS[key] = (weakref.ref(x, forget), mask)
    if owned:
        _OWNED.add(id(mask))
    return x


def get_mask(x):
    """The mask noted for x, or None."""
    entry = _MASKS.get(id(x))
    if entry is None or entry[0]() is not x:
        return None
    if entry[1].is_disposed:
        raise ValueError("the mask of this input was freed (by the tidy that made the masking "
                         "layer's output); call the masking layer in the same scope as the layer "
                         "that reads it, or pass mask= explicitly")
    return entry[1]


def all_of(masks):
    """Steps real in every input: the AND of the masks given (None: no mask)."""
    masks = [m for m in masks if m is not None]
    if not masks:
        return None
    out = masks[0]
    for m in masks[1:]:
        out = ops.logical_and(out, m)
    return out

"""Weight regularizers (tfjs-layers regularizers.ts): a regularizer maps a weight to a scalar
penalty that fit() adds to the training loss.

For layer authors, the whole API:
- `regularizers.get(identifier)`: what a user passed (None, a name 'l1' / 'l2' / 'l1l2', a
  {'class_name', 'config'} dict, a Regularizer, or a function of a tensor) -> a Regularizer or
  None.
- `self.add_weight(name, shape, init, regularizer=r)`: fit adds r(weight) to the loss.
- `self.activity_regularizer = regularizers.get(...)` (in __init__): in fit, the base Layer adds
  r(output) / batch size for each output of the layer.
- `regularizers.serialize(r)`: the config value (None for None).
"""
from .. import ops
from .configurable import Configurable
from .names import lookup


class Regularizer(Configurable):
    def __call__(self, x):
        raise NotImplementedError

    def apply(self, x):  # tfjs's name
        return self(x)


class L1L2(Regularizer):
    """l1 * sum(|x|) + l2 * sum(x^2); both rates default to 0.01, as in tfjs."""

    def __init__(self, l1=0.01, l2=0.01):
        for key, rate in (("l1", l1), ("l2", l2)):
            if not isinstance(rate, (int, float)) or rate < 0:
                raise ValueError(f"L1L2 regularizer: {key} must be a number >= 0, got {rate!r}")
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = ops.scalar(0.0)
        if self.l1:
            penalty = penalty + ops.sum(ops.abs(x)) * self.l1
        if self.l2:
            penalty = penalty + ops.sum(ops.square(x)) * self.l2
        return penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


def l1(l1=0.01):
    return L1L2(l1=l1, l2=0.0)


def l2(l2=0.01):
    return L1L2(l1=0.0, l2=l2)


def l1l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


l1_l2 = l1l2  # Keras's spelling
REGULARIZERS = {"l1": l1, "l2": l2, "l1l2": L1L2, "l1_l2": L1L2}


def get(identifier):
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, dict):  # Keras saves L1 and L2 classes; tfjs only L1L2
        make = lookup(REGULARIZERS, identifier["class_name"], "regularizer")
        return make(**identifier.get("config", {}))
    if callable(identifier):
        return identifier
    return lookup(REGULARIZERS, identifier, "regularizer")()


def serialize(regularizer):
    if regularizer is None:
        return None
    if not isinstance(regularizer, Regularizer):
        return getattr(regularizer, "__name__", type(regularizer).__name__)
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}

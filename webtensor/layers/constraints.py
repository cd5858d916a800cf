"""Weight constraints (tfjs-layers constraints.ts): a constraint maps a weight to its projected
value; fit() and train_on_batch() assign it to the weight after every optimizer step.

For layer authors, the whole API:
- `constraints.get(identifier)`: what a user passed (None, a name 'max_norm' / 'maxNorm' /
  'unit_norm' / 'non_neg' / 'min_max_norm', a {'class_name', 'config'} dict, a Constraint, or a
  function of a tensor) -> a Constraint or None.
- `self.add_weight(name, shape, init, constraint=c)`: the training loop applies c.
- `constraints.serialize(c)`: the config value (None for None).

The norms are L2 norms over `axis` (default 0, as tfjs: for a dense kernel [in, out], each
unit's incoming weights; pass [0, 1, 2] for a channels-last conv kernel)."""
from .. import ops
from .configurable import Configurable
from .names import lookup

EPSILON = 1e-7  # tfjs's backend epsilon(), keeps a zero norm from dividing by zero


def _norms(w, axis):
    return ops.sqrt(ops.sum(ops.square(w), axis, True))


class Constraint(Configurable):
    def __call__(self, w):
        raise NotImplementedError

    def apply(self, w):  # tfjs's name
        return self(w)


class MaxNorm(Constraint):
    """Rescales each slice whose norm exceeds max_value down to max_value."""

    def __init__(self, max_value=2.0, axis=0):
        self.max_value, self.axis = max_value, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        return w * (ops.clip_by_value(norms, 0.0, self.max_value) / (norms + EPSILON))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class UnitNorm(Constraint):
    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        return w / (_norms(w, self.axis) + EPSILON)

    def get_config(self):
        return {"axis": self.axis}


class NonNeg(Constraint):
    def __call__(self, w):
        return ops.relu(w)


class MinMaxNorm(Constraint):
    """Moves each slice's norm towards [min_value, max_value]: to
    rate * clip(norm) + (1 - rate) * norm (rate 1 is a strict projection)."""

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        if min_value > max_value:
            raise ValueError(f"MinMaxNorm: min_value ({min_value}) must be <= max_value ({max_value})")
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w):
        norms = _norms(w, self.axis)
        desired = ops.clip_by_value(norms, self.min_value, self.max_value) * self.rate + norms * (1.0 - self.rate)
        return w * (desired / (norms + EPSILON))

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


CONSTRAINTS = {"max_norm": MaxNorm, "unit_norm": UnitNorm, "non_neg": NonNeg, "min_max_norm": MinMaxNorm}
max_norm = maxNorm = MaxNorm
unit_norm = unitNorm = UnitNorm
non_neg = nonNeg = NonNeg
min_max_norm = minMaxNorm = MinMaxNorm


def get(identifier):
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, dict):
        cls = lookup(CONSTRAINTS, identifier["class_name"], "constraint")
        return cls.from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    return lookup(CONSTRAINTS, identifier, "constraint")()


def serialize(constraint):
    if constraint is None:
        return None
    if not isinstance(constraint, Constraint):
        return getattr(constraint, "__name__", type(constraint).__name__)
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}

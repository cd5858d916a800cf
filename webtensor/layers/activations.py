"""Activation functions by name, with tfjs-layers' formulas (activations.ts)."""
import math

from .. import ops
from .names import lookup, snake_case


def linear(x):
    return x


def hard_sigmoid(x):  # tfjs and Keras: a piecewise-linear sigmoid, 0.2 x + 0.5 clipped to [0, 1]
    return ops.clip_by_value(x * 0.2 + 0.5, 0.0, 1.0)


def softsign(x):
    return x / (ops.abs(x) + 1.0)


def swish(x):
    return x * ops.sigmoid(x)


def mish(x):
    return x * ops.tanh(ops.softplus(x))


def gelu(x):  # the exact form, as tfjs's 'gelu'
    return x * 0.5 * (ops.erf(x * (1 / math.sqrt(2))) + 1.0)


def gelu_new(x):  # tfjs's 'gelu_new': the tanh approximation
    inner = (x + ops.pow(x, 3.0) * 0.044715) * math.sqrt(2 / math.pi)
    return x * 0.5 * (ops.tanh(inner) + 1.0)


def softmax(x):
    return ops.softmax(x, -1)


def log_softmax(x):
    return ops.log_softmax(x, -1)


ACTIVATIONS = {
    "linear": linear, "relu": ops.relu, "relu6": ops.relu6, "elu": ops.elu, "selu": ops.selu,
    "sigmoid": ops.sigmoid, "hard_sigmoid": hard_sigmoid, "tanh": ops.tanh, "softmax": softmax,
    "log_softmax": log_softmax, "softplus": ops.softplus, "softsign": softsign, "swish": swish,
    "mish": mish, "gelu": gelu, "gelu_new": gelu_new,
}
_NAMES = {f: name for name, f in ACTIVATIONS.items()}


def get(identifier):
    """An activation function from a name ('relu', 'hardSigmoid'), a function, or None (linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    return lookup(ACTIVATIONS, identifier, "activation")


def serialize(fn):
    """The config name of an activation (Keras spelling); a custom function keeps its own name."""
    return _NAMES.get(fn, snake_case(getattr(fn, "__name__", "custom")))

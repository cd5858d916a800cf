"""Weight initializers (tfjs-layers initializers.ts): objects called with a shape that return
a new tensor; accepted by name ('glorot_uniform' or 'glorotUniform'), config dict or object."""
import math

import numpy as np

from .. import ops
from .configurable import Configurable
from .names import camel_case, lookup


class Initializer(Configurable):
    def __call__(self, shape, dtype="float32"):
        raise NotImplementedError


class Zeros(Initializer):
    def __call__(self, shape, dtype="float32"):
        return ops.zeros(shape, dtype)


class Ones(Initializer):
    def __call__(self, shape, dtype="float32"):
        return ops.ones(shape, dtype)


class Constant(Initializer):
    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype="float32"):
        return ops.fill(shape, self.value, dtype)

    def get_config(self):
        return {"value": self.value}


class _Random(Initializer):
    """The three distributions with tfjs's defaults (a spread of 0.05) and an optional seed."""
    sample = None  # (shape, a, b, dtype, seed) -> tensor

    def __init__(self, a, b, seed=None):
        self.a, self.b, self.seed = a, b, seed

    def __call__(self, shape, dtype="float32"):
        return type(self).sample(shape, self.a, self.b, dtype, self.seed)


class RandomNormal(_Random):
    sample = staticmethod(ops.random_normal)

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        super().__init__(mean, stddev, seed)

    def get_config(self):
        return {"mean": self.a, "stddev": self.b, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    sample = staticmethod(ops.truncated_normal)


class RandomUniform(_Random):
    sample = staticmethod(ops.random_uniform)

    def __init__(self, minval=-0.05, maxval=0.05, seed=None):
        super().__init__(minval, maxval, seed)

    def get_config(self):
        return {"minval": self.a, "maxval": self.b, "seed": self.seed}


def compute_fans(shape):
    """(fan_in, fan_out) as tfjs computes them, channels last for convolution kernels."""
    if len(shape) == 2:
        return shape[0], shape[1]
    if len(shape) in (3, 4, 5):
        receptive = math.prod(shape[:-2])
        return shape[-2] * receptive, shape[-1] * receptive
    side = math.sqrt(math.prod(shape))
    return side, side


class VarianceScaling(Initializer):
    MODES = ("fan_in", "fan_out", "fan_avg")
    DISTRIBUTIONS = ("normal", "uniform", "truncated_normal", "untruncated_normal")

    def __init__(self, scale=1.0, mode="fan_in", distribution="normal", seed=None):
        if scale <= 0:
            raise ValueError(f"variance_scaling: scale must be positive, got {scale}")
        mode, distribution = lookup(dict(zip(self.MODES, self.MODES)), mode, "mode"), \
            lookup(dict(zip(self.DISTRIBUTIONS, self.DISTRIBUTIONS)), distribution, "distribution")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed

    def __call__(self, shape, dtype="float32"):
        fan_in, fan_out = compute_fans(list(shape))
        fan = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        scale = self.scale / max(1.0, fan)
        if self.distribution == "uniform":
            limit = math.sqrt(3 * scale)
            return ops.random_uniform(shape, -limit, limit, dtype, self.seed)
        # tfjs draws 'normal' from a truncated normal of stddev sqrt(scale), without
        # Keras 2's 0.8796 correction for the truncation
        sample = ops.random_normal if self.distribution == "untruncated_normal" else ops.truncated_normal
        return sample(shape, 0.0, math.sqrt(scale), dtype, self.seed)

    def get_config(self):
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution,
                "seed": self.seed}


def _preset(class_name, scale, mode, distribution):
    """GlorotUniform and friends: VarianceScaling with fixed arguments; only the seed is free."""
    def __init__(self, seed=None):
        VarianceScaling.__init__(self, scale, mode, distribution, seed)
    return type(class_name, (VarianceScaling,), {
        "__init__": __init__, "get_config": lambda self: {"seed": self.seed}})


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "normal")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "normal")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "normal")


class Orthogonal(Initializer):
    """A random orthogonal matrix (QR of a normal one, signs fixed so it is uniform); kernels of
    higher rank are orthogonal over their flattened leading axes, as in Keras."""

    def __init__(self, gain=1.0, seed=None):
        self.gain, self.seed = gain, seed

    def __call__(self, shape, dtype="float32"):
        if len(shape) < 2:
            raise ValueError(f"orthogonal: needs a shape of rank 2 or more, got {list(shape)}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        a = np.random.default_rng(self.seed).normal(size=(max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q = q * np.sign(np.diag(r))
        q = q if rows >= cols else q.T
        return ops.tensor((self.gain * q).reshape(shape).astype(np.float32), None, dtype)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    def __init__(self, gain=1.0):
        self.gain = gain

    def __call__(self, shape, dtype="float32"):
        if len(shape) != 2 or shape[0] != shape[1]:
            raise ValueError(f"identity: only for 2D square matrices, got shape {list(shape)}")
        return ops.tensor(np.eye(shape[0], dtype=np.float32) * self.gain, None, dtype)

    def get_config(self):
        return {"gain": self.gain}


INITIALIZERS = {
    "zeros": Zeros, "ones": Ones, "constant": Constant, "random_normal": RandomNormal,
    "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling, "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "orthogonal": Orthogonal,
    "identity": Identity,
}


def get(identifier):
    """An Initializer from a name, a {'class_name', 'config'} dict, or an Initializer."""
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, dict):
        cls = lookup(INITIALIZERS, identifier["class_name"], "initializer")
        return cls.from_config(identifier.get("config", {}))
    return lookup(INITIALIZERS, identifier, "initializer")()


def serialize(init):
    return {"class_name": type(init).__name__, "config": init.get_config()}


# the factory functions, under both spellings: wt.initializers.glorot_uniform(seed=1) and
# wt.initializers.glorotUniform(...), as tfjs's tf.initializers.glorotUniform
for _name, _cls in INITIALIZERS.items():
    globals()[_name] = globals()[camel_case(_name)] = _cls

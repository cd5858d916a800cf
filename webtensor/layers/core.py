"""The core layers: dense, activation, dropout, flatten, reshape, permute, repeat_vector
(tfjs-layers layers/core.ts)."""
import math

from .. import ops
from ..ops.core import number
from . import activations, constraints, initializers, regularizers
from .base import InputSpec, Layer, format_shape


class Dense(Layer):
    supports_masking = True

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(units, int) or isinstance(units, bool) or units < 1:
            raise ValueError(f"{self.name}: units must be a positive integer, got {units!r}")
        self.units, self.use_bias = units, use_bias
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.kernel = self.bias = None

    def build(self, input_shape):
        if len(input_shape) < 2 or input_shape[-1] is None:
            raise ValueError(f"{self.name}: needs inputs of rank >= 2 with a known last dimension, "
                             f"got {format_shape(input_shape)}")
        d = input_shape[-1]
        self.kernel = self.add_weight("kernel", [d, self.units], self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [self.units], self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(min_ndim=2, axes={-1: d})

    def call(self, inputs, training=False):
        x = inputs
        lead = x.shape[:-1]
        if x.rank != 2:  # dense acts on the last axis of any rank
            x = ops.reshape(x, [-1, x.shape[-1]])
        y = ops.matmul(x, self.kernel)
        if self.bias is not None:
            y = y + self.bias
        if len(lead) != 1:
            y = ops.reshape(y, list(lead) + [self.units])
        return self.activation(y)

    def compute_output_shape(self, input_shape):
        return list(input_shape[:-1]) + [self.units]

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Activation(Layer):
    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training=False):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Dropout(Layer):
    """Zeroes a fraction `rate` of the inputs while training (in fit), scaling the rest by
    1 / (1 - rate); at inference it passes the inputs through."""
    supports_masking = True

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if not 0 <= number(rate, self.name, "rate") < 1:
            raise ValueError(f"{self.name}: rate must be in [0, 1), got {rate}")
        self.rate, self.noise_shape, self.seed = rate, noise_shape, seed

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        noise = None
        if self.noise_shape is not None:  # None entries take the input's size, as in Keras
            noise = [d if n is None else n for n, d in zip(self.noise_shape, inputs.shape)]
        return ops.dropout(inputs, self.rate, noise, self.seed)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class Flatten(Layer):
    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        if data_format not in (None, "channels_last"):
            raise NotImplementedError(f"{self.name}: only data_format='channels_last' is supported")
        self.input_spec = InputSpec(min_ndim=3)  # tfjs: flatten needs rank 3 or more

    def build(self, input_shape):
        self.input_spec.check(self, input_shape, [None, None, None])

    def call(self, inputs, training=False):
        return ops.reshape(inputs, [inputs.shape[0], -1])

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        if any(d is None for d in rest):
            raise ValueError(f"{self.name}: the input shape {format_shape(input_shape)} is not fully "
                             "defined (beyond the batch dimension)")
        return [input_shape[0], math.prod(rest)]

    def get_config(self):
        return {**super().get_config(), "data_format": "channels_last"}


class Reshape(Layer):
    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = list(target_shape)
        if sum(d == -1 for d in self.target_shape) > 1:
            raise ValueError(f"{self.name}: target_shape may have one -1 only, got {self.target_shape}")

    def _resolve(self, input_shape):
        known = math.prod(d for d in self.target_shape if d != -1)
        if any(d is None for d in input_shape[1:]):
            return [None if d == -1 else d for d in self.target_shape]
        size = math.prod(input_shape[1:])
        if -1 in self.target_shape and known and size % known == 0:
            return [size // known if d == -1 else d for d in self.target_shape]
        if -1 not in self.target_shape and known == size:
            return list(self.target_shape)
        raise ValueError(f"{self.name}: cannot reshape an input of shape {format_shape(input_shape)} "
                         f"to {format_shape([None] + self.target_shape)}")

    def build(self, input_shape):
        self._resolve(input_shape)

    def call(self, inputs, training=False):
        return ops.reshape(inputs, [inputs.shape[0]] + self._resolve(inputs.shape))

    def compute_output_shape(self, input_shape):
        return [input_shape[0]] + self._resolve(input_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class Permute(Layer):
    """Permutes the non-batch axes: dims are 1-based, as in Keras ([2, 1] swaps axes 1 and 2)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        dims = list(dims) if isinstance(dims, (list, tuple)) else dims
        if not isinstance(dims, list) or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(f"{self.name}: dims must be a permutation of 1..n (1-based, the batch "
                             f"axis excluded), got {dims!r}")
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)

    def build(self, input_shape):
        self.input_spec.check(self, input_shape, [None] * (len(self.dims) + 1))

    def call(self, inputs, training=False):
        return ops.transpose(inputs, [0] + self.dims)

    def compute_output_shape(self, input_shape):
        return [input_shape[0]] + [input_shape[d] for d in self.dims]

    def get_config(self):
        return {**super().get_config(), "dims": list(self.dims)}


class RepeatVector(Layer):
    """[batch, features] -> [batch, n, features]: the input repeated n times."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(n, int) or n < 1:
            raise ValueError(f"{self.name}: n must be a positive integer, got {n!r}")
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def build(self, input_shape):
        self.input_spec.check(self, input_shape, [None, None])

    def call(self, inputs, training=False):
        return ops.tile(ops.expand_dims(inputs, 1), [1, self.n, 1])

    def compute_output_shape(self, input_shape):
        return [input_shape[0], self.n, input_shape[1]]

    def get_config(self):
        return {**super().get_config(), "n": self.n}


def dense(**kwargs):
    return Dense(**kwargs)


def activation(**kwargs):
    return Activation(**kwargs)


def dropout(**kwargs):
    return Dropout(**kwargs)


def flatten(**kwargs):
    return Flatten(**kwargs)


def reshape(**kwargs):
    return Reshape(**kwargs)


def permute(**kwargs):
    return Permute(**kwargs)


def repeat_vector(**kwargs):
    return RepeatVector(**kwargs)


def _unsupported(layer, **options):
    for key, value in options.items():
        if value is not None:
            raise NotImplementedError(f"{layer}: {key} is not supported yet")

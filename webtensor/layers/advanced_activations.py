"""Activation layers with parameters: re_lu, leaky_re_lu, prelu, elu, thresholded_re_lu,
softmax (tfjs-layers layers/advanced_activations.ts)."""
from .. import ops
from . import constraints, initializers, regularizers
from .base import InputSpec, Layer, format_shape


def _number(layer, key, value, minimum=None):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or \
            (minimum is not None and value < minimum):
        bound = f" >= {minimum}" if minimum is not None else ""
        raise ValueError(f"{layer.name}: {key} must be a number{bound}, got {value!r}")
    return value


class ReLU(Layer):
    supports_masking = True

    def __init__(self, max_value=None, **kwargs):
        super().__init__(**kwargs)
        self.max_value = None if max_value is None else _number(self, "max_value", max_value, 0)

    def call(self, inputs, training=False):
        y = ops.relu(inputs)
        return y if self.max_value is None else ops.clip_by_value(y, 0.0, self.max_value)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value}


class LeakyReLU(Layer):
    supports_masking = True

    def __init__(self, alpha=0.3, **kwargs):  # tfjs's and Keras 2's default (ops: 0.2)
        super().__init__(**kwargs)
        self.alpha = _number(self, "alpha", alpha)

    def call(self, inputs, training=False):
        return ops.leaky_relu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """x for x > 0, alpha * x otherwise, with a learned alpha per input element (batch axis
    excluded), shared along `shared_axes` (1-based, as Keras)."""
    supports_masking = True

    def __init__(self, alpha_initializer="zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(shared_axes, int):
            shared_axes = [shared_axes]
        if shared_axes is not None and (not isinstance(shared_axes, (list, tuple)) or
                                        not all(isinstance(a, int) and a >= 1 for a in shared_axes)):
            raise ValueError(f"{self.name}: shared_axes must be axes >= 1 (the batch axis is 0), "
                             f"got {shared_axes!r}")
        self.shared_axes = None if shared_axes is None else list(shared_axes)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        self.alpha = None

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for a in self.shared_axes or []:
            if a >= len(input_shape):
                raise ValueError(f"{self.name}: shared axis {a} is out of range for the input shape "
                                 f"{format_shape(input_shape)}")
            shape[a - 1] = 1
        if any(d is None for d in shape):
            raise ValueError(f"{self.name}: the input shape {format_shape(input_shape)} needs known "
                             "sizes on the axes that are not shared")
        self.alpha = self.add_weight("alpha", shape, self.alpha_initializer,
                                     regularizer=self.alpha_regularizer, constraint=self.alpha_constraint)
        fixed = dict(enumerate(input_shape)) if self.shared_axes else {}  # as tfjs: sizes fixed only when shared
        fixed.pop(0, None)
        self.input_spec = InputSpec(ndim=len(input_shape), axes=fixed)

    def call(self, inputs, training=False):
        return ops.prelu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}


class ELU(Layer):
    """x for x > 0, alpha * (exp(x) - 1) otherwise (tfjs accepts alpha 1 only; Keras any)."""
    supports_masking = True

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = _number(self, "alpha", alpha)

    def call(self, inputs, training=False):
        y = ops.elu(inputs)
        return y if self.alpha == 1 else ops.where(ops.greater(inputs, 0.0), y, y * self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class ThresholdedReLU(Layer):
    supports_masking = True

    def __init__(self, theta=1.0, **kwargs):
        super().__init__(**kwargs)
        self.theta = _number(self, "theta", theta, 0)

    def call(self, inputs, training=False):
        return inputs * ops.cast(ops.greater(inputs, self.theta), inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "theta": self.theta}


class Softmax(Layer):
    """Softmax over `axis` (an int or a list of ints). The default is the last axis, as
    documented by tfjs and Keras (tfjs 4.22's code uses axis 1)."""
    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        axes = axis if isinstance(axis, (list, tuple)) else [axis]
        if not axes or not all(isinstance(a, int) and not isinstance(a, bool) for a in axes):
            raise ValueError(f"{self.name}: axis must be an int or a list of ints, got {axis!r}")
        self.axis = list(axis) if isinstance(axis, tuple) else axis

    def build(self, input_shape):
        rank = len(input_shape)
        for a in self.axis if isinstance(self.axis, list) else [self.axis]:
            if not -rank <= a < rank:
                raise ValueError(f"{self.name}: axis {a} is out of range for inputs of rank {rank}")

    def call(self, inputs, training=False):
        if isinstance(self.axis, list) and len(self.axis) > 1:
            return ops.exp(inputs - ops.logsumexp(inputs, self.axis, True))
        return ops.softmax(inputs, self.axis[0] if isinstance(self.axis, list) else self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


def re_lu(**kwargs):
    return ReLU(**kwargs)


def leaky_re_lu(**kwargs):
    return LeakyReLU(**kwargs)


def prelu(**kwargs):
    return PReLU(**kwargs)


def elu(**kwargs):
    return ELU(**kwargs)


def thresholded_re_lu(**kwargs):
    return ThresholdedReLU(**kwargs)


def softmax(**kwargs):
    return Softmax(**kwargs)

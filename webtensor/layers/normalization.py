"""Normalization layers: batch_normalization, layer_normalization (tfjs-layers
layers/normalization.ts)."""
from .. import ops
from ..engine import ENGINE
from ..memory import tidy
from . import constraints, initializers, regularizers
from .base import InputSpec, Layer, format_shape


def _axis_list(layer, axis):
    given = axis if isinstance(axis, (list, tuple)) else [axis]
    if not given or not all(isinstance(a, int) and not isinstance(a, bool) for a in given):
        raise ValueError(f"{layer.name}: axis must be an int or a list of ints, got {axis!r}")
    return given


def _axes(layer, axis, rank):
    """Non-negative, sorted, distinct axes from an int or a list of ints."""
    axes = sorted(a + rank if a < 0 else a for a in _axis_list(layer, axis))
    if not all(0 <= a < rank for a in axes) or len(set(axes)) != len(axes):
        raise ValueError(f"{layer.name}: invalid axis {axis!r} for inputs of rank {rank}")
    return axes


def _broadcast(param, axes, rank):
    """A parameter over `axes`, reshaped to broadcast against inputs of rank `rank`."""
    if param is None or axes == [rank - 1]:
        return param
    shape = [1] * rank
    for a, d in zip(axes, param.shape):
        shape[a] = d
    return ops.reshape(param, shape)


class _Normalization(Layer):
    """The shared parts: gamma (scale) and beta (center) over the normalized axes."""
    supports_masking = True

    def __init__(self, axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                 beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint, **kwargs):
        super().__init__(**kwargs)
        _axis_list(self, axis)  # the rank, for the range, is known in build
        if not isinstance(epsilon, (int, float)) or epsilon <= 0:
            raise ValueError(f"{self.name}: epsilon must be a positive number, got {epsilon!r}")
        self.axis, self.epsilon, self.center, self.scale = axis, epsilon, bool(center), bool(scale)
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def _build_params(self, input_shape):
        """The normalized axes; creates gamma and beta, of the sizes of those axes."""
        axes = _axes(self, self.axis, len(input_shape))
        shape = [input_shape[a] for a in axes]
        if any(d is None for d in shape):
            raise ValueError(f"{self.name}: axis {self.axis!r} of the input shape "
                             f"{format_shape(input_shape)} must have a known size")
        if self.scale:
            self.gamma = self.add_weight("gamma", shape, self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight("beta", shape, self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint)
        self.input_spec = InputSpec(ndim=len(input_shape), axes=dict(zip(axes, shape)))
        self._norm_axes = axes
        return axes, shape

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


class BatchNormalization(_Normalization):
    """Normalizes each feature along `axis` by the batch's mean and variance in training (fit),
    by the moving averages of those at inference. As tfjs, the moving variance averages the
    batch's biased variance (moments), and updates in place in each training call:
    moving -= (moving - batch) * (1 - momentum)."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_constraint=None, gamma_constraint=None,
                 beta_regularizer=None, gamma_regularizer=None, **kwargs):
        super().__init__(axis, epsilon, center, scale, beta_initializer, gamma_initializer,
                         beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint, **kwargs)
        if not isinstance(axis, int) or isinstance(axis, bool):
            raise ValueError(f"{self.name}: axis must be an int, got {axis!r}")
        if not isinstance(momentum, (int, float)) or not 0 <= momentum <= 1:
            raise ValueError(f"{self.name}: momentum must be in [0, 1], got {momentum!r}")
        self.momentum = momentum
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.moving_mean = self.moving_variance = None

    def build(self, input_shape):
        _, shape = self._build_params(input_shape)
        self.moving_mean = self.add_weight("moving_mean", shape, self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", shape, self.moving_variance_initializer,
                                               trainable=False)

    def call(self, inputs, training=False):
        axes, rank = self._norm_axes, inputs.rank
        reduce = [a for a in range(rank) if a not in axes]

        def b(param):
            return _broadcast(param, axes, rank)

        if not training:
            return ops.batch_norm(inputs, b(self.moving_mean), b(self.moving_variance), b(self.beta),
                                  b(self.gamma), self.epsilon)
        mean, variance = ops.moments(inputs, reduce)
        out = ops.batch_norm(inputs, b(mean), b(variance), b(self.beta), b(self.gamma), self.epsilon)
        with ENGINE.untaped(), tidy():  # a side effect, not part of the loss
            for moving, value in ((self.moving_mean, mean), (self.moving_variance, variance)):
                moving.assign(moving - (moving - value) * (1 - self.momentum))
        return out

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum,
                "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
                "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer)}


class LayerNormalization(_Normalization):
    """Normalizes each sample over `axis` (an int or a list of ints) by its own mean and
    (biased) variance; gamma and beta have the sizes of those axes."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(list(axis) if isinstance(axis, tuple) else axis, epsilon, center, scale,
                         beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
                         beta_constraint, gamma_constraint, **kwargs)

    def build(self, input_shape):
        self._build_params(input_shape)

    def call(self, inputs, training=False):
        axes, rank = self._norm_axes, inputs.rank
        mean, variance = ops.moments(inputs, axes, keep_dims=True)
        return ops.batch_norm(inputs, mean, variance, _broadcast(self.beta, axes, rank),
                              _broadcast(self.gamma, axes, rank), self.epsilon)


def batch_normalization(**kwargs):
    return BatchNormalization(**kwargs)


def layer_normalization(**kwargs):
    return LayerNormalization(**kwargs)

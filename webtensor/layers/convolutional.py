"""Convolution layers (tfjs-layers layers/convolutional.ts and convolutional_depthwise.ts),
composed from the conv ops (conv1d, conv2d, separable_conv2d...) on channels-last images. A
channels_first input is transposed to channels_last and the output back (helpers in conv_utils.py)."""
import numpy as np

from .. import ops
from . import activations, regularizers
from .base import InputSpec, Layer, format_shape
from .conv_utils import (add_weight_of, channel_axis, check_rank, conv_output_length, deconv_length,
                         data_format_of, from_channels_last, int_list, join_shape, option, set_weight_options,
                         split_shape, to_channels_last, weight_options_config)

__all__ = ["Conv1D", "Conv2D", "Conv2DTranspose", "DepthwiseConv2D", "SeparableConv2D",
           "conv1d", "conv2d", "conv2d_transpose", "depthwise_conv2d", "separable_conv2d"]

# Keras's default (and Dense's here); tfjs-layers' BaseConv has 'glorotNormal'
DEFAULT_KERNEL_INITIALIZER = "glorot_uniform"


class BaseConv(Layer):
    """What every convolution shares: windows, padding, data format, bias and activation.
    Subclasses make their kernels in build_kernels(in_channels) and convolve channels-last."""
    rank = 2
    paddings = ("valid", "same")

    def __init__(self, kernel_size, strides=1, padding="valid", data_format=None, dilation_rate=1,
                 activation=None, use_bias=True, bias_initializer="zeros", bias_regularizer=None,
                 activity_regularizer=None, bias_constraint=None, **kwargs):
        super().__init__(**kwargs)
        r = self.rank
        self.kernel_size = int_list(kernel_size, r, "kernel_size", self.name)
        self.strides = int_list(strides, r, "strides", self.name)
        self.dilation_rate = int_list(dilation_rate, r, "dilation_rate", self.name)
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:  # as tfjs and Keras
            raise ValueError(f"{self.name}: strides {self.strides} and dilation_rate {self.dilation_rate} "
                             "cannot both be > 1")
        self.padding = option(padding, self.paddings, "padding", self.name)
        self.data_format = data_format_of(data_format, self.name)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        set_weight_options(self, "bias", bias_initializer, bias_regularizer, bias_constraint)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.bias = None

    def build(self, input_shape):
        check_rank(self, input_shape, self.rank + 2)
        axis = channel_axis(self, self.rank + 2)
        c = input_shape[axis]
        if c is None:
            raise ValueError(f"{self.name}: the channel dimension of the input must be known, "
                             f"got shape {format_shape(input_shape)}")
        self.build_kernels(c)
        if self.use_bias:
            self.bias = add_weight_of(self, "bias", "bias", [self.out_channels(c)])
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: c})

    def call(self, inputs, training=False):
        y = self.convolve(to_channels_last(inputs, self.data_format))
        if self.bias is not None:
            y = y + self.bias
        return from_channels_last(self.activation(y), self.data_format)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank + 2)
        spatial, c = split_shape(input_shape, self.data_format)
        return join_shape(input_shape[0], self.out_spatial(spatial), self.out_channels(c), self.data_format)

    def out_spatial(self, spatial):
        return [conv_output_length(n, k, self.padding, s, d, self.name)
                for n, k, s, d in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)]

    def get_config(self):
        return {**super().get_config(), "kernel_size": list(self.kernel_size), "strides": list(self.strides),
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": list(self.dilation_rate),
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                **weight_options_config(self, "bias"),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer)}


def _filters(filters, layer):
    if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters < 1:
        raise ValueError(f"{layer}: filters must be a positive integer, got {filters!r}")
    return int(filters)


class Conv(BaseConv):
    def __init__(self, filters, kernel_size, kernel_initializer=DEFAULT_KERNEL_INITIALIZER,
                 kernel_regularizer=None, kernel_constraint=None, **kwargs):
        super().__init__(kernel_size, **kwargs)
        self.filters = _filters(filters, self.name)
        set_weight_options(self, "kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self.kernel = None

    def build_kernels(self, c):
        self.kernel = add_weight_of(self, "kernel", "kernel", self.kernel_size + [c, self.filters])

    def out_channels(self, c):
        return self.filters

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, **weight_options_config(self, "kernel")}


class Conv1D(Conv):
    rank = 1
    paddings = ("valid", "same", "causal")  # causal: Keras's; tfjs throws NotImplementedError

    def convolve(self, x):
        (k,), (s,), (d,) = self.kernel_size, self.strides, self.dilation_rate
        padding = self.padding
        if padding == "causal":  # each output sees only the present and the past
            x, padding = ops.pad(x, [(0, 0), ((k - 1) * d, 0), (0, 0)]), "valid"
        return ops.conv1d(x, self.kernel, s, padding, "NWC", d)


class Conv2D(Conv):
    def convolve(self, x):
        return ops.conv2d(x, self.kernel, self.strides, self.padding, "NHWC", self.dilation_rate)


class Conv2DTranspose(Conv2D):
    """The kernel is [height, width, filters, in_channels], as conv2d_transpose's filter."""

    def __init__(self, filters, kernel_size, output_padding=None, **kwargs):
        super().__init__(filters, kernel_size, **kwargs)
        if output_padding is not None:
            raise NotImplementedError(f"{self.name}: output_padding is not supported (nor in tfjs)")
        if max(self.dilation_rate) > 1:
            raise NotImplementedError(f"{self.name}: dilation_rate > 1 is not supported (nor in tfjs)")

    def build_kernels(self, c):
        self.kernel = add_weight_of(self, "kernel", "kernel", self.kernel_size + [self.filters, c])

    def convolve(self, x):
        n, h, w, _ = x.shape
        (oh, ow) = self.out_spatial([h, w])
        return ops.conv2d_transpose(x, self.kernel, [n, oh, ow, self.filters], self.strides, self.padding)

    def out_spatial(self, spatial):
        return [deconv_length(n, s, k, self.padding) for n, s, k in zip(spatial, self.strides, self.kernel_size)]

    def get_config(self):
        return {**super().get_config(), "output_padding": None}


class DepthwiseConv2D(BaseConv):
    """depth_multiplier filters per input channel, each over that channel only."""

    def __init__(self, kernel_size, depth_multiplier=1, depthwise_initializer="glorot_uniform",
                 depthwise_regularizer=None, depthwise_constraint=None, **kwargs):
        super().__init__(kernel_size, **kwargs)
        if isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, (int, np.integer)) \
                or depth_multiplier < 1:
            raise ValueError(f"{self.name}: depth_multiplier must be a positive integer, got {depth_multiplier!r}")
        self.depth_multiplier = int(depth_multiplier)
        set_weight_options(self, "depthwise", depthwise_initializer, depthwise_regularizer, depthwise_constraint)
        self.depthwise_kernel = None

    def build_kernels(self, c):
        self.depthwise_kernel = add_weight_of(self, "depthwise", "depthwise_kernel",
                                              self.kernel_size + [c, self.depth_multiplier])

    def out_channels(self, c):
        return None if c is None else c * self.depth_multiplier

    def convolve(self, x):
        return ops.depthwise_conv2d(x, self.depthwise_kernel, self.strides, self.padding, "NHWC",
                                    self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "depth_multiplier": self.depth_multiplier,
                **weight_options_config(self, "depthwise")}


class SeparableConv2D(DepthwiseConv2D):
    """A depthwise convolution, then a 1x1 convolution mixing its channels into `filters`."""

    def __init__(self, filters, kernel_size, pointwise_initializer="glorot_uniform", pointwise_regularizer=None,
                 pointwise_constraint=None, kernel_initializer=None, kernel_regularizer=None,
                 kernel_constraint=None, **kwargs):
        super().__init__(kernel_size, **kwargs)
        if (kernel_initializer, kernel_regularizer, kernel_constraint) != (None, None, None):
            raise ValueError(f"{self.name}: kernel_initializer, kernel_regularizer and kernel_constraint do "
                             "not apply to separable_conv2d; use depthwise_* and pointwise_* instead")
        self.filters = _filters(filters, self.name)
        set_weight_options(self, "pointwise", pointwise_initializer, pointwise_regularizer, pointwise_constraint)
        self.pointwise_kernel = None

    def build_kernels(self, c):
        super().build_kernels(c)
        self.pointwise_kernel = add_weight_of(self, "pointwise", "pointwise_kernel",
                                              [1, 1, c * self.depth_multiplier, self.filters])

    def out_channels(self, c):
        return self.filters

    def convolve(self, x):
        return ops.separable_conv2d(x, self.depthwise_kernel, self.pointwise_kernel, self.strides, self.padding,
                                    self.dilation_rate)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, **weight_options_config(self, "pointwise")}


def conv1d(**kwargs):
    return Conv1D(**kwargs)


def conv2d(**kwargs):
    return Conv2D(**kwargs)


def conv2d_transpose(**kwargs):
    return Conv2DTranspose(**kwargs)


def depthwise_conv2d(**kwargs):
    return DepthwiseConv2D(**kwargs)


def separable_conv2d(**kwargs):
    return SeparableConv2D(**kwargs)


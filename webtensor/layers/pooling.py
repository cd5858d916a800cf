"""Pooling layers (tfjs-layers layers/pooling.ts) and the layers that pad, crop or upsample an
image (padding.ts, convolutional.ts). 1D layers run the 2D op on a width-1 image; channels_first
inputs are transposed to channels_last and back."""
import numpy as np

from .. import ops
from .base import Layer, format_shape
from .conv_utils import (check_rank, conv_output_length, data_format_of, from_channels_last,
                         int_list, join_shape, option, split_shape, to_channels_last)

__all__ = ["MaxPooling1D", "MaxPooling2D", "AveragePooling1D", "AveragePooling2D",
           "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D",
           "ZeroPadding2D", "Cropping2D", "UpSampling2D"]


class Pooling(Layer):
    rank = 2
    pool = None  # the op: (x, filter_size, strides, pad) -> pooled NHWC

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.pool_size = int_list(pool_size, self.rank, "pool_size", self.name)
        self.strides = self.pool_size if strides is None else int_list(strides, self.rank, "strides", self.name)
        self.padding = option(padding, ("valid", "same"), "padding", self.name)
        self.data_format = data_format_of(data_format, self.name)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs, training=False):
        x = to_channels_last(inputs, self.data_format)
        if self.rank == 1:  # [batch, width, channels] as a [batch, width, 1, channels] image
            y = ops.squeeze(type(self).pool(ops.expand_dims(x, 2), self.pool_size + [1], self.strides + [1],
                                            self.padding), [2])
        else:
            y = type(self).pool(x, self.pool_size, self.strides, self.padding)
        return from_channels_last(y, self.data_format)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank + 2)
        spatial, c = split_shape(input_shape, self.data_format)
        out = [conv_output_length(n, p, self.padding, s, 1, self.name)
               for n, p, s in zip(spatial, self.pool_size, self.strides)]
        return join_shape(input_shape[0], out, c, self.data_format)

    def get_config(self):
        return {**super().get_config(), "pool_size": list(self.pool_size), "padding": self.padding,
                "strides": list(self.strides), "data_format": self.data_format}


class GlobalPooling(Layer):
    rank = 2
    reduce = None  # (x, axes, keep_dims) -> tensor

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_of(data_format, self.name)
        self.keepdims = bool(keepdims)

    def build(self, input_shape):
        check_rank(self, input_shape, self.rank + 2)

    def call(self, inputs, training=False):
        first = self.data_format == "channels_first"
        axes = list(range(2, self.rank + 2)) if first else list(range(1, self.rank + 1))
        return type(self).reduce(inputs, axes, self.keepdims)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank + 2)
        _, c = split_shape(input_shape, self.data_format)
        if self.keepdims:
            return join_shape(input_shape[0], [1] * self.rank, c, self.data_format)
        return [input_shape[0], c]

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}


def _family(base, rows):
    """One class per (class name, rank, op) row."""
    for class_name, rank, attr, fn in rows:
        globals()[class_name] = type(class_name, (base,), {"rank": rank, attr: staticmethod(fn)})


_family(Pooling, [("MaxPooling1D", 1, "pool", ops.max_pool), ("MaxPooling2D", 2, "pool", ops.max_pool),
                  ("AveragePooling1D", 1, "pool", ops.avg_pool), ("AveragePooling2D", 2, "pool", ops.avg_pool)])
_family(GlobalPooling, [("GlobalAveragePooling1D", 1, "reduce", ops.mean),
                        ("GlobalAveragePooling2D", 2, "reduce", ops.mean),
                        ("GlobalMaxPooling1D", 1, "reduce", ops.max), ("GlobalMaxPooling2D", 2, "reduce", ops.max)])


def _pairs(value, what, layer):
    """An int, a (rows, cols) pair or ((top, bottom), (left, right)), as the last."""
    if isinstance(value, (int, np.integer)):
        value = [value, value]
    if isinstance(value, (list, tuple)) and len(value) == 2:
        pairs = [v if isinstance(v, (list, tuple)) else [v, v] for v in value]
        if all(len(p) == 2 for p in pairs):
            return [int_list(p, 2, what, layer, minimum=0) for p in pairs]
    raise ValueError(f"{layer}: {what} must be an int, a pair of ints or a pair of pairs of ints, got {value!r}")


class _Spatial2D(Layer):
    """A 2D image layer without weights: rank 4, data_format, the spatial sizes change."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format_of(data_format, self.name)

    def build(self, input_shape):
        self.compute_output_shape(input_shape)

    def call(self, inputs, training=False):
        return from_channels_last(self.transform(to_channels_last(inputs, self.data_format)), self.data_format)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, 4)
        spatial, c = split_shape(input_shape, self.data_format)
        out = [None if n is None else self.out_size(i, n) for i, n in enumerate(spatial)]
        if any(n is not None and n < 1 for n in out):
            raise ValueError(f"{self.name}: an input of shape {format_shape(input_shape)} would give "
                             f"an empty output {format_shape(join_shape(input_shape[0], out, c, self.data_format))}")
        return join_shape(input_shape[0], out, c, self.data_format)

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class ZeroPadding2D(_Spatial2D):
    def __init__(self, padding=1, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs(padding, "padding", self.name)

    def out_size(self, axis, n):
        return n + sum(self.padding[axis])

    def transform(self, x):
        return ops.pad(x, [(0, 0), *map(tuple, self.padding), (0, 0)])

    def get_config(self):
        return {**super().get_config(), "padding": [list(p) for p in self.padding]}


class Cropping2D(_Spatial2D):
    def __init__(self, cropping=((0, 0), (0, 0)), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs(cropping, "cropping", self.name)

    def out_size(self, axis, n):
        return n - sum(self.cropping[axis])

    def transform(self, x):
        (top, bottom), (left, right) = self.cropping
        n, h, w, c = x.shape
        return ops.slice(x, [0, top, left, 0], [n, h - top - bottom, w - left - right, c])

    def get_config(self):
        return {**super().get_config(), "cropping": [list(p) for p in self.cropping]}


class UpSampling2D(_Spatial2D):
    """'nearest' repeats each pixel size[0] x size[1] times; 'bilinear' is resize_bilinear with
    tfjs's defaults (no align_corners, no half-pixel centers; Keras uses half-pixel centers)."""

    def __init__(self, size=2, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.size = int_list(size, 2, "size", self.name)
        self.interpolation = option(interpolation, ("nearest", "bilinear"), "interpolation", self.name)

    def out_size(self, axis, n):
        return n * self.size[axis]

    def transform(self, x):
        n, h, w, c = x.shape
        (sh, sw) = self.size
        if self.interpolation == "bilinear":
            return ops.resize_bilinear(x, [h * sh, w * sw])
        wide = ops.broadcast_to(ops.reshape(x, [n, h, 1, w, 1, c]), [n, h, sh, w, sw, c])
        return ops.reshape(wide, [n, h * sh, w * sw, c])

    def get_config(self):
        return {**super().get_config(), "size": list(self.size), "interpolation": self.interpolation}


_FACTORIES = {"max_pooling1d": "MaxPooling1D", "max_pooling2d": "MaxPooling2D",
              "average_pooling1d": "AveragePooling1D", "average_pooling2d": "AveragePooling2D",
              "global_average_pooling1d": "GlobalAveragePooling1D",
              "global_average_pooling2d": "GlobalAveragePooling2D",
              "global_max_pooling1d": "GlobalMaxPooling1D", "global_max_pooling2d": "GlobalMaxPooling2D",
              "zero_padding2d": "ZeroPadding2D", "cropping2d": "Cropping2D", "up_sampling2d": "UpSampling2D"}


def _factory(name, cls):
    def make(**kwargs):
        return cls(**kwargs)
    make.__name__ = make.__qualname__ = name
    return make


# wt.layers.max_pooling2d(pool_size=2), ...
for _name, _cls_name in _FACTORIES.items():
    globals()[_name] = _factory(_name, globals()[_cls_name])
    __all__.append(_name)

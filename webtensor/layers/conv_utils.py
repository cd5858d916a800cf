"""What the convolution, pooling and image layers share (tfjs-layers utils/conv_utils.ts and
common.ts): option checks, window sizes, channels-first handling, and a weight's initializer /
regularizer / constraint triple."""
import numpy as np

from .. import ops
from . import constraints, initializers, regularizers
from .base import format_shape
from .names import camel_case


# ---- options and windows ----
def int_list(value, n, what, layer, minimum=1):
    """An int or n ints, each >= minimum, as a list of n ints."""
    v = [value] * n if isinstance(value, (int, np.integer)) else list(value) \
        if isinstance(value, (list, tuple)) else None
    if v is None or len(v) != n or any(isinstance(i, bool) or not isinstance(i, (int, np.integer))
                                       or i < minimum for i in v):
        kind = "positive" if minimum == 1 else "non-negative"
        raise ValueError(f"{layer}: {what} must be a {kind} int or a list of {n} of them, got {value!r}")
    return [int(i) for i in v]


def option(value, allowed, what, layer):
    """One of `allowed` (snake_case), given in snake_case or camelCase."""
    for v in allowed:
        if value in (v, camel_case(v)):
            return v
    raise ValueError(f"{layer}: {what} must be one of {', '.join(map(repr, allowed))}, got {value!r}")


def data_format_of(value, layer):
    return "channels_last" if value is None else \
        option(value, ("channels_last", "channels_first"), "data_format", layer)


def check_rank(layer, shape, rank):
    if len(shape) != rank:
        spatial = {3: "width", 4: "height, width"}.get(rank, "...")
        layout = "channels, " + spatial if layer.data_format == "channels_first" else spatial + ", channels"
        raise ValueError(f"{layer.name}: expected an input of rank {rank} [batch, {layout}], "
                         f"got shape {format_shape(shape)}")


def channel_axis(layer, rank):
    return 1 if layer.data_format == "channels_first" else rank - 1


def to_channels_last(x, data_format):
    return x if data_format == "channels_last" else ops.transpose(x, [0, *range(2, x.rank), 1])


def from_channels_last(y, data_format):
    return y if data_format == "channels_last" else ops.transpose(y, [0, y.rank - 1, *range(1, y.rank - 1)])


def split_shape(shape, data_format):
    """(spatial dimensions, channels) of a shape with a batch dimension."""
    return (list(shape[2:]), shape[1]) if data_format == "channels_first" else (list(shape[1:-1]), shape[-1])


def join_shape(batch, spatial, channels, data_format):
    return [batch, channels, *spatial] if data_format == "channels_first" else [batch, *spatial, channels]


def conv_output_length(n, window, padding, stride, dilation, layer):
    """tfjs's convOutputLength; a window that does not fit is an error here, not a size <= 0."""
    if n is None:
        return None
    span = (window - 1) * dilation + 1
    length = n if padding in ("same", "causal") else n - span + 1
    if length < 1:
        raise ValueError(f"{layer}: a window of {span} (kernel size {window}, dilation {dilation}) does "
                         f"not fit an input of size {n} with padding 'valid'")
    return (length + stride - 1) // stride


def deconv_length(n, stride, kernel, padding):
    if n is None:
        return None
    return n * stride + (max(kernel - stride, 0) if padding == "valid" else 0)


# ---- a weight's initializer, regularizer and constraint, as attributes `{kind}_initializer` ...
def set_weight_options(layer, kind, initializer, regularizer, constraint):
    setattr(layer, f"{kind}_initializer", initializers.get(initializer))
    setattr(layer, f"{kind}_regularizer", regularizers.get(regularizer))
    setattr(layer, f"{kind}_constraint", constraints.get(constraint))


def add_weight_of(layer, kind, name, shape):
    return layer.add_weight(name, shape, getattr(layer, f"{kind}_initializer"),
                            regularizer=getattr(layer, f"{kind}_regularizer"),
                            constraint=getattr(layer, f"{kind}_constraint"))


def weight_options_config(layer, kind):
    return {f"{kind}_initializer": initializers.serialize(getattr(layer, f"{kind}_initializer")),
            f"{kind}_regularizer": regularizers.serialize(getattr(layer, f"{kind}_regularizer")),
            f"{kind}_constraint": constraints.serialize(getattr(layer, f"{kind}_constraint"))}

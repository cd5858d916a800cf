"""tfjs's other convolutions and pools, and its fused ops, all compositions of nn.py's 2-D ones:
1-D and separable convolutions are 2-D ones, 3-D convolutions and pools add up (or take the max
of) one 2-D op per depth tap, and windows that nn.py has no op for are reduced from its strided
`_patches` view. Padding is resolved here, by tfjs's rules (dim_rounding_mode included), into
explicit amounts, so the 2-D ops only ever see 'valid' or explicit padding."""
import functools
import math
from collections import namedtuple

import numpy as np

from ..engine import ENGINE
from ..tensor import Tensor
from .core import as_tensor, op, with_grad
from .elementwise import (add, cast, elu, floor_div, leaky_relu, maximum, mod, mul, pow as _pow, prelu, relu,
                          relu6, selu, sigmoid, square)
from .indexing import one_hot
from .linalg import _matmul, matmul
from .nn import _conv2d, _depthwise_conv2d, _patches, avg_pool, conv2d, depthwise_conv2d, max_pool
from .reduction import argmax, max as _max, mean
from .shape import (_strided_slice, _unslice, expand_dims, move_last_axis, pad as _pad, reshape, reverse, squeeze,
                    transpose)

MaxPoolWithArgmax = namedtuple("MaxPoolWithArgmax", "result indexes")

# tfjs's conv_util round(): no mode truncates; 'round' is JavaScript's Math.round (halves up)
_ROUND = {None: math.trunc, "floor": math.floor, "ceil": math.ceil, "round": lambda v: math.floor(v + 0.5)}


# ---- arguments ----
def _is_int(v):
    return isinstance(v, (int, np.integer)) and not isinstance(v, bool)


def _ints(v, k, name, op_name):
    """A positive int or k of them, as a k-tuple."""
    t = (v,) * k if _is_int(v) else tuple(v) if isinstance(v, (list, tuple)) else ()
    if len(t) != k or not all(_is_int(i) and i >= 1 for i in t):
        raise ValueError(f"{op_name}: {name} must be a positive int or a list of {k} of them, got {v!r}")
    return tuple(int(i) for i in t)


def _either_one(strides, dilations, op_name):
    if max(strides) > 1 and max(dilations) > 1:
        raise ValueError(f"{op_name}: strides {strides} and dilations {dilations} cannot both be > 1")


def _data_format(value, allowed, op_name):
    if value != allowed:
        raise ValueError(f"{op_name}: data_format must be {allowed!r} (the only one supported, as in tfjs), "
                         f"got {value!r}")


def _same_or_valid(pad, op_name):
    if not isinstance(pad, str) or pad not in ("same", "valid"):
        raise ValueError(f"{op_name}: pad must be 'same' or 'valid', got {pad!r}")


def _batched(x, rank, name, op_name, layout):
    """x as float32 with a batch axis (added when x has rank - 1), and whether one was added."""
    x = as_tensor(x, name, op_name)
    if x.rank not in (rank - 1, rank):
        raise ValueError(f"{op_name}: argument '{name}' must have rank {rank - 1} or {rank} ({layout}), "
                         f"got shape {x.shape}")
    added = x.rank == rank - 1
    x = cast(x, "float32") if x.dtype != "float32" else x
    return (reshape(x, (1,) + x.shape) if added else x), added


def _unbatched(y, added):
    return reshape(y, y.shape[1:]) if added else y


def _kernel(f, name, op_name, want):
    """A filter as float32, of the shape `want` (None: any size)."""
    f = as_tensor(f, name, op_name)
    if f.rank != len(want) or any(w is not None and w != d for w, d in zip(want, f.shape)):
        shown = ", ".join("?" if w is None else str(w) for w in want)
        raise ValueError(f"{op_name}: argument '{name}' must have shape [{shown}], got {f.shape}")
    return cast(f, "float32") if f.dtype != "float32" else f


# ---- windows ----
def _geometry(in_sizes, filter_sizes, strides, dilations, pad, rounding, op_name):
    """Output sizes and (before, after) padding per spatial axis, by tfjs's rules. A number pad
    rounds the output size by dim_rounding_mode and pads the end as far as the last window
    reaches (where tfjs's kernels read nothing)."""
    k = len(in_sizes)
    if rounding not in _ROUND:
        raise ValueError(f"{op_name}: dim_rounding_mode must be 'floor', 'round', 'ceil' or None, got {rounding!r}")
    if rounding is not None and isinstance(pad, str):
        raise ValueError(f"{op_name}: pad must be an integer when using dim_rounding_mode {rounding!r}, "
                         f"got pad {pad!r}")
    explicit = isinstance(pad, (list, tuple)) and len(pad) == k + 2 and all(
        isinstance(p, (list, tuple)) and len(p) == 2 and all(_is_int(v) and v >= 0 for v in p) for p in pad) \
        and tuple(pad[0]) == (0, 0) == tuple(pad[-1])
    if not (explicit or (_is_int(pad) and pad >= 0) or (isinstance(pad, str) and pad in ("same", "valid"))):
        raise ValueError(f"{op_name}: pad must be 'same', 'valid', a non-negative int or explicit "
                         f"[[0, 0], {', '.join(['[before, after]'] * k)}, [0, 0]], got {pad!r}")
    outs, pads = [], []
    for i, (n, f, s, d) in enumerate(zip(in_sizes, filter_sizes, strides, dilations)):
        ef = (f - 1) * d + 1
        if explicit:
            p = tuple(int(v) for v in pad[1 + i])
            o = (n + p[0] + p[1] - ef) // s + 1
        elif pad == "same":
            o = -(-n // s)
            total = max((o - 1) * s + ef - n, 0)
            p = (total // 2, total - total // 2)
        elif pad == "valid":
            o, p = -(-(n - ef + 1) // s), (0, 0)
        else:
            o = _ROUND[rounding]((n + 2 * pad - ef) / s + 1)
            p = (int(pad), max(int(pad), (o - 1) * s + ef - n - int(pad)))
        if o <= 0:
            raise ValueError(f"{op_name}: the filter {tuple(filter_sizes)} (dilations {tuple(dilations)}) does not "
                             f"fit the input of spatial size {tuple(in_sizes)} with pad {pad!r}")
        outs.append(int(o))
        pads.append(p)
    return tuple(outs), pads


def _nn_pad(pads):
    """Spatial (before, after) paddings as nn.py's 2-D ops take them."""
    return "valid" if not any(a or b for a, b in pads) else [(0, 0)] + list(pads) + [(0, 0)]


def _pad_spatial(x, pads, value=0.0):
    return _pad(x, [(0, 0)] + list(pads) + [(0, 0)], value) if any(a or b for a, b in pads) else x


def _depth_taps(xp, fd, od, sd, dd):
    """For each depth tap of a 3-D window, the padded input it reads: [batch * out_depth, h, w, c]."""
    n, _, h, w, c = xp.shape
    for k in range(fd):
        part = _strided_slice(xp, [0, k * dd, 0, 0, 0], [n, od, h, w, c], [1, sd, 1, 1, 1])
        yield reshape(part, [n * od, h, w, c])


def _first_max(v, axis):
    """The max over `axis`; its gradient goes to the first maximum only, as tfjs's kernels do."""
    def backward(dy, y):
        hot = cast(one_hot(argmax(v, axis), v.shape[axis]), "float32")
        return (mul(move_last_axis(hot, axis), expand_dims(dy, axis)),)
    return with_grad([v], lambda: _max(v, axis), backward)


def _inside_counts(in_sizes, filter_sizes, strides, pads, out):
    """How many elements of each window lie inside the input, per output position (NumPy)."""
    per_axis = [np.array([max(min(o * s - p[0] + f, n) - max(o * s - p[0], 0), 0) for o in range(m)])
                for n, f, s, p, m in zip(in_sizes, filter_sizes, strides, pads, out)]
    return functools.reduce(np.multiply.outer, per_axis)


# ---- convolutions ----
@op
def conv1d(x, filter, stride, pad, data_format="NWC", dilation=1, dim_rounding_mode=None):
    """1-D convolution of x [batch, width, in_channels] (rank 2: one example) with filter
    [width, in_channels, out_channels], as a conv2d over a height-1 image."""
    _data_format(data_format, "NWC", "conv1d")
    x3, added = _batched(x, 3, "x", "conv1d", "NWC")
    filt = _kernel(filter, "filter", "conv1d", (None, x3.shape[2], None))
    (s,), (d,) = _ints(stride, 1, "stride", "conv1d"), _ints(dilation, 1, "dilation", "conv1d")
    _either_one((s,), (d,), "conv1d")
    _, pads = _geometry(x3.shape[1:2], filt.shape[:1], (s,), (d,), pad, dim_rounding_mode, "conv1d")
    y = conv2d(expand_dims(x3, 1), expand_dims(filt, 0), (1, s), _nn_pad([(0, 0)] + pads), "NHWC", (1, d))
    return _unbatched(squeeze(y, [1]), added)


def _conv3d_valid(xp, filt, out, strides, dilations):
    """conv3d of an already padded input: one conv2d per depth tap of the filter, added up."""
    parts = [conv2d(part, filt[k], strides[1:], "valid", "NHWC", dilations[1:])
             for k, part in enumerate(_depth_taps(xp, filt.shape[0], out[0], strides[0], dilations[0]))]
    return reshape(functools.reduce(add, parts), (xp.shape[0],) + tuple(out) + (filt.shape[4],))


@op
def conv3d(x, filter, strides, pad, data_format="NDHWC", dilations=(1, 1, 1)):
    """3-D convolution of x [batch, depth, height, width, in_channels] (rank 4: one example) with
    filter [depth, height, width, in_channels, out_channels]."""
    _data_format(data_format, "NDHWC", "conv3d")
    x5, added = _batched(x, 5, "x", "conv3d", "NDHWC")
    filt = _kernel(filter, "filter", "conv3d", (None, None, None, x5.shape[4], None))
    strides, dilations = _ints(strides, 3, "strides", "conv3d"), _ints(dilations, 3, "dilations", "conv3d")
    _either_one(strides, dilations, "conv3d")
    _same_or_valid(pad, "conv3d")
    out, pads = _geometry(x5.shape[1:4], filt.shape[:3], strides, dilations, pad, None, "conv3d")
    return _unbatched(_conv3d_valid(_pad_spatial(x5, pads), filt, out, strides, dilations), added)


@op
def conv3d_transpose(x, filter, output_shape, strides, pad):
    """The gradient of conv3d with respect to its input (filter is [d, h, w, out_channels, in_channels]):
    x spread out by the strides, padded, and convolved with the flipped filter."""
    x5, added = _batched(x, 5, "x", "conv3d_transpose", "NDHWC")
    out5 = tuple(int(v) for v in output_shape)
    out5 = (1,) + out5 if len(out5) == 4 else out5
    if len(out5) != 5:
        raise ValueError(f"conv3d_transpose: output_shape must have 4 or 5 dimensions, got {tuple(output_shape)}")
    filt = _kernel(filter, "filter", "conv3d_transpose", (None, None, None, out5[4], x5.shape[4]))
    strides = _ints(strides, 3, "strides", "conv3d_transpose")
    _same_or_valid(pad, "conv3d_transpose")
    o, pads = _geometry(out5[1:4], filt.shape[:3], strides, (1, 1, 1), pad, None, "conv3d_transpose")
    if o != x5.shape[1:4] or out5[0] != x5.shape[0]:
        raise ValueError(f"conv3d_transpose: output_shape {tuple(output_shape)} with this filter, strides and pad "
                         f"gives an input of {(out5[0],) + o}, not {x5.shape[:4]}")
    n, c = x5.shape[0], x5.shape[4]
    spread = tuple((i - 1) * s + 1 for i, s in zip(o, strides))
    dy = x5 if spread == o else _unslice(x5, (n,) + spread + (c,), [0] * 5, (1,) + strides + (1,))
    full = [(f - 1 - p[0], m + p[0] - sp) for f, p, m, sp in zip(filt.shape[:3], pads, out5[1:4], spread)]
    w = transpose(reverse(filt, [0, 1, 2]), [0, 1, 2, 4, 3])
    return _unbatched(_conv3d_valid(_pad_spatial(dy, full), w, out5[1:4], (1, 1, 1), (1, 1, 1)), added)


@op
def separable_conv2d(x, depthwise_filter, pointwise_filter, strides, pad, dilation=(1, 1), data_format="NHWC"):
    """A depthwise convolution (filter [h, w, in_channels, multiplier]), then a 1x1 convolution
    (filter [1, 1, in_channels * multiplier, out_channels]) mixing its channels."""
    name = "separable_conv2d"
    _data_format(data_format, "NHWC", name)
    x4, added = _batched(x, 4, "x", name, "NHWC")
    dw = _kernel(depthwise_filter, "depthwise_filter", name, (None, None, x4.shape[3], None))
    pw = _kernel(pointwise_filter, "pointwise_filter", name, (1, 1, dw.shape[2] * dw.shape[3], None))
    strides, dilation = _ints(strides, 2, "strides", name), _ints(dilation, 2, "dilation", name)
    _either_one(strides, dilation, name)
    _, pads = _geometry(x4.shape[1:3], dw.shape[:2], strides, dilation, pad, None, name)
    y = conv2d(depthwise_conv2d(x4, dw, strides, _nn_pad(pads), "NHWC", dilation), pw, 1, "valid")
    return _unbatched(y, added)


@op
def dilation2d(x, filter, strides, pad, dilations=(1, 1), data_format="NHWC"):
    """Grayscale morphological dilation: the max over each window of x + filter ([h, w, channels])."""
    _data_format(data_format, "NHWC", "dilation2d")
    x4, added = _batched(x, 4, "x", "dilation2d", "NHWC")
    filt = _kernel(filter, "filter", "dilation2d", (None, None, x4.shape[3]))
    strides, dilations = _ints(strides, 2, "strides", "dilation2d"), _ints(dilations, 2, "dilations", "dilation2d")
    _same_or_valid(pad, "dilation2d")
    out, pads = _geometry(x4.shape[1:3], filt.shape[:2], strides, dilations, pad, None, "dilation2d")
    fh, fw, c = filt.shape
    win = _patches(_pad_spatial(x4, pads, -np.inf), fh, fw, out, strides, dilations)  # padding never wins
    v = reshape(add(win, filt), (x4.shape[0],) + out + (fh * fw, c))
    return _unbatched(_first_max(v, 3), added)


# ---- pools ----
def _pool3d_args(x, filter_size, strides, pad, rounding, data_format, op_name):
    _data_format(data_format, "NDHWC", op_name)
    x5, added = _batched(x, 5, "x", op_name, "NDHWC")
    f, s = _ints(filter_size, 3, "filter_size", op_name), _ints(strides, 3, "strides", op_name)
    out, pads = _geometry(x5.shape[1:4], f, s, (1, 1, 1), pad, rounding, op_name)
    return x5, added, f, s, out, pads


@op
def max_pool3d(x, filter_size, strides, pad, dim_rounding_mode=None, data_format="NDHWC"):
    """The largest value of each 3-D window (its gradient goes to the first one)."""
    x5, added, f, s, out, pads = _pool3d_args(x, filter_size, strides, pad, dim_rounding_mode, data_format,
                                              "max_pool3d")
    parts = [max_pool(p, f[1:], s[1:], "valid")
             for p in _depth_taps(_pad_spatial(x5, pads, -np.inf), f[0], out[0], s[0], 1)]
    y = functools.reduce(maximum, parts)  # a tie goes to the earlier part: the first maximum
    return _unbatched(reshape(y, (x5.shape[0],) + out + (x5.shape[4],)), added)


@op
def avg_pool3d(x, filter_size, strides, pad, dim_rounding_mode=None, data_format="NDHWC"):
    """The mean of each 3-D window's elements inside the input (padding is not counted, as in tfjs)."""
    x5, added, f, s, out, pads = _pool3d_args(x, filter_size, strides, pad, dim_rounding_mode, data_format,
                                              "avg_pool3d")
    parts = [avg_pool(p, f[1:], s[1:], "valid") for p in _depth_taps(_pad_spatial(x5, pads), f[0], out[0], s[0], 1)]
    total = reshape(functools.reduce(add, parts), (x5.shape[0],) + out + (x5.shape[4],))  # sums / (fh * fw)
    with np.errstate(divide="ignore"):  # a window wholly in the padding averages nothing: NaN, as in tfjs
        scale = (f[1] * f[2] / _inside_counts(x5.shape[1:4], f, s, pads, out))[..., None]
    return _unbatched(mul(total, scale.astype(np.float32)), added)


@op
def max_pool_with_argmax(x, filter_size, strides, pad, include_batch_in_index=False):
    """max_pool and, for each result, where its (first) maximum is in x, as TensorFlow flattens
    it: ((b * height + y) * width + x) * channels + c, with b only if include_batch_in_index."""
    name = "max_pool_with_argmax"
    x4, added = _batched(x, 4, "x", name, "NHWC")
    (fh, fw), st = _ints(filter_size, 2, "filter_size", name), _ints(strides, 2, "strides", name)
    out, pads = _geometry(x4.shape[1:3], (fh, fw), st, (1, 1), pad, None, name)
    n, h, w, c = x4.shape
    win = _patches(_pad_spatial(x4, pads, -np.inf), fh, fw, out, st, (1, 1))
    tap = argmax(reshape(win, (n,) + out + (fh * fw, c)), 3)  # [n, oh, ow, c]
    rows = add(floor_div(tap, fw), (np.arange(out[0]) * st[0] - pads[0][0]).astype(np.int32).reshape(-1, 1, 1))
    cols = add(mod(tap, fw), (np.arange(out[1]) * st[1] - pads[1][0]).astype(np.int32).reshape(-1, 1))
    index = add(mul(add(mul(rows, w), cols), c), np.arange(c, dtype=np.int32))
    if include_batch_in_index:
        index = add(index, (np.arange(n) * (h * w * c)).astype(np.int32).reshape(-1, 1, 1, 1))
    result = max_pool(x4, (fh, fw), st, _nn_pad(pads))
    return MaxPoolWithArgmax(_unbatched(result, added), _unbatched(index, added))


@op
def pool(input, window_shape, pooling_type, pad, dilations=None, strides=None, dim_rounding_mode=None):
    """max_pool or avg_pool, with dilated windows. With dilations > 1 the 'same' padding is zeros
    that take part in the max and the mean, as in tfjs (which pools a space-to-batch of x)."""
    if pooling_type not in ("avg", "max"):
        raise ValueError(f"pool: pooling_type must be 'avg' or 'max', got {pooling_type!r}")
    x4, added = _batched(input, 4, "input", "pool", "NHWC")
    win = _ints(window_shape, 2, "window_shape", "pool")
    dil = _ints(1 if dilations is None else dilations, 2, "dilations", "pool")
    st = _ints(1 if strides is None else strides, 2, "strides", "pool")
    _either_one(st, dil, "pool")
    if dil == (1, 1):
        _, pads = _geometry(x4.shape[1:3], win, st, dil, pad, dim_rounding_mode, "pool")
        y = (max_pool if pooling_type == "max" else avg_pool)(x4, win, st, _nn_pad(pads))
    else:
        if not isinstance(pad, str) or pad not in ("same", "valid"):
            raise ValueError(f"pool: with dilations {dil}, pad must be 'same' or 'valid', got {pad!r}")
        out, pads = _geometry(x4.shape[1:3], win, st, dil, pad, dim_rounding_mode, "pool")
        v = _patches(_pad_spatial(x4, pads), win[0], win[1], out, st, dil)
        v = reshape(v, (x4.shape[0],) + out + (win[0] * win[1], x4.shape[3]))
        y = _first_max(v, 3) if pooling_type == "max" else mean(v, 3)
    return _unbatched(y, added)


@op
def local_response_normalization(x, depth_radius=5, bias=1, alpha=1, beta=0.5):
    """x / (bias + alpha * sum of x**2 over the channels at most depth_radius away) ** beta."""
    name = "local_response_normalization"
    x = as_tensor(x, "x", name)
    if x.rank not in (3, 4):
        raise ValueError(f"{name}: argument 'x' must have rank 3 or 4, got shape {x.shape}")
    if not _is_int(depth_radius) or depth_radius < 0:
        raise ValueError(f"{name}: depth_radius must be a non-negative int, got {depth_radius!r}")
    x = cast(x, "float32") if x.dtype != "float32" else x
    c = x.shape[-1]
    band = (np.abs(np.subtract.outer(np.arange(c), np.arange(c))) <= depth_radius).astype(np.float32)
    sq_sum = reshape(matmul(reshape(square(x), [-1, c]), band), x.shape)  # the window sum as one matmul
    return mul(x, _pow(add(mul(sq_sum, float(alpha)), float(bias)), -float(beta)))


# ---- fused: an op, then bias, then activation ----
_ACTIVATIONS = {
    "linear": lambda x, w, a: x,
    "relu": lambda x, w, a: relu(x),
    "relu6": lambda x, w, a: relu6(x),
    "elu": lambda x, w, a: elu(x),
    "selu": lambda x, w, a: selu(x),
    "sigmoid": lambda x, w, a: sigmoid(x),
    "prelu": lambda x, w, a: prelu(x, w),
    "leakyrelu": lambda x, w, a: leaky_relu(x, a),
}


def _broadcastable(v, name, shape, op_name):
    t = as_tensor(v, name, op_name)
    if t.rank > len(shape) or any(d not in (1, o) for d, o in zip(t.shape[::-1], shape[::-1])):
        raise ValueError(f"{op_name}: argument '{name}' of shape {t.shape} does not broadcast to the "
                         f"output shape {shape}")
    return cast(t, "float32") if t.dtype != "float32" else t


def _epilogue(y, bias, activation, prelu_activation_weights, leakyrelu_alpha, op_name):
    if activation not in _ACTIVATIONS:
        raise ValueError(f"{op_name}: activation must be one of {', '.join(map(repr, _ACTIVATIONS))}, "
                         f"got {activation!r}")
    if activation == "prelu" and prelu_activation_weights is None:
        raise ValueError(f"{op_name}: activation 'prelu' needs prelu_activation_weights")
    if bias is not None:
        y = add(y, _broadcastable(bias, "bias", y.shape, op_name))
    weights = None if prelu_activation_weights is None else \
        _broadcastable(prelu_activation_weights, "prelu_activation_weights", y.shape, op_name)
    return _ACTIVATIONS[activation](y, weights, leakyrelu_alpha)


def _in_kernel(bias, activation, channels, op_name):
    """(bias, activation) for the kernel to apply itself, on a backend whose matmul and
    depthwise_conv2d take them (Backend.fuses_epilogue): a [channels] float32 bias or none,
    relu, relu6 or none, and no gradient being recorded. None: compose them after it."""
    backend = ENGINE.backend or ENGINE.ensure_backend()
    if not backend.fuses_epilogue or ENGINE.tapes or activation not in ("linear", "relu", "relu6"):
        return None
    act = None if activation == "linear" else activation
    if bias is None:
        return None if act is None else (None, act)
    bias = as_tensor(bias, "bias", op_name)
    return (bias, act) if bias.dtype == "float32" and bias.shape == (channels,) else None


def _conv2d_pad(x, filter, strides, pad, dilations, rounding, op_name):
    """pad and dim_rounding_mode as the padding nn.py's 2-D convolutions take (which check the rest)."""
    x, filt = as_tensor(x, "x", op_name), as_tensor(filter, "filter", op_name)
    if x.rank not in (3, 4) or filt.rank != 4:
        return x, filt, pad
    _, pads = _geometry(x.shape[-3:-1], filt.shape[:2], _ints(strides, 2, "strides", op_name),
                        _ints(dilations, 2, "dilations", op_name), pad, rounding, op_name)
    return x, filt, _nn_pad(pads)


def _fused_conv(conv, name, channels):
    """tfjs's fused.<name>: conv is nn.py's _<name>; channels(filter shape) its output's."""
    def f(x, filter, strides, pad, data_format="NHWC", dilations=(1, 1), dim_rounding_mode=None, bias=None,
          activation="linear", prelu_activation_weights=None, leakyrelu_alpha=0.2):
        x, filt, pad_ = _conv2d_pad(x, filter, strides, pad, dilations, dim_rounding_mode, "fused_" + name)
        fuse = _in_kernel(bias, activation, channels(filt.shape), "fused_" + name) if filt.rank == 4 else None
        y = conv(x, filt, strides, pad_, data_format, dilations, None, fuse)
        if fuse is not None:
            return y
        return _epilogue(y, bias, activation, prelu_activation_weights, leakyrelu_alpha, "fused_" + name)
    f.__name__ = f.__qualname__ = "fused_" + name
    f.__doc__ = f"{name}, plus bias, then activation (tfjs's fused.{name})."
    return op(f)


fused_conv2d = _fused_conv(_conv2d, "conv2d", lambda f: f[3])
fused_depthwise_conv2d = _fused_conv(_depthwise_conv2d, "depthwise_conv2d", lambda f: f[2] * f[3])


@op
def fused_mat_mul(a, b, transpose_a=False, transpose_b=False, bias=None, activation="linear",
                  prelu_activation_weights=None, leakyrelu_alpha=0.2):
    """matmul, plus bias, then activation (tfjs's fused.matMul)."""
    fuse = _in_kernel(bias, activation, b.shape[-2 if transpose_b else -1], "fused_mat_mul") \
        if isinstance(b, Tensor) and b.rank >= 2 else None
    if fuse is not None:
        return _matmul(a, b, transpose_a, transpose_b, fuse)
    y = matmul(a, b, transpose_a, transpose_b)
    return _epilogue(y, bias, activation, prelu_activation_weights, leakyrelu_alpha, "fused_mat_mul")


class fused:  # noqa: N801 (tfjs's name); a class, so that ops/__init__.py's __all__ (callables) exports it
    """tfjs's tf.fused namespace: wt.fused.conv2d, wt.fused.depthwise_conv2d, wt.fused.matmul."""
    conv2d = staticmethod(fused_conv2d)
    depthwise_conv2d = staticmethod(fused_depthwise_conv2d)
    matmul = mat_mul = staticmethod(fused_mat_mul)  # tf.fused.matMul, spelt as wt.matmul; mat_mul: the old name

"""Neural-network ops, all compositions of primitives. Convolutions and pools read their windows
through one strided view of the padded input ("patches", im2col without index math) and
reduce them with matmul or a reduction."""
import functools

import numpy as np

from .core import as_tensor, int_list, is_int, needs_grad, norm_axis, number, op, run, with_grad
from .creation import random_uniform
from .elementwise import (add, cast, div, equal, exp, greater_equal, logical_and, logical_not, logical_or,
                          maximum, mul, rsqrt, sub, where)
from .linalg import _matmul, matmul
from .reduction import argmax, logsumexp, max as _max, sum as _sum
from .indexing import one_hot
from .shape import (_strided, _strided_slice, _unslice, contiguous_strides, pad, reshape, reverse, slice, stack,
                    transpose)


@op
def softmax(logits, dim=-1):
    x = as_tensor(logits, "logits", "softmax")
    x = cast(x, "float32") if x.dtype != "float32" else x
    dim = norm_axis(dim, x.rank, "softmax", "dim")

    def forward():
        e = exp(sub(x, _max(x, dim, True)))
        return div(e, _sum(e, dim, True))
    return with_grad([x], forward, lambda dy, y: (mul(y, sub(dy, _sum(mul(dy, y), dim, True))),))


@op
def log_softmax(logits, axis=-1):
    x = as_tensor(logits, "logits", "log_softmax")
    x = cast(x, "float32") if x.dtype != "float32" else x
    axis = norm_axis(axis, x.rank, "log_softmax")
    forward = lambda: sub(x, logsumexp(x, axis, True))  # noqa: E731
    return with_grad([x], forward, lambda dy, y: (sub(dy, mul(exp(y), _sum(dy, axis, True))),))


# ---- windows ----
def _pair(v, name, op_name):
    pair = (v, v) if is_int(v) else tuple(v) if isinstance(v, (list, tuple)) else None
    if pair is None or not all(is_int(i) for i in pair):
        raise TypeError(f"{op_name}: {name} must be a positive int or a pair of them, got {v!r}")
    if len(pair) != 2 or any(int(i) < 1 for i in pair):
        raise ValueError(f"{op_name}: {name} must be a positive int or a pair of them, got {v!r}")
    return int(pair[0]), int(pair[1])


def _window(in_hw, filter_hw, strides, pad_arg, dilations, op_name, rounding=None):
    """Output size and (before, after) padding per spatial axis, by tfjs's rules: conv.py's
    _geometry, for explicit pads too (non-negative ints; the batch and channel pairs 0). A size rounded up
    by dim_rounding_mode pads the end as far as the last window reaches, so that no window
    reads past the input (tfjs's kernels skip those positions: they see the padding value)."""
    from .conv import _ROUND, _geometry  # here, not at the top: conv.py imports this module
    if not (isinstance(pad_arg, (list, tuple)) and len(pad_arg) == 4):
        out, pads = _geometry(tuple(in_hw), tuple(filter_hw), strides, dilations, pad_arg, rounding, op_name)
        return list(out), pads
    if rounding not in _ROUND:
        raise ValueError(f"{op_name}: dim_rounding_mode must be 'floor', 'round', 'ceil' or None, got {rounding!r}")
    try:
        pairs = [tuple(int_list(p, op_name, "pad")) for p in pad_arg]
    except TypeError:
        pairs = None
    if pairs is None or any(len(p) != 2 or min(p) < 0 for p in pairs) or pairs[0] != (0, 0) or pairs[3] != (0, 0):
        raise ValueError(f"{op_name}: an explicit pad must be [[0, 0], [top, bottom], [left, right], [0, 0]] of "
                         f"non-negative ints, got {pad_arg!r}")
    out, pads = [], []
    for axis in (0, 1):
        n, f, s, d = in_hw[axis], filter_hw[axis], strides[axis], dilations[axis]
        ef = (f - 1) * d + 1
        before, after = pairs[1 + axis]
        o = _ROUND[rounding]((n + before + after - ef) / s + 1)  # tfjs rounds explicit sizes too
        if o <= 0:
            raise ValueError(f"{op_name}: the filter {tuple(filter_hw)} (dilations {tuple(dilations)}) "
                             f"does not fit the input of spatial size {tuple(in_hw)} with pad {pad_arg!r}")
        out.append(o)
        pads.append((before, max(after, (o - 1) * s + ef - n - before)))
    return out, pads


@op
def _patches(xp, fh, fw, out_hw, strides, dilations):
    """[N, OH, OW, FH, FW, C]: every filter window of the padded input, as one strided view."""
    n, h, w, c = xp.shape
    if any((o - 1) * s + (f - 1) * d + 1 > size
           for o, s, f, d, size in zip(out_hw, strides, (fh, fw), dilations, (h, w))):  # memory safety
        raise ValueError(f"the windows {tuple(out_hw)} (filter {(fh, fw)}, strides {tuple(strides)}, dilations "
                         f"{tuple(dilations)}) reach past the padded input of shape {xp.shape}")
    sn, sh, sw, sc = contiguous_strides(xp.shape)
    shape = (n, out_hw[0], out_hw[1], fh, fw, c)
    strides_ = (sn, sh * strides[0], sw * strides[1], sh * dilations[0], sw * dilations[1], sc)
    backward = lambda dy, y: (_unpatch(dy, xp.shape, strides, dilations),)  # noqa: E731
    return _strided("patches", xp, shape, strides_, 0, backward)


def _unpatch(dy, shape, strides, dilations):
    """col2im, the gradient of _patches: each window position scattered back, and added up."""
    n, oh, ow, fh, fw, c = dy.shape
    if tuple(strides) == (fh, fw) and tuple(dilations) == (1, 1):  # windows tile the input: one copy
        tiled = reshape(transpose(dy, [0, 1, 3, 2, 4, 5]), [n, oh * fh, ow * fw, c])
        return pad(tiled, [(0, 0), (0, shape[1] - oh * fh), (0, shape[2] - ow * fw), (0, 0)])
    total = None
    for i in range(fh):
        for j in range(fw):
            part = reshape(slice(dy, [0, 0, 0, i, j, 0], [n, oh, ow, 1, 1, c]), [n, oh, ow, c])
            part = _unslice(part, shape, [0, i * dilations[0], j * dilations[1], 0], [1, strides[0], strides[1], 1])
            total = part if total is None else add(total, part)
    return total


def _nhwc(x, name, op_name):
    x = as_tensor(x, name, op_name)
    if x.rank not in (3, 4):
        raise ValueError(f"{op_name}: argument '{name}' must have rank 3 or 4 (NHWC), got shape {x.shape}")
    return (reshape(x, (1,) + x.shape) if x.rank == 3 else x), x.rank == 3


def _conv_args(x, filt, strides, pad_arg, data_format, dilations, rounding, op_name):
    if data_format != "NHWC":
        raise ValueError(f"{op_name}: data_format must be 'NHWC', got {data_format!r}")
    strides, dilations = _pair(strides, "strides", op_name), _pair(dilations, "dilations", op_name)
    if strides != (1, 1) and dilations != (1, 1):
        raise ValueError(f"{op_name}: strides {strides} and dilations {dilations} cannot both be > 1")
    out_hw, pads = _window(x.shape[1:3], filt.shape[:2], strides, pad_arg, dilations, op_name, rounding)
    return strides, dilations, out_hw, pads


def _crop_pad(x, pads):
    """Pad spatial axes by (before, after); negative amounts crop instead."""
    grow = [(0, 0)] + [(max(a, 0), max(b, 0)) for a, b in pads] + [(0, 0)]
    if any(v for p in grow for v in p):
        x = pad(x, grow)
    if any(a < 0 or b < 0 for a, b in pads):
        begin = [0] + [max(-a, 0) for a, _ in pads] + [0]
        size = [x.shape[0]] + [x.shape[1 + i] - begin[1 + i] - max(-b, 0) for i, (_, b) in enumerate(pads)] + [x.shape[3]]
        x = slice(x, begin, size)
    return x


def _conv(x, filt, strides, pads, dilations, out_hw, epilogue=None):
    fh, fw, c, oc = filt.shape
    xp = _crop_pad(x, pads)
    cols = reshape(_patches(xp, fh, fw, out_hw, strides, dilations), [-1, fh * fw * c])
    y = _matmul(cols, reshape(filt, [fh * fw * c, oc]), False, False, epilogue)
    return reshape(y, [x.shape[0], out_hw[0], out_hw[1], oc])


def _conv_operands(x, filter, op_name, last):
    """x as float32 NHWC (and whether a batch axis was added), filter as float32
    [height, width, in_channels, last]."""
    x4, squeezed = _nhwc(x, "x", op_name)
    filt = as_tensor(filter, "filter", op_name)
    if filt.rank != 4 or filt.shape[2] != x4.shape[3]:
        raise ValueError(f"{op_name}: filter must be [height, width, {x4.shape[3]}, {last}] for "
                         f"input of shape {x4.shape}, got {filt.shape}")
    return cast(x4, "float32"), squeezed, cast(filt, "float32")


@op
def conv2d(x, filter, strides=1, pad="valid", data_format="NHWC", dilations=1, dim_rounding_mode=None):
    return _conv2d(x, filter, strides, pad, data_format, dilations, dim_rounding_mode)


def _conv2d(x, filter, strides, pad, data_format, dilations, dim_rounding_mode, epilogue=None):
    """conv2d; epilogue as linalg._matmul takes it."""
    x4, squeezed, filt = _conv_operands(x, filter, "conv2d", "out_channels")
    strides, dilations, out_hw, pads = _conv_args(x4, filt, strides, pad, data_format, dilations, dim_rounding_mode,
                                                  "conv2d")

    def backward(dy, y):
        dx = dw = None
        if needs_grad(0):
            dx = _conv_input_grad(dy, filt, x4.shape, strides, pads, dilations)
        if needs_grad(1):
            fh, fw, c, oc = filt.shape
            cols = reshape(_patches(_crop_pad(x4, pads), fh, fw, out_hw, strides, dilations), [-1, fh * fw * c])
            dw = reshape(matmul(cols, reshape(dy, [-1, oc]), transpose_a=True), filt.shape)
        return dx, dw
    out = with_grad([x4, filt], lambda: _conv(x4, filt, strides, pads, dilations, out_hw, epilogue), backward)
    return reshape(out, out.shape[1:]) if squeezed else out


def _conv_input_grad(dy, filt, x_shape, strides, pads, dilations):
    """d(conv2d)/dx as a stride-1 conv of the dilated, padded dy with the flipped filter."""
    fh, fw = filt.shape[:2]
    eff = [(fh - 1) * dilations[0] + 1, (fw - 1) * dilations[1] + 1]
    n, oh, ow, _ = dy.shape
    full = [x_shape[1] + eff[0] - 1, x_shape[2] + eff[1] - 1]
    spread = [(oh - 1) * strides[0] + 1, (ow - 1) * strides[1] + 1]
    before = [eff[i] - 1 - pads[i][0] for i in (0, 1)]
    after = [full[i] - spread[i] - before[i] for i in (0, 1)]
    if strides != (1, 1):
        dy = _unslice(dy, (n, spread[0], spread[1], dy.shape[3]), [0, 0, 0, 0], [1, strides[0], strides[1], 1])
    w = transpose(reverse(filt, [0, 1]), [0, 1, 3, 2])
    return conv2d(_crop_pad(dy, list(zip(before, after))), w, 1, "valid", "NHWC", dilations)


@op
def conv2d_transpose(x, filter, output_shape, strides=1, pad="valid", dim_rounding_mode=None):
    """The gradient of conv2d with respect to its input (filter is [h, w, out_ch, in_ch])."""
    x4, squeezed = _nhwc(x, "x", "conv2d_transpose")
    filt = cast(as_tensor(filter, "filter", "conv2d_transpose"), "float32")
    output_shape = int_list(output_shape, "conv2d_transpose", "output_shape")
    if len(output_shape) != (3 if squeezed else 4):
        raise ValueError(f"conv2d_transpose: argument 'output_shape' {output_shape} must have the rank of x "
                         f"({3 if squeezed else 4})")
    out4 = tuple(output_shape) if len(output_shape) == 4 else (1,) + tuple(output_shape)
    if filt.rank != 4 or filt.shape[3] != x4.shape[3] or filt.shape[2] != out4[3]:
        raise ValueError(f"conv2d_transpose: filter {filt.shape} must be [h, w, {out4[3]}, "
                         f"{x4.shape[3]}] for input {x4.shape} and output_shape {tuple(output_shape)}")
    strides = _pair(strides, "strides", "conv2d_transpose")
    out_hw, pads = _window(out4[1:3], filt.shape[:2], strides, pad, (1, 1), "conv2d_transpose",
                           dim_rounding_mode)
    if tuple(out_hw) != x4.shape[1:3]:
        raise ValueError(f"conv2d_transpose: output_shape {tuple(output_shape)} with this filter, "
                         f"strides and pad gives an input of {tuple(out_hw)}, not {x4.shape[1:3]}")
    out = _conv_input_grad(cast(x4, "float32"), filt, out4, strides, pads, (1, 1))
    return reshape(out, out.shape[1:]) if squeezed else out


@op
def depthwise_conv2d(x, filter, strides=1, pad="valid", data_format="NHWC", dilations=1, dim_rounding_mode=None):
    return _depthwise_conv2d(x, filter, strides, pad, data_format, dilations, dim_rounding_mode)


def _depthwise_conv2d(x, filter, strides, pad, data_format, dilations, dim_rounding_mode, epilogue=None):
    """depthwise_conv2d; epilogue as linalg._matmul takes it."""
    x4, squeezed, filt = _conv_operands(x, filter, "depthwise_conv2d", "multiplier")
    strides, dilations, out_hw, pads = _conv_args(x4, filt, strides, pad, data_format, dilations, dim_rounding_mode,
                                                  "depthwise_conv2d")
    fh, fw, c, m = filt.shape
    xc = _crop_pad(x4, [(min(a, 0), min(b, 0)) for a, b in pads])  # a negative pad crops
    grow = [(max(a, 0), max(b, 0)) for a, b in pads]  # the kernel reads zeros there
    out_shape = (x4.shape[0], out_hw[0], out_hw[1], c * m)

    def backward(dy, y):
        xp = _crop_pad(xc, grow)
        win = reshape(_patches(xp, fh, fw, out_hw, strides, dilations), [-1, fh * fw, c, 1])
        dy4 = reshape(dy, [-1, 1, c, m])
        dx = dw = None
        if needs_grad(0):
            dwin = _sum(mul(dy4, reshape(filt, [fh * fw, c, m])), 3)
            dxp = _unpatch(reshape(dwin, [x4.shape[0], out_hw[0], out_hw[1], fh, fw, c]), xp.shape, strides,
                           dilations)
            dx = slice(dxp, [0, grow[0][0], grow[1][0], 0], xc.shape)
        if needs_grad(1):
            dw = reshape(_sum(mul(win, dy4), 0), filt.shape)
        return dx, dw
    before = [a for a, _ in grow]
    if epilogue is None:
        out = run("depthwise_conv2d", (xc, filt), out_shape, "float32",
                  lambda be, x, f: be.depthwise_conv2d(x, f, out_hw, strides, dilations, before), backward)
    else:
        bias, act = epilogue
        out = run("depthwise_conv2d", (xc, filt) + ((bias,) if bias is not None else ()), out_shape, "float32",
                  lambda be, x, f, bias=None: be.depthwise_conv2d(x, f, out_hw, strides, dilations, before, bias, act))
    return reshape(out, out.shape[1:]) if squeezed else out


def _pool_args(x, filter_size, strides, pad_arg, rounding, op_name):
    """x as float32 NHWC, whether a batch axis was added, and the window geometry
    (filter size, strides, output size, padding)."""
    x4, squeezed = _nhwc(x, "x", op_name)
    fhw, strides = _pair(filter_size, "filter_size", op_name), _pair(strides, "strides", op_name)
    out_hw, pads = _window(x4.shape[1:3], fhw, strides, pad_arg, (1, 1), op_name, rounding)
    return cast(x4, "float32"), squeezed, (fhw, strides, out_hw, pads)


def _pool_windows(x4, geometry, fill_value):
    fhw, strides, out_hw, pads = geometry
    xp = pad(x4, [(0, 0)] + pads + [(0, 0)], fill_value) if any(a or b for a, b in pads) else x4
    return _patches(xp, fhw[0], fhw[1], out_hw, strides, (1, 1))


@op
def max_pool(x, filter_size, strides, pad, dim_rounding_mode=None):
    """The largest value of each window; its gradient goes to the first largest element of
    the window (in row-major order), as tfjs's maxPoolBackprop does, not to every tie."""
    x4, squeezed, geometry = _pool_args(x, filter_size, strides, pad, dim_rounding_mode, "max_pool")
    fhw, strides_, out_hw, pads = geometry
    if strides_ == fhw and not any(a or b for a, b in pads):  # then the windows tile x
        out = _tiled_max_pool(x4, *fhw)
        return reshape(out, out.shape[1:]) if squeezed else out

    def backward(dy, y):
        win = _pool_windows(x4, geometry, -np.inf)
        n, oh, ow, fh, fw, c = win.shape
        first = argmax(reshape(transpose(win, [0, 1, 2, 5, 3, 4]), [n, oh, ow, c, fh * fw]), 4)
        hot = mul(cast(one_hot(first, fh * fw), "float32"), reshape(dy, [n, oh, ow, c, 1]))
        dwin = transpose(reshape(hot, [n, oh, ow, c, fh, fw]), [0, 1, 2, 4, 5, 3])
        xp_shape = (n, x4.shape[1] + pads[0][0] + pads[0][1], x4.shape[2] + pads[1][0] + pads[1][1], c)
        dxp = _unpatch(dwin, xp_shape, strides_, (1, 1))
        return (slice(dxp, [0, pads[0][0], pads[1][0], 0], list(x4.shape)),)
    out = with_grad([x4], lambda: _max(_pool_windows(x4, geometry, -np.inf), [3, 4]), backward)
    return reshape(out, out.shape[1:]) if squeezed else out


def _tiled_max_pool(x4, fh, fw):
    """max_pool whose windows tile the input (strides = filter size, no padding: the common
    2x2 pool): the maximum of fh * fw strided slices, elementwise ops that fuse into one pass,
    and a gradient of the same kind (to each window's first maximum), with no reduction."""
    n, h, w, c = x4.shape
    oh, ow = h // fh, w // fw

    def parts():
        return [_strided_slice(x4, [0, i, j, 0], [n, oh, ow, c], [1, fh, fw, 1])
                for i in range(fh) for j in range(fw)]

    def backward(dy, y):
        taken, grads = None, []
        for p in parts():
            first = equal(p, y) if taken is None else logical_and(equal(p, y), logical_not(taken))
            taken = first if taken is None else logical_or(taken, first)
            grads.append(where(first, dy, 0.0))
        rows = [stack(grads[i * fw:(i + 1) * fw], 3) for i in range(fh)]   # [n, oh, ow, fw, c] each
        d = reshape(stack(rows, 2), [n, oh * fh, ow * fw, c])
        return (pad(d, [(0, 0), (0, h - oh * fh), (0, w - ow * fw), (0, 0)]),)
    return with_grad([x4], lambda: functools.reduce(maximum, parts()), backward)


@op
def avg_pool(x, filter_size, strides, pad, dim_rounding_mode=None):
    """Mean over each window's elements inside the input (padding is not counted, as in tfjs)."""
    x4, squeezed, geometry = _pool_args(x, filter_size, strides, pad, dim_rounding_mode, "avg_pool")
    fhw, strides_, out_hw, pads = geometry
    total = _sum(_pool_windows(x4, geometry, 0.0), [3, 4])
    if any(a or b for a, b in pads):  # a window wholly in the padding counts 0: NaN, as in tfjs
        h, w = x4.shape[1:3]
        inside = np.lib.stride_tricks.sliding_window_view(np.pad(np.ones((h, w)), pads), fhw)
        counts = inside[::strides_[0], ::strides_[1]].sum((2, 3))[:out_hw[0], :out_hw[1]]
        out = div(total, counts[..., None].astype(np.float32))
    else:
        out = div(total, float(fhw[0] * fhw[1]))
    return reshape(out, out.shape[1:]) if squeezed else out


@op
def batch_norm(x, mean, variance, offset=None, scale=None, variance_epsilon=0.001):
    y = mul(sub(x, mean), rsqrt(add(variance, variance_epsilon)))
    if scale is not None:
        y = mul(y, scale)
    return add(y, offset) if offset is not None else y


@op
def dropout(x, rate, noise_shape=None, seed=None):
    x = as_tensor(x, "x", "dropout")
    if not 0 <= number(rate, "dropout", "rate") < 1:
        raise ValueError(f"dropout: rate must be in [0, 1), got {rate}")
    if rate == 0:
        return mul(x, 1.0)
    keep = greater_equal(random_uniform(noise_shape or x.shape, seed=seed), rate)
    return mul(x, mul(cast(keep, "float32"), 1 / (1 - rate)))


def _bilinear_taps(n_in, n_out, align_corners, half_pixel):
    """Linear interpolation along one axis of n_in samples to n_out: float32 [n_out, 3] rows
    (lo, hi, frac), output o = x[lo] + (x[hi] - x[lo]) * frac (backends' resize_bilinear)."""
    scale = (n_in - 1) / (n_out - 1) if align_corners and n_out > 1 else n_in / n_out
    src = (np.arange(n_out) + 0.5) * scale - 0.5 if half_pixel else np.arange(n_out) * scale
    lo = np.maximum(np.floor(src), 0)
    hi = np.minimum(np.ceil(src), n_in - 1)
    return np.stack([lo, hi, (src - lo).astype(np.float32)], 1).astype(np.float32)


def _interpolation(taps, n_in):
    """The taps as a matrix [n_out, n_in]: resize along the axis is this times x."""
    m = np.zeros((len(taps), n_in), np.float32)
    rows = np.arange(len(taps))
    np.add.at(m, (rows, taps[:, 0].astype(np.intp)), 1 - taps[:, 2])
    np.add.at(m, (rows, taps[:, 1].astype(np.intp)), taps[:, 2])
    return m


@op
def resize_bilinear(images, size, align_corners=False, half_pixel_centers=False):
    x4, squeezed = _nhwc(images, "images", "resize_bilinear")
    x4 = cast(x4, "float32")
    oh, ow = _pair(size, "size", "resize_bilinear")
    n, h, w, c = x4.shape
    taps = [_bilinear_taps(d, o, align_corners, half_pixel_centers) for d, o in ((h, oh), (w, ow))]

    def backward(dy, y):  # the transposed interpolation, along W then H, as two matmuls
        wy, wx = (_interpolation(t, d) for t, d in zip(taps, (h, w)))
        dt = matmul(wx.T[None], reshape(dy, [n * oh, ow, c]))                   # [n * oh, w, c]
        return (reshape(matmul(wy.T[None], reshape(dt, [n, oh, w * c])), x4.shape),)  # [n, h, w * c]
    out = run("resize_bilinear", (x4,), (n, oh, ow, c), "float32",
              lambda be, x: be.resize_bilinear(x, taps, (oh, ow)), backward)
    return reshape(out, out.shape[1:]) if squeezed else out

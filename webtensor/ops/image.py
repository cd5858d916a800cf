"""tfjs's tf.image ops (resize_bilinear is in nn.py). Resizing, cropping, rotating and projective
transforms gather pixels on the device, at coordinates computed on the host from shapes and
attributes, or on the device from the `boxes` and `transforms` tensors. The non-max
suppressions read boxes and scores back and run tfjs's algorithm on the host, as tfjs does."""
import bisect
import math
from collections import namedtuple

import numpy as np

from .core import as_tensor, from_values, op
from .creation import range as arange
from .elementwise import (add, add_n, cast, ceil, clip_by_value, div, equal, floor, greater, greater_equal, is_nan,
                          less, less_equal, logical_and, mul, round as round_even, sub, where)
from .indexing import gather
from .nn import _nhwc, _pair
from .reduction import argmax, cumsum, max as max_, sum as sum_
from .scatter import bincount
from .search import _dispose, _inputs
from .shape import expand_dims, reshape, reverse, slice, split, tile

NonMaxSuppressionWithScore = namedtuple("NonMaxSuppressionWithScore", "selected_indices selected_scores")
NonMaxSuppressionPadded = namedtuple("NonMaxSuppressionPadded", "selected_indices valid_outputs")


# ---- helpers ----
def _typed(x, arg, op_name, dtypes, rank=None):
    """x as a tensor of one of dtypes (lists become dtypes[0]), as tfjs's convertToTensor with
    a dtype, and of the given rank."""
    t = as_tensor(x, arg, op_name, dtypes[0])
    if t.dtype not in dtypes:
        raise TypeError(f"{op_name}: argument '{arg}' must be {' or '.join(dtypes)}, got {t.dtype}")
    if rank is not None and t.rank != rank:
        raise ValueError(f"{op_name}: argument '{arg}' must have rank {rank}, got shape {t.shape}")
    return t


def _non_empty(x, arg, op_name):
    if 0 in x.shape[1:3]:
        raise ValueError(f"{op_name}: argument '{arg}' must have a height and width >= 1, got shape {x.shape}")


def _js_round(a):
    """JavaScript's Math.round on the host: to the nearest integer, halves up."""
    f = np.floor(a)
    return f + (a - f >= 0.5)


def _round_half_up(t):
    """Math.round on the device (floor(t + 0.5) would round 0.49999997 up)."""
    f = floor(t)
    return add(f, cast(greater_equal(sub(t, f), 0.5), "float32"))


def _choice(value, arg, options, op_name):
    if value not in options:
        raise ValueError(f"{op_name}: argument '{arg}' must be one of {', '.join(map(repr, options))}, "
                         f"got {value!r}")


def _number(value, arg, op_name):
    if not isinstance(value, (int, float, np.integer, np.floating)) or isinstance(value, bool):
        raise TypeError(f"{op_name}: argument '{arg}' must be a number, got {value!r}")
    return float(value)


# ---- resizing, cropping, flipping ----
def _nearest_source(n_in, n_out, align_corners, half_pixel):
    """The source row (or column) of each output one, by tfjs's CPU kernel, in float64."""
    corners = align_corners and n_out > 1
    ratio = (n_in - 1 if corners else n_in) / (n_out - 1 if corners else n_out)
    src = ratio * (np.arange(n_out) + (0.5 if half_pixel else 0.0))
    return np.minimum(n_in - 1, _js_round(src) if align_corners else np.floor(src)).astype(np.int32)


@op
def resize_nearest_neighbor(images, size, align_corners=False, half_pixel_centers=False):
    """NHWC images resized to size [height, width], each pixel the nearest source pixel."""
    name = "resize_nearest_neighbor"
    x4, squeezed = _nhwc(images, "images", name)
    if x4.dtype not in ("float32", "int32"):
        raise TypeError(f"{name}: argument 'images' must be float32 or int32, got {x4.dtype}")
    if align_corners and half_pixel_centers:
        raise ValueError(f"{name}: half_pixel_centers=True needs align_corners=False")
    oh, ow = _pair(size, "size", name)
    _non_empty(x4, "images", name)
    rows = _nearest_source(x4.shape[1], oh, align_corners, half_pixel_centers)
    cols = _nearest_source(x4.shape[2], ow, align_corners, half_pixel_centers)
    out = gather(gather(x4, rows, 1), cols, 2)
    return reshape(out, out.shape[1:]) if squeezed else out


def _crop_coords(lo, hi, n_in, n_out):
    """tfjs's source coordinates along one axis for each box's n_out samples: [num_boxes, n_out],
    lo (n_in - 1) + (hi - lo) i (n_in - 1) / (n_out - 1). The steps i (n_in - 1) / (n_out - 1)
    come from the host in float64, so that a box's far edge lands exactly on the last pixel,
    not a float32 rounding past it (which would read as outside the image)."""
    if n_out == 1:
        return mul(mul(add(lo, hi), 0.5), float(n_in - 1))
    steps = (np.arange(n_out) * ((n_in - 1) / (n_out - 1))).astype(np.float32)
    return add(mul(lo, float(n_in - 1)), mul(sub(hi, lo), steps))


@op
def crop_and_resize(image, boxes, box_ind, crop_size, method="bilinear", extrapolation_value=0):
    """Crops of image at boxes [y1, x1, y2, x2] (normalized) of the batch entries box_ind, each
    resized to crop_size: float32 [num_boxes, crop_height, crop_width, channels]. Samples outside
    the image are extrapolation_value; a box_ind outside the batch gives zeros, as in tfjs."""
    name = "crop_and_resize"
    image = as_tensor(image, "image", name)
    boxes = _typed(boxes, "boxes", name, ("float32",))
    box_ind = _typed(box_ind, "box_ind", name, ("int32",))
    if image.rank != 4:
        raise ValueError(f"{name}: argument 'image' must have rank 4 (NHWC), got shape {image.shape}")
    if boxes.rank != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{name}: argument 'boxes' must have shape [num_boxes, 4], got {boxes.shape}")
    n = boxes.shape[0]
    if box_ind.shape != (n,):
        raise ValueError(f"{name}: argument 'box_ind' must have shape ({n},) (one per box), got {box_ind.shape}")
    ch, cw = _pair(crop_size, "crop_size", name)
    _choice(method, "method", ("bilinear", "nearest"), name)
    extrapolation_value = _number(extrapolation_value, "extrapolation_value", name)
    _non_empty(image, "image", name)
    b, h, w, c = image.shape
    flat = reshape(cast(image, "float32"), [b * h * w, c])
    y1, x1, y2, x2 = split(boxes, 4, 1)                              # [n, 1] each
    ys = reshape(_crop_coords(y1, y2, h, ch), [n, ch, 1])
    xs = reshape(_crop_coords(x1, x2, w, cw), [n, 1, cw])
    in_y = logical_and(greater_equal(ys, 0.0), less_equal(ys, float(h - 1)))
    in_x = logical_and(greater_equal(xs, 0.0), less_equal(xs, float(w - 1)))
    ys, xs = where(in_y, ys, 0.0), where(in_x, xs, 0.0)             # safe to index where outside
    in_batch = logical_and(greater_equal(box_ind, 0), less(box_ind, b))
    base = reshape(mul(where(in_batch, box_ind, 0), h * w), [n, 1, 1])

    def read(row, col):  # float rows [n, ch, 1] and columns [n, 1, cw] -> [n, ch, cw, c]
        return gather(flat, add(base, add(mul(cast(row, "int32"), w), cast(col, "int32"))), 0)
    if method == "nearest":
        out = read(_round_half_up(ys), _round_half_up(xs))
    else:
        top, left = floor(ys), floor(xs)
        y_lerp, x_lerp = expand_dims(sub(ys, top), -1), expand_dims(sub(xs, left), -1)
        bottom, right = ceil(ys), ceil(xs)
        upper = _lerp(read(top, left), read(top, right), x_lerp)
        lower = _lerp(read(bottom, left), read(bottom, right), x_lerp)
        out = _lerp(upper, lower, y_lerp)
    out = where(expand_dims(logical_and(in_y, in_x), -1), out, extrapolation_value)
    return where(reshape(in_batch, [n, 1, 1, 1]), out, 0.0)


def _lerp(a, b, t):
    return add(a, mul(sub(b, a), t))


@op
def flip_left_right(image):
    """NHWC images mirrored left to right."""
    return reverse(_typed(image, "image", "flip_left_right", ("float32",), 4), 2)


# ---- rotations and projective transforms ----
@op
def rotate_with_offset(image, radians, fill_value=0, center=0.5):
    """NHWC images rotated by radians (counterclockwise) about center (a fraction of the width
    and height, or [x, y] fractions), each pixel the nearest source pixel; fill_value (a number
    or [r, g, b], an alpha channel then 255) where that falls outside the image."""
    name = "rotate_with_offset"
    x = _typed(image, "image", name, ("float32",), 4)
    radians = _number(radians, "radians", name)
    b, h, w, c = x.shape
    center = (center, center) if isinstance(center, (int, float, np.number)) else tuple(center)
    if len(center) != 2:
        raise ValueError(f"{name}: argument 'center' must be a number or [x, y], got {center!r}")
    cx, cy = w * _number(center[0], "center", name), h * _number(center[1], "center", name)
    if isinstance(fill_value, (int, float, np.number)):
        fill = _number(fill_value, "fill_value", name)
    else:
        fill = [_number(v, "fill_value", name) for v in fill_value]
        if len(fill) != 3 or c > 4:
            raise ValueError(f"{name}: argument 'fill_value' must be a number, or [r, g, b] for images of "
                             f"at most 4 channels, got {fill_value!r} for {c} channels")
        fill = np.array(fill + [255.0], np.float32)[:c]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    sin, cos = math.sin(radians), math.cos(radians)
    src_x = _js_round((xx - cx) * cos - (yy - cy) * sin + cx).ravel()
    src_y = _js_round((xx - cx) * sin + (yy - cy) * cos + cy).ravel()
    inside = (src_x >= 0) & (src_x < w) & (src_y >= 0) & (src_y < h)
    picks = np.where(inside, src_y * w + src_x, 0).astype(np.int32)
    out = where(inside[:, None], gather(reshape(x, [b, h * w, c]), picks, 1), fill)
    return reshape(out, x.shape)


def _map_coord(v, n, mode):
    """tfjs's mapCoord: input coordinates v (a float tensor) brought into [0, n - 1] by the fill
    mode ('constant' leaves them, to be read as the fill value when outside). Its truncations
    are floors here: each branch only sees coordinates of one sign."""
    if mode == "constant":
        return v
    if mode == "nearest" or n <= 1:  # reflect and wrap give 0 when n <= 1, as the clamp does
        return clip_by_value(v, 0.0, float(n - 1))
    if mode == "reflect":  # [abcd] -> [dcba|abcd|dcba]
        below = add(mul(floor(div(v, -2.0 * n)), 2.0 * n), v)
        below = where(less(below, -n), add(below, 2.0 * n), sub(-1.0, below))
        above = sub(v, mul(floor(div(v, 2.0 * n)), 2.0 * n))
        above = where(greater_equal(above, n), sub(2.0 * n - 1, above), above)
    else:  # wrap: [abcd] -> [abcd|abcd|abcd]
        below = add(v, mul(add(floor(div(v, -(n - 1.0))), 1.0), float(n)))
        above = sub(v, mul(floor(div(v, n - 1.0)), float(n)))
    folded = where(less(v, 0.0), below, where(greater(v, n - 1.0), above, v))
    return clip_by_value(folded, 0.0, float(n - 1))


@op
def transform(image, transforms, interpolation="nearest", fill_mode="constant", fill_value=0, output_shape=None):
    """NHWC images under projective transforms [a0, a1, a2, b0, b1, b2, c0, c1] (one for all or
    one per image): the output pixel (x, y) reads the input at ((a0 x + a1 y + a2) / k,
    (b0 x + b1 y + b2) / k), k = c0 x + c1 y + 1."""
    name = "transform"
    x = _typed(image, "image", name, ("float32",), 4)
    t = _typed(transforms, "transforms", name, ("float32",))
    b, h, w, c = x.shape
    if t.rank != 2 or t.shape[1] != 8 or t.shape[0] not in (1, b):
        raise ValueError(f"{name}: argument 'transforms' must have shape [1, 8] or [{b}, 8] (the batch), "
                         f"got {t.shape}")
    _choice(interpolation, "interpolation", ("nearest", "bilinear"), name)
    _choice(fill_mode, "fill_mode", ("constant", "reflect", "wrap", "nearest"), name)
    fill_value = _number(fill_value, "fill_value", name)
    oh, ow = (h, w) if output_shape is None else _pair(output_shape, "output_shape", name)
    _non_empty(x, "image", name)
    yy, xx = np.mgrid[0:oh, 0:ow].astype(np.float32).reshape(2, 1, oh * ow)
    a0, a1, a2, b0, b1, b2, c0, c1 = split(t, 8, 1)                  # [1 or b, 1] each
    k = add(add(mul(c0, xx), mul(c1, yy)), 1.0)                      # [1 or b, oh * ow]
    at_infinity = equal(k, 0.0)                                      # read as the fill value, below
    k = where(at_infinity, 1.0, k)
    src_x = _map_coord(div(add(add(mul(a0, xx), mul(a1, yy)), a2), k), w, fill_mode)
    src_y = _map_coord(div(add(add(mul(b0, xx), mul(b1, yy)), b2), k), h, fill_mode)
    flat = reshape(x, [b * h * w, c])
    base = (np.arange(b, dtype=np.int32) * (h * w))[:, None]

    def read(row, col):  # integral float coordinates [1 or b, oh * ow] -> [b, oh * ow, c]
        inside = logical_and(logical_and(greater_equal(row, 0.0), less(row, float(h))),
                             logical_and(greater_equal(col, 0.0), less(col, float(w))))
        offset = cast(where(inside, add(mul(row, float(w)), col), 0.0), "int32")
        return where(expand_dims(inside, -1), gather(flat, add(offset, base), 0), fill_value)

    def weight(v):
        return expand_dims(v, -1)
    if interpolation == "nearest":
        out = read(_round_half_up(src_y), _round_half_up(src_x))
    else:
        y0, x0 = floor(src_y), floor(src_x)
        y1, x1 = add(y0, 1.0), add(x0, 1.0)
        wx0, wx1 = weight(sub(x1, src_x)), weight(sub(src_x, x0))
        upper = add(mul(wx0, read(y0, x0)), mul(wx1, read(y0, x1)))
        lower = add(mul(wx0, read(y1, x0)), mul(wx1, read(y1, x1)))
        out = add(mul(weight(sub(y1, src_y)), upper), mul(weight(sub(src_y, y0)), lower))
    out = where(weight(at_infinity), fill_value, out)
    return reshape(out, [b, oh, ow, c])


# ---- colour ----
@op
def rgb_to_grayscale(image):
    """The luma (0.2989 r + 0.587 g + 0.114 b) of RGB images [..., 3]: [..., 1], of image's dtype."""
    x = as_tensor(image, "image", "rgb_to_grayscale")
    if x.rank < 2 or x.shape[-1] != 3:
        raise ValueError(f"rgb_to_grayscale: argument 'image' must have rank >= 2 and a last dimension of "
                         f"3 (RGB), got shape {x.shape}")
    weights = np.array([0.2989, 0.5870, 0.1140], np.float32)
    return cast(sum_(mul(cast(x, "float32"), weights), -1, True), x.dtype)


@op
def grayscale_to_rgb(image):
    """Grayscale images [..., 1] with the value repeated in 3 channels: [..., 3]."""
    x = as_tensor(image, "image", "grayscale_to_rgb")
    if x.rank < 2 or x.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb: argument 'image' must have rank >= 2 and a last dimension of "
                         f"1, got shape {x.shape}")
    return tile(x, [1] * (x.rank - 1) + [3])


_CHUNK = 1 << 14  # pixels per histogram chunk (a 4M-element one-hot)


def _otsu(gray, total):
    """tfjs's Otsu threshold of gray (values 0..255): the first level i in [0, 254] of largest
    between-class variance (levels <= i against > i), or -1 if none is positive. Running sums
    give each split's class sizes and means at once; they hold integers, exactly. The histogram
    is summed over chunks of pixels: bincount's one-hot is [pixels, 256]."""
    levels_of = reshape(cast(round_even(gray), "int32"), [-1])
    n, empty = levels_of.shape[0], np.zeros(0, np.float32)
    hist = add_n([bincount(slice(levels_of, [i], [min(_CHUNK, n - i)]), empty, 256)
                  for i in range(0, max(n, 1), _CHUNK)])
    levels = arange(256, dtype="float32")
    n1, m1 = cumsum(hist), cumsum(mul(hist, levels))
    n2, m2 = sub(sum_(hist), n1), sub(sum_(mul(hist, levels)), m1)
    gap = sub(div(m1, n1), div(m2, n2))
    var = mul(mul(mul(div(n1, total), div(n2, total)), gap), gap)
    var = slice(where(is_nan(var), 0.0, var), [0], [255])            # an empty class: 0 / 0
    return where(greater(max_(var), 0.0), cast(argmax(var), "float32"), -1.0)


@op
def threshold(image, method="binary", inverted=False, thresh_value=0.5):
    """int32 [height, width, 1]: 255 where the luma of image (RGB or one channel, 0..255) is
    above the threshold (thresh_value * 255, or Otsu's for 'otsu'), else 0; `inverted` swaps."""
    name = "threshold"
    x = _typed(image, "image", name, ("float32", "int32"), 3)
    if x.shape[2] not in (1, 3):
        raise ValueError(f"{name}: argument 'image' must have 1 or 3 channels, got shape {x.shape}")
    _choice(method, "method", ("binary", "otsu"), name)
    xf = cast(x, "float32")
    if x.shape[2] == 3:
        r, g, b = split(xf, 3, -1)
        gray = add(add(mul(r, 0.2989), mul(g, 0.587)), mul(b, 0.114))
    else:
        gray = xf
    if method == "otsu":
        level = _otsu(gray, x.shape[0] * x.shape[1])
    else:  # float32 arithmetic, as tfjs's mul(tensor1d([threshValue]), 255)
        level = float(np.float32(_number(thresh_value, "thresh_value", name)) * np.float32(255))
    above = less_equal(gray, level) if inverted else greater(gray, level)
    return mul(cast(above, "int32"), 255)


# ---- non-max suppression, on the host ----
def _nms_args(op_name, boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma=0.0):
    """tfjs's nonMaxSuppSanityCheck: the checked arguments, max_output_size capped at the box count."""
    if boxes.rank != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{op_name}: argument 'boxes' must have shape [num_boxes, 4], got {boxes.shape}")
    n = boxes.shape[0]
    if scores.shape != (n,):
        raise ValueError(f"{op_name}: argument 'scores' must have shape ({n},) (one per box), got {scores.shape}")
    if not isinstance(max_output_size, (int, np.integer)) or isinstance(max_output_size, bool) \
            or max_output_size < 0:
        raise ValueError(f"{op_name}: argument 'max_output_size' must be a non-negative int, got {max_output_size!r}")
    iou_threshold = 0.5 if iou_threshold is None else _number(iou_threshold, "iou_threshold", op_name)
    score_threshold = -math.inf if score_threshold is None else _number(score_threshold, "score_threshold", op_name)
    soft_nms_sigma = 0.0 if soft_nms_sigma is None else _number(soft_nms_sigma, "soft_nms_sigma", op_name)
    for arg, value in (("iou_threshold", iou_threshold), ("soft_nms_sigma", soft_nms_sigma)):
        if not 0 <= value <= 1:
            raise ValueError(f"{op_name}: argument '{arg}' must be in [0, 1], got {value}")
    return min(int(max_output_size), n), iou_threshold, score_threshold, soft_nms_sigma


def _nms(boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma):
    """tfjs's nonMaxSuppressionImpl_ on host values, in float64 as JavaScript's numbers: the
    selected box indices and their (soft-NMS decayed) scores. Candidates are kept sorted by
    (score, -index), so the last is the best, equal scores taken lowest index first."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    scores = np.asarray(scores, np.float64).reshape(-1)
    low, high = np.minimum(boxes[:, :2], boxes[:, 2:]), np.maximum(boxes[:, :2], boxes[:, 2:])  # any corners
    area = np.prod(high - low, axis=1)
    candidates = sorted((s, -i, 0) for i, s in enumerate(scores.tolist()) if s > score_threshold)
    scale = -0.5 / soft_nms_sigma if soft_nms_sigma > 0 else 0.0
    selected, selected_scores = [], []
    while len(selected) < max_output_size and candidates:
        score, neg_index, begin = candidates.pop()
        original, i = score, -neg_index
        if original < score_threshold:
            break
        # against the boxes selected since this candidate was last looked at, latest first
        others = np.array(selected[begin:][::-1], np.int64)
        with np.errstate(all="ignore"):
            inter = np.prod(np.maximum(np.minimum(high[others], high[i]) - np.maximum(low[others], low[i]), 0.0), 1)
            ious = np.where((area[i] <= 0) | (area[others] <= 0), 0.0, inter / (area[i] + area[others] - inter))
        ignore = False
        for iou in ious.tolist():
            if iou >= iou_threshold:
                ignore = True
                break
            score *= math.exp(scale * iou * iou)  # tfjs's suppressWeight, as iou < iou_threshold here
            if score <= score_threshold:
                break
        if not ignore:
            if score == original:
                selected.append(i)
                selected_scores.append(score)
            elif score > score_threshold:  # decayed but still in the running: back in its place
                bisect.insort(candidates, (score, neg_index, len(selected)))
    return selected, selected_scores


def _indices(selected, pad_to=0):
    return from_values(np.array(selected + [0] * (pad_to - len(selected)), np.int32), "int32")


def _host_inputs(op_name, boxes, scores, dtypes=("float32", "int32", "bool")):
    return _typed(boxes, "boxes", op_name, dtypes), _typed(scores, "scores", op_name, dtypes)


@op
def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=-math.inf):
    """int32 indices of the boxes [y1, x1, y2, x2] kept by greedy non-max suppression: by
    score, dropping those overlapping a kept one by IoU >= iou_threshold."""
    b, s = _host_inputs("non_max_suppression", boxes, scores, ("float32",))  # tfjs takes float32 only here
    args = _nms_args("non_max_suppression", b, s, max_output_size, iou_threshold, score_threshold)
    return _indices(_nms(b.numpy(), s.numpy(), *args)[0])  # a sync read, as tfjs's dataSync


@op
def non_max_suppression_with_score(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=-math.inf,
                                   soft_nms_sigma=0.0):
    """(selected_indices, selected_scores) of non-max suppression; soft_nms_sigma > 0 decays
    overlapping boxes' scores by exp(-iou^2 / (2 sigma)) instead of dropping them (soft-NMS)."""
    name = "non_max_suppression_with_score"
    b, s = _host_inputs(name, boxes, scores)
    args = _nms_args(name, b, s, max_output_size, iou_threshold, score_threshold, soft_nms_sigma)
    selected, kept = _nms(b.numpy(), s.numpy(), *args)
    return NonMaxSuppressionWithScore(_indices(selected), from_values(np.array(kept, np.float32), "float32"))


@op
def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=-math.inf,
                               pad_to_max_output_size=False):
    """(selected_indices, valid_outputs) of non-max suppression; pad_to_max_output_size pads
    the indices with 0 to min(max_output_size, num_boxes)."""
    name = "non_max_suppression_padded"
    b, s = _host_inputs(name, boxes, scores)
    args = _nms_args(name, b, s, max_output_size, iou_threshold, score_threshold)
    selected = _nms(b.numpy(), s.numpy(), *args)[0]
    return NonMaxSuppressionPadded(_indices(selected, args[0] if pad_to_max_output_size else 0),
                                   from_values(np.array(len(selected), np.int32), "int32"))


async def _async_nms(op_name, boxes, scores, max_output_size, iou_threshold, score_threshold, soft_nms_sigma):
    """The async forms: the values read with `await data()`, then the same algorithm."""
    (b, s), made = _inputs(op_name, (boxes, "boxes", "float32"), (scores, "scores", "float32"))
    try:
        args = _nms_args(op_name, b, s, max_output_size, iou_threshold, score_threshold, soft_nms_sigma)
        values = (await b.data(), await s.data())
    finally:
        _dispose(made)
    return (*_nms(*values, *args), args[0])


async def non_max_suppression_async(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=-math.inf):
    """non_max_suppression, reading the boxes and scores without blocking."""
    selected, _, _ = await _async_nms("non_max_suppression_async", boxes, scores, max_output_size, iou_threshold,
                                      score_threshold, 0.0)
    return _indices(selected)


async def non_max_suppression_with_score_async(boxes, scores, max_output_size, iou_threshold=0.5,
                                               score_threshold=-math.inf, soft_nms_sigma=0.0):
    """non_max_suppression_with_score, reading the boxes and scores without blocking."""
    selected, kept, _ = await _async_nms("non_max_suppression_with_score_async", boxes, scores, max_output_size,
                                         iou_threshold, score_threshold, soft_nms_sigma)
    return NonMaxSuppressionWithScore(_indices(selected), from_values(np.array(kept, np.float32), "float32"))


async def non_max_suppression_padded_async(boxes, scores, max_output_size, iou_threshold=0.5,
                                           score_threshold=-math.inf, pad_to_max_output_size=False):
    """non_max_suppression_padded, reading the boxes and scores without blocking."""
    selected, _, size = await _async_nms("non_max_suppression_padded_async", boxes, scores, max_output_size,
                                         iou_threshold, score_threshold, 0.0)
    return NonMaxSuppressionPadded(_indices(selected, size if pad_to_max_output_size else 0),
                                   from_values(np.array(len(selected), np.int32), "int32"))

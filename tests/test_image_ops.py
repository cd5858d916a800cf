"""wt.image: resize_nearest_neighbor, crop_and_resize, flip_left_right, rotate_with_offset,
transform, rgb_to_grayscale, grayscale_to_rgb, threshold and the non-max suppressions (sync and
async): values against NumPy references that follow tfjs's kernels, tfjs's own test cases, edge
cases, gradients, bad input, leaks."""
import math

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, run, tol, uniform

I32 = np.int32
img = wt.image


def js_round(v):
    """JavaScript's Math.round: halves go up."""
    return math.floor(v + 0.5)


# ---- resize_nearest_neighbor ----
def np_nearest_rows(n_in, n_out, align_corners, half_pixel):
    corners = align_corners and n_out > 1
    ratio = ((n_in - 1) / (n_out - 1)) if corners else n_in / n_out
    rows = []
    for r in range(n_out):
        src = ratio * (r + 0.5) if half_pixel else ratio * r
        rows.append(max(min(n_in - 1, js_round(src) if align_corners else math.floor(src)), 0))
    return rows


def np_resize_nearest(x, size, align_corners=False, half_pixel=False):
    rows = np_nearest_rows(x.shape[-3], size[0], align_corners, half_pixel)
    cols = np_nearest_rows(x.shape[-2], size[1], align_corners, half_pixel)
    return x[..., rows, :, :][..., cols, :]


MODES = [(False, False), (True, False), (False, True)]


@pytest.mark.parametrize("shape,size", [((1, 1, 1, 1), (3, 2)), ((1, 2, 3, 2), (4, 5)), ((2, 3, 3, 1), (2, 2)),
                                        ((4, 4, 1), (3, 3)), ((1, 5, 4, 2), (2, 3)), ((1, 3, 2, 1), (1, 1))], ids=str)
@pytest.mark.parametrize("align_corners,half_pixel", MODES, ids=["plain", "corners", "half"])
def test_resize_nearest_neighbor(backend, shape, size, align_corners, half_pixel):
    x = uniform(np.random.default_rng(1), shape)
    got = img.resize_nearest_neighbor(wt.tensor(x), size, align_corners, half_pixel)
    assert_close(got, np_resize_nearest(x, size, align_corners, half_pixel))


def test_resize_nearest_neighbor_tfjs_cases(backend):
    x = f32([2, 2, 4, 4]).reshape(2, 2, 1)
    assert_close(img.resize_nearest_neighbor(x, [3, 3]), f32([2, 2, 2, 2, 2, 2, 4, 4, 4]).reshape(3, 3, 1))
    assert_close(img.resize_nearest_neighbor(x, [3, 3], True), f32([2, 2, 2, 4, 4, 4, 4, 4, 4]).reshape(3, 3, 1))
    x16 = f32(np.arange(1, 17)).reshape(1, 4, 4, 1)
    assert_close(img.resize_nearest_neighbor(x16, [3, 3], False, True),
                 f32([1, 3, 4, 9, 11, 12, 13, 15, 16]).reshape(1, 3, 3, 1))
    x4 = f32([1, 2, 3, 4]).reshape(1, 2, 2, 1)
    assert_close(img.resize_nearest_neighbor(x4, [2, 5], False, True),
                 f32([1, 1, 2, 2, 2, 3, 3, 4, 4, 4]).reshape(1, 2, 5, 1))
    ints = np.array([[[7], [-3]], [[2 ** 20 + 1], [5]]], I32)  # int32 stays int32, exactly
    assert_close(img.resize_nearest_neighbor(ints, [2, 3]), ints[:, [0, 0, 1]])


def test_resize_nearest_neighbor_grad(backend):
    x = uniform(np.random.default_rng(2), (1, 2, 3, 2))
    check_grad(lambda t: img.resize_nearest_neighbor(t, [3, 4]), lambda a: np_resize_nearest(a, (3, 4)), [x], backend)
    x3 = uniform(np.random.default_rng(3), (2, 3, 1))
    check_grad(lambda t: img.resize_nearest_neighbor(t, [5, 2], True),
               lambda a: np_resize_nearest(a, (5, 2), True), [x3], backend)
    # tfjs's test: dy 9x4 summed back onto the 2x2 source pixels
    dy = f32(np.arange(1, 37)).reshape(9, 4, 1)
    g = wt.grad(lambda t: img.resize_nearest_neighbor(t, [9, 4], True))(wt.tensor(f32([[[100], [50]], [[60], [20]]])),
                                                                       wt.tensor(dy))
    assert_close(g, f32([[[60], [76]], [[255], [275]]]), **tol(backend))


# ---- crop_and_resize ----
def np_crop_and_resize(image, boxes, box_ind, crop_size, method="bilinear", extrapolation_value=0.0):
    """tfjs's CPU kernel, in float64."""
    b, h, w, c = image.shape
    ch, cw = crop_size
    out = np.zeros((len(boxes), ch, cw, c))
    for n, (y1, x1, y2, x2) in enumerate(np.asarray(boxes, np.float64)):
        if not 0 <= box_ind[n] < b:
            continue
        im = image[box_ind[n]].astype(np.float64)
        for y in range(ch):
            yi = y1 * (h - 1) + y * (y2 - y1) * (h - 1) / (ch - 1) if ch > 1 else 0.5 * (y1 + y2) * (h - 1)
            for x in range(cw):
                xi = x1 * (w - 1) + x * (x2 - x1) * (w - 1) / (cw - 1) if cw > 1 else 0.5 * (x1 + x2) * (w - 1)
                if not (0 <= yi <= h - 1 and 0 <= xi <= w - 1):
                    out[n, y, x] = extrapolation_value
                elif method == "nearest":
                    out[n, y, x] = im[js_round(yi), js_round(xi)]
                else:
                    t, bt, l, r = math.floor(yi), math.ceil(yi), math.floor(xi), math.ceil(xi)
                    top = im[t, l] + (im[t, r] - im[t, l]) * (xi - l)
                    bottom = im[bt, l] + (im[bt, r] - im[bt, l]) * (xi - l)
                    out[n, y, x] = top + (bottom - top) * (yi - t)
    return out


BOXES = f32([[0, 0, 1, 1], [0.2, 0.15, 0.7, 0.9], [1, 0.9, 0.1, 0.05],  # whole, inside, flipped
             [-0.5, 0.3, 0.6, 1.4], [1.2, 1.3, 1.6, 1.5],               # partly and wholly outside
             [0.3, 0.6, 0.3, 0.6]])                                       # a point


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("shape,crop", [((2, 4, 5, 2), (3, 4)), ((1, 3, 3, 1), (1, 1)), ((2, 1, 1, 3), (2, 3)),
                                        ((1, 2, 6, 1), (4, 1))], ids=str)
def test_crop_and_resize(backend, method, shape, crop):
    image = uniform(np.random.default_rng(4), shape)
    ind = np.array([i % shape[0] for i in range(len(BOXES))], I32)
    got = img.crop_and_resize(wt.tensor(image), wt.tensor(BOXES), wt.tensor(ind), crop, method, -7.5)
    assert_close(got, np_crop_and_resize(image, BOXES, ind, crop, method, -7.5).astype(np.float32), **tol(backend))


def test_crop_and_resize_tfjs_cases(backend):
    x4 = f32([1, 2, 3, 4]).reshape(1, 2, 2, 1)
    assert_close(img.crop_and_resize(x4, [[0, 0, 1, 1]], [0], [1, 1]), f32([2.5]).reshape(1, 1, 1, 1))
    assert_close(img.crop_and_resize(x4, [[0, 0, 1, 1]], [0], [1, 1], "nearest"), f32([4]).reshape(1, 1, 1, 1))
    assert_close(img.crop_and_resize(x4, [[0, 0, 1, 1]], [0], [3, 3]),
                 f32([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]).reshape(1, 3, 3, 1))
    assert_close(img.crop_and_resize(x4, [[1, 1, 0, 0]], [0], [3, 3], "nearest"),
                 f32([4, 4, 3, 4, 4, 3, 2, 2, 1]).reshape(1, 3, 3, 1))
    x9 = f32(np.arange(1, 10)).reshape(1, 3, 3, 1)
    assert_close(img.crop_and_resize(x9, [[1, 1, 0, 0], [0.5, 0.5, 0, 0]], [0, 0], [2, 2]),
                 f32([9, 7, 3, 1, 5, 4, 2, 1]).reshape(2, 2, 2, 1))
    ones = np.ones((1, 7, 5, 3), np.float32)  # the far edge lands on the last pixel, not past it
    assert_close(img.crop_and_resize(ones, [[0, 0, 1, 1], [0.5, 0.25, 1, 1]], [0, 0], [6, 7]),
                 np.ones((2, 6, 7, 3), np.float32))


def test_crop_and_resize_edges(backend):
    image = uniform(np.random.default_rng(5), (2, 3, 4, 2))
    # box_ind outside the batch: zeros (not the extrapolation value), as tfjs
    got = img.crop_and_resize(image, f32([[0, 0, 1, 1], [0, 0, 1, 1]]), np.array([2, -1], I32), [2, 2], "bilinear", 3)
    assert_close(got, np.zeros((2, 2, 2, 2), np.float32))
    empty = img.crop_and_resize(image, np.zeros((0, 4), np.float32), np.zeros(0, I32), [2, 3])
    assert_close(empty, np.zeros((0, 2, 3, 2), np.float32))
    ints = np.arange(24, dtype=I32).reshape(1, 4, 3, 2)  # int32 image: float32 result
    got = img.crop_and_resize(ints, f32([[0, 0, 1, 1]]), np.array([0], I32), [4, 3], "nearest")
    assert_close(got, ints.astype(np.float32))


def test_crop_and_resize_grad(backend):
    image = uniform(np.random.default_rng(6), (2, 3, 4, 1))
    boxes, ind = BOXES[:4], np.array([0, 1, 1, 0], I32)
    for method in ("bilinear", "nearest"):
        check_grad(lambda t: img.crop_and_resize(t, boxes, ind, [3, 2], method, 0.5),
                   lambda a: np_crop_and_resize(a, boxes, ind, (3, 2), method, 0.5), [image], backend)


# ---- flip, rotate, transform ----
def test_flip_left_right(backend):
    x = uniform(np.random.default_rng(7), (2, 3, 4, 2))
    assert_close(img.flip_left_right(wt.tensor(x)), x[:, :, ::-1])
    assert_close(img.flip_left_right(f32([[[[5]]]])), f32([[[[5]]]]))
    check_grad(img.flip_left_right, lambda a: a[:, :, ::-1], [x[:1, :2, :3]], backend)


def np_rotate(x, radians, fill=0.0, center=0.5):
    """tfjs's CPU kernel: each output pixel reads the nearest source pixel of the rotation."""
    b, h, w, c = x.shape
    fx, fy = (center, center) if np.isscalar(center) else center
    cx, cy = w * fx, h * fy
    fills = [fill] * c if np.isscalar(fill) else [(list(fill) + [255])[i] for i in range(c)]
    out = np.empty_like(x)
    for row in range(h):
        for col in range(w):
            sx = js_round((col - cx) * math.cos(radians) - (row - cy) * math.sin(radians) + cx)
            sy = js_round((col - cx) * math.sin(radians) + (row - cy) * math.cos(radians) + cy)
            out[:, row, col] = x[:, sy, sx] if 0 <= sx < w and 0 <= sy < h else fills
    return out


@pytest.mark.parametrize("shape,radians,fill,center", [
    ((1, 4, 4, 1), math.pi / 2, 0, 0.5), ((2, 3, 5, 2), -math.pi / 2, 255, 0.5),
    ((1, 5, 4, 3), math.pi / 4, 0, (0.25, 0.75)), ((1, 4, 3, 4), 1.0, (10, 20, 30), 0.5),
    ((1, 1, 1, 1), 2.0, -1, 0.3), ((1, 3, 3, 2), 0.0, 7, 0.5),
], ids=str)
def test_rotate_with_offset(backend, shape, radians, fill, center):
    x = uniform(np.random.default_rng(8), shape, 0, 255)
    assert_close(img.rotate_with_offset(wt.tensor(x), radians, fill, center), np_rotate(x, radians, fill, center))


def test_rotate_with_offset_grad(backend):
    x = uniform(np.random.default_rng(9), (1, 3, 4, 1))
    check_grad(lambda t: img.rotate_with_offset(t, 0.7, 2.0), lambda a: np_rotate(a, 0.7, 2.0), [x], backend)


def np_map_coord(v, n, mode):
    if mode == "reflect" and (v < 0 or v > n - 1):
        if n <= 1:
            v = 0.0
        elif v < 0:
            v = 2 * n * math.trunc(-v / (2 * n)) + v
            v = v + 2 * n if v < -n else -v - 1
        else:
            v -= 2 * n * math.trunc(v / (2 * n))
            v = 2 * n - v - 1 if v >= n else v
    elif mode == "wrap" and (v < 0 or v > n - 1):
        if n <= 1:
            v = 0.0
        elif v < 0:
            v += n * (math.trunc(-v / (n - 1)) + 1)
        else:
            v -= n * math.trunc(v / (n - 1))
    return v if mode == "constant" else min(max(v, 0.0), n - 1.0)


def np_transform(x, transforms, interpolation="nearest", fill_mode="constant", fill=0.0, output_shape=None):
    """tfjs's transform kernel, for every image of the batch."""
    b, h, w, c = x.shape
    oh, ow = output_shape or (h, w)
    out = np.full((b, oh, ow, c), fill, np.float64)

    def read(im, y, x_):
        return im[y, x_] if 0 <= y < h and 0 <= x_ < w else np.full(c, fill)
    for i in range(b):
        a0, a1, a2, b0, b1, b2, c0, c1 = transforms[i if len(transforms) > 1 else 0].astype(np.float64)
        for oy in range(oh):
            for ox in range(ow):
                k = c0 * ox + c1 * oy + 1
                if k == 0:
                    continue
                sx = np_map_coord((a0 * ox + a1 * oy + a2) / k, w, fill_mode)
                sy = np_map_coord((b0 * ox + b1 * oy + b2) / k, h, fill_mode)
                if interpolation == "nearest":
                    out[i, oy, ox] = read(x[i], js_round(sy), js_round(sx))
                else:
                    y0, x0 = math.floor(sy), math.floor(sx)
                    upper = (x0 + 1 - sx) * read(x[i], y0, x0) + (sx - x0) * read(x[i], y0, x0 + 1)
                    lower = (x0 + 1 - sx) * read(x[i], y0 + 1, x0) + (sx - x0) * read(x[i], y0 + 1, x0 + 1)
                    out[i, oy, ox] = (y0 + 1 - sy) * upper + (sy - y0) * lower
    return out


TFJS_IMAGE = f32([1, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 1, 0, 0]).reshape(1, 4, 4, 1)
TFJS_TRANSFORM = f32([[0, 0.5, 1, -1, 2, 3, 0, 0]])


@pytest.mark.parametrize("interpolation,fill_mode,expected", [
    ("nearest", "constant", [1, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("bilinear", "constant", [1, 0, 1, 1, 0, 0, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0]),
    ("bilinear", "reflect", [1, 0, 1, 1, 0.5, 0.5, 0.5, 0.5, 1, 0, 1, 0, 0, 0.5, 0.5, 0]),
    ("bilinear", "wrap", [1, 0, 1, 1, 0.5, 1, 0.5, 0.5, 1, 1, 0, 1, 0.5, 0.5, 0.5, 0.5]),
    ("bilinear", "nearest", [1, 0, 1, 1, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 0, 0, 0, 0]),
])
def test_transform_tfjs_cases(backend, interpolation, fill_mode, expected):
    got = img.transform(TFJS_IMAGE, TFJS_TRANSFORM, interpolation, fill_mode)
    assert_close(got, f32(expected).reshape(1, 4, 4, 1))
    assert_close(got, np_transform(TFJS_IMAGE, TFJS_TRANSFORM, interpolation, fill_mode))


def test_transform_projective_to_infinity(backend):
    x = f32([1, 0, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1]).reshape(1, 4, 4, 1)
    got = img.transform(x, f32([[1, 0, 0, 0, 1, 0, -1, 0]]), "nearest", "constant", 0)  # k = 0 at x = 1
    assert_close(got, f32([1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]).reshape(1, 4, 4, 1))


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("fill_mode", ["constant", "reflect", "wrap", "nearest"])
def test_transform(backend, interpolation, fill_mode):
    rng = np.random.default_rng(10)
    x = uniform(rng, (2, 3, 4, 2))
    transforms = f32([[0.9, 0.3, -1.3, -0.2, 1.1, 0.7, 0.05, -0.03], [-1.25, 0.375, 3.5, 0.5, -0.75, 4.25, 0, 0]])
    got = img.transform(x, transforms, interpolation, fill_mode, 0.25, [4, 5])
    assert_close(got, np_transform(x, transforms, interpolation, fill_mode, 0.25, (4, 5)), **tol(backend))
    one = img.transform(x, transforms[1:], interpolation, fill_mode, -1)  # one transform for the batch
    assert_close(one, np_transform(x, transforms[1:], interpolation, fill_mode, -1), **tol(backend))


def test_transform_grad(backend):
    x = uniform(np.random.default_rng(11), (1, 3, 3, 1))
    t = f32([[0.8, 0.3, 0.1, -0.2, 0.9, 0.4, 0, 0]])
    check_grad(lambda a: img.transform(a, t, "bilinear", "constant", 1.5),
               lambda a: np_transform(a, t, "bilinear", "constant", 1.5), [x], backend)


# ---- colour ----
GRAY = np.array([0.2989, 0.5870, 0.1140], np.float32)


@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 3), (2, 1, 2, 3)], ids=str)
def test_rgb_to_grayscale(backend, shape):
    x = uniform(np.random.default_rng(12), shape, 0, 255)
    assert_close(img.rgb_to_grayscale(wt.tensor(x)), (x @ GRAY)[..., None], **tol(backend))
    ints = np.round(x).astype(I32)
    assert_close(img.rgb_to_grayscale(ints), np.trunc(ints @ GRAY.astype(np.float64))[..., None].astype(I32))


@pytest.mark.parametrize("shape", [(4, 1), (2, 3, 1), (1, 2, 2, 1)], ids=str)
def test_grayscale_to_rgb(backend, shape):
    x = uniform(np.random.default_rng(13), shape)
    assert_close(img.grayscale_to_rgb(wt.tensor(x)), np.repeat(x, 3, -1))
    assert_close(img.grayscale_to_rgb(np.ones(shape, I32)), np.ones(shape[:-1] + (3,), I32))


def np_luma(x):
    x = x.astype(np.float32)
    return x if x.shape[2] == 1 else x[..., :1] * GRAY[0] + x[..., 1:2] * GRAY[1] + x[..., 2:] * GRAY[2]


def np_otsu(gray):
    """tfjs's otsu loop over the 256-bin histogram of the rounded luma."""
    hist = np.bincount(np.round(gray).astype(np.intp).ravel(), minlength=256)[:256].astype(np.float64)
    best, level = 0.0, -1
    for i in range(255):
        n1, n2 = hist[:i + 1].sum(), hist[i + 1:].sum()
        if n1 == 0 or n2 == 0:
            continue
        m1, m2 = (hist[:i + 1] * np.arange(i + 1)).sum() / n1, (hist[i + 1:] * np.arange(i + 1, 256)).sum() / n2
        var = n1 / gray.size * n2 / gray.size * (m1 - m2) ** 2
        if var > best:
            best, level = var, i
    return level


@pytest.mark.parametrize("inverted", [False, True])
@pytest.mark.parametrize("channels,dtype", [(3, "float32"), (1, "int32"), (3, "int32")])
def test_threshold(backend, inverted, channels, dtype):
    x = np.random.default_rng(14).integers(0, 256, (3, 4, channels)).astype(dtype)
    gray = np_luma(x)
    for method, level in [("binary", np.float32(0.3) * np.float32(255)), ("otsu", np_otsu(gray))]:
        above = gray <= level if inverted else gray > level
        assert_close(img.threshold(wt.tensor(x), method, inverted, 0.3), above.astype(I32) * 255)


def test_threshold_cases(backend):
    x = f32([144, 255, 51, 13, 32, 59, 222, 100, 51, 69, 71, 222]).reshape(2, 2, 3)  # tfjs's test
    assert_close(img.threshold(x), np.array([255, 0, 255, 0], I32).reshape(2, 2, 1))
    two = np.array([[10, 10, 200], [12, 220, 210]], I32)[..., None]  # bimodal: split between the modes
    assert np_otsu(two.astype(np.float32)) == 12
    assert_close(img.threshold(two, "otsu"), np.array([[0, 0, 255], [0, 255, 255]], I32)[..., None])
    flat = np.full((2, 2, 1), 9, I32)  # one level: no split has two classes, the threshold is -1
    assert_close(img.threshold(flat, "otsu"), np.full((2, 2, 1), 255, I32))


# ---- non-max suppression ----
CLUSTERS = f32([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11], [0, 10.1, 1, 11.1],
                [0, 100, 1, 101]])
CLUSTER_SCORES = f32([0.9, 0.75, 0.6, 0.95, 0.5, 0.3])


def np_iou(a, b):
    a = np.r_[np.minimum(a[:2], a[2:]), np.maximum(a[:2], a[2:])].astype(np.float64)
    b = np.r_[np.minimum(b[:2], b[2:]), np.maximum(b[:2], b[2:])].astype(np.float64)
    area_a, area_b = np.prod(a[2:] - a[:2]), np.prod(b[2:] - b[:2])
    if area_a <= 0 or area_b <= 0:
        return 0.0
    inter = np.prod(np.maximum(np.minimum(a[2:], b[2:]) - np.maximum(a[:2], b[:2]), 0))
    return inter / (area_a + area_b - inter)


def np_nms(boxes, scores, max_out, iou_threshold=0.5, score_threshold=-np.inf):
    """Greedy NMS: by score (equal scores, lower index first), keep a box unless it overlaps a kept one."""
    order = sorted((i for i in range(len(scores)) if scores[i] > score_threshold), key=lambda i: (-scores[i], i))
    kept = []
    for i in order:
        if len(kept) < max_out and all(np_iou(boxes[i], boxes[j]) < iou_threshold for j in kept):
            kept.append(i)
    return np.array(kept, I32)


NMS_CASES = [
    (CLUSTERS, CLUSTER_SCORES, 3, 0.5, 0.0),
    (CLUSTERS[:, [2, 3, 0, 1]], CLUSTER_SCORES, 3, 0.5, 0.0),                # corners the other way round
    (CLUSTERS, CLUSTER_SCORES, 2, 0.5, 0.0), (CLUSTERS, CLUSTER_SCORES, 30, 0.5, 0.0),
    (CLUSTERS, CLUSTER_SCORES, 6, 0.5, 0.55), (CLUSTERS, CLUSTER_SCORES, 6, 0.0, -np.inf),
    (CLUSTERS, CLUSTER_SCORES, 6, 1.0, -np.inf), (CLUSTERS, CLUSTER_SCORES, 0, 0.5, -np.inf),
    (np.tile(f32([[0, 0, 1, 1]]), (10, 1)), np.full(10, 0.9, np.float32), 3, 0.5, 0.0),  # ties: index 0
    (f32([[0, 0, 1, 1], [0, 2, 1, 3], [0, 0, 1, 1], [0, 0.5, 1, 1.5]]), f32([0.5, 0.7, 0.7, 0.7]), 4, 0.3, 0.0),
    (f32([[0, 0, 0, 1], [0, 0, 0, 1], [1, 1, 1, 1]]), f32([0.2, 0.3, 0.1]), 3, 0.0, -np.inf),  # zero areas: IoU 0
    (np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 3, 0.5, 0.0),    # no boxes
]


@pytest.mark.parametrize("boxes,scores,max_out,iou_threshold,score_threshold", NMS_CASES,
                         ids=[str(i) for i in range(len(NMS_CASES))])
def test_non_max_suppression(backend, boxes, scores, max_out, iou_threshold, score_threshold):
    expected = np_nms(boxes, scores, max_out, iou_threshold, score_threshold)
    args = (wt.tensor(boxes), wt.tensor(scores), max_out, iou_threshold, score_threshold)
    assert_close(img.non_max_suppression(*args), expected)
    assert_close(run(img.non_max_suppression_async(*args)), expected)
    for out in (img.non_max_suppression_with_score(*args), run(img.non_max_suppression_with_score_async(*args))):
        assert_close(out.selected_indices, expected)
        assert_close(out.selected_scores, scores[expected])
    size = min(max_out, len(scores))
    for pad in (False, True):
        padded = np.r_[expected, np.zeros(size - len(expected) if pad else 0, I32)]
        for out in (img.non_max_suppression_padded(*args, pad), run(img.non_max_suppression_padded_async(*args, pad))):
            indices, valid = out
            assert_close(indices, padded)
            assert_close(valid, np.array(len(expected), I32))


def test_non_max_suppression_tfjs_cases(backend):
    assert_close(img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 3, 0.5, 0), np.array([3, 0, 5], I32))
    assert_close(img.non_max_suppression([[0, 0, 1, 1], [0, 1, 1, 2]], [1, 2], 10), np.array([1, 0], I32))
    out = img.non_max_suppression_padded(CLUSTERS, CLUSTER_SCORES, 6, 0.5, 0.4, True)
    assert_close(out.selected_indices, np.array([3, 0, 0, 0, 0, 0], I32))
    assert_close(out.valid_outputs, np.array(2, I32))
    # int32 boxes and scores: tfjs takes them everywhere but in nonMaxSuppression
    out = img.non_max_suppression_with_score(np.array([[0, 0, 2, 2], [0, 1, 2, 3]], I32), np.array([1, 2], I32), 2, 0.3)
    assert_close(out.selected_indices, np.array([1], I32))
    assert_close(out.selected_scores, f32([2]))


def test_soft_nms(backend):
    out = img.non_max_suppression_with_score(CLUSTERS, CLUSTER_SCORES, 6, 1.0, 0, 0.5)  # tfjs's test
    assert_close(out.selected_indices, np.array([3, 0, 1, 5, 4, 2], I32))
    assert_close(out.selected_scores, f32([0.95, 0.9, 0.384, 0.3, 0.256, 0.197]), atol=1e-3)
    # box 1 overlaps box 0 (IoU 0.9 / 1.1): its score decays below box 2's, which goes first; box 1
    # is then compared with box 2 only (disjoint), keeping its decayed score
    boxes, scores = f32([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [5, 5, 6, 6]]), f32([0.9, 0.85, 0.5])
    iou = np_iou(boxes[0], boxes[1])
    decayed = np.float32(0.85) * math.exp(-0.5 / 0.5 * iou * iou)
    out = run(img.non_max_suppression_with_score_async(boxes, scores, 3, 1.0, 0.0, 0.5))
    assert_close(out.selected_indices, np.array([0, 2, 1], I32))
    assert_close(out.selected_scores, f32([0.9, 0.5, decayed]))
    # a decayed score at or below score_threshold drops the box
    out = img.non_max_suppression_with_score(boxes, scores, 3, 1.0, 0.45, 0.5)
    assert_close(out.selected_indices, np.array([0, 2], I32))


def test_empty_images(backend):
    z = np.zeros((0, 3, 4, 2), np.float32)
    assert_close(img.resize_nearest_neighbor(z, [2, 3]), np.zeros((0, 2, 3, 2), np.float32))
    assert_close(img.flip_left_right(z), z)
    assert_close(img.rotate_with_offset(z, 1.0), z)
    assert_close(img.transform(z, np.zeros((1, 8), np.float32)), z)
    assert_close(img.rotate_with_offset(np.zeros((1, 0, 3, 1), np.float32), 1.0), np.zeros((1, 0, 3, 1), np.float32))
    assert_close(img.crop_and_resize(np.zeros((1, 3, 4, 0), np.float32), f32([[0, 0, 1, 1]]), np.array([0], I32),
                                     [2, 2]), np.zeros((1, 2, 2, 0), np.float32))
    for method in ("binary", "otsu"):
        assert_close(img.threshold(np.zeros((0, 3, 3), np.float32), method), np.zeros((0, 3, 1), I32))
    assert_close(img.rgb_to_grayscale(np.zeros((0, 3), np.float32)), np.zeros((0, 1), np.float32))
    assert_close(img.grayscale_to_rgb(np.zeros((0, 1), np.float32)), np.zeros((0, 3), np.float32))


# ---- bad input ----
X4 = np.zeros((1, 2, 2, 1), np.float32)
ERRORS = [
    (lambda: img.resize_nearest_neighbor(f32([1, 2]), [2, 2]), ValueError,
     "resize_nearest_neighbor: argument 'images' must have rank 3 or 4"),
    (lambda: img.resize_nearest_neighbor(np.array([[[True]]]), [2, 2]), TypeError,
     "resize_nearest_neighbor: argument 'images' must be float32 or int32"),
    (lambda: img.resize_nearest_neighbor(X4, [2, 2], True, True), ValueError,
     "resize_nearest_neighbor: half_pixel_centers=True needs align_corners=False"),
    (lambda: img.resize_nearest_neighbor(X4, [0, 2]), ValueError, "resize_nearest_neighbor: size must be"),
    (lambda: img.resize_nearest_neighbor(np.zeros((1, 0, 2, 1), np.float32), [2, 2]), ValueError,
     "resize_nearest_neighbor: argument 'images' must have a height and width >= 1"),
    (lambda: img.crop_and_resize(X4[0], f32([[0, 0, 1, 1]]), [0], [1, 1]), ValueError,
     "crop_and_resize: argument 'image' must have rank 4"),
    (lambda: img.crop_and_resize(X4, f32([[0, 0, 1]]), [0], [1, 1]), ValueError,
     r"crop_and_resize: argument 'boxes' must have shape \[num_boxes, 4\]"),
    (lambda: img.crop_and_resize(X4, f32([[0, 0, 1, 1]]), [0, 0], [1, 1]), ValueError,
     r"crop_and_resize: argument 'box_ind' must have shape \(1,\)"),
    (lambda: img.crop_and_resize(X4, f32([[0, 0, 1, 1]]), [0], [0, 1]), ValueError, "crop_and_resize: crop_size"),
    (lambda: img.crop_and_resize(X4, f32([[0, 0, 1, 1]]), [0], [1, 1], "cubic"), ValueError,
     "crop_and_resize: argument 'method' must be one of 'bilinear', 'nearest'"),
    (lambda: img.flip_left_right(X4[0]), ValueError, "flip_left_right: argument 'image' must have rank 4"),
    (lambda: img.rotate_with_offset(X4, "90"), TypeError, "rotate_with_offset: argument 'radians' must be a number"),
    (lambda: img.rotate_with_offset(X4, 1.0, [1, 2]), ValueError, "rotate_with_offset: argument 'fill_value'"),
    (lambda: img.rotate_with_offset(np.zeros((1, 1, 1, 5), np.float32), 1.0, [1, 2, 3]), ValueError,
     "rotate_with_offset: argument 'fill_value'"),
    (lambda: img.rotate_with_offset(X4, 1.0, 0, [0.5]), ValueError, "rotate_with_offset: argument 'center'"),
    (lambda: img.transform(X4, f32([[1, 0, 0, 0, 1, 0, 0]])), ValueError,
     r"transform: argument 'transforms' must have shape \[1, 8\] or \[1, 8\]"),
    (lambda: img.transform(np.zeros((2, 2, 2, 1), np.float32), np.zeros((3, 8), np.float32)), ValueError,
     r"transform: argument 'transforms' must have shape \[1, 8\] or \[2, 8\]"),
    (lambda: img.transform(X4, f32([[1, 0, 0, 0, 1, 0, 0, 0]]), "cubic"), ValueError,
     "transform: argument 'interpolation' must be one of"),
    (lambda: img.transform(X4, f32([[1, 0, 0, 0, 1, 0, 0, 0]]), "nearest", "mirror"), ValueError,
     "transform: argument 'fill_mode' must be one of"),
    (lambda: img.transform(X4, f32([[1, 0, 0, 0, 1, 0, 0, 0]]), "nearest", "constant", 0, [2]), ValueError,
     "transform: output_shape must be"),
    (lambda: img.rgb_to_grayscale(f32([1, 2, 3])), ValueError,
     "rgb_to_grayscale: argument 'image' must have rank >= 2"),
    (lambda: img.rgb_to_grayscale(np.zeros((2, 4), np.float32)), ValueError, "rgb_to_grayscale: argument 'image'"),
    (lambda: img.grayscale_to_rgb(np.zeros((2, 3), np.float32)), ValueError, "grayscale_to_rgb: argument 'image'"),
    (lambda: img.threshold(X4), ValueError, "threshold: argument 'image' must have rank 3"),
    (lambda: img.threshold(np.zeros((2, 2, 2), np.float32)), ValueError,
     "threshold: argument 'image' must have 1 or 3"),
    (lambda: img.threshold(X4[0], "mean"), ValueError, "threshold: argument 'method' must be one of 'binary', 'otsu'"),
    (lambda: img.non_max_suppression(CLUSTERS, CLUSTER_SCORES[:5], 3), ValueError,
     r"non_max_suppression: argument 'scores' must have shape \(6,\)"),
    (lambda: img.non_max_suppression(CLUSTERS[:, :3], CLUSTER_SCORES, 3), ValueError,
     r"non_max_suppression: argument 'boxes' must have shape \[num_boxes, 4\]"),
    (lambda: img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, 3, 1.2), ValueError,
     r"non_max_suppression: argument 'iou_threshold' must be in \[0, 1\]"),
    (lambda: img.non_max_suppression(CLUSTERS, CLUSTER_SCORES, -1), ValueError,
     "non_max_suppression: argument 'max_output_size' must be a non-negative int"),
    (lambda: img.non_max_suppression_with_score(CLUSTERS, CLUSTER_SCORES, 3, 0.5, 0, 1.5), ValueError,
     r"non_max_suppression_with_score: argument 'soft_nms_sigma' must be in \[0, 1\]"),
    (lambda: img.non_max_suppression_padded(CLUSTERS, CLUSTER_SCORES, 2.5), ValueError,
     "non_max_suppression_padded: argument 'max_output_size'"),
    (lambda: run(img.non_max_suppression_async(CLUSTERS, CLUSTER_SCORES[:5], 3)), ValueError,
     "non_max_suppression_async: argument 'scores'"),
    (lambda: run(img.non_max_suppression_with_score_async(CLUSTERS, CLUSTER_SCORES, 3, -0.1)), ValueError,
     "non_max_suppression_with_score_async: argument 'iou_threshold'"),
    (lambda: run(img.non_max_suppression_padded_async(f32([0, 0, 1, 1]), f32([1]), 3)), ValueError,
     "non_max_suppression_padded_async: argument 'boxes'"),
]


@pytest.mark.parametrize("fn,exc,match", ERRORS, ids=[str(i) for i in range(len(ERRORS))])
@pytest.mark.leakcheck  # every input is converted inside the op, which frees it when it fails
def test_errors(backend, fn, exc, match):
    with pytest.raises(exc, match=match):
        fn()


IDENTITY = f32([[1, 0, 0, 0, 1, 0, 0, 0]])
DTYPE_ERRORS = [  # a tensor of another dtype is refused, as tfjs (lists and arrays are converted)
    (lambda t: img.crop_and_resize(X4, t, [0], [1, 1]), [[0, 0, 1, 1]], "int32",
     "crop_and_resize: argument 'boxes' must be float32, got int32"),
    (lambda t: img.crop_and_resize(X4, f32([[0, 0, 1, 1]]), t, [1, 1]), [0], "float32",
     "crop_and_resize: argument 'box_ind' must be int32, got float32"),
    (img.flip_left_right, X4, "int32", "flip_left_right: argument 'image' must be float32, got int32"),
    (lambda t: img.rotate_with_offset(t, 1.0), X4, "int32", "rotate_with_offset: argument 'image' must be float32"),
    (lambda t: img.transform(t, IDENTITY), X4, "int32", "transform: argument 'image' must be float32"),
    (lambda t: img.transform(X4, t), IDENTITY, "int32", "transform: argument 'transforms' must be float32"),
    (img.threshold, X4[0], "bool", "threshold: argument 'image' must be float32 or int32, got bool"),
    (lambda t: img.non_max_suppression(t, CLUSTER_SCORES, 3), CLUSTERS, "int32",
     "non_max_suppression: argument 'boxes' must be float32, got int32"),
    (lambda t: img.non_max_suppression(CLUSTERS, t, 3), CLUSTER_SCORES, "int32",
     "non_max_suppression: argument 'scores' must be float32, got int32"),
]


@pytest.mark.parametrize("fn,values,dtype,match", DTYPE_ERRORS, ids=[str(i) for i in range(len(DTYPE_ERRORS))])
@pytest.mark.leakcheck
def test_dtype_errors(backend, fn, values, dtype, match):
    t = wt.tensor(np.asarray(values).astype(dtype))
    try:
        with pytest.raises(TypeError, match=match):
            fn(t)
    finally:
        t.dispose()


def test_namespace():
    for name in ("resize_nearest_neighbor", "crop_and_resize", "threshold", "transform", "non_max_suppression_async"):
        assert callable(getattr(wt.image, name)) and not hasattr(wt, name)  # tfjs has them under tf.image only


@pytest.mark.leakcheck
def test_no_leaks(backend):
    x = wt.tensor(uniform(np.random.default_rng(15), (1, 3, 4, 3), 0, 255))
    boxes, scores, first, ones = wt.tensor(CLUSTERS), wt.tensor(CLUSTER_SCORES), x[0], wt.ones([2, 1])
    outs = [img.resize_nearest_neighbor(x, [2, 5]), img.crop_and_resize(x, [[0, 0, 1, 1]], [0], [2, 2]),
            img.flip_left_right(x), img.rotate_with_offset(x, 1.0, [1, 2, 3]),
            img.transform(x, [[1, 0.5, 0, 0, 1, 0, 0.1, 0]], "bilinear", "reflect"),
            img.rgb_to_grayscale(x), img.grayscale_to_rgb(ones), img.threshold(first, "otsu"),
            img.non_max_suppression(boxes, scores, 3), *img.non_max_suppression_with_score(boxes, scores, 3, 1, 0, 0.5),
            *img.non_max_suppression_padded(boxes, scores, 5, 0.5, 0, True),
            run(img.non_max_suppression_async(CLUSTERS, CLUSTER_SCORES, 3)),
            *run(img.non_max_suppression_with_score_async(CLUSTERS.tolist(), CLUSTER_SCORES.tolist(), 3)),
            *run(img.non_max_suppression_padded_async(boxes, scores, 5, 0.5, 0, True))]
    g = wt.grads(lambda a: wt.sum(img.crop_and_resize(a, [[0.1, 0, 0.9, 1]], [0], [2, 3])))([x])
    g += wt.grads(lambda a: wt.sum(img.resize_nearest_neighbor(a, [5, 2])))([x])
    wt.dispose(outs + g + [x, boxes, scores, first, ones])

"""Convolution, pooling, padding, cropping and upsampling layers against NumPy references
written here with direct loops (float64); shapes against the symbolic inference; gradients
against central finite differences; configs, parameter counts, errors, and a small CNN that
learns."""
import math
import re

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, f32, no_leaks, numeric_grads, run, to_np, tol


# ---------------------------------------------------------------- NumPy references

def same_pads(n, k, s, d=1):
    """Output size and (before, after) padding of TensorFlow's 'same' for one axis."""
    span = (k - 1) * d + 1
    out = -(-n // s)
    total = max((out - 1) * s + span - n, 0)
    return out, total // 2, total - total // 2


def windows(n, k, s, d, padding):
    """Output size and padding before for one axis ('valid' or 'same')."""
    if padding == "same":
        out, before, _ = same_pads(n, k, s, d)
        return out, before
    return (n - ((k - 1) * d + 1)) // s + 1, 0


def np_conv2d(x, k, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """x [N, H, W, C], k [KH, KW, C, F]: sum over the window of x[window] @ k[a, b]."""
    n, h, w, _ = x.shape
    kh, kw, _, f = k.shape
    oh, top = windows(h, kh, strides[0], dilation[0], padding)
    ow, left = windows(w, kw, strides[1], dilation[1], padding)
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * strides[0] + a * dilation[0] - top, j * strides[1] + b * dilation[1] - left
                    if 0 <= r < h and 0 <= c < w:
                        out[:, i, j, :] += x[:, r, c, :] @ k[a, b]
    return out


def np_conv1d(x, k, stride=1, padding="valid", dilation=1):
    """x [N, W, C], k [K, C, F], one axis of loops; 'causal' pads (K - 1) * dilation on the left."""
    n, w, _ = x.shape
    kk, _, f = k.shape
    if padding == "causal":
        x = np.concatenate([np.zeros((n, (kk - 1) * dilation, x.shape[2])), x], axis=1)
        w, padding = x.shape[1], "valid"
    ow, left = windows(w, kk, stride, dilation, padding)
    out = np.zeros((n, ow, f))
    for j in range(ow):
        for b in range(kk):
            c = j * stride + b * dilation - left
            if 0 <= c < w:
                out[:, j, :] += x[:, c, :] @ k[b]
    return out


def np_depthwise(x, k, strides=(1, 1), padding="valid", dilation=(1, 1)):
    """k [KH, KW, C, M]: output channel c * M + m is channel c filtered by k[..., c, m]."""
    n, h, w, ch = x.shape
    kh, kw, _, m = k.shape
    oh, top = windows(h, kh, strides[0], dilation[0], padding)
    ow, left = windows(w, kw, strides[1], dilation[1], padding)
    out = np.zeros((n, oh, ow, ch, m))
    for i in range(oh):
        for j in range(ow):
            for a in range(kh):
                for b in range(kw):
                    r, c = i * strides[0] + a * dilation[0] - top, j * strides[1] + b * dilation[1] - left
                    if 0 <= r < h and 0 <= c < w:
                        out[:, i, j] += x[:, r, c, :, None] * k[a, b]
    return out.reshape(n, oh, ow, ch * m)


def np_conv2d_transpose(x, k, strides, padding):
    """k [KH, KW, F, C]: every input pixel scatters x[pixel] @ k[a, b].T into the output; the
    output is the input size of the conv2d whose gradient this is (tfjs's deconvLength)."""
    n, h, w, _ = x.shape
    kh, kw, f, _ = k.shape
    size = []
    for dim, s, kk in ((h, strides[0], kh), (w, strides[1], kw)):
        size.append(dim * s + (max(kk - s, 0) if padding == "valid" else 0))
    pads = [same_pads(size[0], kh, strides[0])[1], same_pads(size[1], kw, strides[1])[1]] \
        if padding == "same" else [0, 0]
    full = np.zeros((n, (h - 1) * strides[0] + kh + size[0], (w - 1) * strides[1] + kw + size[1], f))
    for i in range(h):
        for j in range(w):
            for a in range(kh):
                for b in range(kw):
                    full[:, i * strides[0] + a, j * strides[1] + b] += x[:, i, j] @ k[a, b].T
    return full[:, pads[0]:pads[0] + size[0], pads[1]:pads[1] + size[1]]


def np_pool(x, size, strides, padding, kind):
    """Max or mean over each window's elements inside the input (padding never counts)."""
    n, h, w, c = x.shape
    oh, top = windows(h, size[0], strides[0], 1, padding)
    ow, left = windows(w, size[1], strides[1], 1, padding)
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            r0, c0 = i * strides[0] - top, j * strides[1] - left
            win = x[:, max(r0, 0):min(r0 + size[0], h), max(c0, 0):min(c0 + size[1], w)]
            out[:, i, j] = win.max((1, 2)) if kind == "max" else win.mean((1, 2))
    return out


def np_bilinear(x, oh, ow):
    """tfjs's resizeBilinear without align_corners or half-pixel centers: source = dst * in / out."""
    def axis(v, n_out, ax):
        n_in = v.shape[ax]
        out = []
        for o in range(n_out):
            src = o * n_in / n_out
            lo = int(math.floor(src))
            hi = min(lo + 1, n_in - 1)
            a, b = np.take(v, lo, ax), np.take(v, hi, ax)
            out.append(a + (b - a) * (src - lo))
        return np.stack(out, ax)
    return axis(axis(x, oh, 1), ow, 2)


def np_relu(v):
    return np.maximum(v, 0)


# ---------------------------------------------------------------- helpers

def built(layer, x, weights):
    """Build `layer` on x's shape, then give it `weights`."""
    with wt.tidy():
        layer(wt.zeros(list(x.shape)))
    layer.set_weights([f32(w) for w in weights])
    return layer


def rand(rng, *shape):
    return rng.uniform(-1, 1, shape)


def check_forward(layer, x, expected, backend):
    with no_leaks():
        xt = wt.tensor(f32(x))
        out = layer(xt)
        assert_close(out, f32(expected), **tol(backend))
        wt.dispose([xt, out])
    layer.dispose()


def check_grads(layer, x, ref, weights, backend):
    """d sum(out * r) / d input and / d each weight, against finite differences of ref(x, *weights)."""
    x, weights = f32(x).astype(np.float64), [f32(w).astype(np.float64) for w in weights]
    rng = np.random.default_rng(7)
    r = rng.uniform(0.5, 1.5, ref(x, *weights).shape) * rng.choice([-1.0, 1.0], ref(x, *weights).shape)
    expected = numeric_grads(lambda *a: float(np.sum(ref(*a) * r)), [x, *weights])
    built(layer, x, weights)
    xt, rt = wt.tensor(f32(x)), wt.tensor(f32(r))
    loss = lambda t: wt.sum(wt.mul(layer(t), rt))  # noqa: E731
    got_x = wt.grads(loss)([xt])[0]
    got = [got_x]
    if weights:
        got_w = wt.variable_grads(lambda: loss(xt), layer.trainable_weights)
        got += [got_w[w.name] for w in layer.trainable_weights]
        got_w.value.dispose()
    assert len(got) == len(expected) == 1 + len(layer.trainable_weights)
    for i, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(to_np(g).astype(np.float64), e, **tol(backend, "grad"),
                                   err_msg=f"gradient {i} (0: input, then the weights)")
    wt.dispose([xt, rt, *got])
    layer.dispose()


# ---------------------------------------------------------------- forward

@pytest.mark.parametrize("padding,strides,dilation", [
    ("valid", 1, 1), ("same", 1, 1), ("valid", 2, 1), ("same", 2, 1), ("same", [2, 1], 1),
    ("valid", 1, 2), ("same", 1, [2, 1])])
def test_conv2d_forward_matches_loops(backend, padding, strides, dilation):
    rng = np.random.default_rng(0)
    x, k, b = rand(rng, 2, 7, 6, 3), rand(rng, 3, 2, 3, 4), rand(rng, 4)
    layer = wt.layers.conv2d(filters=4, kernel_size=[3, 2], strides=strides, padding=padding,
                             dilation_rate=dilation, activation="relu")
    pair = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    expected = np_relu(np_conv2d(x, k, pair(strides), padding, pair(dilation)) + b)
    check_forward(built(layer, x, [k, b]), x, expected, backend)


@pytest.mark.parametrize("padding,stride,dilation", [
    ("valid", 1, 1), ("same", 1, 1), ("same", 2, 1), ("valid", 3, 1), ("valid", 1, 2), ("causal", 1, 1),
    ("causal", 1, 2)])
def test_conv1d_forward_matches_loops(backend, padding, stride, dilation):
    rng = np.random.default_rng(1)
    x, k, b = rand(rng, 2, 9, 3), rand(rng, 3, 3, 5), rand(rng, 5)
    layer = wt.layers.conv1d(filters=5, kernel_size=3, strides=stride, padding=padding, dilation_rate=dilation)
    check_forward(built(layer, x, [k, b]), x, np_conv1d(x, k, stride, padding, dilation) + b, backend)


@pytest.mark.parametrize("padding,strides,ksize", [
    ("valid", 1, 3), ("same", 1, 3), ("valid", 2, 3), ("same", 2, 3), ("valid", 3, 2), ("same", 2, 2)])
def test_conv2d_transpose_forward_matches_scatter(backend, padding, strides, ksize):
    rng = np.random.default_rng(2)
    x, k, b = rand(rng, 2, 3, 4, 3), rand(rng, ksize, ksize, 2, 3), rand(rng, 2)
    layer = wt.layers.conv2d_transpose(filters=2, kernel_size=ksize, strides=strides, padding=padding)
    expected = np_conv2d_transpose(x, k, (strides, strides), padding) + b
    check_forward(built(layer, x, [k, b]), x, expected, backend)


@pytest.mark.parametrize("padding,strides,dilation,multiplier", [
    ("valid", 1, 1, 1), ("same", 1, 1, 2), ("same", 2, 1, 2), ("valid", 1, 2, 3)])
def test_depthwise_conv2d_forward_matches_loops(backend, padding, strides, dilation, multiplier):
    rng = np.random.default_rng(3)
    x, k, b = rand(rng, 2, 6, 7, 3), rand(rng, 3, 3, 3, multiplier), rand(rng, 3 * multiplier)
    layer = wt.layers.depthwise_conv2d(kernel_size=3, strides=strides, padding=padding,
                                       dilation_rate=dilation, depth_multiplier=multiplier)
    expected = np_depthwise(x, k, (strides, strides), padding, (dilation, dilation)) + b
    check_forward(built(layer, x, [k, b]), x, expected, backend)


@pytest.mark.parametrize("padding,strides", [("valid", 1), ("same", 2)])
def test_separable_conv2d_is_depthwise_then_pointwise(backend, padding, strides):
    rng = np.random.default_rng(4)
    x, dk, pk, b = rand(rng, 2, 6, 6, 3), rand(rng, 3, 3, 3, 2), rand(rng, 1, 1, 6, 4), rand(rng, 4)
    layer = wt.layers.separable_conv2d(filters=4, kernel_size=3, strides=strides, padding=padding,
                                       depth_multiplier=2, activation="tanh")
    mid = np_depthwise(x, dk, (strides, strides), padding)
    expected = np.tanh(mid @ pk[0, 0] + b)
    check_forward(built(layer, x, [dk, pk, b]), x, expected, backend)


@pytest.mark.parametrize("make,weights", [
    (lambda: wt.layers.conv2d(filters=4, kernel_size=3, padding="same", strides=2, data_format="channels_first"),
     [(3, 3, 3, 4), (4,)]),
    (lambda: wt.layers.conv2d_transpose(filters=2, kernel_size=3, strides=2, data_format="channelsFirst"),
     [(3, 3, 2, 3), (2,)]),
    (lambda: wt.layers.depthwise_conv2d(kernel_size=2, depth_multiplier=2, data_format="channels_first"),
     [(2, 2, 3, 2), (6,)]),
    (lambda: wt.layers.max_pooling2d(pool_size=2, padding="same", data_format="channels_first"), []),
    (lambda: wt.layers.zero_padding2d(padding=[[1, 0], [0, 2]], data_format="channels_first"), []),
    (lambda: wt.layers.global_average_pooling2d(data_format="channels_first"), [])])
def test_channels_first_is_channels_last_transposed(backend, make, weights):
    rng = np.random.default_rng(5)
    x = rand(rng, 2, 5, 5, 3)
    ws = [rand(rng, *s) for s in weights]
    first, last = make(), make()
    last.data_format = "channels_last"
    built(last, x, ws)
    expected = wt.tidy(lambda: to_np(last(wt.tensor(f32(x)))))
    if expected.ndim == 4:
        expected = expected.transpose(0, 3, 1, 2)
    xf = x.transpose(0, 3, 1, 2)
    check_forward(built(first, xf, ws), xf, expected, backend)
    last.dispose()


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("size,strides,padding", [
    (2, None, "valid"), (3, 2, "valid"), (3, 2, "same"), ([2, 3], [1, 2], "same"), (2, 1, "same")])
def test_pooling2d_matches_loops(backend, kind, size, strides, padding):
    x = np.random.default_rng(6).normal(size=(2, 7, 6, 3))
    make = wt.layers.max_pooling2d if kind == "max" else wt.layers.average_pooling2d
    layer = make(pool_size=size, strides=strides, padding=padding)
    pair = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    expected = np_pool(x, pair(size), pair(size if strides is None else strides), padding, kind)
    check_forward(layer, x, expected, backend)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("size,strides,padding", [(2, None, "valid"), (3, 2, "same"), (3, 1, "valid")])
def test_pooling1d_matches_loops(backend, kind, size, strides, padding):
    x = np.random.default_rng(7).normal(size=(2, 8, 3))
    make = wt.layers.max_pooling1d if kind == "max" else wt.layers.average_pooling1d
    layer = make(pool_size=size, strides=strides, padding=padding)
    expected = np_pool(x[:, :, None], (size, 1), (size if strides is None else strides, 1), padding, kind)[:, :, 0]
    check_forward(layer, x, expected, backend)


def test_global_pooling_matches_numpy(backend):
    rng = np.random.default_rng(8)
    x2, x1 = rng.normal(size=(2, 4, 5, 3)), rng.normal(size=(2, 6, 3))
    check_forward(wt.layers.global_average_pooling2d(), x2, x2.mean((1, 2)), backend)
    check_forward(wt.layers.global_max_pooling2d(), x2, x2.max((1, 2)), backend)
    check_forward(wt.layers.global_average_pooling1d(), x1, x1.mean(1), backend)
    check_forward(wt.layers.global_max_pooling1d(), x1, x1.max(1), backend)
    check_forward(wt.layers.global_max_pooling2d(keepdims=True), x2, x2.max((1, 2), keepdims=True), backend)


@pytest.mark.parametrize("padding,pads", [
    (1, ((1, 1), (1, 1))), ([2, 1], ((2, 2), (1, 1))), ([[0, 2], [3, 1]], ((0, 2), (3, 1)))])
def test_zero_padding2d_matches_numpy(backend, padding, pads):
    x = np.random.default_rng(9).normal(size=(2, 3, 4, 2))
    check_forward(wt.layers.zero_padding2d(padding=padding), x, np.pad(x, ((0, 0), *pads, (0, 0))), backend)


@pytest.mark.parametrize("cropping,crops", [
    (1, ((1, 1), (1, 1))), ([2, 0], ((2, 2), (0, 0))), ([[0, 2], [3, 1]], ((0, 2), (3, 1)))])
def test_cropping2d_matches_numpy(backend, cropping, crops):
    x = np.random.default_rng(10).normal(size=(2, 6, 7, 2))
    (t, b), (left, r) = crops
    check_forward(wt.layers.cropping2d(cropping=cropping), x, x[:, t:6 - b, left:7 - r], backend)


@pytest.mark.parametrize("size", [2, [3, 1], [1, 2]])
def test_up_sampling2d_nearest_repeats_pixels(backend, size):
    x = np.random.default_rng(11).normal(size=(2, 3, 4, 2))
    sh, sw = (size, size) if isinstance(size, int) else size
    check_forward(wt.layers.up_sampling2d(size=size), x, x.repeat(sh, 1).repeat(sw, 2), backend)


def test_up_sampling2d_bilinear_matches_numpy(backend):
    x = np.random.default_rng(12).normal(size=(2, 3, 4, 2))
    check_forward(wt.layers.up_sampling2d(size=[2, 3], interpolation="bilinear"), x, np_bilinear(x, 6, 12),
                  backend)


# ---------------------------------------------------------------- shapes

SHAPE_CASES = [
    (lambda: wt.layers.conv2d(filters=3, kernel_size=3), [7, 6, 2], [5, 4, 3]),
    (lambda: wt.layers.conv2d(filters=3, kernel_size=3, padding="same", strides=2), [7, 6, 2], [4, 3, 3]),
    (lambda: wt.layers.conv2d(filters=3, kernel_size=[2, 3], strides=[3, 2]), [7, 6, 2], [2, 2, 3]),
    (lambda: wt.layers.conv2d(filters=1, kernel_size=3, dilation_rate=2), [7, 6, 2], [3, 2, 1]),
    (lambda: wt.layers.conv1d(filters=4, kernel_size=3, strides=2), [9, 2], [4, 4]),
    (lambda: wt.layers.conv1d(filters=4, kernel_size=3, padding="causal", dilation_rate=2), [9, 2], [9, 4]),
    (lambda: wt.layers.conv2d_transpose(filters=2, kernel_size=3, strides=2), [3, 4, 5], [7, 9, 2]),
    (lambda: wt.layers.conv2d_transpose(filters=2, kernel_size=3, strides=2, padding="same"), [3, 4, 5], [6, 8, 2]),
    (lambda: wt.layers.conv2d_transpose(filters=2, kernel_size=2, strides=3), [3, 4, 5], [9, 12, 2]),
    (lambda: wt.layers.depthwise_conv2d(kernel_size=3, depth_multiplier=2, padding="same", strides=2),
     [7, 6, 3], [4, 3, 6]),
    (lambda: wt.layers.separable_conv2d(filters=5, kernel_size=3), [7, 6, 3], [5, 4, 5]),
    (lambda: wt.layers.conv2d(filters=4, kernel_size=3, data_format="channels_first"), [2, 7, 6], [4, 5, 4]),
    (lambda: wt.layers.max_pooling2d(pool_size=3, strides=2), [7, 6, 2], [3, 2, 2]),
    (lambda: wt.layers.average_pooling2d(pool_size=3, strides=2, padding="same"), [7, 6, 2], [4, 3, 2]),
    (lambda: wt.layers.max_pooling1d(pool_size=2), [7, 3], [3, 3]),
    (lambda: wt.layers.average_pooling1d(pool_size=2, padding="same"), [7, 3], [4, 3]),
    (lambda: wt.layers.global_max_pooling2d(), [7, 6, 2], [2]),
    (lambda: wt.layers.global_average_pooling1d(), [7, 3], [3]),
    (lambda: wt.layers.zero_padding2d(padding=[[1, 2], [0, 3]]), [4, 5, 2], [7, 8, 2]),
    (lambda: wt.layers.cropping2d(cropping=[[1, 2], [0, 3]]), [4, 5, 2], [1, 2, 2]),
    (lambda: wt.layers.up_sampling2d(size=[2, 3]), [4, 5, 2], [8, 15, 2]),
]


@pytest.mark.parametrize("make,in_shape,out_shape", SHAPE_CASES)
def test_symbolic_shape_matches_eager_output(backend, make, in_shape, out_shape):
    layer = make()
    assert layer.apply(wt.input(shape=in_shape)).shape == [None] + out_shape
    with wt.tidy():
        assert list(layer(wt.ones([2] + in_shape)).shape) == [2] + out_shape
    layer.dispose()


def test_unknown_spatial_sizes_stay_unknown(backend):
    x = wt.input(shape=[None, None, 3])
    assert wt.layers.conv2d(filters=4, kernel_size=3, strides=2).apply(x).shape == [None, None, None, 4]
    assert wt.layers.max_pooling2d().apply(x).shape == [None, None, None, 3]
    assert wt.layers.global_average_pooling2d().apply(x).shape == [None, 3]
    assert wt.layers.up_sampling2d().apply(x).shape == [None, None, None, 3]


# ---------------------------------------------------------------- gradients

def test_conv2d_gradients(backend):
    rng = np.random.default_rng(20)
    x, k, b = rand(rng, 1, 5, 4, 2), rand(rng, 3, 2, 2, 3), rand(rng, 3)
    check_grads(wt.layers.conv2d(filters=3, kernel_size=[3, 2], strides=2, padding="same"), x,
                lambda x, k, b: np_conv2d(x, k, (2, 2), "same") + b, [k, b], backend)
    check_grads(wt.layers.conv2d(filters=3, kernel_size=[3, 2], dilation_rate=[1, 2], activation="tanh"), x,
                lambda x, k, b: np.tanh(np_conv2d(x, k, (1, 1), "valid", (1, 2)) + b), [k, b], backend)


def test_conv1d_gradients(backend):
    rng = np.random.default_rng(21)
    x, k, b = rand(rng, 2, 6, 2), rand(rng, 3, 2, 2), rand(rng, 2)
    check_grads(wt.layers.conv1d(filters=2, kernel_size=3, padding="causal", dilation_rate=2), x,
                lambda x, k, b: np_conv1d(x, k, 1, "causal", 2) + b, [k, b], backend)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_conv2d_transpose_gradients(backend, padding):
    rng = np.random.default_rng(22)
    x, k, b = rand(rng, 1, 3, 2, 2), rand(rng, 3, 3, 2, 2), rand(rng, 2)
    check_grads(wt.layers.conv2d_transpose(filters=2, kernel_size=3, strides=2, padding=padding), x,
                lambda x, k, b: np_conv2d_transpose(x, k, (2, 2), padding) + b, [k, b], backend)


def test_depthwise_and_separable_gradients(backend):
    rng = np.random.default_rng(23)
    x, dk, pk, b = rand(rng, 1, 5, 4, 2), rand(rng, 3, 3, 2, 2), rand(rng, 1, 1, 4, 3), rand(rng, 3)
    check_grads(wt.layers.depthwise_conv2d(kernel_size=3, depth_multiplier=2, padding="same", strides=2), x,
                lambda x, k, b4: np_depthwise(x, k, (2, 2), "same") + b4, [dk, rand(rng, 4)], backend)
    check_grads(wt.layers.separable_conv2d(filters=3, kernel_size=3, depth_multiplier=2), x,
                lambda x, dk, pk, b: np_depthwise(x, dk) @ pk[0, 0] + b, [dk, pk, b], backend)


@pytest.mark.parametrize("kind", ["max", "avg"])
def test_pooling_gradients(backend, kind):
    x = f32(np.random.default_rng(24).permutation(40).reshape(1, 5, 4, 2) / 10.0)  # no ties for max
    make = wt.layers.max_pooling2d if kind == "max" else wt.layers.average_pooling2d
    check_grads(make(pool_size=3, strides=2, padding="same"), x,
                lambda x: np_pool(x, (3, 3), (2, 2), "same", kind), [], backend)


def test_reshaping_layers_gradients(backend):
    x = np.random.default_rng(25).normal(size=(1, 3, 4, 2))
    check_grads(wt.layers.up_sampling2d(size=[2, 1]), x, lambda x: x.repeat(2, 1), [], backend)
    check_grads(wt.layers.cropping2d(cropping=[[1, 0], [1, 2]]), x, lambda x: x[:, 1:, 1:2], [], backend)
    check_grads(wt.layers.global_average_pooling2d(), x, lambda x: x.mean((1, 2)), [], backend)


# ---------------------------------------------------------------- config, params, names

CONFIG_CASES = [
    lambda: wt.layers.conv1d(filters=4, kernel_size=5, strides=2, padding="same", activation="relu",
                             input_shape=[20, 3]),
    lambda: wt.layers.conv2d(filters=8, kernel_size=[3, 2], dilation_rate=2, use_bias=False,
                             kernel_initializer="heNormal", data_format="channels_first"),
    lambda: wt.layers.conv2d_transpose(filters=3, kernel_size=4, strides=2, padding="same"),
    lambda: wt.layers.depthwise_conv2d(kernel_size=3, depth_multiplier=3, depthwise_initializer="ones"),
    lambda: wt.layers.separable_conv2d(filters=6, kernel_size=3, pointwise_initializer="zeros",
                                       activation="sigmoid"),
    lambda: wt.layers.max_pooling1d(pool_size=3),
    lambda: wt.layers.average_pooling2d(pool_size=[2, 3], strides=1, padding="same"),
    lambda: wt.layers.global_max_pooling2d(data_format="channels_first"),
    lambda: wt.layers.global_average_pooling1d(),
    lambda: wt.layers.zero_padding2d(padding=[1, 2]),
    lambda: wt.layers.cropping2d(cropping=[[1, 0], [2, 3]]),
    lambda: wt.layers.up_sampling2d(size=[2, 3], interpolation="bilinear"),
]


@pytest.mark.parametrize("make", CONFIG_CASES)
def test_config_round_trip(backend, make):
    layer = make()
    config = layer.get_config()
    copy = type(layer).from_config({**config, "name": "copy"})
    assert copy.get_config() == {**config, "name": "copy"}
    assert type(copy) is type(layer)


def test_conv_config_has_keras_keys_and_defaults(backend):
    config = wt.layers.conv2d(filters=2, kernel_size=3).get_config()
    assert {k: config[k] for k in ("filters", "kernel_size", "strides", "padding", "data_format",
                                   "dilation_rate", "activation", "use_bias")} == {
        "filters": 2, "kernel_size": [3, 3], "strides": [1, 1], "padding": "valid",
        "data_format": "channels_last", "dilation_rate": [1, 1], "activation": "linear", "use_bias": True}
    assert config["kernel_initializer"] == {"class_name": "GlorotUniform", "config": {"seed": None}}
    assert config["bias_initializer"] == {"class_name": "Zeros", "config": {}}
    sep = wt.layers.separable_conv2d(filters=2, kernel_size=3).get_config()
    assert "kernel_initializer" not in sep and sep["depth_multiplier"] == 1
    assert sep["depthwise_initializer"]["class_name"] == sep["pointwise_initializer"]["class_name"] == "GlorotUniform"
    pool = wt.layers.max_pooling2d(pool_size=3).get_config()
    assert (pool["pool_size"], pool["strides"], pool["padding"]) == ([3, 3], [3, 3], "valid")
    assert wt.layers.zero_padding2d().get_config()["padding"] == [[1, 1], [1, 1]]


@pytest.mark.parametrize("make,in_shape,count,names", [
    (lambda: wt.layers.conv2d(filters=4, kernel_size=3), [6, 6, 2], 3 * 3 * 2 * 4 + 4, ["kernel", "bias"]),
    (lambda: wt.layers.conv2d(filters=4, kernel_size=[1, 2], use_bias=False), [6, 6, 2], 1 * 2 * 2 * 4,
     ["kernel"]),
    (lambda: wt.layers.conv1d(filters=5, kernel_size=3), [8, 2], 3 * 2 * 5 + 5, ["kernel", "bias"]),
    (lambda: wt.layers.conv2d_transpose(filters=5, kernel_size=2), [4, 4, 3], 2 * 2 * 5 * 3 + 5,
     ["kernel", "bias"]),
    (lambda: wt.layers.depthwise_conv2d(kernel_size=3, depth_multiplier=2), [6, 6, 3], 3 * 3 * 3 * 2 + 6,
     ["depthwise_kernel", "bias"]),
    (lambda: wt.layers.separable_conv2d(filters=4, kernel_size=3, depth_multiplier=2), [6, 6, 3],
     3 * 3 * 3 * 2 + 6 * 4 + 4, ["depthwise_kernel", "pointwise_kernel", "bias"]),
    (lambda: wt.layers.max_pooling2d(), [6, 6, 3], 0, []),
    (lambda: wt.layers.up_sampling2d(), [6, 6, 3], 0, [])])
def test_count_params_and_weight_names(backend, make, in_shape, count, names):
    layer = make()
    layer.apply(wt.input(shape=in_shape))
    assert layer.count_params() == count
    assert [w.name for w in layer.weights] == [f"{layer.name}/{n}" for n in names]
    layer.dispose()


def test_layers_are_named_as_tfjs_names_them(backend):
    for make, prefix, cls in [(wt.layers.conv2d, "conv2d", "Conv2D"),
                              (wt.layers.conv2d_transpose, "conv2d_transpose", "Conv2DTranspose"),
                              (wt.layers.max_pooling2d, "max_pooling2d", "MaxPooling2D"),
                              (wt.layers.global_average_pooling1d, "global_average_pooling1d",
                               "GlobalAveragePooling1D")]:
        args = {"filters": 1, "kernel_size": 1} if cls.startswith("Conv") else {}
        assert re.fullmatch(rf"{prefix}_{cls}\d+", make(**args).name)


# ---------------------------------------------------------------- errors

@pytest.mark.parametrize("make,message", [
    (lambda: wt.layers.conv2d(filters=2, kernel_size=0), "kernel_size must be a positive int or a list of 2"),
    (lambda: wt.layers.conv2d(filters=2, kernel_size=[3, 3, 3]), "kernel_size must be a positive int"),
    (lambda: wt.layers.conv1d(filters=0, kernel_size=3), "filters must be a positive integer, got 0"),
    (lambda: wt.layers.conv2d(filters=2, kernel_size=3, padding="full"), "padding must be one of 'valid', 'same'"),
    (lambda: wt.layers.conv2d(filters=2, kernel_size=3, padding="causal"), "padding must be one of"),
    (lambda: wt.layers.conv2d(filters=2, kernel_size=3, strides=2, dilation_rate=2), "cannot both be > 1"),
    (lambda: wt.layers.conv2d(filters=2, kernel_size=3, data_format="NHWC"), "data_format must be one of"),
    (lambda: wt.layers.depthwise_conv2d(kernel_size=3, depth_multiplier=0), "depth_multiplier must be"),
    (lambda: wt.layers.separable_conv2d(filters=2, kernel_size=3, kernel_initializer="ones"),
     "use depthwise_\\* and pointwise_\\*"),
    (lambda: wt.layers.max_pooling2d(pool_size=0), "pool_size must be a positive int"),
    (lambda: wt.layers.average_pooling1d(strides=[1, 1]), "strides must be a positive int or a list of 1"),
    (lambda: wt.layers.zero_padding2d(padding=-1), "padding must be a non-negative int"),
    (lambda: wt.layers.cropping2d(cropping=[1, 2, 3]), "cropping must be an int, a pair of ints"),
    (lambda: wt.layers.up_sampling2d(interpolation="cubic"), "interpolation must be one of"),
])
def test_bad_configs_raise(backend, make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_regularizers_and_constraints_reach_the_weights(backend):
    l1 = {"class_name": "L1L2", "config": {"l1": 0.5, "l2": 0.0}}
    layer = wt.layers.separable_conv2d(filters=2, kernel_size=2, depthwise_regularizer="l2",
                                       pointwise_regularizer=l1, bias_constraint="non_neg")
    layer.apply(wt.input(shape=[4, 4, 3]))
    dk, pk, _ = [to_np(w) for w in layer.weights]
    got = [p.item() for p in layer.losses]
    np.testing.assert_allclose(got, [0.01 * np.sum(dk.astype(np.float64) ** 2), 0.5 * np.sum(np.abs(pk))],
                               rtol=1e-5)
    assert [v.name for v, _ in layer._constrained] == [f"{layer.name}/bias"]
    config = layer.get_config()
    assert config["bias_constraint"]["class_name"] == "NonNeg" and config["depthwise_regularizer"] is not None
    copy = wt.layers.SeparableConv2D.from_config({**config, "name": "copy"})
    assert copy.get_config() == {**config, "name": "copy"}
    layer.dispose()


def test_unsupported_options_say_so(backend):
    with pytest.raises(NotImplementedError, match="dilation_rate > 1 is not supported"):
        wt.layers.conv2d_transpose(filters=1, kernel_size=1, dilation_rate=2)


def test_wrong_input_rank_names_the_layer(backend):
    layer = wt.layers.conv2d(filters=2, kernel_size=3)
    with pytest.raises(ValueError, match=re.escape(
            f"{layer.name}: expected an input of rank 4 [batch, height, width, channels], got shape [None, 5, 3]")):
        layer.apply(wt.input(shape=[5, 3]))
    pool = wt.layers.max_pooling1d(data_format="channels_first")
    with pytest.raises(ValueError, match=re.escape(f"{pool.name}: expected an input of rank 3 [batch, channels, "
                                                   "width], got shape [2, 4, 4, 1]")):
        pool(np.zeros((2, 4, 4, 1), np.float32))
    with wt.tidy():  # once built, the channel count is fixed too
        layer(wt.zeros([1, 5, 5, 3]))
        with pytest.raises(ValueError, match=re.escape(f"{layer.name}: expected input shape [1, 5, 5, 3], "
                                                       "got [1, 5, 5, 2]")):
            layer(wt.zeros([1, 5, 5, 2]))
    layer.dispose()


def test_windows_that_do_not_fit_raise(backend):
    conv = wt.layers.conv2d(filters=1, kernel_size=5)
    with pytest.raises(ValueError, match=re.escape(f"{conv.name}: a window of 5 (kernel size 5, dilation 1) does "
                                                   "not fit an input of size 4")):
        conv.apply(wt.input(shape=[4, 8, 1]))
    with pytest.raises(ValueError, match="a window of 5 .kernel size 3, dilation 2."):
        wt.layers.conv1d(filters=1, kernel_size=3, dilation_rate=2).apply(wt.input(shape=[4, 1]))
    crop = wt.layers.cropping2d(cropping=2)
    with pytest.raises(ValueError, match=re.escape(f"{crop.name}: an input of shape [None, 4, 8, 1] would give "
                                                   "an empty output [None, 0, 4, 1]")):
        crop.apply(wt.input(shape=[4, 8, 1]))
    with pytest.raises(ValueError, match="the channel dimension of the input must be known"):
        wt.layers.conv2d(filters=1, kernel_size=1).apply(wt.input(shape=[4, 4, None]))
    conv.dispose()


# ---------------------------------------------------------------- a CNN that learns

def bars(n, rng):
    """8x8 images with one vertical (class 0) or horizontal (class 1) bar, and noise."""
    x = rng.normal(0, 0.3, (n, 8, 8, 1))
    y = rng.integers(0, 2, n)
    pos = rng.integers(1, 7, n)
    for i in range(n):
        if y[i]:
            x[i, pos[i], :, 0] += 1.0
        else:
            x[i, :, pos[i], 0] += 1.0
    return f32(x), f32(np.eye(2)[y])


def test_small_cnn_learns_bars(backend):
    rng = np.random.default_rng(30)
    x, y = bars(96, rng)
    conv = wt.layers.conv2d(filters=4, kernel_size=3, activation="relu", input_shape=[8, 8, 1],
                            kernel_initializer=wt.initializers.glorot_uniform(seed=1))
    m = wt.sequential([conv, wt.layers.max_pooling2d(pool_size=2), wt.layers.flatten(),
                       wt.layers.dense(units=2, activation="softmax",
                                       kernel_initializer=wt.initializers.glorot_uniform(seed=2))])
    assert m.layers[1].compute_output_shape([None, 6, 6, 4]) == [None, 3, 3, 4]
    m.compile(optimizer=wt.train.adam(0.03), loss="categorical_crossentropy", metrics=["accuracy"])
    history = run(m.fit(x, y, epochs=15, batch_size=16, verbose=0))
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    xt, yt = bars(64, np.random.default_rng(31))
    loss, acc = m.evaluate(xt, yt)
    assert acc.item() > 0.85, f"held-out accuracy {acc.item()}"
    wt.dispose([loss, acc])
    m.optimizer.dispose()
    m.dispose()

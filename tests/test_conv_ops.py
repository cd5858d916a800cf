"""conv1d, conv3d, conv3d_transpose, separable_conv2d, dilation2d, the 3-D pools, max_pool_with_argmax,
pool, local_response_normalization and wt.fused, against plain NumPy references (channels last,
TensorFlow padding)."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, tol, uniform
from test_nn import _geometry, conv2d_ref, depthwise_ref, f_distinct

pytestmark = pytest.mark.leakcheck


def _n(v, k):
    return (v,) * k if isinstance(v, int) else tuple(v)


def windows(x, k, s, d, pad, fill=0.0):
    """(tap, the padded input under that tap, strided) for every tap of a window over x's spatial
    axes (x is [batch, *spatial, channels])."""
    geo = [_geometry(x.shape[1 + i], k[i], s[i], d[i], pad) for i in range(len(k))]
    xp = np.pad(x, [(0, 0)] + [g[1:] for g in geo] + [(0, 0)], constant_values=fill)
    for tap in np.ndindex(*k):
        yield tap, xp[(slice(None),) + tuple(slice(t * dd, t * dd + ss * (g[0] - 1) + 1, ss)
                                             for t, dd, ss, g in zip(tap, d, s, geo))]


def conv1d_ref(x, w, s, pad, d=1):
    return conv2d_ref(x[:, None], w[None], (1, s), pad, (1, d))[:, 0]


def conv3d_ref(x, w, s, pad, d=1):
    return sum(v @ w[tap] for tap, v in windows(x, w.shape[:3], _n(s, 3), _n(d, 3), pad))


def conv3d_transpose_ref(x, w, out_shape, s, pad):
    """The adjoint of conv3d: each input voxel scattered through the filter into the output."""
    s, (n, *size, co) = _n(s, 3), out_shape
    geo = [_geometry(size[i], w.shape[i], s[i], 1, pad) for i in range(3)]
    y = np.zeros([n] + [m + g[1] + g[2] for m, g in zip(size, geo)] + [co])
    for tap in np.ndindex(*w.shape[:3]):
        y[(slice(None),) + tuple(slice(t, t + ss * (g[0] - 1) + 1, ss) for t, ss, g in zip(tap, s, geo))] += \
            x @ w[tap].T
    return y[(slice(None),) + tuple(slice(g[1], g[1] + m) for g, m in zip(geo, size))]


def pool_ref(x, k, s, pad, mode, d=None, count_padding=False):
    """Max or mean of each window; the mean counts only elements inside x unless count_padding."""
    r = x.ndim - 2
    k, s, d = _n(k, r), _n(s, r), _n(d or 1, r)
    if mode == "max":
        return np.max([v for _, v in windows(x, k, s, d, pad, -np.inf)], axis=0)
    total = sum(v for _, v in windows(x, k, s, d, pad))
    count = np.prod(k) if count_padding else sum(v for _, v in windows(np.ones_like(x), k, s, d, pad))
    return total / count


def padded_pool_ref(x, k, s, pads, mode):
    """pool_ref over explicitly padded x (padding never counts), for number pads."""
    cfg = [(0, 0)] + list(pads) + [(0, 0)]
    xp = np.pad(x, cfg, constant_values=-np.inf if mode == "max" else 0.0)
    if mode == "max":
        return pool_ref(xp, k, s, "valid", "max")
    ones = np.pad(np.ones_like(x), cfg)
    return pool_ref(xp, k, s, "valid", "avg", count_padding=True) / pool_ref(ones, k, s, "valid", "avg",
                                                                              count_padding=True)


def dilation2d_ref(x, f, s, pad, d=1):
    return np.max([v + f[tap] for tap, v in windows(x, f.shape[:2], _n(s, 2), _n(d, 2), pad, -np.inf)], axis=0)


def argmax_pool_ref(x, k, s, pad, include_batch):
    """max pool and the flattened input index of each window's first maximum, by loops."""
    n, h, w, c = x.shape
    (oh, top, _), (ow, left, _) = _geometry(h, k, s, 1, pad), _geometry(w, k, s, 1, pad)
    result, index = np.full((n, oh, ow, c), -np.inf), np.zeros((n, oh, ow, c), np.int32)
    for b, i, j, ch in np.ndindex(n, oh, ow, c):
        for di, dj in np.ndindex(k, k):
            y, xx = i * s - top + di, j * s - left + dj
            if 0 <= y < h and 0 <= xx < w and x[b, y, xx, ch] > result[b, i, j, ch]:
                result[b, i, j, ch] = x[b, y, xx, ch]
                index[b, i, j, ch] = (((b * h if include_batch else 0) + y) * w + xx) * c + ch
    return result, index


def lrn_ref(x, r, bias=1.0, alpha=1.0, beta=0.5):
    c = x.shape[-1]
    sq = np.stack([np.sum(x[..., max(0, i - r): i + r + 1] ** 2, -1) for i in range(c)], -1)
    return x / (bias + alpha * sq) ** beta


SELU = (1.0507009873554805, 1.6732632423543772)
ACTIVATIONS = {
    "linear": lambda v: v,
    "relu": lambda v: np.maximum(v, 0),
    "relu6": lambda v: np.clip(v, 0, 6),
    "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))),
    "selu": lambda v: SELU[0] * np.where(v > 0, v, SELU[1] * np.expm1(np.minimum(v, 0))),
    "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
    "leakyrelu": lambda v: np.where(v > 0, v, 0.2 * v),
}


# ---- conv1d ----
CONV1D = [  # x shape, filter shape, stride, pad, dilation
    ((2, 7, 2), (3, 2, 3), 1, "valid", 1),
    ((1, 8, 2), (3, 2, 2), 2, "same", 1),
    ((1, 9, 1), (2, 1, 2), 1, "same", 2),
    ((1, 5, 3), (1, 3, 1), 1, "valid", 1),
]


@pytest.mark.parametrize("xs,fs,stride,pad,dil", CONV1D, ids=str)
def test_conv1d(backend, xs, fs, stride, pad, dil):
    rng = np.random.default_rng(1)
    x, w = uniform(rng, xs), uniform(rng, fs)
    with wt.tidy():
        got = wt.conv1d(wt.tensor(x), wt.tensor(w), stride, pad, "NWC", dil)
        assert_close(got, conv1d_ref(x.astype(np.float64), w, stride, pad, dil), **tol(backend))
        check_grad(lambda a, b: wt.conv1d(a, b, stride, pad, dilation=dil),
                   lambda a, b: conv1d_ref(a, b, stride, pad, dil), [x, w], backend)


def test_conv1d_rank2_int32_input_and_method(backend):
    x, w = np.arange(12, dtype=np.int32).reshape(6, 2) - 5, np.array([[[1.0], [2.0]], [[-1.0], [0.5]]])
    with wt.tidy():
        expected = conv1d_ref(x[None].astype(np.float64), w, 1, "same")[0]
        assert_close(wt.tensor(x).conv1d(wt.tensor(w, dtype="float32"), 1, "same"), expected)


@pytest.mark.parametrize("mode,length", [(None, 2), ("floor", 2), ("round", 3), ("ceil", 3)])
def test_conv1d_dim_rounding_mode(backend, mode, length):
    # (4 + 2 * 1 - 3) / 2 + 1 = 2.5: truncated, floored, rounded half up (JavaScript's Math.round), ceiled
    rng = np.random.default_rng(2)
    x, w = uniform(rng, (1, 4, 2)), uniform(rng, (3, 2, 2))
    after = max(1, (length - 1) * 2 + 3 - 4 - 1)  # the last window may reach past the padding
    expected = conv1d_ref(np.pad(x, [(0, 0), (1, after), (0, 0)]).astype(np.float64), w, 2, "valid")
    with wt.tidy():
        assert_close(wt.conv1d(wt.tensor(x), wt.tensor(w), 2, 1, "NWC", 1, mode), expected, **tol(backend))


# ---- conv3d and conv3d_transpose ----
CONV3D = [  # x shape, filter shape, strides, pad, dilations
    ((1, 4, 4, 3, 2), (2, 2, 2, 2, 3), 1, "valid", 1),
    ((2, 3, 5, 4, 1), (3, 3, 2, 1, 2), (2, 1, 2), "same", 1),
    ((1, 5, 4, 5, 1), (2, 2, 2, 1, 1), 1, "same", (2, 1, 2)),
]


@pytest.mark.parametrize("xs,fs,strides,pad,dil", CONV3D, ids=str)
def test_conv3d(backend, xs, fs, strides, pad, dil):
    rng = np.random.default_rng(3)
    x, w = uniform(rng, xs), uniform(rng, fs)
    with wt.tidy():
        got = wt.conv3d(wt.tensor(x), wt.tensor(w), strides, pad, "NDHWC", dil)
        assert_close(got, conv3d_ref(x.astype(np.float64), w, strides, pad, dil), **tol(backend))
        check_grad(lambda a, b: wt.conv3d(a, b, strides, pad, dilations=dil),
                   lambda a, b: conv3d_ref(a, b, strides, pad, dil), [x, w], backend)


def test_conv3d_rank4_input_and_1x1x1_filter(backend):
    rng = np.random.default_rng(4)
    x, w = uniform(rng, (2, 3, 1, 3)), uniform(rng, (1, 1, 1, 3, 2))
    with wt.tidy():
        assert_close(wt.conv3d(wt.tensor(x), wt.tensor(w), 1, "valid"), x.astype(np.float64) @ w[0, 0, 0],
                     **tol(backend))


CONV3D_T = [  # x shape, filter shape (d, h, w, out, in), output shape, strides, pad
    ((1, 2, 2, 2, 2), (2, 2, 2, 1, 2), (1, 4, 4, 4, 1), 2, "valid"),
    ((1, 3, 3, 2, 1), (3, 2, 3, 2, 1), (1, 3, 3, 2, 2), 1, "same"),
    ((1, 2, 2, 1, 1), (3, 3, 1, 1, 1), (1, 4, 3, 1, 1), (2, 2, 1), "same"),
]


@pytest.mark.parametrize("xs,fs,out_shape,strides,pad", CONV3D_T, ids=str)
def test_conv3d_transpose(backend, xs, fs, out_shape, strides, pad):
    rng = np.random.default_rng(5)
    x, w = uniform(rng, xs), uniform(rng, fs)
    with wt.tidy():
        got = wt.conv3d_transpose(wt.tensor(x), wt.tensor(w), out_shape, strides, pad)
        assert_close(got, conv3d_transpose_ref(x.astype(np.float64), w, out_shape, strides, pad), **tol(backend))
        check_grad(lambda a, b: wt.conv3d_transpose(a, b, out_shape, strides, pad),
                   lambda a, b: conv3d_transpose_ref(a, b, out_shape, strides, pad), [x, w], backend)


# ---- separable_conv2d and dilation2d ----
SEPARABLE = [  # x shape, depthwise filter, pointwise filter, strides, pad, dilation
    ((1, 5, 5, 2), (3, 3, 2, 2), (1, 1, 4, 3), 1, "same", 1),
    ((2, 6, 5, 1), (2, 2, 1, 3), (1, 1, 3, 2), 2, "valid", 1),
    ((1, 6, 6, 2), (2, 2, 2, 1), (1, 1, 2, 1), 1, "same", 2),
]


@pytest.mark.parametrize("xs,ds,ps,strides,pad,dil", SEPARABLE, ids=str)
def test_separable_conv2d(backend, xs, ds, ps, strides, pad, dil):
    rng = np.random.default_rng(6)
    x, dw, pw = uniform(rng, xs), uniform(rng, ds), uniform(rng, ps)

    def ref(x, dw, pw):
        return depthwise_ref(x, dw, strides, pad, dil) @ pw[0, 0]
    with wt.tidy():
        got = wt.separable_conv2d(wt.tensor(x), wt.tensor(dw), wt.tensor(pw), strides, pad, dil)
        assert_close(got, ref(x.astype(np.float64), dw, pw), **tol(backend))
        check_grad(lambda a, b, c: wt.separable_conv2d(a, b, c, strides, pad, dil), ref, [x, dw, pw], backend)


DILATION2D = [  # x shape, filter shape, strides, pad, dilations
    ((1, 5, 5, 2), (3, 3, 2), 1, "same", 1),
    ((2, 6, 5, 1), (2, 3, 1), 2, "valid", 1),
    ((1, 6, 6, 1), (2, 2, 1), 1, "same", 2),
]


@pytest.mark.parametrize("xs,fs,strides,pad,dil", DILATION2D, ids=str)
def test_dilation2d(backend, xs, fs, strides, pad, dil):
    rng = np.random.default_rng(7)
    x, f = f_distinct(rng, xs), uniform(rng, fs) * 0.01  # far apart sums: no ties
    with wt.tidy():
        got = wt.dilation2d(wt.tensor(x), wt.tensor(f), strides, pad, dil)
        assert_close(got, dilation2d_ref(x.astype(np.float64), f, strides, pad, dil), **tol(backend))
        check_grad(lambda a, b: wt.dilation2d(a, b, strides, pad, dil),
                   lambda a, b: dilation2d_ref(a, b, strides, pad, dil), [x, f], backend)


# ---- pools ----
POOL3D = [  # x shape, filter size, strides, pad
    ((1, 4, 4, 4, 1), 2, 2, "valid"),
    ((2, 3, 5, 4, 2), (2, 3, 2), 1, "same"),
    ((1, 5, 3, 4, 1), 3, (2, 1, 2), "same"),
]


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("xs,k,strides,pad", POOL3D, ids=str)
def test_pool3d(backend, mode, xs, k, strides, pad):
    rng = np.random.default_rng(8)
    x = f_distinct(rng, xs)
    op = wt.max_pool3d if mode == "max" else wt.avg_pool3d
    with wt.tidy():
        assert_close(op(wt.tensor(x), k, strides, pad), pool_ref(x.astype(np.float64), k, strides, pad, mode),
                     **tol(backend))
        check_grad(lambda a: op(a, k, strides, pad), lambda a: pool_ref(a, k, strides, pad, mode), [x], backend)


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("rounding,out", [("floor", 2), ("ceil", 3)])
def test_pool3d_number_pad_and_dim_rounding_mode(backend, mode, rounding, out):
    rng = np.random.default_rng(9)
    x = f_distinct(rng, (4, 5, 5, 1))  # rank 4: one example
    op = wt.max_pool3d if mode == "max" else wt.avg_pool3d
    # depth: (4 + 2 - 3) / 2 + 1 = 2.5; height, width: (5 + 2 - 3) / 2 + 1 = 3
    pads = [(1, max(1, (out - 1) * 2 + 3 - 4 - 1)), (1, 1), (1, 1)]
    expected = padded_pool_ref(x[None].astype(np.float64), 3, 2, pads, mode)[0]
    with wt.tidy():
        got = op(wt.tensor(x), 3, 2, 1, rounding)
        assert got.shape == (out, 3, 3, 1)
        assert_close(got, expected, **tol(backend))


def test_max_pool3d_gradient_goes_to_the_first_of_ties(backend):
    with wt.tidy():
        g = wt.grad(lambda t: wt.max_pool3d(t, 2, 2, "valid").sum())(wt.ones([2, 2, 2, 1]))
        expected = np.zeros((2, 2, 2, 1))
        expected[0, 0, 0, 0] = 1
        assert_close(g, expected)


@pytest.mark.parametrize("xs,k,strides,pad,include_batch", [
    ((2, 4, 4, 2), 2, 2, "valid", False),
    ((2, 5, 5, 1), 3, 2, "same", True),
    ((1, 4, 5, 3), 2, 1, "same", False),
], ids=str)
def test_max_pool_with_argmax(backend, xs, k, strides, pad, include_batch):
    rng = np.random.default_rng(10)
    x = f_distinct(rng, xs)
    result, index = argmax_pool_ref(x, k, strides, pad, include_batch)
    with wt.tidy():
        got = wt.max_pool_with_argmax(wt.tensor(x), k, strides, pad, include_batch)
        assert_close(got.result, result, **tol(backend))
        assert_close(got.indexes, index)
        r, i = got  # a (result, indexes) pair, as tfjs's {result, indexes}
        assert r is got.result and i is got.indexes


def test_max_pool_with_argmax_ties_pick_the_first(backend):
    x = np.zeros((1, 2, 4, 1), np.float32)
    x[0, 1, 2, 0] = x[0, 1, 3, 0] = 1.0
    with wt.tidy():
        got = wt.max_pool_with_argmax(wt.tensor(x), 2, 2, "valid", True)
        assert_close(got.indexes, np.array([[[[0], [6]]]], np.int32))
        assert_close(got.result, [[[[0.0], [1.0]]]])


POOL = [  # pooling type, x shape, window, pad, dilations, strides
    ("max", (1, 6, 6, 2), 2, "same", 2, None),
    ("avg", (2, 5, 6, 1), 3, "same", 2, None),
    ("max", (1, 6, 5, 1), 2, "valid", (2, 1), 1),
    ("avg", (1, 5, 5, 2), 2, "same", None, 2),
]


@pytest.mark.parametrize("ptype,xs,k,pad,dil,strides", POOL, ids=str)
def test_pool(backend, ptype, xs, k, pad, dil, strides):
    rng = np.random.default_rng(11)
    x = f_distinct(rng, xs)

    def ref(a):
        if dil in (None, 1):
            return pool_ref(a, k, strides or 1, pad, ptype)
        # tfjs pools a space-to-batch of x when dilated: its 'same' padding is zeros that count
        views = [v for _, v in windows(a, _n(k, 2), (1, 1), _n(dil, 2), pad)]
        return np.max(views, 0) if ptype == "max" else np.mean(views, 0)
    with wt.tidy():
        assert_close(wt.pool(wt.tensor(x), k, ptype, pad, dil, strides), ref(x.astype(np.float64)), **tol(backend))
        check_grad(lambda a: wt.pool(a, k, ptype, pad, dil, strides), ref, [x], backend)


def test_pool_dilated_max_same_pads_with_zeros_like_tfjs(backend):
    with wt.tidy():
        got = wt.pool(wt.fill([1, 3, 3, 1], -1.0), 2, "max", "same", 2)
        expected = np.zeros((1, 3, 3, 1))
        expected[0, 1, 1, 0] = -1.0  # only the centre's window (rows and columns 0 and 2) lies inside
        assert_close(got, expected)


def test_pool_number_pad_and_dim_rounding_mode_and_method(backend):
    rng = np.random.default_rng(12)
    x = f_distinct(rng, (1, 5, 5, 1))
    with wt.tidy():
        got = wt.tensor(x).pool(2, "avg", 0, None, 2, "ceil")  # (5 - 2) / 2 + 1 = 2.5 -> 3
        assert_close(got, padded_pool_ref(x.astype(np.float64), 2, 2, [(0, 1), (0, 1)], "avg"), **tol(backend))
        got = wt.pool(wt.tensor(x), 2, "max", 0, None, 2, "floor")
        assert_close(got, padded_pool_ref(x.astype(np.float64), 2, 2, [(0, 0), (0, 0)], "max"), **tol(backend))


# ---- local_response_normalization ----
@pytest.mark.parametrize("xs,radius,bias,alpha,beta", [
    ((1, 2, 2, 6), 5, 1, 1, 0.5),
    ((2, 3, 7), 1, 2.0, 0.5, 0.75),
    ((1, 1, 1, 4), 0, 1, 1, 1),
], ids=str)
def test_local_response_normalization(backend, xs, radius, bias, alpha, beta):
    rng = np.random.default_rng(13)
    x = uniform(rng, xs)
    with wt.tidy():
        got = wt.local_response_normalization(wt.tensor(x), radius, bias, alpha, beta)
        assert_close(got, lrn_ref(x.astype(np.float64), radius, bias, alpha, beta), **tol(backend, "trans"))
        check_grad(lambda a: wt.local_response_normalization(a, radius, bias, alpha, beta),
                   lambda a: lrn_ref(a, radius, bias, alpha, beta), [x], backend)


def test_local_response_normalization_defaults_and_method(backend):
    x = np.array([[[[1.0, 2.0, 3.0]]]], np.float32)
    with wt.tidy():
        assert_close(wt.tensor(x).local_response_normalization(), x / np.sqrt(1 + 14), **tol(backend, "trans"))


# ---- fused ----
@pytest.mark.parametrize("activation", list(ACTIVATIONS) + ["prelu"])
def test_fused_conv2d_activations(backend, activation):
    rng = np.random.default_rng(14)
    x, w, b, a = uniform(rng, (1, 4, 4, 2)), uniform(rng, (2, 2, 2, 3)), uniform(rng, (3,)), uniform(rng, (3,))
    y = conv2d_ref(x.astype(np.float64), w, 1, "same") + b
    expected = np.where(y > 0, y, a * y) if activation == "prelu" else ACTIVATIONS[activation](y)
    with wt.tidy():
        got = wt.fused.conv2d(wt.tensor(x), wt.tensor(w), 1, "same", bias=wt.tensor(b), activation=activation,
                              prelu_activation_weights=wt.tensor(a))
        assert_close(got, expected, **tol(backend, "trans"))


def test_fused_defaults_are_the_plain_ops(backend):
    rng = np.random.default_rng(15)
    x, w, m = uniform(rng, (1, 5, 5, 2)), uniform(rng, (3, 3, 2, 2)), uniform(rng, (4, 3))
    with wt.tidy():
        assert_close(wt.fused.conv2d(wt.tensor(x), wt.tensor(w), 2, "valid"),
                     conv2d_ref(x.astype(np.float64), w, 2, "valid"), **tol(backend))
        assert_close(wt.fused.depthwise_conv2d(wt.tensor(x), wt.tensor(w), 1, "same", "NHWC", 2),
                     depthwise_ref(x.astype(np.float64), w, 1, "same", 2), **tol(backend))
        assert_close(wt.fused.mat_mul(wt.tensor(m), wt.tensor(m), True), m.T.astype(np.float64) @ m, **tol(backend))
        got = wt.fused.mat_mul(wt.tensor(m), wt.tensor(m), False, True, 1.5, "leakyrelu", leakyrelu_alpha=0.5)
        y = m.astype(np.float64) @ m.T + 1.5
        assert_close(got, np.where(y > 0, y, 0.5 * y), **tol(backend))


def test_fused_conv2d_dim_rounding_mode(backend):
    rng = np.random.default_rng(16)
    x, w = uniform(rng, (1, 4, 4, 1)), uniform(rng, (3, 3, 1, 2))
    expected = conv2d_ref(np.pad(x, [(0, 0), (1, 2), (1, 2), (0, 0)]).astype(np.float64), w, 2, "valid")
    with wt.tidy():  # (4 + 2 - 3) / 2 + 1 = 2.5 -> 3
        assert_close(wt.fused.conv2d(wt.tensor(x), wt.tensor(w), 2, 1, dim_rounding_mode="ceil"), expected,
                     **tol(backend))


@pytest.mark.parametrize("activation", ["linear", "relu", "relu6"])
def test_fused_ops_equal_their_composition_exactly(backend, activation):
    """A backend whose kernels apply the bias and activation (Backend.fuses_epilogue: cpu)
    gives the composition's values bit for bit (NaN and -0.0 included); a bias that is not
    [channels] takes the composition."""
    rng = np.random.default_rng(18)
    x, w, dw = uniform(rng, (1, 5, 6, 3)) * 4, uniform(rng, (3, 3, 3, 4)), uniform(rng, (3, 3, 3, 2))
    m, mw = uniform(rng, (7, 5)) * 4, uniform(rng, (5, 6))
    x[0, 0, 0, 0] = np.nan
    act = {"linear": lambda y: y, "relu": wt.relu, "relu6": wt.relu6}[activation]
    cases = [(wt.fused.conv2d, wt.conv2d, x, w, (1, "same"), 4),
             (wt.fused.depthwise_conv2d, wt.depthwise_conv2d, x, dw, (2, "same"), 6),
             (wt.fused.matmul, wt.matmul, m, mw, (), 6)]
    with wt.tidy():
        for fused, plain, a, b, args, c in cases:
            bias = uniform(rng, (c,))
            bias[:2] = [-0.0, np.nan]
            for bb in (bias, bias.reshape(1, c)):
                got = fused(wt.tensor(a), wt.tensor(b), *args, bias=wt.tensor(bb), activation=activation)
                want = act(wt.add(plain(wt.tensor(a), wt.tensor(b), *args), wt.tensor(bb)))
                assert got.shape == want.shape
                assert np.array_equal(got.numpy().view(np.int32), want.numpy().view(np.int32)), (fused, bb.shape)


FUSED_GRAD = {  # a shape, b shape, bias shape, args after (a, b), reference of the op
    "conv2d": ((1, 4, 4, 2), (2, 2, 2, 2), (2,), (1, "same"), lambda a, b: conv2d_ref(a, b, 1, "same")),
    "depthwise_conv2d": ((1, 4, 4, 2), (2, 2, 2, 2), (4,), (1, "same"), lambda a, b: depthwise_ref(a, b, 1, "same")),
    "mat_mul": ((3, 4), (4, 2), (2,), (), lambda a, b: a @ b),
}


@pytest.mark.parametrize("kind", list(FUSED_GRAD))
def test_fused_gradients_with_bias_and_relu(backend, kind):
    rng = np.random.default_rng(17)
    a_shape, b_shape, bias_shape, args, ref = FUSED_GRAD[kind]
    op = getattr(wt.fused, kind)
    with wt.tidy():
        check_grad(lambda a, b, c: op(a, b, *args, bias=c, activation="relu"),
                   lambda a, b, c: np.maximum(ref(a, b) + c, 0),
                   [uniform(rng, a_shape), uniform(rng, b_shape), uniform(rng, bias_shape)], backend)


# ---- shapes and errors ----
def test_empty_batch(backend):
    with wt.tidy():
        assert wt.conv1d(wt.zeros([0, 5, 2]), wt.ones([2, 2, 3]), 1, "valid").shape == (0, 4, 3)
        assert wt.conv3d(wt.zeros([0, 3, 3, 3, 1]), wt.ones([2, 2, 2, 1, 2]), 1, "same").shape == (0, 3, 3, 3, 2)
        assert wt.max_pool3d(wt.zeros([0, 2, 2, 2, 1]), 2, 2, "valid").shape == (0, 1, 1, 1, 1)
        assert wt.avg_pool3d(wt.zeros([0, 2, 2, 2, 1]), 2, 1, "same").shape == (0, 2, 2, 2, 1)


def test_methods_are_the_chained_ones(backend):
    for name in ("conv1d", "separable_conv2d", "dilation2d", "pool", "local_response_normalization"):
        assert callable(getattr(wt.Tensor, name))
    for name in ("conv3d", "max_pool3d", "max_pool_with_argmax"):  # not chained in tfjs either
        assert not hasattr(wt.Tensor, name)
    with wt.tidy():
        x = wt.ones([1, 3, 3, 2])
        assert x.separable_conv2d(wt.ones([2, 2, 2, 1]), wt.ones([1, 1, 2, 1]), 1, "valid").shape == (1, 2, 2, 1)
        assert x.dilation2d(wt.zeros([2, 2, 2]), 1, "same").shape == (1, 3, 3, 2)


def o(*shape):
    return wt.ones(list(shape))


ERRORS = [
    (lambda: wt.conv1d(o(2, 2, 2, 2), o(1, 2, 1), 1, "same"), r"conv1d: argument 'x' must have rank 2 or 3"),
    (lambda: wt.conv1d(o(1, 4, 2), o(1, 3, 1), 1, "same"), r"conv1d: argument 'filter' must have shape \[\?, 2, \?\]"),
    (lambda: wt.conv1d(o(1, 4, 2), o(1, 2, 1), 1, "same", "NCW"), r"conv1d: data_format must be 'NWC'"),
    (lambda: wt.conv1d(o(1, 9, 1), o(2, 1, 1), 2, "same", "NWC", 2), r"cannot both be > 1"),
    (lambda: wt.conv1d(o(1, 4, 1), o(2, 1, 1), 1, "same", "NWC", 1, "ceil"),
     r"conv1d: pad must be an integer when using dim_rounding_mode 'ceil'"),
    (lambda: wt.conv1d(o(1, 4, 1), o(2, 1, 1), 1, 0, "NWC", 1, "up"), r"dim_rounding_mode must be"),
    (lambda: wt.conv1d(o(1, 4, 1), o(2, 1, 1), 0, "same"), r"conv1d: stride must be a positive int"),
    (lambda: wt.conv1d(o(1, 4, 1), o(2, 1, 1), 1, "full"), r"conv1d: pad must be 'same', 'valid'"),
    (lambda: wt.conv1d(o(1, 2, 1), o(3, 1, 1), 1, "valid"), r"conv1d: the filter \(3,\) .* does not fit"),
    (lambda: wt.conv3d(o(1, 2, 2, 2, 1), o(1, 1, 1, 2, 1), 1, "same"), r"conv3d: argument 'filter' must have shape"),
    (lambda: wt.conv3d(o(1, 2, 2, 2, 1), o(1, 1, 1, 1, 1), 1, 1), r"conv3d: pad must be 'same' or 'valid'"),
    (lambda: wt.conv3d(o(1, 2, 2, 2, 1), o(1, 1, 1, 1, 1), (1, 1), "same"), r"strides must be .* list of 3"),
    (lambda: wt.conv3d_transpose(o(1, 2, 2, 2, 1), o(2, 2, 2, 1, 1), [1, 7, 7, 7, 1], 2, "valid"),
     r"conv3d_transpose: output_shape \(1, 7, 7, 7, 1\) .* gives an input of \(1, 3, 3, 3\)"),
    (lambda: wt.separable_conv2d(o(1, 3, 3, 2), o(2, 2, 2, 2), o(1, 1, 2, 1), 1, "same"),
     r"separable_conv2d: argument 'pointwise_filter' must have shape \[1, 1, 4, \?\]"),
    (lambda: wt.dilation2d(o(1, 3, 3, 2), o(2, 2, 1), 1, "same"), r"dilation2d: argument 'filter'"),
    (lambda: wt.max_pool3d(o(3, 3, 3), 2, 1, "same"), r"max_pool3d: argument 'x' must have rank 4 or 5"),
    (lambda: wt.avg_pool3d(o(1, 3, 3, 3, 1), 2, 1, "same", None, "NCDHW"), r"data_format must be 'NDHWC'"),
    (lambda: wt.pool(o(1, 3, 3, 1), 2, "min", "same"), r"pool: pooling_type must be 'avg' or 'max'"),
    (lambda: wt.pool(o(1, 5, 5, 1), 2, "max", 1, 2), r"pool: with dilations \(2, 2\), pad must be"),
    (lambda: wt.pool(o(1, 5, 5, 1), 2, "max", "same", 2, 2), r"cannot both be > 1"),
    (lambda: wt.local_response_normalization(o(2, 2), 1), r"must have rank 3 or 4"),
    (lambda: wt.local_response_normalization(o(1, 2, 2), -1), r"depth_radius must be a non-negative int"),
    (lambda: wt.fused.conv2d(o(1, 3, 3, 1), o(2, 2, 1, 2), 1, "same", activation="tanh"),
     r"fused_conv2d: activation must be one of 'linear'"),
    (lambda: wt.fused.conv2d(o(1, 3, 3, 1), o(2, 2, 1, 2), 1, "same", activation="prelu"),
     r"needs prelu_activation_weights"),
    (lambda: wt.fused.conv2d(o(1, 3, 3, 1), o(2, 2, 1, 2), 1, "same", bias=o(3)),
     r"fused_conv2d: argument 'bias' of shape \(3,\) does not broadcast to the output shape \(1, 3, 3, 2\)"),
    (lambda: wt.fused.depthwise_conv2d(o(1, 3, 3, 1), o(2, 2, 2, 1), 1, "same"), r"fused_depthwise_conv2d: "),
    (lambda: wt.fused.mat_mul(o(2, 3), o(2, 3)), r"fused_mat_mul: .*inner dimensions differ"),
]


@pytest.mark.parametrize("make,match", ERRORS, ids=[m for _, m in ERRORS])
def test_bad_inputs_raise_clear_errors(backend, make, match):
    with wt.tidy():
        with pytest.raises(ValueError, match=match):
            make()

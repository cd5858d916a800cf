"""Neural-network ops against straightforward NumPy references (NHWC, TensorFlow padding)."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, to_np, tol, uniform


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _geometry(size, k, s, d, pad):
    """Output size and (before, after) padding of one spatial dim, as TensorFlow computes it."""
    k_eff = (k - 1) * d + 1
    if pad == "valid":
        return (size - k_eff) // s + 1, 0, 0
    out = -(-size // s)
    total = max((out - 1) * s + k_eff - size, 0)
    return out, total // 2, total - total // 2


def _windows(x, k, s, d, pad, fill=0.0):
    """Yield (i, j, strided view of the padded input under kernel tap i, j) and out dims."""
    (oh, ph0, ph1), (ow, pw0, pw1) = (_geometry(x.shape[1], k[0], s[0], d[0], pad),
                                      _geometry(x.shape[2], k[1], s[1], d[1], pad))
    xp = np.pad(x, [(0, 0), (ph0, ph1), (pw0, pw1), (0, 0)], constant_values=fill)
    for i in range(k[0]):
        for j in range(k[1]):
            yield i, j, xp[:, i * d[0]: i * d[0] + s[0] * (oh - 1) + 1: s[0],
                           j * d[1]: j * d[1] + s[1] * (ow - 1) + 1: s[1], :]


def conv2d_ref(x, w, strides, pad, dilations=1):
    return sum(p @ w[i, j] for i, j, p in _windows(x, w.shape[:2], _pair(strides),
                                                      _pair(dilations), pad))


def depthwise_ref(x, w, strides, pad, dilations=1):
    n, c, m = x.shape[0], w.shape[2], w.shape[3]
    return sum((p[..., :, None] * w[i, j]).reshape(p.shape[:3] + (c * m,))
               for i, j, p in _windows(x, w.shape[:2], _pair(strides), _pair(dilations), pad))


def conv2d_transpose_ref(x, w, out_shape, strides, pad):
    """The adjoint of conv2d: scatter each input pixel through the filter into the output."""
    s = _pair(strides)
    n, h, wd, co = out_shape
    (oh, ph0, ph1), (ow, pw0, pw1) = (_geometry(h, w.shape[0], s[0], 1, pad),
                                      _geometry(wd, w.shape[1], s[1], 1, pad))
    assert (oh, ow) == x.shape[1:3]
    y = np.zeros((n, h + ph0 + ph1, wd + pw0 + pw1, co))
    for i in range(w.shape[0]):
        for j in range(w.shape[1]):
            y[:, i: i + s[0] * (oh - 1) + 1: s[0], j: j + s[1] * (ow - 1) + 1: s[1]] += \
                x @ w[i, j].T
    return y[:, ph0: ph0 + h, pw0: pw0 + wd]


def pool_ref(x, k, strides, pad, mode):
    k, s = _pair(k), _pair(strides)
    if mode == "max":
        return np.max([p for _, _, p in _windows(x, k, s, (1, 1), pad, -np.inf)], axis=0)
    total = sum(p for _, _, p in _windows(x, k, s, (1, 1), pad))
    count = sum(p for _, _, p in _windows(np.ones_like(x), k, s, (1, 1), pad))
    return total / count  # TensorFlow averages over the in-bounds pixels only


CONV = [  # x shape, filter shape, strides, pad, dilations
    ((1, 5, 5, 2), (3, 3, 2, 3), 1, "valid", 1),
    ((2, 5, 5, 2), (3, 3, 2, 3), 1, "same", 1),
    ((1, 6, 7, 1), (2, 3, 1, 2), 2, "same", 1),
    ((1, 7, 6, 2), (3, 2, 2, 2), (2, 1), "valid", 1),
    ((1, 7, 7, 2), (3, 3, 2, 2), 1, "same", 2),
    ((1, 7, 7, 1), (2, 2, 1, 2), 1, "valid", (2, 1)),
    ((1, 4, 4, 3), (1, 1, 3, 2), 1, "valid", 1),
]


@pytest.mark.parametrize("xs,fs,strides,pad,dil", CONV, ids=str)
def test_conv2d(backend, xs, fs, strides, pad, dil):
    rng = np.random.default_rng(51)
    x, w = uniform(rng, xs), uniform(rng, fs)
    expected = conv2d_ref(x.astype(np.float64), w, strides, pad, dil)
    got = wt.conv2d(wt.tensor(x), wt.tensor(w), strides, pad, "NHWC", dil)
    assert_close(got, expected, **tol(backend))
    check_grad(lambda a, b: wt.conv2d(a, b, strides, pad, dilations=dil),
               lambda a, b: conv2d_ref(a, b, strides, pad, dil), [x, w], backend)


def test_non_contiguous_inputs_and_methods(backend):
    rng = np.random.default_rng(50)
    x = uniform(rng, (2, 5, 5, 1)).transpose(3, 1, 2, 0)  # (1, 5, 5, 2), not C-contiguous
    w = uniform(rng, (3, 2, 2, 3)).transpose(1, 2, 0, 3)  # (2, 2, 3, 3)[:, :, :2]
    w = w[:, :, :2]
    assert not (x.flags.c_contiguous or w.flags.c_contiguous)
    x64 = x.astype(np.float64)
    t = wt.tensor(x)
    assert_close(t.conv2d(wt.tensor(w), 1, "valid"), conv2d_ref(x64, w, 1, "valid"), **tol(backend))
    assert_close(t.max_pool(2, 1, "valid"), pool_ref(x64, 2, 1, "valid", "max"), **tol(backend))
    assert_close(t.avg_pool(2, 2, "same"), pool_ref(x64, 2, 2, "same", "avg"), **tol(backend))
    assert_close(t.softmax(), _softmax(x64), **tol(backend, "trans"))
    assert_close(t.log_softmax(), np.log(_softmax(x64)), **tol(backend, "trans"))
    assert_close(t.resize_bilinear([3, 4]), resize_bilinear_ref(x64, (3, 4)), **tol(backend))


def test_conv2d_method_and_3d_input(backend):
    rng = np.random.default_rng(52)
    x, w = uniform(rng, (4, 4, 2)), uniform(rng, (2, 2, 2, 1))
    expected = conv2d_ref(x[None].astype(np.float64), w, 1, "same")[0]
    assert_close(wt.tensor(x).conv2d(wt.tensor(w), 1, "same"), expected, **tol(backend))


TRANSPOSE = [  # x shape, filter shape (kh, kw, out, in), output shape, strides, pad
    ((1, 3, 3, 2), (3, 3, 1, 2), (1, 5, 5, 1), 1, "valid"),
    ((1, 3, 3, 2), (3, 3, 3, 2), (1, 6, 6, 3), 2, "same"),
    ((2, 3, 3, 1), (3, 3, 2, 1), (2, 7, 7, 2), 2, "valid"),
    ((1, 3, 3, 1), (3, 3, 1, 1), (1, 8, 8, 1), 2, "valid"),
    ((1, 4, 4, 2), (2, 2, 2, 2), (1, 4, 4, 2), 1, "same"),
]


@pytest.mark.parametrize("xs,fs,out_shape,strides,pad", TRANSPOSE, ids=str)
def test_conv2d_transpose(backend, xs, fs, out_shape, strides, pad):
    rng = np.random.default_rng(53)
    x, w = uniform(rng, xs), uniform(rng, fs)
    expected = conv2d_transpose_ref(x.astype(np.float64), w, out_shape, strides, pad)
    got = wt.conv2d_transpose(wt.tensor(x), wt.tensor(w), out_shape, strides, pad)
    assert_close(got, expected, **tol(backend))
    check_grad(lambda a, b: wt.conv2d_transpose(a, b, out_shape, strides, pad),
               lambda a, b: conv2d_transpose_ref(a, b, out_shape, strides, pad), [x, w], backend)


DEPTHWISE = [
    ((1, 5, 5, 2), (3, 3, 2, 1), 1, "valid", 1),
    ((2, 5, 4, 2), (3, 3, 2, 2), 1, "same", 1),
    ((1, 6, 6, 3), (2, 2, 3, 2), 2, "same", 1),
    ((1, 7, 7, 2), (3, 3, 2, 1), 1, "same", 2),
    # channels in fours, multiplier 1: webgl reads a texel per tap
    ((2, 6, 5, 8), (3, 3, 8, 1), 2, "same", 1),
    ((1, 7, 6, 4), (3, 2, 4, 1), 1, "same", (2, 1)),
]


@pytest.mark.parametrize("xs,fs,strides,pad,dil", DEPTHWISE, ids=str)
def test_depthwise_conv2d(backend, xs, fs, strides, pad, dil):
    rng = np.random.default_rng(54)
    x, w = uniform(rng, xs), uniform(rng, fs)
    expected = depthwise_ref(x.astype(np.float64), w, strides, pad, dil)
    got = wt.depthwise_conv2d(wt.tensor(x), wt.tensor(w), strides, pad, "NHWC", dil)
    assert_close(got, expected, **tol(backend))
    check_grad(lambda a, b: wt.depthwise_conv2d(a, b, strides, pad, dilations=dil),
               lambda a, b: depthwise_ref(a, b, strides, pad, dil), [x, w], backend)


POOL = [  # x shape, filter size, strides, pad
    ((1, 4, 4, 1), 2, 2, "valid"),
    ((2, 5, 5, 2), 3, 1, "same"),
    ((1, 5, 6, 1), (2, 3), (2, 1), "same"),
    ((1, 5, 5, 3), 3, 2, "valid"),
    ((1, 3, 3, 1), 2, 2, "same"),
]


@pytest.mark.parametrize("mode", ["max", "avg"])
@pytest.mark.parametrize("xs,k,strides,pad", POOL, ids=str)
def test_pool(backend, mode, xs, k, strides, pad):
    rng = np.random.default_rng(55)
    x = f_distinct(rng, xs)
    op = wt.max_pool if mode == "max" else wt.avg_pool
    expected = pool_ref(x.astype(np.float64), k, strides, pad, mode)
    assert_close(op(wt.tensor(x), k, strides, pad), expected, **tol(backend))
    check_grad(lambda a: op(a, k, strides, pad), lambda a: pool_ref(a, k, strides, pad, mode),
               [x], backend)


def f_distinct(rng, shape):
    """Distinct values at least 0.05 apart (max_pool's gradient is ill-defined at ties)."""
    return (rng.permutation(int(np.prod(shape))).reshape(shape) * 0.05 - 1).astype(np.float32)


@pytest.mark.parametrize("with_scale_offset", [True, False])
def test_batch_norm(backend, with_scale_offset):
    rng = np.random.default_rng(56)
    x, mean, var = uniform(rng, (2, 3, 3, 4)), uniform(rng, (4,)), uniform(rng, (4,), 0.5, 2)
    offset, scale = uniform(rng, (4,)), uniform(rng, (4,), 0.5, 2)

    def ref(x, m, v, o=0.0, s=1.0):
        return (x - m) / np.sqrt(v + 0.001) * s + o
    if with_scale_offset:
        got = wt.batch_norm(*[wt.tensor(a) for a in (x, mean, var, offset, scale)])
        assert_close(got, ref(x, mean, var, offset, scale), **tol(backend, "trans"))
        check_grad(wt.batch_norm, ref, [x, mean, var, offset, scale], backend)
    else:
        got = wt.batch_norm(wt.tensor(x), wt.tensor(mean), wt.tensor(var), variance_epsilon=0.1)
        assert_close(got, (x - mean) / np.sqrt(var + 0.1), **tol(backend, "trans"))
        check_grad(wt.batch_norm, ref, [x, mean, var], backend)


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


@pytest.mark.parametrize("shape,axis", [((2, 5), -1), ((2, 3, 4), -1), ((6,), -1), ((3, 4), 0)],
                         ids=str)
@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
def test_softmax(backend, shape, axis, name):
    x = uniform(np.random.default_rng(57), shape, -4, 4)

    def ref(a):
        return _softmax(a, axis) if name == "softmax" else np.log(_softmax(a, axis))
    assert_close(getattr(wt, name)(wt.tensor(x), axis), ref(x.astype(np.float64)),
                 **tol(backend, "trans"))
    check_grad(lambda t: getattr(wt, name)(t, axis), ref, [x], backend)


def test_softmax_large_logits_are_stable(backend):
    x = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, -1000.0]], np.float32)
    assert_close(wt.softmax(wt.tensor(x)), _softmax(x.astype(np.float64)), **tol(backend, "trans"))
    assert_close(wt.log_softmax(wt.tensor(x)), np.log(_softmax(x.astype(np.float64))),
                 **tol(backend, "trans"))


def test_dropout(backend):
    x = uniform(np.random.default_rng(58), (40, 100), 0.5, 1.5)
    y = to_np(wt.dropout(wt.tensor(x), 0.3, seed=7))
    kept = y != 0
    np.testing.assert_allclose(y[kept], x[kept] / 0.7, rtol=1e-5)
    assert abs(1 - kept.mean() - 0.3) < 0.03
    assert_close(wt.dropout(wt.tensor(x), 0.0), x)
    again = to_np(wt.dropout(wt.tensor(x), 0.3, seed=7))
    np.testing.assert_array_equal(again, y)


def test_dropout_gradient_follows_the_mask(backend):
    x = wt.tensor(np.ones((10, 10), np.float32))
    w = np.random.default_rng(60).uniform(0.5, 1.5, (10, 10)).astype(np.float32)
    y, g = wt.value_and_grad(lambda t: wt.sum(wt.dropout(t, 0.4, seed=11) * wt.tensor(w)))(x)
    mask = to_np(wt.dropout(x, 0.4, seed=11)) / (1 / 0.6)
    assert set(np.unique(mask)) == {0.0, 1.0}
    np.testing.assert_allclose(to_np(g), w * mask / 0.6, rtol=1e-5)
    np.testing.assert_allclose(to_np(y), np.sum(w * mask / 0.6), rtol=1e-4)


def test_dropout_noise_shape(backend):
    x = np.ones((50, 8), np.float32)
    y = to_np(wt.dropout(wt.tensor(x), 0.5, noise_shape=[50, 1], seed=3))
    assert np.all((y == y[:, :1]))  # one decision per row, broadcast along columns
    assert set(np.unique(y)) <= {0.0, 2.0}


def resize_bilinear_ref(x, size, align_corners=False, half_pixel_centers=False):
    """TensorFlow.js's resizeBilinear sampling, one spatial dim at a time."""
    def axis_weights(n_in, n_out):
        ratio = ((n_in - 1) / (n_out - 1) if align_corners and n_out > 1 else n_in / n_out)
        src = (np.arange(n_out) + 0.5) * ratio - 0.5 if half_pixel_centers else \
            np.arange(n_out) * ratio
        lo = np.maximum(0, np.floor(src)).astype(int)
        hi = np.minimum(n_in - 1, np.ceil(src)).astype(int)
        m = np.zeros((n_out, n_in))
        np.add.at(m, (np.arange(n_out), lo), 1 - (src - lo))
        np.add.at(m, (np.arange(n_out), hi), src - lo)
        return m
    rows, cols = axis_weights(x.shape[1], size[0]), axis_weights(x.shape[2], size[1])
    return np.einsum("ai,bj,nijc->nabc", rows, cols, x)


RESIZE = [((1, 3, 4, 1), (6, 8), False, False), ((2, 4, 4, 2), (3, 5), False, False),
          ((1, 3, 4, 1), (5, 7), True, False), ((1, 4, 3, 2), (7, 5), False, True),
          ((1, 2, 2, 1), (1, 1), True, False), ((1, 5, 5, 1), (2, 3), False, True)]


@pytest.mark.parametrize("xs,size,align,half", RESIZE, ids=str)
def test_resize_bilinear(backend, xs, size, align, half):
    x = uniform(np.random.default_rng(59), xs)
    expected = resize_bilinear_ref(x.astype(np.float64), size, align, half)
    got = wt.resize_bilinear(wt.tensor(x), size, align_corners=align, half_pixel_centers=half)
    assert_close(got, expected, **tol(backend))
    check_grad(lambda a: wt.resize_bilinear(a, size, align, half),
               lambda a: resize_bilinear_ref(a, size, align, half), [x], backend)


def test_resize_bilinear_defaults_known_values(backend):
    x = wt.tensor([[[[0.0], [10.0]], [[20.0], [30.0]]]])  # 1x2x2x1
    assert_close(wt.resize_bilinear(x, [3, 3]), np.array(
        [[0, 20 / 3, 10], [40 / 3, 20, 70 / 3], [20, 80 / 3, 30]]).reshape(1, 3, 3, 1))


# ---------------------------------------------------------------- number pads and dim_rounding_mode
# tfjs's conv_util: out = round((in - filter + 2 * pad) / stride + 1) by dim_rounding_mode (none
# truncates, 'round' is JavaScript's Math.round: halves up); its kernels start window o at
# o * stride - pad and skip positions outside the input, so windows that a rounded-up size adds
# see only padding (0 for conv2d and avg_pool, whose count excludes it, -inf for max_pool).
JS_ROUND = {None: np.trunc, "floor": np.floor, "ceil": np.ceil, "round": lambda v: np.floor(v + 0.5)}


def tfjs_taps(size, k, s, pad, mode):
    """[out, k]: the input position under each tap of each window (clipped) and whether it is inside."""
    out = int(JS_ROUND[mode]((size - k + 2 * pad) / s + 1))
    pos = np.arange(out)[:, None] * s - pad + np.arange(k)
    return np.clip(pos, 0, size - 1), (pos >= 0) & (pos < size)


def rounded_ref(name, k, s, pad, mode):
    """name's result for a number pad, computed window by window as tfjs's kernels read x."""
    def f(x, w=None):
        (r, r_in), (c, c_in) = (tfjs_taps(x.shape[1 + a], k, s, pad, mode) for a in (0, 1))
        v = x[:, r[:, None, :, None], c[None, :, None, :]]  # [N, OH, OW, KH, KW, C]
        inside = (r_in[:, None, :, None] & c_in[None, :, None, :])[None, ..., None]
        if name == "max_pool":
            return np.where(inside, v, -np.inf).max((3, 4))
        v = np.where(inside, v, 0.0)
        if name == "avg_pool":
            return v.sum((3, 4)) / inside.sum((3, 4))
        if name == "conv2d":
            return np.einsum("nabijc,ijcd->nabd", v, w)
        return np.einsum("nabijc,ijcm->nabcm", v, w).reshape(v.shape[:3] + (-1,))
    return f


def rounded_op(name, k, s, pad, mode):
    if name in ("max_pool", "avg_pool"):
        return lambda x: getattr(wt, name)(x, k, s, pad, mode)
    return lambda x, w: getattr(wt, name)(x, w, s, pad, "NHWC", 1, mode)


def rounded_inputs(name, xs, k, seed):
    rng = np.random.default_rng(seed)
    x = f_distinct(rng, xs)
    return [x] if name.endswith("pool") else [x, uniform(rng, (k, k, xs[3], 3 if name == "conv2d" else 2))]


ROUNDED = [  # x shape, filter size, stride, pad, output (height, width) by dim_rounding_mode
    # height (4 - 3 + 2) / 2 + 1 = 2.5: 3 by Math.round (half to even would give 2); width 3 exactly
    ((1, 4, 5, 2), 3, 2, 1, {None: (2, 3), "floor": (2, 3), "round": (3, 3), "ceil": (3, 3)}),
    # height (6 - 4 + 2) / 3 + 1 = 2.33, width (4 - 4 + 2) / 3 + 1 = 1.67: all three sizes differ
    ((1, 6, 4, 1), 4, 3, 1, {None: (2, 1), "floor": (2, 1), "round": (2, 2), "ceil": (3, 2)}),
]
ROUNDED_OPS = ["max_pool", "avg_pool", "conv2d", "depthwise_conv2d"]


@pytest.mark.leakcheck
@pytest.mark.parametrize("mode", [None, "floor", "round", "ceil"])
@pytest.mark.parametrize("name", ROUNDED_OPS)
@pytest.mark.parametrize("xs,k,s,pad,sizes", ROUNDED, ids=lambda v: str(v) if not isinstance(v, dict) else "")
def test_number_pad_dim_rounding_mode(backend, xs, k, s, pad, sizes, name, mode):
    args = rounded_inputs(name, xs, k, 61)
    expected = rounded_ref(name, k, s, pad, mode)(*[a.astype(np.float64) for a in args])
    assert expected.shape[1:3] == sizes[mode]
    with wt.tidy():
        assert_close(rounded_op(name, k, s, pad, mode)(*[wt.tensor(a) for a in args]), expected, **tol(backend))


@pytest.mark.leakcheck
@pytest.mark.parametrize("name", ROUNDED_OPS)
def test_number_pad_ceil_gradients(backend, name):
    xs, k, s, pad, _ = ROUNDED[0]
    with wt.tidy():
        check_grad(rounded_op(name, k, s, pad, "ceil"), rounded_ref(name, k, s, pad, "ceil"),
                   rounded_inputs(name, xs, k, 62), backend)


@pytest.mark.leakcheck
@pytest.mark.parametrize("mode", ["round", "ceil"])
@pytest.mark.parametrize("name", ["max_pool", "conv2d"])
def test_explicit_pad_dim_rounding_mode(backend, name, mode):
    xs, k, s, _, sizes = ROUNDED[1]  # tfjs rounds sizes with explicit pads too
    args = rounded_inputs(name, xs, k, 63)
    explicit = [[0, 0], [1, 1], [1, 1], [0, 0]]
    with wt.tidy():
        got = rounded_op(name, k, s, explicit, mode)(*[wt.tensor(a) for a in args])
        assert got.shape[1:3] == sizes[mode]
        assert_close(got, rounded_ref(name, k, s, 1, mode)(*[a.astype(np.float64) for a in args]), **tol(backend))


def rounded_transpose_ref(out_shape, k, s, pad, mode):
    """conv2d_transpose, the adjoint of a rounded conv2d: each x pixel scattered through the filter
    into the positions of its window that lie inside the output."""
    def f(x, w):
        (r, r_in), (c, c_in) = (tfjs_taps(out_shape[1 + a], k, s, pad, mode) for a in (0, 1))
        y = np.zeros(out_shape)
        for a, b, i, j in np.ndindex(len(r), len(c), k, k):
            if r_in[a, i] and c_in[b, j]:
                y[:, r[a, i], c[b, j]] += x[:, a, b] @ w[i, j].T
        return y
    return f


@pytest.mark.leakcheck
@pytest.mark.parametrize("mode", ["round", "ceil"])
def test_conv2d_transpose_number_pad_dim_rounding_mode(backend, mode):
    out_shape, k, s, pad = (1, 4, 5, 2), 3, 2, 1  # ROUNDED[0]: a 3x3 input for 'round' and 'ceil'
    rng = np.random.default_rng(64)
    x, w = uniform(rng, (1, 3, 3, 3)), uniform(rng, (3, 3, 2, 3))
    ref = rounded_transpose_ref(out_shape, k, s, pad, mode)
    op = lambda a, b: wt.conv2d_transpose(a, b, out_shape, s, pad, mode)  # noqa: E731
    with wt.tidy():
        assert_close(op(wt.tensor(x), wt.tensor(w)), ref(x.astype(np.float64), w), **tol(backend))
        if mode == "ceil":
            check_grad(op, ref, [x, w], backend)
        with pytest.raises(ValueError, match=r"gives an input of \(2, 3\), not \(3, 3\)"):  # floor: 2 rows
            wt.conv2d_transpose(wt.tensor(x), wt.tensor(w), out_shape, s, pad, "floor")


@pytest.mark.leakcheck
def test_ceil_windows_wholly_in_the_padding(backend):
    # (5 - 1) / 3 + 1 = 2.33 -> 3: the last row and column of windows start at 6, past the input
    x = f_distinct(np.random.default_rng(65), (1, 5, 5, 1))
    biggest, mean = np.full((1, 3, 3, 1), -np.inf), np.full((1, 3, 3, 1), np.nan)
    biggest[:, :2, :2] = mean[:, :2, :2] = x[:, ::3, ::3]
    with wt.tidy():
        assert_close(wt.max_pool(wt.tensor(x), 1, 3, 0, "ceil"), biggest)
        assert_close(wt.avg_pool(wt.tensor(x), 1, 3, 0, "ceil"), mean)  # nothing to average: NaN, as in tfjs


@pytest.mark.leakcheck
@pytest.mark.parametrize("pad", ["same", "valid"])
def test_dim_rounding_mode_needs_a_number_pad(backend, pad):
    with wt.tidy():
        x, w = wt.zeros([1, 4, 4, 2]), wt.zeros([2, 2, 2, 2])
        calls = {  # max_pool 2x2, stride 2, 'valid' would take the tiled fast path
            "max_pool": lambda mode: wt.max_pool(x, 2, 2, pad, mode),
            "avg_pool": lambda mode: wt.avg_pool(x, 2, 2, pad, mode),
            "conv2d": lambda mode: wt.conv2d(x, w, 1, pad, "NHWC", 1, mode),
            "depthwise_conv2d": lambda mode: wt.depthwise_conv2d(x, w, 1, pad, "NHWC", 1, mode),
            "conv2d_transpose": lambda mode: wt.conv2d_transpose(x, w, [1, 4, 4, 2], 1, pad, mode),
        }
        for name, call in calls.items():
            for mode in ("floor", "round", "ceil"):
                with pytest.raises(ValueError, match=f"^{name}: pad must be an integer when using "
                                                     f"dim_rounding_mode '{mode}', got pad '{pad}'"):
                    call(mode)
            with pytest.raises(ValueError, match=f"^{name}: dim_rounding_mode must be 'floor', 'round', 'ceil' "
                                                 "or None, got 'up'"):
                call("up")
        for bad_pad in (1, [[0, 0], [1, 1], [1, 1], [0, 0]]):
            with pytest.raises(ValueError, match="^conv2d: dim_rounding_mode must be"):
                wt.conv2d(x, w, 1, bad_pad, "NHWC", 1, "up")

"""wt.losses with TensorFlow.js semantics: (labels, predictions, weights, ..., reduction)."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, tol, uniform

Reduction = wt.losses.Reduction


def _softmax_ce(labels, logits, label_smoothing=0.0):
    labels = labels * (1 - label_smoothing) + label_smoothing / labels.shape[-1]
    z = logits - logits.max(-1, keepdims=True)
    return -np.sum(labels * (z - np.log(np.exp(z).sum(-1, keepdims=True))), -1)


def _sigmoid_ce(labels, logits, label_smoothing=0.0):
    labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


def _huber(labels, preds, delta=1.0):
    err = np.abs(preds - labels)
    quad = np.minimum(err, delta)
    return 0.5 * quad ** 2 + delta * (err - quad)


def _log_loss(labels, preds, epsilon=1e-7):
    return -labels * np.log(preds + epsilon) - (1 - labels) * np.log(1 - preds + epsilon)


def reduce_ref(losses, weights, reduction):
    """tfjs computeWeightedLoss."""
    weighted = losses if weights is None else losses * weights
    if reduction == Reduction.NONE:
        return weighted
    if reduction == Reduction.SUM:
        return weighted.sum()
    if reduction == Reduction.MEAN:
        if weights is None:
            return weighted.mean()
        factor = losses.size / np.size(weights)
        return weighted.sum() / np.sum(weights) / (factor if factor > 1 else 1)
    if weights is None:  # SUM_BY_NONZERO_WEIGHTS
        return weighted.sum() / losses.size
    return weighted.sum() / np.count_nonzero(np.broadcast_to(weights, losses.shape))


def labels01(rng, s):
    return f32(rng.random(s) > 0.5)


def onehot(rng, s):
    return f32(np.eye(s[-1])[rng.integers(0, s[-1], s[:-1])])


def huber_preds(rng, s):  # |error| away from 0 and from delta=1 (the kinks)
    return f32(rng.choice([-1, 1], s) * rng.choice([0.3, 0.6, 1.5, 2.5], s))


# name, reference (elementwise or per example), labels, predictions, keyword args
LOSSES = [
    ("mean_squared_error", lambda y, p: (y - p) ** 2, uniform, uniform, {}),
    ("absolute_difference", lambda y, p: np.abs(y - p),
     lambda r, s: f32(np.zeros(s)), lambda r, s: uniform(r, s, away=[0]), {}),
    ("huber_loss", _huber, lambda r, s: f32(np.zeros(s)), huber_preds, {}),
    ("huber_loss", lambda y, p: _huber(y, p, 0.5), lambda r, s: f32(np.zeros(s)),
     lambda r, s: huber_preds(r, s) * 0.9, {"delta": 0.5}),
    ("log_loss", _log_loss, labels01, lambda r, s: uniform(r, s, 0.05, 0.95), {}),
    ("sigmoid_cross_entropy", _sigmoid_ce, labels01, uniform, {}),
    ("sigmoid_cross_entropy", lambda y, x: _sigmoid_ce(y, x, 0.2), labels01, uniform,
     {"label_smoothing": 0.2}),
    ("softmax_cross_entropy", _softmax_ce, onehot, uniform, {}),
    ("softmax_cross_entropy", lambda y, x: _softmax_ce(y, x, 0.1), onehot, uniform,
     {"label_smoothing": 0.1}),
]
IDS = [f"{l[0]}{'-' + '-'.join(map(str, l[4].values())) if l[4] else ''}" for l in LOSSES]
REDUCTIONS = ["NONE", "SUM", "MEAN", "SUM_BY_NONZERO_WEIGHTS"]


def _weights(kind, loss_shape, rng):
    if kind is None:
        return None
    if kind == "scalar":
        return f32(0.5)
    if kind == "row":  # broadcast along the last axis
        return f32(rng.uniform(0.5, 2, loss_shape[:1] + (1,) * (len(loss_shape) - 1)))
    w = f32(rng.uniform(0.5, 2, loss_shape))
    w.flat[::3] = 0  # zeros matter to SUM_BY_NONZERO_WEIGHTS
    return w


@pytest.mark.parametrize("name,ref,dom_y,dom_p,kw", LOSSES, ids=IDS)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", [None, "scalar", "row", "full"])
def test_values(backend, name, ref, dom_y, dom_p, kw, reduction, weights):
    rng = np.random.default_rng(61)
    y, p = dom_y(rng, (4, 3)), dom_p(rng, (4, 3))
    losses = ref(y.astype(np.float64), p.astype(np.float64))
    w = _weights(weights, losses.shape, rng)
    red = getattr(Reduction, reduction)
    expected = reduce_ref(losses, None if w is None else w.astype(np.float64), red)
    got = getattr(wt.losses, name)(wt.tensor(y), wt.tensor(p),
                                   None if w is None else wt.tensor(w), reduction=red, **kw)
    assert_close(got, expected, **tol(backend, "trans"))


@pytest.mark.parametrize("name,ref,dom_y,dom_p,kw", LOSSES, ids=IDS)
def test_default_reduction_and_grad(backend, name, ref, dom_y, dom_p, kw):
    rng = np.random.default_rng(62)
    y, p = dom_y(rng, (4, 3)), dom_p(rng, (4, 3))
    fn = getattr(wt.losses, name)
    expected = ref(y.astype(np.float64), p.astype(np.float64)).mean()  # no weights: a mean
    assert_close(fn(wt.tensor(y), wt.tensor(p), **kw), expected, **tol(backend, "trans"))
    w = _weights("full", np.shape(ref(y, p)), rng)
    check_grad(lambda t: fn(wt.tensor(y), t, wt.tensor(w), **kw),
               lambda a: reduce_ref(ref(y.astype(np.float64), a), w.astype(np.float64),
                                    Reduction.SUM_BY_NONZERO_WEIGHTS), [p], backend)


def test_losses_accept_nested_lists(backend):
    got = wt.losses.mean_squared_error([1.0, 2.0, 3.0], [1.5, 2.0, 2.0])
    assert_close(got, (0.25 + 0 + 1) / 3)


# ---- cosine_distance and hinge_loss ----
def test_all_nine_tfjs_losses_exist():
    for name in ("absolute_difference compute_weighted_loss cosine_distance hinge_loss huber_loss log_loss "
                 "mean_squared_error sigmoid_cross_entropy softmax_cross_entropy").split():
        assert callable(getattr(wt.losses, name)), name


def _cosine(y, p, axis):
    return 1 - np.sum(y * p, axis, keepdims=True)


def _hinge(y, p):
    return np.maximum(0, 1 - (2 * y - 1) * p)


def _unit_rows(rng, s, axis):
    v = uniform(rng, s)
    return f32(v / np.linalg.norm(v, axis=axis, keepdims=True))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", [None, "scalar", "row", "full"])
@pytest.mark.parametrize("axis", [-1, 0])
def test_cosine_distance(backend, reduction, weights, axis):
    rng = np.random.default_rng(63)
    y, p = _unit_rows(rng, (4, 3), axis), _unit_rows(rng, (4, 3), axis)
    losses = _cosine(y.astype(np.float64), p.astype(np.float64), axis)
    w = _weights(weights, losses.shape, rng)
    red = getattr(Reduction, reduction)
    expected = reduce_ref(losses, None if w is None else w.astype(np.float64), red)
    got = wt.losses.cosine_distance(wt.tensor(y), wt.tensor(p), axis, None if w is None else wt.tensor(w), red)
    assert_close(got, expected, **tol(backend, "trans"))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", [None, "scalar", "row", "full"])
def test_hinge_loss(backend, reduction, weights):
    rng = np.random.default_rng(64)
    y, p = labels01(rng, (4, 3)), uniform(rng, (4, 3), away=[-1, 1])
    losses = _hinge(y.astype(np.float64), p.astype(np.float64))
    w = _weights(weights, losses.shape, rng)
    red = getattr(Reduction, reduction)
    expected = reduce_ref(losses, None if w is None else w.astype(np.float64), red)
    got = wt.losses.hinge_loss(wt.tensor(y), wt.tensor(p), None if w is None else wt.tensor(w), red)
    assert_close(got, expected, **tol(backend, "trans"))


def test_cosine_distance_and_hinge_loss_grads(backend):
    rng = np.random.default_rng(65)
    y, p = _unit_rows(rng, (4, 3), 1), uniform(rng, (4, 3), away=[-1, 1])
    w = _weights("full", (4, 1), rng)
    red = Reduction.SUM_BY_NONZERO_WEIGHTS
    check_grad(lambda a, b: wt.losses.cosine_distance(a, b, 1, wt.tensor(w)),
               lambda a, b: reduce_ref(_cosine(a, b, 1), w.astype(np.float64), red), [y, p], backend)
    labels = labels01(rng, (4, 3))
    w = _weights("full", (4, 3), rng)
    check_grad(lambda t: wt.losses.hinge_loss(wt.tensor(labels), t, wt.tensor(w)),
               lambda a: reduce_ref(_hinge(labels.astype(np.float64), a), w.astype(np.float64), red), [p], backend)
    assert_close(wt.losses.hinge_loss([1.0, 0.0], [0.5, 0.5]), (0.5 + 1.5) / 2)  # the default: a mean


@pytest.mark.leakcheck
def test_cosine_distance_and_hinge_loss_errors(backend):
    with pytest.raises(ValueError, match="cosine_distance: labels shape \\(2,\\) and predictions shape \\(3,\\)"):
        wt.losses.cosine_distance([1.0, 0.0], [1.0, 0.0, 0.0], 0)
    with pytest.raises(ValueError, match="cosine_distance: axis 1 is out of range"):
        wt.losses.cosine_distance([1.0, 0.0], [1.0, 0.0], 1)
    with pytest.raises(ValueError, match="hinge_loss: labels shape \\(1, 2\\) and predictions shape \\(2,\\)"):
        wt.losses.hinge_loss([[1.0, 0.0]], [1.0, 0.0])
    with pytest.raises(ValueError, match="hinge_loss: .*unknown reduction 'avg'"):
        wt.losses.hinge_loss([1.0, 0.0], [1.0, 0.0], None, "avg")

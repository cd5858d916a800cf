"""Losses with tfjs's argument order (labels first) and reductions."""
from .ops import elementwise as E
from .ops.core import as_tensor, norm_axis, op
from .ops.nn import log_softmax
from .ops.reduction import mean, sum as _sum


class Reduction:
    NONE = "none"
    MEAN = "mean"
    SUM = "sum"
    SUM_BY_NONZERO_WEIGHTS = "sum_by_nonzero_weights"


@op
def compute_weighted_loss(losses, weights=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    losses = as_tensor(losses, "losses", "compute_weighted_loss")
    weighted = losses if weights is None else E.mul(losses, weights)
    if reduction == Reduction.NONE:
        return weighted
    if reduction == Reduction.SUM:
        return _sum(weighted)
    if weights is None:
        if reduction in (Reduction.MEAN, Reduction.SUM_BY_NONZERO_WEIGHTS):
            return mean(weighted)
    else:
        w = E.mul(E.add(E.mul(losses, 0.0), 1.0), weights)  # weights broadcast to the losses' shape
        if reduction == Reduction.MEAN:
            return E.div(_sum(weighted), _sum(w))
        if reduction == Reduction.SUM_BY_NONZERO_WEIGHTS:
            return E.div(_sum(weighted), _sum(E.cast(E.not_equal(w, 0.0), "float32")))
    raise ValueError(f"compute_weighted_loss: unknown reduction {reduction!r}")


def _pair(labels, predictions, name):
    labels = E.cast(as_tensor(labels, "labels", name), "float32")
    predictions = E.cast(as_tensor(predictions, "predictions", name), "float32")
    if labels.shape != predictions.shape:
        raise ValueError(f"{name}: labels shape {labels.shape} and predictions shape "
                         f"{predictions.shape} must be equal")
    return labels, predictions


@op
def mean_squared_error(labels, predictions, weights=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions, "mean_squared_error")
    return compute_weighted_loss(E.squared_difference(labels, predictions), weights, reduction)


@op
def absolute_difference(labels, predictions, weights=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions, "absolute_difference")
    return compute_weighted_loss(E.abs(E.sub(labels, predictions)), weights, reduction)


@op
def huber_loss(labels, predictions, weights=None, delta=1.0, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions, "huber_loss")
    error = E.abs(E.sub(labels, predictions))
    quadratic = E.minimum(error, delta)
    linear = E.sub(error, quadratic)
    return compute_weighted_loss(E.add(E.mul(E.square(quadratic), 0.5), E.mul(linear, delta)), weights, reduction)


@op
def cosine_distance(labels, predictions, axis, weights=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """1 - sum(labels * predictions) along `axis` (kept, of size 1): for unit-normalized inputs."""
    labels, predictions = _pair(labels, predictions, "cosine_distance")
    axis = norm_axis(axis, labels.rank, "cosine_distance")
    return compute_weighted_loss(E.sub(1.0, _sum(E.mul(labels, predictions), axis, True)), weights, reduction)


@op
def hinge_loss(labels, predictions, weights=None, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - y * predictions) with the 0/1 labels mapped to y = -1/+1."""
    labels, predictions = _pair(labels, predictions, "hinge_loss")
    signs = E.sub(E.mul(labels, 2.0), 1.0)
    return compute_weighted_loss(E.relu(E.sub(1.0, E.mul(signs, predictions))), weights, reduction)


@op
def log_loss(labels, predictions, weights=None, epsilon=1e-7, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, predictions = _pair(labels, predictions, "log_loss")
    pos = E.mul(labels, E.log(E.add(predictions, epsilon)))
    neg = E.mul(E.sub(1.0, labels), E.log(E.add(E.sub(1.0, predictions), epsilon)))
    return compute_weighted_loss(E.neg(E.add(pos, neg)), weights, reduction)


@op
def sigmoid_cross_entropy(multi_class_labels, logits, weights=None, label_smoothing=0.0,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, logits = _pair(multi_class_labels, logits, "sigmoid_cross_entropy")
    if label_smoothing > 0:
        labels = E.add(E.mul(labels, 1 - label_smoothing), 0.5 * label_smoothing)
    # relu(x) - x*z + log(1 + exp(-|x|)): stable for large |x|
    loss = E.add(E.sub(E.relu(logits), E.mul(logits, labels)), E.log1p(E.exp(E.neg(E.abs(logits)))))
    return compute_weighted_loss(loss, weights, reduction)


@op
def softmax_cross_entropy(onehot_labels, logits, weights=None, label_smoothing=0.0,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    labels, logits = _pair(onehot_labels, logits, "softmax_cross_entropy")
    if label_smoothing > 0:
        labels = E.add(E.mul(labels, 1 - label_smoothing), label_smoothing / labels.shape[-1])
    loss = E.neg(_sum(E.mul(labels, log_softmax(logits, -1)), -1))
    return compute_weighted_loss(loss, weights, reduction)

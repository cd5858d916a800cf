"""Metrics for compile(metrics=[...]), per sample where tfjs's are (metrics.ts); any loss name
is also a metric. 'accuracy' picks binary, sparse or categorical accuracy from the loss and
the output's shape, as tfjs does, and is logged as 'acc'."""
from .. import ops
from . import losses
from .names import lookup


def binary_accuracy(y_true, y_pred):
    return ops.mean(ops.cast(ops.equal(y_true, ops.cast(ops.greater(y_pred, 0.5), y_true.dtype)),
                             "float32"), -1)


def categorical_accuracy(y_true, y_pred):
    return ops.cast(ops.equal(ops.argmax(y_true, -1), ops.argmax(y_pred, -1)), "float32")


def sparse_categorical_accuracy(y_true, y_pred):
    labels = ops.cast(ops.reshape(y_true, [-1]), "int32")
    return ops.cast(ops.equal(labels, ops.argmax(ops.reshape(y_pred, [-1, y_pred.shape[-1]]), -1)),
                    "float32")


def _counts(y_true, y_pred):
    """True positives, false positives and false negatives of predictions thresholded at 0.5
    (tfjs compares y_pred with 1 exactly, which a sigmoid output never reaches)."""
    t = ops.equal(y_true, 1.0)
    p = ops.greater(y_pred, 0.5)
    count = lambda c: ops.sum(ops.cast(c, "float32"))  # noqa: E731
    return count(ops.logical_and(t, p)), count(ops.logical_and(ops.logical_not(t), p)), \
        count(ops.logical_and(t, ops.logical_not(p)))


def precision(y_true, y_pred):
    tp, fp, _ = _counts(y_true, y_pred)
    return ops.where(ops.greater(tp + fp, 0.0), tp / ops.maximum(tp + fp, 1.0), ops.zeros_like(tp))


def recall(y_true, y_pred):
    tp, _, fn = _counts(y_true, y_pred)
    return ops.where(ops.greater(tp + fn, 0.0), tp / ops.maximum(tp + fn, 1.0), ops.zeros_like(tp))


METRICS = {f.__name__: f for f in (binary_accuracy, categorical_accuracy,
                                   sparse_categorical_accuracy, precision, recall)}


def get(identifier, loss_fn=None, output_shape=None):
    """(log name, function) for a metric given by name or callable."""
    if callable(identifier):
        return getattr(identifier, "__name__", "metric"), identifier
    if identifier in ("accuracy", "acc"):
        if output_shape[-1] == 1 or loss_fn is losses.binary_crossentropy:
            return "acc", binary_accuracy
        if loss_fn is losses.sparse_categorical_crossentropy:
            return "acc", sparse_categorical_accuracy
        return "acc", categorical_accuracy
    return identifier, lookup({**losses.LOSSES, **METRICS}, identifier, "metric")

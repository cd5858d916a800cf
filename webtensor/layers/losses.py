"""The losses of compile(loss=...), per sample (the mean over the batch is taken by training),
with tfjs-layers' formulas (losses.ts): y_true first; crossentropies take probabilities,
clipped to [EPSILON, 1 - EPSILON] as tfjs's epsilon()."""
import math

from .. import ops
from .names import lookup

EPSILON = 1e-7
BIG = 3.4e38  # tfjs clips from below only, with Number.MAX_VALUE; float32 can hold this


def mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), -1)


def mean_absolute_error(y_true, y_pred):
    return ops.mean(ops.abs(y_pred - y_true), -1)


def mean_absolute_percentage_error(y_true, y_pred):
    diff = ops.abs((y_true - y_pred) / ops.clip_by_value(ops.abs(y_true), EPSILON, BIG))
    return ops.mean(diff, -1) * 100.0


def mean_squared_logarithmic_error(y_true, y_pred):
    first = ops.log1p(ops.clip_by_value(y_pred, EPSILON, BIG))
    second = ops.log1p(ops.clip_by_value(y_true, EPSILON, BIG))
    return ops.mean(ops.square(first - second), -1)


def squared_hinge(y_true, y_pred):
    return ops.mean(ops.square(ops.maximum(1.0 - y_true * y_pred, 0.0)), -1)


def hinge(y_true, y_pred):
    return ops.mean(ops.maximum(1.0 - y_true * y_pred, 0.0), -1)


def categorical_hinge(y_true, y_pred):
    pos = ops.sum(y_true * y_pred, -1)
    neg = ops.max((1.0 - y_true) * y_pred, -1)
    return ops.maximum(neg - pos + 1.0, 0.0)


def logcosh(y_true, y_pred):
    d = y_pred - y_true  # log(cosh(d)) = d + softplus(-2d) - log 2, stable for large |d|
    return ops.mean(d + ops.softplus(d * -2.0) - math.log(2.0), -1)


def categorical_crossentropy(y_true, y_pred):
    p = y_pred / ops.sum(y_pred, -1, True)
    p = ops.clip_by_value(p, EPSILON, 1 - EPSILON)
    return ops.neg(ops.sum(y_true * ops.log(p), -1))


def sparse_categorical_crossentropy(y_true, y_pred):
    labels = ops.cast(ops.floor(ops.reshape(y_true, [-1])), "int32")
    one_hot = ops.reshape(ops.cast(ops.one_hot(labels, y_pred.shape[-1]), "float32"), y_pred.shape)
    return categorical_crossentropy(one_hot, ops.clip_by_value(y_pred, EPSILON, 1 - EPSILON))


def binary_crossentropy(y_true, y_pred):
    p = ops.clip_by_value(y_pred, EPSILON, 1 - EPSILON)
    logits = ops.log(p / (1.0 - p))
    # sigmoid cross-entropy of the recovered logits: relu(x) - x z + log(1 + exp(-|x|))
    loss = ops.relu(logits) - logits * y_true + ops.log1p(ops.exp(ops.neg(ops.abs(logits))))
    return ops.mean(loss, -1)


def kullback_leibler_divergence(y_true, y_pred):
    t = ops.clip_by_value(y_true, EPSILON, 1.0)
    p = ops.clip_by_value(y_pred, EPSILON, 1.0)
    return ops.sum(y_true * ops.log(t / p), -1)


def poisson(y_true, y_pred):
    return ops.mean(y_pred - y_true * ops.log(y_pred + EPSILON), -1)


def l2_normalize(x, axis=-1):
    return x / ops.sqrt(ops.maximum(ops.sum(ops.square(x), axis, True), EPSILON))


def cosine_proximity(y_true, y_pred):
    return ops.neg(ops.sum(l2_normalize(y_true) * l2_normalize(y_pred), -1))


LOSSES = {f.__name__: f for f in (
    mean_squared_error, mean_absolute_error, mean_absolute_percentage_error,
    mean_squared_logarithmic_error, squared_hinge, hinge, categorical_hinge, logcosh,
    categorical_crossentropy, sparse_categorical_crossentropy, binary_crossentropy,
    kullback_leibler_divergence, poisson, cosine_proximity)}
LOSSES.update(mse=mean_squared_error, mae=mean_absolute_error, mape=mean_absolute_percentage_error,
              msle=mean_squared_logarithmic_error, kld=kullback_leibler_divergence,
              cosine=cosine_proximity)


def get(identifier):
    """A loss function from a name (either spelling; 'MSE' works too) or a callable."""
    if callable(identifier):
        return identifier
    return lookup(LOSSES, identifier, "loss")

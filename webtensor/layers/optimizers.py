"""Optimizer names for compile(optimizer='adam'), with tfjs-layers' default learning rates
(optimizers.ts getOptimizer)."""
from .. import train
from .names import lookup

OPTIMIZERS = {
    "sgd": lambda: train.sgd(0.01),
    "adam": lambda: train.adam(0.001),
    "rmsprop": lambda: train.rmsprop(0.001),
    "adagrad": lambda: train.adagrad(0.01),
    "adadelta": lambda: train.adadelta(1.0),
    "adamax": lambda: train.adamax(0.002),
}


def get(identifier):
    """(optimizer, made_here): a wt.train optimizer from a name, or the one given."""
    if isinstance(identifier, train.Optimizer):
        return identifier, False
    return lookup(OPTIMIZERS, identifier, "optimizer")(), True

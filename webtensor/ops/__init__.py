"""Every op, and their attachment to Tensor as chainable methods and Python operators.

The modules build on each other in this order, with no cycle: core, elementwise, shape,
reduction, linalg, creation, indexing, nn."""
from .. import optable
from ..tensor import Tensor
from . import creation, elementwise, indexing, linalg, nn, reduction, shape
from .creation import (eye, fill, linspace, ones, ones_like, random_normal, random_uniform, range, scalar,
                       tensor, tensor1d, tensor2d, tensor3d, tensor4d, truncated_normal, zeros, zeros_like)
from .elementwise import *  # noqa: F401,F403  (the ops generated from optable's rows)
from .elementwise import (add, add_n, cast, clip_by_value, clone, div, equal, floor_div, greater,
                          greater_equal, leaky_relu, less, less_equal, log_sigmoid, logical_and,
                          logical_not, logical_or, logical_xor, mod, mul, neg, not_equal, pow, step,
                          sub, where)
from .indexing import gather, getitem, one_hot
from .linalg import dot, matmul, outer
from .nn import (avg_pool, batch_norm, conv2d, conv2d_transpose, depthwise_conv2d, dropout, log_softmax,
                 max_pool, resize_bilinear, softmax)
from .reduction import (all, any, argmax, argmin, cumsum, logsumexp, max, mean, min, moments, norm, prod,
                        sum)
from .shape import (broadcast_to, concat, expand_dims, flatten, pad, reshape, reverse, slice, split, squeeze,
                    stack, tile, transpose, unstack)

_METHODS = list(optable.UNARY) + list(optable.BINARY) + list(optable.REDUCE) + """
    where add_n cast step leaky_relu log_sigmoid clip_by_value
    mean argmax argmin logsumexp norm moments cumsum
    matmul dot outer
    reshape flatten transpose expand_dims squeeze concat stack unstack split slice gather tile pad
    reverse clone broadcast_to
    softmax log_softmax conv2d conv2d_transpose depthwise_conv2d max_pool avg_pool batch_norm dropout
    resize_bilinear one_hot zeros_like ones_like
""".split()
_g = globals()
for _name in _METHODS:
    setattr(Tensor, _name, _g[_name])


def _true_div(a, b):
    """Python's `/` is true division, also for int32 operands (wt.div follows tfjs instead)."""
    a, b = elementwise.as_pair(a, b, "div")
    if a.dtype != "float32":
        a = cast(a, "float32")
    return div(a, b)


def _matmul_op(a, b):
    a, b = elementwise.as_pair(a, b, "matmul")
    return dot(a, b) if a.rank == 1 or b.rank == 1 else matmul(a, b)


_OPERATORS = {
    "__add__": add, "__sub__": sub, "__mul__": mul, "__truediv__": _true_div,
    "__floordiv__": floor_div, "__mod__": mod, "__pow__": pow, "__matmul__": _matmul_op,
    "__eq__": equal, "__ne__": not_equal, "__lt__": less, "__le__": less_equal,
    "__gt__": greater, "__ge__": greater_equal,
    "__and__": logical_and, "__or__": logical_or, "__xor__": logical_xor,
}
for _dunder, _f in _OPERATORS.items():
    setattr(Tensor, _dunder, _f)
    if _dunder not in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
        setattr(Tensor, "__r" + _dunder[2:], (lambda f: lambda self, other: f(other, self))(_f))
Tensor.__neg__ = neg
Tensor.__abs__ = elementwise.abs
Tensor.__invert__ = logical_not
Tensor.__getitem__ = getitem
Tensor.T = property(lambda self: transpose(self))
Tensor.ndim = property(lambda self: self.rank)
Tensor.as_type = cast
Tensor.to_float = lambda self: cast(self, "float32")
Tensor.to_int = lambda self: cast(self, "int32")
Tensor.to_bool = lambda self: cast(self, "bool")

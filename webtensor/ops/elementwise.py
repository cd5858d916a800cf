"""Unary, binary and ternary elementwise ops. Each kernel op is one table row: its name, its
gradient written with other ops, and its dtype rule; the op functions are generated from it."""
import math

from ..backends.base import COMPARISONS
from ..dtypes import upcast
from ..tensor import Tensor
from .core import as_pair, as_tensor, broadcast_shapes, constant, op, run, with_grad

SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772

# name -> (gradient dx = f(dy, x, y), keeps integer dtypes?)
UNARY_GRADS = {
    "neg": (lambda dy, x, y: neg(dy), True),
    "abs": (lambda dy, x, y: mul(dy, sign(x)), True),
    "square": (lambda dy, x, y: mul(dy, mul(x, 2.0)), True),
    "sqrt": (lambda dy, x, y: div(dy, mul(y, 2.0)), False),
    "rsqrt": (lambda dy, x, y: mul(dy, mul(div(y, x), -0.5)), False),
    "exp": (lambda dy, x, y: mul(dy, y), False),
    "log": (lambda dy, x, y: div(dy, x), False),
    "log1p": (lambda dy, x, y: div(dy, add(x, 1.0)), False),
    "expm1": (lambda dy, x, y: mul(dy, add(y, 1.0)), False),
    "sin": (lambda dy, x, y: mul(dy, cos(x)), False),
    "cos": (lambda dy, x, y: neg(mul(dy, sin(x))), False),
    "tan": (lambda dy, x, y: div(dy, square(cos(x))), False),
    "asin": (lambda dy, x, y: div(dy, sqrt(sub(1.0, square(x)))), False),
    "acos": (lambda dy, x, y: neg(div(dy, sqrt(sub(1.0, square(x))))), False),
    "atan": (lambda dy, x, y: div(dy, add(square(x), 1.0)), False),
    "sinh": (lambda dy, x, y: mul(dy, cosh(x)), False),
    "cosh": (lambda dy, x, y: mul(dy, sinh(x)), False),
    "tanh": (lambda dy, x, y: mul(dy, sub(1.0, square(y))), False),
    "asinh": (lambda dy, x, y: div(dy, sqrt(add(square(x), 1.0))), False),
    "acosh": (lambda dy, x, y: div(dy, sqrt(sub(square(x), 1.0))), False),
    "atanh": (lambda dy, x, y: div(dy, sub(1.0, square(x))), False),
    "sigmoid": (lambda dy, x, y: mul(dy, mul(y, sub(1.0, y))), False),
    "softplus": (lambda dy, x, y: mul(dy, sigmoid(x)), False),
    "sign": (lambda dy, x, y: mul(dy, 0.0), True),
    "floor": (lambda dy, x, y: mul(dy, 0.0), True),
    "ceil": (lambda dy, x, y: mul(dy, 0.0), True),
    "round": (lambda dy, x, y: mul(dy, 0.0), True),
    "reciprocal": (lambda dy, x, y: neg(mul(dy, square(y))), False),
    "erf": (lambda dy, x, y: mul(dy, mul(exp(neg(square(x))), 2 / math.sqrt(math.pi))), False),
    "relu": (lambda dy, x, y: mul(dy, step(x)), True),
    "relu6": (lambda dy, x, y: mul(dy, cast(logical_and(greater(x, 0), less(x, 6)), dy.dtype)), True),
    "elu": (lambda dy, x, y: mul(dy, where(greater(x, 0), 1.0, add(y, 1.0))), False),
    "selu": (lambda dy, x, y: mul(dy, where(greater(x, 0), SELU_SCALE, add(y, SELU_SCALE * SELU_ALPHA))), False),
    "is_nan": (None, True), "is_inf": (None, True), "is_finite": (None, True),
    "logical_not": (None, True),
}


def _unary_op(name, grad, keeps_int):
    is_test = name in COMPARISONS

    def kernel(x):
        backward = None if grad is None else (lambda dy, y: (grad(dy, x, y),))
        return run(name, (x,), x.shape, "bool" if is_test else x.dtype,
                   lambda b: b.unary(name, x), backward)

    def general(x):
        x = as_tensor(x, "x", name)
        if name == "logical_not" and x.dtype != "bool":
            raise TypeError(f"logical_not: argument 'x' must be bool, got {x.dtype}")
        if not keeps_int and x.dtype != "float32":
            x = cast(x, "float32")
        return kernel(x)
    general.__name__ = name
    general = op(general)

    def f(x):
        # the common case makes no intermediate tensor, so it needs no scope of its own
        if isinstance(x, Tensor) and (x.dtype == "float32" or (keeps_int and name != "logical_not")):
            return kernel(x)
        return general(x)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise {name}(x)."
    return f


def _unbroadcast(g, shape):
    """Sum a gradient over the axes that broadcasting added or stretched."""
    if g.shape == tuple(shape):
        return g
    from .reduction import sum as _sum
    from .shape import reshape
    lead = len(g.shape) - len(shape)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1]
    return reshape(_sum(g, axes), shape)


# name -> gradient (da, db) = f(dy, a, b, y); None for ops without a gradient
BINARY_GRADS = {
    "add": lambda dy, a, b, y: (dy, dy),
    "sub": lambda dy, a, b, y: (dy, neg(dy)),
    "mul": lambda dy, a, b, y: (mul(dy, b), mul(dy, a)),
    "div": lambda dy, a, b, y: (div(dy, b), neg(mul(dy, div(y, b)))),
    "floor_div": lambda dy, a, b, y: (mul(dy, 0.0), mul(dy, 0.0)),
    "mod": lambda dy, a, b, y: (dy, neg(mul(dy, floor(div(a, b))))),
    "pow": lambda dy, a, b, y: (
        mul(dy, mul(b, pow(a, sub(b, 1.0)))),
        mul(dy, where(greater(a, 0), mul(y, log(where(greater(a, 0), a, 1.0))), 0.0))),
    "maximum": lambda dy, a, b, y: (mul(dy, cast(greater_equal(a, b), dy.dtype)),
                                    mul(dy, cast(less(a, b), dy.dtype))),
    "minimum": lambda dy, a, b, y: (mul(dy, cast(less_equal(a, b), dy.dtype)),
                                    mul(dy, cast(greater(a, b), dy.dtype))),
    "squared_difference": lambda dy, a, b, y: (mul(dy, mul(sub(a, b), 2.0)), mul(dy, mul(sub(b, a), 2.0))),
    "atan2": lambda dy, a, b, y: (mul(dy, div(b, add(square(a), square(b)))),
                                  neg(mul(dy, div(a, add(square(a), square(b)))))),
    "prelu": lambda dy, a, b, y: (mul(dy, where(greater(a, 0), 1.0, b)),
                                  mul(dy, where(greater(a, 0), 0.0, a))),
}
LOGICAL = {"logical_and", "logical_or", "logical_xor"}
FLOAT_ONLY = {"atan2"}


def _binary_op(name, grad):
    is_test = name in COMPARISONS

    def kernel(a, b):
        shape = a.shape if a.shape == b.shape else broadcast_shapes(name, a.shape, b.shape)
        backward = None
        if grad is not None:
            def backward(dy, y):
                da, db = grad(dy, a, b, y)
                return _unbroadcast(da, a.shape), _unbroadcast(db, b.shape)
        return run(name, (a, b), shape, "bool" if is_test else a.dtype,
                   lambda be: be.binary(name, a, b, shape), backward)

    def general(a, b):
        a, b = as_pair(a, b, name)
        if name in LOGICAL:
            if a.dtype != "bool" or b.dtype != "bool":
                raise TypeError(f"{name}: arguments must be bool tensors, got {a.dtype} and {b.dtype}")
        elif a.dtype != b.dtype or (name in FLOAT_ONLY and a.dtype != "float32"):
            dtype = "float32" if name in FLOAT_ONLY else upcast(a.dtype, b.dtype)
            a, b = cast(a, dtype), cast(b, dtype)
        return kernel(a, b)
    general.__name__ = name
    general = op(general)

    def f(a, b):
        # float32 tensors and Python floats make no intermediate tensor: no scope needed
        if isinstance(a, Tensor) and a.dtype == "float32" and name not in LOGICAL:
            if isinstance(b, float):
                return kernel(a, constant(b, "float32"))
            if isinstance(b, Tensor) and b.dtype == "float32":
                return kernel(a, b)
        return general(a, b)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise {name}(a, b) with NumPy broadcasting."
    return f


# The ops themselves, one per table row (neg, exp, ..., add, mul, ...): the gradients above
# refer to them by these module-level names.
_g = globals()
for _name, (_grad, _keeps) in UNARY_GRADS.items():
    _g[_name] = _unary_op(_name, _grad, _keeps)
for _name in ("add sub mul floor_div mod pow maximum minimum squared_difference atan2 prelu "
              "equal not_equal less less_equal greater greater_equal logical_and logical_or "
              "logical_xor").split():
    _g[_name] = _binary_op(_name, BINARY_GRADS.get(_name))
_true_div = _binary_op("div", BINARY_GRADS["div"])


@op
def div(a, b):
    """a / b; for two int32 tensors, floor division (as tfjs does)."""
    a, b = as_pair(a, b, "div")
    if a.dtype == "int32" and b.dtype == "int32":
        return floor_div(a, b)
    return _true_div(a, b)


@op
def cast(x, dtype):
    from ..dtypes import check_dtype
    x = as_tensor(x, "x", "cast")
    dtype = check_dtype(dtype, "cast")
    if dtype == x.dtype:
        from .shape import clone
        return clone(x)
    grad = (lambda dy, y: (cast(dy, x.dtype) if x.dtype == "float32" else None,))
    return run("cast", (x,), x.shape, dtype, lambda b: b.cast(x, dtype), grad)


@op
def where(condition, a, b):
    """Elements of a where condition holds, of b elsewhere (all three broadcast)."""
    condition = as_tensor(condition, "condition", "where")
    if condition.dtype != "bool":
        raise TypeError(f"where: argument 'condition' must be bool, got {condition.dtype}")
    a, b = as_pair(a, b, "where")
    if a.dtype != b.dtype:
        dtype = upcast(a.dtype, b.dtype)
        a, b = cast(a, dtype), cast(b, dtype)
    shape = broadcast_shapes("where", condition.shape, a.shape, b.shape)

    def backward(dy, y):
        zero = mul(dy, 0.0) if dy.dtype == "float32" else dy
        return (None, _unbroadcast(where(condition, dy, zero), a.shape),
                _unbroadcast(where(condition, zero, dy), b.shape))
    return run("where", (condition, a, b), shape, a.dtype,
               lambda be: be.where(condition, a, b, shape), backward)


# ---- composites ----
@op
def step(x, alpha=0.0):
    """1 where x > 0, alpha elsewhere; its gradient is zero (as in tfjs)."""
    x = as_tensor(x, "x", "step")
    forward = lambda: where(greater(x, 0), 1.0 if x.dtype == "float32" else 1, alpha)  # noqa: E731
    return with_grad([x], forward, lambda dy, y: (mul(dy, 0.0),))


@op
def leaky_relu(x, alpha=0.2):
    return prelu(x, alpha)


@op
def log_sigmoid(x):
    return neg(softplus(neg(x)))


@op
def clip_by_value(x, clip_value_min, clip_value_max):
    if clip_value_min > clip_value_max:
        raise ValueError(f"clip_by_value: clip_value_min ({clip_value_min}) must be <= "
                         f"clip_value_max ({clip_value_max})")
    return minimum(maximum(x, clip_value_min), clip_value_max)


@op
def add_n(tensors):
    if not tensors:
        raise ValueError("add_n: argument 'tensors' must be a non-empty list of tensors")
    shapes = {as_tensor(t, "tensors", "add_n").shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"add_n: all tensors must have the same shape, got {sorted(shapes)}")
    total = tensors[0]
    for t in tensors[1:]:
        total = add(total, t)
    return total if len(tensors) > 1 else mul(total, 1)


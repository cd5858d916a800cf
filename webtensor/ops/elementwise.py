"""Unary, binary and ternary elementwise ops. The kernel ops (neg, exp, ..., add, mul, ...) are
generated from their rows in webtensor/optable.py: name, dtype rule and gradient."""
from .. import optable
from ..dtypes import COMPLEX64, check_dtype, upcast
from ..engine import ENGINE
from ..optable import FLOAT, LOGICAL, TEST
from ..tensor import Tensor
from .core import (as_pair, as_tensor, broadcast_shapes, constant, is_complex, number, on_complex, op, run,
                   view, with_grad)


def _unary_op(row):
    name, grad = row.name, row.grad
    out_bool = row.dtype in (TEST, LOGICAL)
    ready = {FLOAT: "float32", LOGICAL: "bool"}.get(row.dtype)  # the dtype the kernel needs

    def kernel(x):
        backward = (lambda dy, y: (grad(dy, x, y),)) if grad is not None and ENGINE.tapes else None
        return run(name, (x,), x.shape, "bool" if out_bool else x.dtype,
                   lambda be, x: be.unary(name, x), backward)

    def general(x):
        x = as_tensor(x, "x", name)
        if x.dtype == COMPLEX64:  # abs and neg take it; other ops raise
            return on_complex(name, x)
        if row.dtype == LOGICAL and x.dtype != "bool":
            raise TypeError(f"{name}: argument 'x' must be bool, got {x.dtype}")
        if row.dtype == FLOAT and x.dtype != "float32":
            x = cast(x, "float32")
        return kernel(x)
    general.__name__ = name
    general = op(general)

    def f(x):
        # the common case makes no intermediate tensor, so it needs no scope of its own
        if isinstance(x, Tensor) and (x.dtype == ready if ready else x.dtype != COMPLEX64):
            return kernel(x)
        return general(x)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise {name}(x)."
    return f


def _binary_op(row):
    name, grad = row.name, row.grad
    out_bool = row.dtype in (TEST, LOGICAL)

    def kernel(a, b):
        if a.shape == b.shape:
            shape = a.shape
        else:
            a._check_alive(name)  # a disposed operand is the error to report, not its shape
            b._check_alive(name)
            shape = broadcast_shapes(name, a.shape, b.shape)
        backward = (lambda dy, y: grad(dy, a, b, y)) if grad is not None and ENGINE.tapes else None
        return run(name, (a, b), shape, "bool" if out_bool else a.dtype,
                   lambda be, a, b: be.binary(name, a, b, shape), backward)

    def general(a, b):
        if is_complex(a) or is_complex(b):  # add, sub and mul take it; other ops raise
            return on_complex(name, a, b)
        a, b = as_pair(a, b, name)
        if row.dtype == LOGICAL:
            if a.dtype != "bool" or b.dtype != "bool":
                raise TypeError(f"{name}: arguments must be bool tensors, got {a.dtype} and {b.dtype}")
        elif a.dtype != b.dtype or (row.dtype == FLOAT and a.dtype != "float32"):
            dtype = "float32" if row.dtype == FLOAT else upcast(a.dtype, b.dtype)
            a, b = cast(a, dtype), cast(b, dtype)
        return kernel(a, b)
    general.__name__ = name
    general = op(general)

    def f(a, b):
        # float32 tensors and Python floats make no intermediate tensor: no scope needed
        if isinstance(a, Tensor) and a.dtype == "float32" and row.dtype != LOGICAL:
            if isinstance(b, float):
                return kernel(a, constant(b, "float32"))
            if isinstance(b, Tensor) and b.dtype == "float32":
                return kernel(a, b)
        return general(a, b)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"Elementwise {name}({', '.join(row.params or 'ab')}) with NumPy broadcasting."
    return _renamed(f, row.params) if row.params else f


def _renamed(f, params):
    """f with its parameters renamed (tfjs's pow(base, exp)): the same code under other local
    names, so that keywords and inspect see them and no wrapper slows the call."""
    code = f.__code__
    f.__code__ = code.replace(co_varnames=tuple(params) + code.co_varnames[len(params):])
    return f


# One op per row, as module-level names (neg, exp, ..., add, mul, ...). The "div" row is true
# division; the op div below follows tfjs for two int32 tensors.
_g = globals()
for _row in optable.UNARY.values():
    _g[_row.name] = _unary_op(_row)
for _row in optable.BINARY.values():
    _g[_row.name] = _binary_op(_row)
_true_div = _g.pop("div")


@op
def div(a, b):
    """a / b; floor division when the common dtype is int32 (as tfjs, which upcasts first)."""
    a, b = as_pair(a, b, "div")
    if upcast(a.dtype, b.dtype) == "int32":  # also bool with int32: true division would truncate
        return floor_div(a, b)
    return _true_div(a, b)


@op
def cast(x, dtype):
    x = as_tensor(x, "x", "cast")
    if dtype is None:
        raise TypeError("cast: argument 'dtype' must be 'float32', 'int32' or 'bool', got None")
    dtype = check_dtype(dtype, "cast")
    if x.dtype == COMPLEX64:  # its real part, as tfjs casts it
        return on_complex("cast", x, dtype)
    if dtype == x.dtype:
        return clone(x)
    grad = (lambda dy, y: (cast(dy, x.dtype) if x.dtype == "float32" else None,))
    if dtype == "int32" and x.dtype == "float32":
        return with_grad([x], lambda: _saturated_int32(x), grad)
    return run("cast", (x,), x.shape, dtype, lambda be, x: be.cast(x, dtype), grad)


def _saturated_int32(x):
    """float32 to int32 toward zero, NaN as 0 and out-of-range values saturated, as tensor(values,
    'int32') converts them: kernels (NumPy, GLSL) leave conversions past the int32 range undefined,
    so values are clamped first, and those >= 2**31 (past the largest float32 below it) replaced."""
    inside = minimum(maximum(x, -2.0 ** 31), 2147483520.0)
    y = run("cast", (inside,), x.shape, "int32", lambda be, x: be.cast(x, "int32"))
    return where(greater_equal(x, 2.0 ** 31), constant(2 ** 31 - 1, "int32"), y)


@op
def clone(x):
    """The same values in a new tensor (sharing the buffer: tensors never change)."""
    x = as_tensor(x, "x", "clone")
    out = view(x, x.shape)
    if ENGINE.tapes:
        ENGINE.record((x,), out, lambda dy, y: (dy,))
    return out


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
        return None, where(condition, dy, zero), where(condition, zero, dy)
    return run("where", (condition, a, b), shape, a.dtype,
               lambda be, c, a, b: be.where(c, a, b, shape), backward)


# ---- composites ----
@op
def step(x, alpha=0.0):
    """1 where x > 0, alpha elsewhere; its gradient is zero (as in tfjs)."""
    x = as_tensor(x, "x", "step")
    number(alpha, "step", "alpha")
    forward = lambda: where(greater(x, 0), 1.0 if x.dtype == "float32" else 1, alpha)  # noqa: E731
    return with_grad([x], forward, lambda dy, y: (mul(dy, 0.0),))


@op
def leaky_relu(x, alpha=0.2):
    return prelu(x, number(alpha, "leaky_relu", "alpha"))


@op
def log_sigmoid(x):
    return neg(softplus(neg(x)))


@op
def clip_by_value(x, clip_value_min, clip_value_max):
    number(clip_value_min, "clip_by_value", "clip_value_min")
    number(clip_value_max, "clip_by_value", "clip_value_max")
    if not clip_value_min <= clip_value_max:  # NaN too
        raise ValueError(f"clip_by_value: clip_value_min ({clip_value_min}) must be <= "
                         f"clip_value_max ({clip_value_max})")
    return minimum(maximum(x, clip_value_min), clip_value_max)


@op
def add_n(tensors):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"add_n: argument 'tensors' must be a list of tensors, got {type(tensors).__name__}")
    if not tensors:
        raise ValueError("add_n: argument 'tensors' must be a non-empty list of tensors")
    shapes = {as_tensor(t, "tensors", "add_n").shape for t in tensors}
    if len(shapes) > 1:
        raise ValueError(f"add_n: all tensors must have the same shape, got {sorted(shapes)}")
    total = tensors[0]
    for t in tensors[1:]:
        total = add(total, t)
    return total if len(tensors) > 1 else mul(total, 1)


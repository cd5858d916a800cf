"""Gradients: a tape records ops that depend on the watched tensors; the engine walks it in
reverse (a loop, so graph depth is unbounded) calling each op's backward."""
from .engine import ENGINE, Tape
from .ops.core import as_tensor, op, tensor_ids
from .ops.creation import ones_like
from .ops.elementwise import add, cast, clone
from .ops.reduction import sum as _sum
from .ops.shape import reshape
from .tensor import Tensor
from .variable import Variable


def _reduce_to(g, shape):
    """Sum a gradient over the axes that broadcasting added or stretched: the one place where
    gradients of broadcast operands are unbroadcast."""
    lead = len(g.shape) - len(shape)
    axes = list(range(lead)) + [lead + i for i, d in enumerate(shape) if d == 1 and g.shape[lead + i] != 1]
    return reshape(_sum(g, axes), shape)


def _gradients(f, xs, dy=None, allow_unused=False):
    """Run f(*xs) under a tape; return (y, [dy/dx for x in xs]). Everything made on the way
    except y and the gradients is disposed."""
    tape = Tape(xs)
    ENGINE.start_scope()
    try:
        with ENGINE.recording(tape):
            y = f(*xs)
        if not isinstance(y, Tensor):
            raise TypeError(f"grad: f must return a Tensor, got {type(y).__name__}")
        if dy is None:
            dy = ones_like(y)
        else:
            dy = as_tensor(dy, "dy", "grad")
            if dy.shape != y.shape:
                raise ValueError(f"grad: dy shape {dy.shape} must match the shape of y {y.shape}")
        grads_by_id = ENGINE.backprop(tape, y, dy, _reduce_to, add) if id(y) in tape.tracked else {}
        out = []
        for i, x in enumerate(xs):
            g = grads_by_id.get(id(x))
            if g is None and not allow_unused:
                raise ValueError(f"grad: cannot compute the gradient of y=f(x) with respect to input "
                                 f"{i} (shape {x.shape}): f does not use it; make sure f encloses "
                                 "every op from x to y")
            if g is not None and g.dtype != x.dtype and x.dtype == "float32":
                g = cast(g, "float32")
            out.append(g)
    except BaseException:
        ENGINE.end_scope(set())
        raise
    ENGINE.end_scope(tensor_ids([y, out]))
    return y, out


def _made_since(start, *tensors):
    """Dispose those of the tensors made after id `start`: never one the caller owns (a
    variable, an input returned as it is, a Python number's constant)."""
    for t in tensors:
        if isinstance(t, Tensor) and t.id > start:
            t.dispose()


def _inputs(xs, name):
    """The tensors to differentiate for; a tensor listed twice is given a second identity
    (a clone), so that each argument gets its own gradient."""
    if isinstance(xs, Tensor) or not isinstance(xs, (list, tuple)):
        raise TypeError(f"{name}: the function it returns takes a list of tensors")
    out, seen = [], set()
    for i, x in enumerate(xs):
        t = as_tensor(x, f"xs[{i}]", name)
        out.append(clone(t) if id(t) in seen else t)
        seen.add(id(t))
    return out


def _call(f, name, many):
    """The function grad/grads/value_and_grad(s) return: it converts the arguments, runs
    _gradients, and frees what it made that it does not return."""
    def g(xs, dy=None, keep_value=False):
        start = ENGINE.next_id
        inputs = _inputs(xs, name) if many else [as_tensor(xs, "x", name)]
        try:
            y, gs = _gradients(f, inputs, dy)
        except BaseException:
            _made_since(start, *inputs)
            raise
        returned = {id(y), *(id(g) for g in gs)}
        _made_since(start, *(t for t in inputs if id(t) not in returned))  # converted or cloned arguments
        if not keep_value:
            _made_since(start, y)
        return y, (gs if many else gs[0])
    return g


def grad(f):
    """grad(f)(x, dy=None): the gradient of f(x) with respect to x."""
    g = _call(f, "grad", False)
    return lambda x, dy=None: g(x, dy)[1]


def grads(f):
    """grads(f)([a, b, ...], dy=None): the gradients of f(a, b, ...) for each argument."""
    g = _call(f, "grads", True)
    return lambda xs, dy=None: g(xs, dy)[1]


def value_and_grad(f):
    g = _call(f, "value_and_grad", False)
    return lambda x, dy=None: g(x, dy, keep_value=True)


def value_and_grads(f):
    g = _call(f, "value_and_grads", True)
    return lambda xs, dy=None: g(xs, dy, keep_value=True)


class VariableGrads(dict):
    """{variable name: gradient} with the value of f as .value (tfjs's {value, grads})."""

    def __init__(self, value, grads):
        super().__init__(grads)
        self.value, self.grads = value, dict(grads)


def variable_grads(f, var_list=None):
    """The value of f() and the gradients of it with respect to the trainable variables it
    used (or those in var_list)."""
    if var_list is not None and (not isinstance(var_list, (list, tuple))
                                 or not all(isinstance(v, Variable) for v in var_list)):
        got = [type(v).__name__ for v in var_list] if isinstance(var_list, (list, tuple)) else type(var_list).__name__
        raise TypeError(f"variable_grads: argument 'var_list' must be a list of variables, got {got}")
    candidates = var_list if var_list is not None else [v for v in ENGINE.variables.values() if v.trainable]
    if not candidates:
        raise ValueError("variable_grads: there are no trainable variables to differentiate")
    start = ENGINE.next_id
    y, gs = _gradients(lambda *_: f(), candidates, allow_unused=True)
    if y.rank != 0:
        _made_since(start, y, *gs)
        raise ValueError(f"variable_grads: f must return a scalar loss, got shape {y.shape}")
    found = {v.name: g for v, g in zip(candidates, gs) if g is not None}
    if not found:
        _made_since(start, y)
        raise ValueError("variable_grads: f does not use any of the trainable variables; make "
                         "sure f encloses every op from the variables to the loss")
    return VariableGrads(y, found)


def custom_grad(f):
    """custom_grad(f): f(*inputs) returns (value, grad_fn), grad_fn(dy) returns one gradient per
    input; the op behaves as value forward and uses grad_fn backward."""
    @op
    def _custom_grad(*inputs):
        xs = [as_tensor(x, f"inputs[{i}]", "custom_grad") for i, x in enumerate(inputs)]
        with ENGINE.untaped() as taping:
            result = f(*xs)
        if not (isinstance(result, (tuple, list)) and len(result) == 2 and isinstance(result[0], Tensor)
                and callable(result[1])):
            raise TypeError(f"custom_grad: f must return (value tensor, grad_fn), got {type(result).__name__}")
        value, grad_fn = result
        if taping:
            def backward(dy, y):
                gs = grad_fn(dy)
                gs = [gs] if isinstance(gs, Tensor) else gs
                if not isinstance(gs, (list, tuple)) or not all(isinstance(g, Tensor) for g in gs):
                    raise TypeError(f"custom_grad: grad_fn must return a tensor or a list of tensors (one per "
                                    f"input), got {type(gs).__name__}")
                if len(gs) != len(xs):
                    raise ValueError(f"custom_grad: grad_fn returned {len(gs)} gradients for {len(xs)} inputs")
                for i, (g, x) in enumerate(zip(gs, xs)):  # as tfjs checks every op's gradients
                    if g.shape != x.shape:
                        raise ValueError(f"custom_grad: grad_fn's gradient {i} has shape {g.shape}; input {i} "
                                         f"has shape {x.shape}")
                    if x.dtype == "float32" and g.dtype != "float32":
                        raise TypeError(f"custom_grad: grad_fn's gradient {i} has dtype {g.dtype}; input {i} "
                                        "is float32")
                return gs
            # what grad_fn closes over (made in this op's scope) must outlive the scope
            ENGINE.record(tuple(xs), value, backward, saved=ENGINE.scopes[-1])
        return value
    return _custom_grad

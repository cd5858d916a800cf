"""The machinery every op uses: the @op scope, running a kernel, turning arguments into tensors,
broadcasting and axis rules. Each op file builds on these and nothing else."""
import builtins
import functools
import operator
import weakref

import numpy as np

from ..dtypes import COMPLEX64, DTYPES, infer_dtype, nbytes
from ..backends.base import Buffer, shape_size
from ..engine import ENGINE
from ..tensor import Scalar, Tensor, make_tensor


def op(fn):
    """Run an op in its own scope, as tfjs's op() does: intermediates of composite ops are
    freed, and when an op fails, whatever it made is freed too, so nothing leaks. An error
    raised by an inner op is reported under the name of the op the user called."""
    name = fn.__name__.lstrip("_")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ENGINE.start_op()
        try:
            result = fn(*args, **kwargs)
        except BaseException as e:
            if ENGINE.fail_op() and type(e) in (ValueError, TypeError, IndexError) \
                    and not str(e).startswith(name + ":"):
                raise type(e)(f"{name}: {e}") from e
            raise
        ENGINE.end_op(tensor_ids(result))
        return result
    return wrapper


def tensor_ids(obj):
    """ids of the tensors in obj, looking through lists, tuples and dicts."""
    if isinstance(obj, Tensor):
        return {id(obj)}
    ids, stack = set(), [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            ids.add(id(o))
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.values())
    return ids


def run(op_name, inputs, shape, dtype, kernel, backward=None):
    """Run one backend kernel and wrap its result. kernel(backend, *operands) gets the inputs
    as Buffers (handle, shape, dtype) and returns a handle; backward(dy, out) returns one
    gradient (or None) per input, of the input's shape or broadcast to it."""
    backend = ENGINE.backend or ENGINE.ensure_backend()
    operands = []
    for x in inputs:
        data = x._data
        if data is None:
            x._check_alive(op_name)
        handle = data.handle if data.backend is backend else _on_backend(x, backend, op_name)
        operands.append(_buffer((handle, x.shape, x.dtype)))
    size = shape_size(shape)  # a Python int: exact for any shape
    if size > MAX_SIZE:
        raise ValueError(f"{op_name}: a result of shape {tuple(shape)} would have {size} elements; "
                         f"a tensor holds at most 2**31 - 1")
    handle = kernel(backend, *operands)
    out = make_tensor(ENGINE.make_data(backend, handle, nbytes(size, dtype)), shape, dtype)
    if backward is not None and ENGINE.tapes:
        ENGINE.record(inputs, out, backward)
    return out


_buffer = functools.partial(tuple.__new__, Buffer)  # Buffer(*fields) without its Python-level __new__


def _on_backend(x, backend, op_name):
    if x.dtype == COMPLEX64:  # no buffer to give a kernel: the op has no complex64 case
        raise complex_unsupported(op_name)
    return ENGINE.on_backend(x, backend)


# ---- complex64 (ops/complex.py): ops that take it dispatch here, as `if is_complex(x): return
# on_complex("add", a, b)`, to the case ops/complex.py registers (a composition on the parts)
COMPLEX_OPS = {}  # op name (or an internal _name) -> its complex64 case


def is_complex(x):
    return isinstance(x, Tensor) and x.dtype == COMPLEX64


def on_complex(name, *args):
    case = COMPLEX_OPS.get(name)
    if case is None:
        raise complex_unsupported(name)
    return case(*args)


def complex_unsupported(op_name):
    return TypeError(f"{op_name}: complex64 tensors are not supported (help(wt.complex) lists the "
                     "ops that take them); work on wt.real(x) and wt.imag(x)")


def from_values(values, dtype, what="values"):
    """A tensor holding a NumPy array's values (converted to dtype); `what` names them in errors."""
    backend = ENGINE.backend or ENGINE.ensure_backend()
    values = np.asarray(values)
    if dtype == "int32" and values.size and values.dtype.kind in "iuf":
        if values.dtype.kind == "f":  # as cast() does: NaN to 0, toward zero, inf saturates
            values = values.astype(np.float64)  # (where 2**31 - 1 is exact)
            values = np.trunc(np.nan_to_num(values, nan=0.0, posinf=INT32[1] - 1, neginf=INT32[0]))
        low, high = values.min(), values.max()
        if low < INT32[0] or high >= INT32[1]:
            raise ValueError(f"{what}: {low if low < INT32[0] else high} is out of the int32 range "
                             "[-2**31, 2**31)")
    array = np.ascontiguousarray(values, dtype=DTYPES[dtype]).reshape(-1)
    handle = backend.write(array, dtype)
    data = ENGINE.make_data(backend, handle, nbytes(array.size, dtype))
    return make_tensor(data, tuple(int(d) for d in np.shape(values)), dtype)


def view(x, shape):
    """A new tensor of another shape over the same buffer (reshape and clone cost nothing)."""
    return make_tensor(x._data, tuple(shape), x.dtype)


def as_tensor(x, arg, op_name, dtype=None):
    if isinstance(x, Tensor):
        x._check_alive(op_name)
        return x
    try:
        array = np.asarray(x)
    except Exception as e:
        raise TypeError(f"{op_name}: argument '{arg}' must be a Tensor, number or nested list, "
                        f"got {type(x).__name__} ({e})") from None
    if array.dtype.kind not in "biuf":
        got = type(x).__name__ if array.dtype == object else f"values of NumPy dtype {array.dtype}"
        hint = " (complex64 tensors are made with wt.complex(real, imag))" if array.dtype.kind == "c" else ""
        raise TypeError(f"{op_name}: argument '{arg}' must be a Tensor, number or nested list "
                        f"of numbers, got {got}{hint}")
    return from_values(array, dtype or infer_dtype(array, x), f"{op_name}: argument '{arg}'")


def as_indices(x, arg, op_name):
    """int32 indices from a tensor or host values. Host values must be ints: a float index is
    an error, not truncated."""
    if not isinstance(x, Tensor):
        array = np.asarray(x) if isinstance(x, (list, tuple, np.ndarray, int, np.integer)) else None
        if array is None or (array.size and array.dtype.kind not in "iu"):
            raise TypeError(f"{op_name}: argument '{arg}' must be int32 indices (a tensor or ints), "
                            f"got {x!r}")
        x = array
    x = as_tensor(x, arg, op_name, "int32")
    if x.dtype != "int32":
        raise TypeError(f"{op_name}: argument '{arg}' must be int32, got {x.dtype}")
    return x


# ---- Python arguments that must be ints or numbers (shapes, axes, sizes, fill values)
def is_int(v):
    """An int, a NumPy integer or an int32 scalar tensor; never a bool or a float."""
    if isinstance(v, (bool, np.bool_)):
        return False
    return isinstance(v, (int, np.integer)) or (isinstance(v, Tensor) and v.dtype == "int32" and not v.shape)


def as_int(v, op_name, arg):
    if not is_int(v):
        raise TypeError(f"{op_name}: argument '{arg}' must be an int, got {v!r}")
    return operator.index(v)


def int_list(values, op_name, arg):
    """A list of ints from an int or a sequence of ints (a float is an error, not truncated)."""
    if is_int(values):
        return [operator.index(values)]
    try:
        items = list(values)
    except TypeError:
        items = None
    if items is None or not builtins.all(is_int(v) for v in items):
        raise TypeError(f"{op_name}: argument '{arg}' must be a list of ints, got {values!r}")
    return [operator.index(v) for v in items]


def number(value, op_name, arg):
    """value, which must be a real number (an int or float, of Python or NumPy; not a bool)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op_name}: argument '{arg}' must be a number, got {value!r}")
    return value


def host_number(value, dtype, op_name, arg):
    """A Python number to fill a tensor of dtype with, converted as tensor(value, dtype) would:
    to int32 truncated toward zero, NaN as 0 and infinities saturated; out of range is an error."""
    if not isinstance(value, (int, float, np.integer, np.floating, np.bool_)):
        raise TypeError(f"{op_name}: argument '{arg}' must be a number, got {value!r}")
    if dtype == "bool":
        return bool(value)
    if dtype != "int32":
        return float(value)
    if value != value:
        return 0
    v = INT32[1] - 1 if value == float("inf") else INT32[0] if value == float("-inf") else int(value)
    if not INT32[0] <= v < INT32[1]:
        raise ValueError(f"{op_name}: argument '{arg}' ({value}) is out of the int32 range [-2**31, 2**31)")
    return v


MAX_SIZE = 2 ** 31 - 1  # elements of one tensor: indices are int32 on every backend (GLSL's int)
_CONSTANTS = {}       # (backend, dtype, type, value) -> Constant, for Python numbers in ops
MAX_CONSTANTS = 1024  # past this, the oldest is dropped from the cache
INT32 = (-2 ** 31, 2 ** 31)


class Constant(Scalar):
    """A Python number as an operand. Tensors never change, so one shared, untracked
    instance per number serves every op (`x * 2.0` makes no tensor and no upload). It is
    never disposed by hand, and not counted by memory(): its buffer is released when the
    cache has dropped it and nothing (a lazy expression, a gradient tape) still uses it."""
    __slots__ = ()

    def __init__(self, data, dtype):  # not tracked: owned by the cache, not by a scope
        self.shape, self.dtype, self._kept, self.id = (), dtype, True, 0
        ENGINE.attach(self, data)
        weakref.finalize(self, data.backend.dispose, data.handle)

    def dispose(self):
        pass


def constant(value, dtype):
    backend = ENGINE.backend or ENGINE.ensure_backend()
    # -0.0 == 0.0 and NaN equals nothing: those are keyed by their text
    key = (id(backend), dtype, type(value), repr(value) if value == 0 or value != value else value)
    c = _CONSTANTS.get(key)
    if c is None:
        if dtype == "int32" and not INT32[0] <= value < INT32[1]:
            raise ValueError(f"the number {value} is out of the int32 range [-2**31, 2**31) of the "
                             "int32 tensor it combines with")
        if len(_CONSTANTS) >= MAX_CONSTANTS:
            del _CONSTANTS[next(iter(_CONSTANTS))]
        handle = backend.write(np.array([value], DTYPES[dtype]), dtype)
        c = _CONSTANTS[key] = Constant(ENGINE.make_data(backend, handle, 0, counted=False), dtype)
    return c


def as_pair(a, b, op_name):
    """Two operands with a common dtype. A Python number takes the tensor's dtype (an int with
    an int32 tensor stays int32), as a weakly typed literal should."""
    if isinstance(a, Tensor):
        if isinstance(b, Tensor):
            a._check_alive(op_name)
            b._check_alive(op_name)
            return a, b
        if isinstance(b, (int, float)):
            a._check_alive(op_name)
            return a, constant(b, weak_dtype(b, a.dtype))
        b = as_tensor(b, "b", op_name, weak_dtype(b, a.dtype))
    elif isinstance(b, Tensor):
        if isinstance(a, (int, float)):
            b._check_alive(op_name)
            return constant(a, weak_dtype(a, b.dtype)), b
        a = as_tensor(a, "a", op_name, weak_dtype(a, b.dtype))
    else:
        a, b = as_tensor(a, "a", op_name), as_tensor(b, "b", op_name)
    return a, b


def weak_dtype(value, other):
    if other == COMPLEX64:  # the op's complex64 case takes the number as a real tensor
        other = "float32"
    if isinstance(value, (bool, np.bool_)):
        return other
    if isinstance(value, (int, np.integer)):
        return "int32" if other == "bool" else other
    if isinstance(value, (float, np.floating)):
        return "float32"
    return None


def broadcast_shapes(op_name, *shapes):
    rank = max(len(s) for s in shapes)
    out = []
    for i in range(-rank, 0):
        dims = {s[i] for s in shapes if len(s) >= -i} - {1}
        if len(dims) > 1:
            shown = " and ".join(str(tuple(s)) for s in shapes)
            raise ValueError(f"{op_name}: operands could not be broadcast together: shapes {shown}")
        out.append(dims.pop() if dims else 1)
    return tuple(out)


def norm_axis(axis, rank, op_name, arg="axis"):
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise TypeError(f"{op_name}: {arg} must be an int, got {axis!r}")
    if not -rank <= axis < max(rank, 1):
        raise ValueError(f"{op_name}: {arg} {axis} is out of range for a tensor of rank {rank}")
    return int(axis) % max(rank, 1)


def norm_axes(axis, rank, op_name):
    """axis=None means all axes; an int or list of ints, negative ones counted from the end."""
    if axis is None:
        return tuple(range(rank))
    axes = list(axis) if isinstance(axis, (list, tuple, range, np.ndarray)) else [axis]
    out = sorted({norm_axis(a, rank, op_name) for a in axes})
    if len(out) != len(axes):
        raise ValueError(f"{op_name}: axis {axis!r} repeats an axis")
    return tuple(out)


def with_grad(inputs, forward, backward):
    """Run forward() untaped and record it as one node with its own backward(dy, y): for ops
    whose composed gradient would be slower or less stable than the closed form."""
    with ENGINE.untaped() as taping:
        out = forward()
    if taping:
        ENGINE.record(tuple(inputs), out, backward)
    return out


def needs_grad(i):
    """In a backward function: whether input i's gradient will be used."""
    needed = ENGINE.grad_needed
    return i >= len(needed) or needed[i]

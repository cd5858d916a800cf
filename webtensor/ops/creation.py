"""Making tensors: from values (nested lists, NumPy arrays, numbers), constant fills, ranges and
random values. Random numbers come from NumPy's generator on the host, seeded when asked."""
import builtins

import numpy as np

from ..dtypes import check_dtype, infer_dtype
from ..tensor import Tensor
from .core import MAX_SIZE, as_tensor, from_values, op, run, shape_size
from .elementwise import cast, clone
from .shape import reshape


def _values(values, op_name):
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{op_name}: values must be numbers, booleans or nested lists of them, "
                        f"got {type(values).__name__}")
    try:
        array = np.asarray(values)
    except ValueError as e:
        raise ValueError(f"{op_name}: values are a ragged nested list ({e}); every row at a "
                         "given depth must have the same length") from None
    if array.dtype == object:
        raise ValueError(f"{op_name}: values are a ragged nested list or contain non-numbers")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op_name}: values must be numbers or booleans, got NumPy dtype {array.dtype}")
    return array


@op
def tensor(values, shape=None, dtype=None):
    """A tensor from a number, a (nested) list, a NumPy array or a Tensor; `shape` reshapes
    flat values, as deeplearn.js's tensor2d([1, 2, 3, 4], [2, 2]) does."""
    dtype = check_dtype(dtype, "tensor")
    if isinstance(values, Tensor):
        out = clone(values) if dtype in (None, values.dtype) else cast(values, dtype)
        return out if shape is None else reshape(out, shape)
    array = _values(values, "tensor")
    if shape is not None:
        shape = tuple(int(d) for d in ([shape] if isinstance(shape, int) else shape))
        if array.size != shape_size(shape):
            raise ValueError(f"tensor: shape {shape} needs {shape_size(shape)} values, "
                             f"but {array.size} were given (values of shape {array.shape})")
        array = array.reshape(shape)
    return from_values(array, dtype or infer_dtype(array, values))


def _ranked(rank, name):
    def f(values, shape=None, dtype=None):
        if shape is not None and len(shape) != rank:
            raise ValueError(f"{name}: shape {tuple(shape)} must have rank {rank}")
        t = tensor(values, shape, dtype)
        if t.rank != rank:
            t.dispose()
            raise ValueError(f"{name}: values must form a rank-{rank} tensor, got shape {t.shape}")
        return t

    def f1(values, dtype=None):  # tfjs's tensor1d(values, dtype) takes no shape
        return f(values, None, dtype)
    out = f1 if rank == 1 else f
    out.__name__ = out.__qualname__ = name
    return out


tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d = (
    _ranked(r, f"tensor{r}d") for r in builtins.range(1, 7))


def scalar(value, dtype=None):
    if np.ndim(value) != 0:
        raise ValueError(f"scalar: value must be a single number, got {value!r}")
    return tensor(value, None, dtype)


def _shape(shape, op_name):
    shape = [shape] if isinstance(shape, (int, np.integer)) else list(shape)
    if builtins.any(not isinstance(d, (int, np.integer)) or isinstance(d, bool) or d < 0 for d in shape):
        raise ValueError(f"{op_name}: shape must be a list of non-negative ints, got {shape}")
    shape = tuple(int(d) for d in shape)
    if shape_size(shape) > MAX_SIZE:
        raise ValueError(f"{op_name}: shape {shape} would have {shape_size(shape)} elements; a tensor "
                         "holds at most 2**31 - 1")
    return shape


@op
def fill(shape, value, dtype=None):
    shape = _shape(shape, "fill")
    dtype = check_dtype(dtype, "fill") or infer_dtype(np.asarray(value))
    return run("fill", (), shape, dtype, lambda be: be.fill(shape, value, dtype))


def zeros(shape, dtype="float32"):
    return fill(shape, 0, dtype)


def ones(shape, dtype="float32"):
    return fill(shape, 1, dtype)


def zeros_like(x):
    x = as_tensor(x, "x", "zeros_like")
    return fill(x.shape, 0, x.dtype)


def ones_like(x):
    x = as_tensor(x, "x", "ones_like")
    return fill(x.shape, 1, x.dtype)


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32"):
    m = np.eye(num_rows, num_columns or num_rows)
    if batch_shape:
        m = np.broadcast_to(m, tuple(batch_shape) + m.shape)
    return from_values(m, check_dtype(dtype, "eye"))


def range(start, stop=None, step=1, dtype="float32"):
    if stop is None:
        start, stop = 0, start
    if step == 0:
        raise ValueError("range: step must not be 0")
    return from_values(np.arange(start, stop, step), check_dtype(dtype, "range"))


def linspace(start, stop, num):
    if num < 0:
        raise ValueError(f"linspace: num must be >= 0, got {num}")
    return from_values(np.linspace(start, stop, int(num)), "float32")


def _rng(seed):
    return np.random.default_rng(seed)


def random_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    values = _rng(seed).normal(mean, stddev, _shape(shape, "random_normal"))
    return from_values(values, check_dtype(dtype, "random_normal"))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal values, redrawn until within two standard deviations of the mean."""
    rng, shape = _rng(seed), _shape(shape, "truncated_normal")
    values = rng.standard_normal(shape)
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(values) > 2
    return from_values(mean + stddev * values, check_dtype(dtype, "truncated_normal"))


def random_uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    values = _rng(seed).uniform(minval, maxval, _shape(shape, "random_uniform"))
    dtype = check_dtype(dtype, "random_uniform")
    return from_values(np.floor(values) if dtype == "int32" else values, dtype)

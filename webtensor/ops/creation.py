"""Making tensors: from values (nested lists, NumPy arrays, numbers), constant fills, ranges and
random values. Random numbers come from NumPy's generator on the host, seeded when asked."""
import builtins
import hashlib
import math

import numpy as np

from ..dtypes import check_dtype, infer_dtype
from ..tensor import Tensor
from .core import (MAX_SIZE, as_int, as_tensor, from_values, host_number, int_list, is_complex, number, on_complex,
                   op, run, shape_size)
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
    if array.dtype == object and array.size and builtins.all(
            isinstance(v, int) and not isinstance(v, bool) for v in array.flat):
        array = array.astype(np.float64)  # Python ints beyond 64 bits: numbers, as JavaScript's are
    if array.dtype == object:
        raise TypeError(f"{op_name}: values must be numbers or booleans (or nested lists of them), got "
                        f"{type(values).__name__} holding {type(array.flat[0]).__name__ if array.size else 'nothing'}")
    if array.dtype.kind not in "biuf":
        raise TypeError(f"{op_name}: values must be numbers or booleans, got NumPy dtype {array.dtype}")
    return array


@op
def tensor(values, shape=None, dtype=None):
    """A tensor from a number, a (nested) list, a NumPy array or a Tensor; `shape` reshapes
    flat values, as deeplearn.js's tensor2d([1, 2, 3, 4], [2, 2]) does."""
    return _tensor(values, shape, dtype, "tensor")


def _tensor(values, shape, dtype, name):
    dtype = check_dtype(dtype, name)
    if isinstance(values, Tensor):
        out = clone(values) if dtype in (None, values.dtype) else cast(values, dtype)
        return out if shape is None else reshape(out, shape)
    array = _values(values, name)
    if shape is not None:
        shape = _shape(shape, name)
        if array.size != shape_size(shape):
            raise ValueError(f"{name}: shape {shape} needs {shape_size(shape)} values, "
                             f"but {array.size} were given (values of shape {array.shape})")
        array = array.reshape(shape)
    return from_values(array, dtype or infer_dtype(array, values), f"{name}: values")


def _ranked(rank, name):
    def f(values, shape=None, dtype=None):
        if shape is not None and len(_shape(shape, name)) != rank:
            raise ValueError(f"{name}: shape {tuple(_shape(shape, name))} must have rank {rank}")
        t = _tensor(values, shape, dtype, name)
        if t.rank != rank:
            raise ValueError(f"{name}: values must form a rank-{rank} tensor, got shape {t.shape}")
        return t

    def f1(values, dtype=None):  # tfjs's tensor1d(values, dtype) takes no shape
        return f(values, None, dtype)
    out = f1 if rank == 1 else f
    out.__name__ = out.__qualname__ = name
    return op(out)


tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d = (
    _ranked(r, f"tensor{r}d") for r in builtins.range(1, 7))


@op
def scalar(value, dtype=None):
    if np.ndim(value) != 0:
        raise ValueError(f"scalar: value must be a single number, got {value!r}")
    return _tensor(value, None, dtype, "scalar")


def _shape(shape, op_name, arg="shape"):
    """A shape as a tuple of non-negative ints, of at most MAX_SIZE elements (counted exactly)."""
    try:
        dims = tuple(int_list(shape, op_name, arg))
    except TypeError:  # a ValueError, as every bad shape here has always been
        dims = (-1,)
    if builtins.any(d < 0 for d in dims):
        raise ValueError(f"{op_name}: {arg} must be a list of non-negative ints, got {shape!r}")
    shape = dims
    if shape_size(shape) > MAX_SIZE:
        raise ValueError(f"{op_name}: shape {shape} would have {shape_size(shape)} elements; a tensor "
                         "holds at most 2**31 - 1")
    return shape


@op
def fill(shape, value, dtype=None):
    return _fill(shape, value, dtype, "fill")


def _fill(shape, value, dtype, name):
    shape = _shape(shape, name)
    dtype = check_dtype(dtype, name) or ("bool" if isinstance(value, (bool, np.bool_)) else "float32")
    value = host_number(value, dtype, name, "value")
    return run(name, (), shape, dtype, lambda be: be.fill(shape, value, dtype))


def zeros(shape, dtype="float32"):
    return _fill(shape, 0, dtype, "zeros")


def ones(shape, dtype="float32"):
    return _fill(shape, 1, dtype, "ones")


@op
def zeros_like(x):
    x = as_tensor(x, "x", "zeros_like")
    return on_complex("zeros_like", x) if is_complex(x) else fill(x.shape, 0, x.dtype)


@op
def ones_like(x):
    x = as_tensor(x, "x", "ones_like")
    return on_complex("ones_like", x) if is_complex(x) else fill(x.shape, 1, x.dtype)


def eye(num_rows, num_columns=None, batch_shape=None, dtype="float32"):
    rows, = _shape([as_int(num_rows, "eye", "num_rows")], "eye", "num_rows")
    cols, = _shape([rows if num_columns is None else as_int(num_columns, "eye", "num_columns")], "eye",
                   "num_columns")
    batch = () if batch_shape is None else _shape(batch_shape, "eye", "batch_shape")
    _shape(batch + (rows, cols), "eye")  # the size, before anything is allocated
    m = np.broadcast_to(np.eye(rows, cols, dtype=np.float32), batch + (rows, cols))
    return from_values(m, check_dtype(dtype, "eye"))


def _finite(value, op_name, arg):
    value = number(value, op_name, arg)
    if not math.isfinite(value):
        raise ValueError(f"{op_name}: argument '{arg}' must be finite, got {value}")
    return value


def _real_dtype(dtype, op_name):
    dtype = check_dtype(dtype, op_name)
    if dtype not in ("float32", "int32"):
        raise TypeError(f"{op_name}: argument 'dtype' must be 'float32' or 'int32', got {dtype!r}")
    return dtype


def range(start, stop=None, step=1, dtype="float32"):
    if stop is None:
        start, stop = 0, start
    start, stop, step = (_finite(v, "range", a) for v, a in ((start, "start"), (stop, "stop"), (step, "step")))
    if step == 0:
        raise ValueError("range: argument 'step' must not be 0")
    dtype = _real_dtype(dtype, "range")
    n = builtins.max(0, math.ceil((stop - start) / step))
    if n > MAX_SIZE:
        raise ValueError(f"range: start {start}, stop {stop} and step {step} give {n} elements; a tensor "
                         "holds at most 2**31 - 1")
    return from_values(np.arange(start, stop, step), dtype, "range: values")


def linspace(start, stop, num):
    start, stop = _finite(start, "linspace", "start"), _finite(stop, "linspace", "stop")
    num = as_int(num, "linspace", "num")
    if not 0 <= num <= MAX_SIZE:
        raise ValueError(f"linspace: argument 'num' must be in [0, 2**31 - 1], got {num}")
    return from_values(np.linspace(start, stop, num), "float32")


def _rng(seed, op_name="random"):
    """NumPy's generator for a seed: an int, or any number or string (tfjs's seedrandom takes
    both), hashed to one."""
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(None if seed is None else int(seed) % 2 ** 64)
    if isinstance(seed, (float, str)):
        return np.random.default_rng(int.from_bytes(hashlib.sha256(repr(seed).encode()).digest()[:8], "little"))
    raise TypeError(f"{op_name}: argument 'seed' must be a number or a string, got {seed!r}")


def _normal_args(mean, stddev, op_name):
    mean, stddev = number(mean, op_name, "mean"), number(stddev, op_name, "stddev")
    if not stddev >= 0:
        raise ValueError(f"{op_name}: argument 'stddev' must be >= 0, got {stddev}")
    return mean, stddev


def random_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    shape, dtype = _shape(shape, "random_normal"), _real_dtype(dtype, "random_normal")
    mean, stddev = _normal_args(mean, stddev, "random_normal")
    return from_values(_rng(seed, "random_normal").normal(mean, stddev, shape), dtype)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None):
    """Normal values, redrawn until within two standard deviations of the mean."""
    shape, dtype = _shape(shape, "truncated_normal"), _real_dtype(dtype, "truncated_normal")
    mean, stddev = _normal_args(mean, stddev, "truncated_normal")
    rng = _rng(seed, "truncated_normal")
    values = rng.standard_normal(shape)
    bad = np.abs(values) > 2
    while bad.any():
        values[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(values) > 2
    return from_values(mean + stddev * values, dtype)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype="float32", seed=None):
    shape, dtype = _shape(shape, "random_uniform"), _real_dtype(dtype, "random_uniform")
    minval, maxval = number(minval, "random_uniform", "minval"), number(maxval, "random_uniform", "maxval")
    values = _rng(seed, "random_uniform").uniform(minval, maxval, shape)
    return from_values(np.floor(values) if dtype == "int32" else values, dtype)

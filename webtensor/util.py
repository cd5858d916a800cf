"""wt.util, tfjs's tf.util: the helpers for shapes, axes, flat arrays and shuffling that make
sense in Python, with tfjs's names (snake_case) and arguments. `assert` is a Python keyword,
so tfjs's util.assert is assert_. Left out: typed-array and string-encoding helpers (NumPy
arrays and Python str play their role), fetch, and tfjs's internal kernel helpers."""
import math
import random
import time

import numpy as np

from .dtypes import infer_dtype as _infer_dtype

__all__ = ["assert_", "assert_shapes_match", "arrays_equal", "size_from_shape", "compute_strides",
           "infer_from_implicit_shape", "parse_axis_param", "flatten", "shuffle", "shuffle_combo",
           "create_shuffled_indices", "infer_dtype", "bytes_per_element", "now"]


def assert_(expr, msg):
    """Raise AssertionError with `msg` (a string, or a function returning one, called only on
    failure as in tfjs) unless `expr` is true."""
    if not expr:
        raise AssertionError(msg() if callable(msg) else msg)


def assert_shapes_match(shape_a, shape_b, error_message_prefix=""):
    assert_(arrays_equal(shape_a, shape_b),
            lambda: f"{error_message_prefix} Shapes {list(shape_a)} and {list(shape_b)} must match")


def arrays_equal(n1, n2):
    """True when the two flat sequences have the same length and equal elements."""
    if n1 is n2:
        return True
    if n1 is None or n2 is None or len(n1) != len(n2):
        return False
    return all(a == b for a, b in zip(n1, n2))


def size_from_shape(shape):
    """The number of elements of a tensor of this shape (1 for a scalar's shape [])."""
    return math.prod(int(d) for d in shape)


def compute_strides(shape):
    """Row-major strides of every dimension but the last (whose stride is 1), as tfjs."""
    strides = []
    for d in reversed(list(shape)[1:]):
        strides.insert(0, int(d) * (strides[0] if strides else 1))
    return strides


def infer_from_implicit_shape(shape, size):
    """`shape` with its one -1 (if any) replaced by what makes `size` elements."""
    shape, implicit, known = list(shape), None, 1
    for i, d in enumerate(shape):
        if d == -1:
            if implicit is not None:
                raise ValueError(f"Shapes can only have 1 implicit size. Found -1 at dim {implicit} "
                                 f"and dim {i}")
            implicit = i
        elif d < 0:
            raise ValueError(f"Shapes can not be < 0. Found {d} at dim {i}")
        else:
            known *= d
    if implicit is None:
        if size > 0 and size != known:
            raise ValueError(f"Size({size}) must match the product of shape {shape}")
        return shape
    if known == 0:
        raise ValueError(f"Cannot infer the missing size in {shape} when there are 0 elements")
    if size % known:
        raise ValueError(f"The implicit shape can't be a fractional number. Got {size} / {known}")
    shape[implicit] = size // known
    return shape


def parse_axis_param(axis, shape):
    """The axes (an int, a list of ints, or None for all) as a list of non-negative ints."""
    rank = len(shape)
    axes = list(range(rank)) if axis is None else list(axis) if isinstance(axis, (list, tuple)) else [axis]
    assert_(all(-rank <= a < rank for a in axes),
            lambda: f"All values in axis param must be in range [-{rank}, {rank}) but got axis {axes}")
    assert_(all(isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axes),
            lambda: f"All values in axis param must be integers but got axis {axes}")
    return [int(a) + rank if a < 0 else int(a) for a in axes]


def flatten(arr, result=None, skip_typed_array=False):
    """The leaves of a nested list/tuple in order, appended to `result`; NumPy arrays (tfjs's
    typed arrays) are flattened too, unless skip_typed_array keeps them whole."""
    result = [] if result is None else result
    if isinstance(arr, (list, tuple)) or (isinstance(arr, np.ndarray) and not skip_typed_array):
        for a in (arr.ravel().tolist() if isinstance(arr, np.ndarray) else arr):
            flatten(a, result, skip_typed_array)
    else:
        result.append(arr)
    return result


def shuffle(array):
    """Shuffle a list (or a 1-D NumPy array) in place, with Python's random module."""
    for i in range(len(array) - 1, 0, -1):
        j = random.randint(0, i)
        array[i], array[j] = array[j], array[i]


def shuffle_combo(array, array2):
    """Shuffle two sequences of the same length in place, by the same permutation."""
    if len(array) != len(array2):
        raise ValueError(f"Array sizes must match to be shuffled together: the first array's "
                         f"length is {len(array)}, the second's {len(array2)}")
    for i in range(len(array) - 1, 0, -1):
        j = random.randint(0, i)
        array[i], array[j] = array[j], array[i]
        array2[i], array2[j] = array2[j], array2[i]


def create_shuffled_indices(n):
    """0 .. n-1 in random order, as a uint32 NumPy array (tfjs: a Uint32Array)."""
    indices = np.arange(n, dtype=np.uint32)
    shuffle(indices)
    return indices


def infer_dtype(values):
    """The dtype wt.tensor(values) makes: 'bool' for booleans, 'int32' for NumPy ints,
    'float32' for other numbers (Python ints included, as JavaScript numbers in tfjs)."""
    return _infer_dtype(np.asarray(values), values)


def bytes_per_element(dtype):
    sizes = {"float32": 4, "int32": 4, "bool": 1, "complex64": 8}
    if dtype not in sizes:
        raise ValueError(f"Unknown dtype {dtype!r}")
    return sizes[dtype]


def now():
    """A high-resolution time in milliseconds (tfjs: performance.now())."""
    return time.perf_counter() * 1000

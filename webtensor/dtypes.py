"""The three dtypes of deeplearn.js, their NumPy storage types, and how they combine. A fourth,
complex64, has no storage of its own: its tensors hold two float32 buffers (ops/complex.py)."""
import numpy as np

DTYPES = {"float32": np.float32, "int32": np.int32, "bool": np.bool_}
COMPLEX64 = "complex64"
_RANK = {"bool": 0, "int32": 1, "float32": 2}
_MAKE_COMPLEX = " (complex64 tensors are made with wt.complex(real, imag))"


def check_dtype(dtype, op="tensor"):
    if dtype is None:
        return None
    if isinstance(dtype, np.dtype) or (isinstance(dtype, type) and issubclass(dtype, np.generic)):
        dtype = {"float32": "float32", "float64": "float32", "int32": "int32", "int64": "int32",
                 "bool": "bool"}.get(np.dtype(dtype).name, np.dtype(dtype).name)
    if dtype not in DTYPES:
        raise TypeError(f"{op}: unknown dtype {dtype!r}; expected one of 'float32', 'int32', 'bool'"
                        + (_MAKE_COMPLEX if dtype == COMPLEX64 else ""))
    return dtype


def upcast(*dtypes):
    try:
        return max(dtypes, key=_RANK.__getitem__)
    except KeyError:  # complex64 reaches no op that mixes dtypes: those taking it dispatch first
        raise TypeError("complex64 tensors are not supported here; work on wt.real(x) and "
                        "wt.imag(x)") from None


def infer_dtype(array, source=None):
    """dtype for values from NumPy (ints stay int32) or Python (numbers become float32, as
    JavaScript numbers do in tfjs; booleans bool)."""
    kind = array.dtype.kind
    if kind in "iu" and not isinstance(source, (np.ndarray, np.generic)):
        return "float32"
    if kind == "b":
        return "bool"
    if kind in "iu":
        return "int32"
    if kind == "f":
        return "float32"
    raise TypeError(f"tensor: cannot make a tensor from values of NumPy dtype {array.dtype}; "
                    "expected numbers or booleans" + (_MAKE_COMPLEX if kind == "c" else ""))


def nbytes(size, dtype):
    return size * (1 if dtype == "bool" else 4)

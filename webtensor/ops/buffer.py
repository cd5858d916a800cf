"""TensorBuffer (a mutable host array that becomes a tensor), wt.buffer, wt.print and the text
of Tensor.to_string(), in tfjs's format."""
import builtins
import decimal
import functools
import math

import numpy as np

from ..backends.base import contiguous_strides, shape_size
from ..dtypes import DTYPES, check_dtype
from ..tensor import Tensor
from .creation import _shape, tensor


class TensorBuffer:
    """A mutable, flat host array (`values`) of a shape and dtype: set and get elements by
    coordinates, then make an immutable tensor of it with to_tensor()."""

    def __init__(self, shape, dtype="float32", values=None):
        self.shape = _shape(shape, "buffer")
        self.dtype = check_dtype(dtype, "buffer") or "float32"
        self.size = shape_size(self.shape)
        self.strides = contiguous_strides(self.shape)[:-1]  # as tfjs: none for the last axis
        if values is None:
            self.values = np.zeros(self.size, DTYPES[self.dtype])
            return
        try:  # a copy: the buffer's values are its own to change
            self.values = np.array(values, DTYPES[self.dtype]).reshape(-1)
        except (TypeError, ValueError) as e:
            raise TypeError(f"buffer: argument 'values' must be numbers ({e})") from None
        if self.values.size != self.size:
            raise ValueError(f"buffer: {self.values.size} values do not fill shape {self.shape} "
                             f"({self.size} elements)")

    @property
    def rank(self):
        return len(self.shape)

    def _index(self, locs, method):
        if len(locs) != self.rank:
            raise ValueError(f"TensorBuffer.{method}: got {len(locs)} coordinates for a buffer of "
                             f"rank {self.rank} (shape {self.shape})")
        for axis, (i, d) in enumerate(zip(locs, self.shape)):
            if not isinstance(i, (int, np.integer)) or isinstance(i, bool) or not 0 <= i < d:
                raise IndexError(f"TensorBuffer.{method}: coordinate {i!r} is out of range for axis "
                                 f"{axis} of shape {self.shape}")
        return self.loc_to_index(locs)

    def set(self, value, *locs):
        self.values[self._index(locs, "set")] = value

    def get(self, *locs):
        return self.values[self._index(locs, "get")].item()

    def loc_to_index(self, locs):
        """The flat index of coordinates locs."""
        return int(builtins.sum(s * i for s, i in zip(self.strides, locs)) + (locs[-1] if locs else 0))

    def index_to_loc(self, index):
        """The coordinates of flat index `index`."""
        locs = []
        for s in self.strides:
            i, index = divmod(int(index), s)
            locs.append(i)
        return locs + [int(index)] if self.rank else []

    def to_tensor(self):
        return tensor(self.values.reshape(self.shape), dtype=self.dtype)

    def __repr__(self):
        return f"TensorBuffer(shape={self.shape}, dtype={self.dtype})"


def buffer(shape, dtype="float32", values=None):
    """A TensorBuffer of `shape` (zeros, or a copy of `values`), to fill and turn into a tensor."""
    return TensorBuffer(shape, dtype, values)


def print(x, verbose=False):  # noqa: A001 (tfjs's tf.print)
    """Print a tensor as tfjs does: its values, and with verbose its dtype, rank and shape."""
    if not isinstance(x, Tensor):
        raise TypeError(f"print: argument 'x' must be a Tensor, got {type(x).__name__}")
    builtins.print(x.to_string(verbose))


# ---- tfjs's tensor_format.ts ----
LIMIT, EDGE = 20, 3  # past 20 rows or values, only the first and last 3 are shown
_ROUND = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_UP)


def _js(v):
    """A number as JavaScript's toString() writes it: the shortest digits that read back the
    same double, in exponent form below 1e-7 and from 1e21 on."""
    v = float(v)
    if not math.isfinite(v):
        return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")
    if v == 0:
        return "0"
    if 1e-7 <= abs(v) < 1e21:
        return np.format_float_positional(v, unique=True, trim="-")
    return np.format_float_scientific(v, unique=True, trim="-", exp_digits=1)


@functools.lru_cache(maxsize=4096)
def _fixed(v):
    """parseFloat(v.toFixed(7)).toString(): rounded to 7 decimals, halves away from zero."""
    if not math.isfinite(v) or abs(v) >= 1e21:
        return _js(v)
    return _js(float(_ROUND.quantize(decimal.Decimal(v), decimal.Decimal("1e-7"))))


def _text(v, dtype):
    return ("true" if v else "false") if dtype == "bool" else _fixed(float(v))


def tensor_to_string(values, shape, dtype, verbose=False):
    """Tensor.to_string(verbose) as tfjs writes it."""
    values, shape = np.asarray(values).reshape(-1), tuple(shape)
    lines = ["Tensor"]
    if verbose:
        lines += [f"  dtype: {dtype}", f"  rank: {len(shape)}", f"  shape: [{','.join(map(str, shape))}]",
                  "  values:"]
    if not shape:  # a scalar is written in full, not rounded to 7 decimals
        body = [_text(values[0], dtype) if dtype == "bool" else _js(values[0])]
    else:
        if len(shape) == 1 and shape[0] > LIMIT:  # only the shown values are formatted
            values = np.concatenate([values[:EDGE], values[-EDGE:]])
        texts = [_text(v, dtype) for v in values.tolist()]
        widths = None  # tfjs pads each column to its widest value, from rank 2 on
        if len(shape) > 1 and values.size:
            widths = np.array([len(t) for t in texts]).reshape(-1, shape[-1]).max(0).tolist()
        body = _lines(texts, shape, widths)
    return "\n".join(lines + ["    " + line for line in body])


def _lines(texts, shape, widths, is_last=True):
    """tfjs's subTensorToString: the lines of a block of values."""
    size, rank = shape[0], len(shape)
    if rank == 1:
        padded = [t.ljust(widths[j]) if widths else t for j, t in enumerate(texts)]
        if size > LIMIT:
            padded = padded[:EDGE] + ["..."] + padded[-EDGE:]
        return ["[" + ", ".join(padded) + "]"]
    stride = shape_size(shape[1:])
    rows = list(range(size)) if size <= LIMIT else [*range(EDGE), None, *range(size - EDGE, size)]
    lines = []
    for i in rows:
        lines += ["..."] if i is None else _lines(texts[i * stride:(i + 1) * stride], shape[1:], widths,
                                                  i == size - 1)
    sep = "," if rank == 2 else ""
    lines = lines or [""]
    lines[0] = "[" + (lines[0] + sep if size else "")
    lines[1:-1] = [" " + line + sep for line in lines[1:-1]]
    lines[-1] = " " + lines[-1] + "]" + ("" if is_last else ",\n" + "\n" * (rank - 2))
    return lines

"""Training data: Tensors, NumPy arrays or nested lists (one per model input or output, or a
dict by layer name) become tensors, checked against the model's shapes; and the batches they
are cut into. What is converted here is returned in `made`, for the caller to dispose: a
caller's own tensors are never disposed."""
import numpy as np

from .. import ops
from ..ops.core import as_tensor
from ..tensor import Tensor
from .base import format_shape


def standardize(data, names, what, made, dtypes=None):
    """A list of tensors, one per name, from a tensor/array, a list of them, or a dict."""
    if isinstance(data, dict):
        missing = [n for n in names if n not in data]
        if missing:
            raise ValueError(f"{what}: no data for {', '.join(map(repr, missing))} (got keys "
                             f"{', '.join(map(repr, data))})")
        data = [data[n] for n in names]
    elif len(names) == 1 and not (isinstance(data, (list, tuple)) and len(data) == 1
                                  and isinstance(data[0], (Tensor, np.ndarray))):
        data = [data]
    if not isinstance(data, (list, tuple)) or len(data) != len(names):
        raise ValueError(f"{what}: expected {len(names)} arrays ({', '.join(names)}), got "
                         f"{len(data) if isinstance(data, (list, tuple)) else 1}")
    out = []
    for i, d in enumerate(data):
        t = d if isinstance(d, Tensor) else as_tensor(d, f"{what}[{i}]", what)
        if t is not d:
            made.append(t)
        want = dtypes[i] if dtypes else None
        if want and t.dtype != want:
            t = ops.cast(t, want)
            made.append(t)
        out.append(t)
    return out


def check_samples(xs, ys):
    counts = {t.shape[0] if t.rank else None for t in xs + ys}
    if None in counts:
        raise ValueError("fit: every input and target needs a batch dimension")
    if len(counts) > 1:
        raise ValueError(f"fit: inputs and targets must have the same number of samples; found "
                         f"{[t.shape[0] for t in xs]} input and {[t.shape[0] for t in ys]} target samples")
    return counts.pop()


def check_targets(ys, expected_shapes, names):
    for y, shape, name in zip(ys, expected_shapes, names):
        if shape is None:
            continue
        got = list(y.shape)
        if len(got) != len(shape) or any(d is not None and d != g for d, g in zip(shape, got)):
            raise ValueError(f"{name}: expected target shape {format_shape(shape)}, got {format_shape(got)}")


def batch_ranges(n, batch_size):
    return [(start, min(start + batch_size, n)) for start in range(0, n, batch_size)]


def take(tensors, start, end, order=None):
    """Rows start:end of each tensor, or rows order[start:end] when shuffled."""
    if order is None:
        return [ops.slice(t, [start] + [0] * (t.rank - 1), [end - start] + list(t.shape[1:]))
                for t in tensors]
    idx = ops.tensor(order[start:end].astype(np.int32))
    return [ops.gather(t, idx) for t in tensors]


def split(tensors, at, made):
    """(first `at` rows, the rest) of each tensor: validation_split takes the last rows, as tfjs."""
    first, rest = [], []
    for t in tensors:
        n = t.shape[0]
        a, b = take([t], 0, at)[0], take([t], at, n)[0]
        made += [a, b]
        first.append(a)
        rest.append(b)
    return first, rest

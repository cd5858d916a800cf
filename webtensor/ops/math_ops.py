"""Math ops of tfjs (cumprod, euclidean_norm, div_no_nan, bitwise_and, einsum, diag,
confusion_matrix) and its linalg ops (band_part, gram_schmidt, qr). All compositions."""
import builtins

import numpy as np

from ..dtypes import upcast
from ..tensor import Tensor
from .core import as_pair, as_tensor, from_values, norm_axis, op, shape_size
from .creation import eye, fill, ones
from .elementwise import (add, cast, clone, div, equal, floor_div, greater, less, less_equal, logical_and,
                          minimum, mod, mul, neg, sqrt, square, sub, where)
from .indexing import gather, one_hot
from .linalg import matmul
from .reduction import norm, sum as _sum
from .shape import concat, expand_dims, pad, reshape, reverse as _reverse, slice, stack, transpose, unstack


def _zero(dtype):
    return fill((), 0, dtype)


def _float(x):
    return x if x.dtype == "float32" else cast(x, "float32")


# ---- scans and elementwise ----
def _shifted(x, axis, k, fill_value):
    """x moved k places forward along `axis`, the first k filled with fill_value."""
    size = list(x.shape)
    size[axis] -= k
    pads = [(0, 0)] * x.rank
    pads[axis] = (k, 0)
    return pad(slice(x, [0] * x.rank, size), pads, fill_value)


@op
def cumprod(x, axis=0, exclusive=False, reverse=False):
    """Cumulative product along `axis`: log2(n) steps of products with shifted copies, so zeros and
    negative values are exact (no log/exp)."""
    x = as_tensor(x, "x", "cumprod")
    if x.rank == 0:
        raise ValueError("cumprod: x must have rank >= 1, got a scalar")
    y = cast(x, "int32") if x.dtype == "bool" else x
    axis = norm_axis(axis, x.rank, "cumprod")
    n = x.shape[axis]
    y = _reverse(y, axis) if reverse else y
    if exclusive and n:
        y = _shifted(y, axis, 1, 1)
    k = 1
    while k < n:  # after the step with shift k, each element holds the product of the last 2k
        y = mul(y, _shifted(y, axis, k, 1))
        k *= 2
    if reverse:
        return _reverse(y, axis)
    return clone(y) if y is x else y


@op
def euclidean_norm(x, axis=None, keep_dims=False):
    """sqrt(sum(x ** 2)) over `axis` (all axes by default)."""
    return norm(x, "euclidean", axis, keep_dims)


@op
def div_no_nan(a, b):
    """a / b, and 0 where b is 0 (the gradient there is 0 too, not NaN)."""
    a, b = as_pair(a, b, "div_no_nan")
    if a.dtype != b.dtype:
        dtype = upcast(a.dtype, b.dtype)
        a, b = cast(a, dtype), cast(b, dtype)
    zero = equal(b, 0)
    return where(zero, 0, div(a, where(zero, 1, b)))


# AND of two 4-bit digits, at index 16 * a + b; the second half sign-extends the top digit of
# two's complement (bits 28..31), so the composed result is a signed int32
_NIBBLE_AND = np.bitwise_and.outer(np.arange(16), np.arange(16)).reshape(-1)
_AND_TABLE = np.concatenate([_NIBBLE_AND, (_NIBBLE_AND ^ 8) - 8]).astype(np.int32)
_PLACES = 16 ** np.arange(8, dtype=np.int64)


@op
def bitwise_and(x, y):
    """Bitwise AND of two int32 tensors of the same shape (two's complement, as in tfjs)."""
    x = as_tensor(x, "x", "bitwise_and", "int32")
    y = as_tensor(y, "y", "bitwise_and", "int32")
    if x.dtype != "int32" or y.dtype != "int32":
        raise TypeError(f"bitwise_and: arguments must be int32 tensors, got {x.dtype} and {y.dtype}")
    if x.shape != y.shape:
        raise ValueError(f"bitwise_and: x and y must have the same shape, got {x.shape} and {y.shape}")
    places = from_values(_PLACES, "int32")
    # the 8 base-16 digits of each value: floor division and modulo read two's complement's
    # digits also for negative values; one gather looks up the AND of each digit pair
    digits = [mod(floor_div(expand_dims(t, -1), places), 16) for t in (x, y)]
    offset = from_values(np.array([0] * 7 + [256], np.int32), "int32")
    ands = unstack(gather(from_values(_AND_TABLE, "int32"), add(add(mul(digits[0], 16), digits[1]), offset)), -1)
    out = ands[7]
    for d in reversed(ands[:7]):  # Horner's rule from the top digit: partial results stay small,
        out = add(mul(out, 16), d)  # exact also where int32 is stored as float32 (WebGL)
    return out


# ---- einsum ----
@op
def einsum(equation, *tensors):
    """Einstein summation, e.g. einsum('ij,jk->ik', a, b): one or two operands, an explicit '->',
    no ellipsis and no index repeated within one operand (as tfjs)."""
    if not isinstance(equation, str):
        raise TypeError(f"einsum: argument 'equation' must be a string, got {type(equation).__name__}")
    eq = "".join(equation.split())
    if "->" not in eq:
        raise ValueError(f"einsum: equation {equation!r} must have an output ('->'): implicit mode is not supported")
    if "." in eq:
        raise ValueError(f"einsum: equation {equation!r}: ellipsis ('...') is not supported")
    inputs, out = eq.split("->", 1)
    terms = inputs.split(",")
    if len(terms) != len(tensors):
        raise ValueError(f"einsum: equation {equation!r} has {len(terms)} operands, got {len(tensors)} tensors")
    if len(terms) > 2:
        raise ValueError(f"einsum: at most 2 operands are supported, got {len(terms)}")
    xs = [as_tensor(t, f"tensors[{i}]", "einsum") for i, t in enumerate(tensors)]
    sizes = {}
    for i, (term, x) in enumerate(zip(terms, xs)):
        if term and not term.isalpha() or len(set(term)) != len(term):
            raise ValueError(f"einsum: operand {i} subscripts {term!r} must be distinct letters")
        if len(term) != x.rank:
            raise ValueError(f"einsum: operand {i} subscripts {term!r} do not match its shape {x.shape}")
        for label, d in zip(term, x.shape):
            if sizes.setdefault(label, d) != d:
                raise ValueError(f"einsum: index {label!r} has sizes {sizes[label]} and {d}")
    if out and not out.isalpha() or len(set(out)) != len(out) or builtins.any(c not in sizes for c in out):
        raise ValueError(f"einsum: output subscripts {out!r} must be distinct letters of the operands")
    if len(xs) == 2 and xs[0].dtype != xs[1].dtype:
        dtype = upcast(xs[0].dtype, xs[1].dtype)
        xs = [cast(x, dtype) for x in xs]
    # sum out each index found in one operand only and not in the output
    for i, (term, x) in enumerate(zip(terms, xs)):
        others = "".join(terms[:i] + terms[i + 1:])
        alone = [k for k, c in enumerate(term) if c not in out and c not in others]
        if alone:
            xs[i], terms[i] = _sum(x, alone), "".join(c for k, c in enumerate(term) if k not in alone)
    if len(xs) == 1:
        x, term = xs[0], terms[0]
        return transpose(x, [term.index(c) for c in out]) if term != out else clone(x)
    (a, b), (ta, tb) = xs, terms
    batch = [c for c in ta if c in tb and c in out]
    inner = [c for c in ta if c in tb and c not in out]
    free_a, free_b = [c for c in ta if c not in tb], [c for c in tb if c not in ta]
    size = lambda labels: shape_size(sizes[c] for c in labels)  # noqa: E731
    # [batch, free_a, inner] @ [batch, inner, free_b]: one matmul does the products and the sum
    a3 = reshape(transpose(a, [ta.index(c) for c in batch + free_a + inner]), [size(batch), size(free_a), size(inner)])
    b3 = reshape(transpose(b, [tb.index(c) for c in batch + inner + free_b]), [size(batch), size(inner), size(free_b)])
    y = matmul(a3, b3)
    y = cast(y, a.dtype) if a.dtype != "float32" else y
    labels = batch + free_a + free_b
    y = reshape(y, [sizes[c] for c in labels])
    return transpose(y, [labels.index(c) for c in out])


# ---- matrices ----
@op
def diag(x):
    """The tensor of shape x.shape + x.shape with x's values on its diagonal, zeros elsewhere."""
    x = as_tensor(x, "x", "diag")
    n = x.size
    return reshape(where(eye(n, dtype="bool"), reshape(x, [n, 1]), _zero(x.dtype)), x.shape + x.shape)


@op
def confusion_matrix(labels, predictions, num_classes):
    """int32 [num_classes, num_classes]: entry (i, j) counts the examples of class i predicted as j."""
    labels = as_tensor(labels, "labels", "confusion_matrix")
    predictions = as_tensor(predictions, "predictions", "confusion_matrix")
    if not isinstance(num_classes, (int, np.integer)) or isinstance(num_classes, bool) or num_classes < 1:
        raise ValueError(f"confusion_matrix: num_classes must be a positive int, got {num_classes!r}")
    if labels.rank != 1 or predictions.rank != 1 or labels.shape != predictions.shape:
        raise ValueError(f"confusion_matrix: labels and predictions must be 1-D of the same length, got "
                         f"shapes {labels.shape} and {predictions.shape}")
    hot = [one_hot(cast(t, "int32"), int(num_classes), 1, 0, "float32") for t in (labels, predictions)]
    return cast(matmul(hot[0], hot[1], transpose_a=True), "int32")


def _band_limit(v, size, arg, what):
    """num_lower / num_upper: an int or an int32 scalar tensor; negative means the whole triangle."""
    if isinstance(v, Tensor):
        if v.dtype != "int32" or v.rank != 0:
            raise TypeError(f"band_part: argument '{arg}' must be an int or an int32 scalar, got {v.dtype} "
                            f"of shape {v.shape}")
        return where(less(v, 0), size, minimum(v, size))
    if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or v % 1:
        raise TypeError(f"band_part: argument '{arg}' must be an int, got {v!r}")
    if v > size:
        raise ValueError(f"band_part: {arg} ({v}) must not be greater than the number of {what} ({size})")
    return size if v < 0 else int(v)


@op
def band_part(a, num_lower, num_upper):
    """a with everything outside the band of num_lower subdiagonals and num_upper superdiagonals of
    each innermost matrix set to zero (negative: keep that whole triangle)."""
    a = as_tensor(a, "a", "band_part")
    if a.rank < 2:
        raise ValueError(f"band_part: a must have rank >= 2, got shape {a.shape}")
    m, n = a.shape[-2:]
    lower = _band_limit(num_lower, m, "num_lower", "rows")
    upper = _band_limit(num_upper, n, "num_upper", "columns")
    below = np.arange(m)[:, None] - np.arange(n)  # i - j: how far below the diagonal
    in_band = logical_and(less_equal(from_values(below, "int32"), lower),
                          less_equal(from_values(-below, "int32"), upper))
    return where(in_band, a, _zero(a.dtype))


@op
def gram_schmidt(xs):
    """Orthonormal vectors spanning the same growing subspaces as xs (a list of 1-D tensors, or
    the rows of a 2-D tensor); returns the same kind."""
    matrix = isinstance(xs, Tensor)
    if matrix:
        if xs.rank != 2:
            raise ValueError(f"gram_schmidt: a tensor argument must be 2-D, got shape {xs.shape}")
        rows = unstack(_float(xs))
    else:
        if not isinstance(xs, (list, tuple)) or not xs:
            raise ValueError("gram_schmidt: argument 'xs' must be a 2-D tensor or a non-empty list of 1-D tensors")
        rows = [_float(as_tensor(x, f"xs[{i}]", "gram_schmidt")) for i, x in enumerate(xs)]
        if builtins.any(r.rank != 1 or r.shape != rows[0].shape for r in rows):
            raise ValueError(f"gram_schmidt: the vectors must be 1-D of one length, got shapes "
                             f"{[r.shape for r in rows]}")
    if len(rows) > rows[0].size:
        raise ValueError(f"gram_schmidt: the number of vectors ({len(rows)}) exceeds their length ({rows[0].size})")
    ys = []
    for x in rows:
        for y in ys:  # modified Gram-Schmidt: each projection is removed from the updated x
            x = sub(x, mul(_sum(mul(y, x)), y))
        ys.append(div(x, norm(x)))
    return stack(ys) if matrix else ys


@op
def qr(x, full_matrices=False):
    """[q, r] with x = q @ r for x of shape [..., M, N], by Householder reflections (as tfjs): q has
    orthonormal columns, r is upper triangular. full_matrices=False keeps N columns of q when M > N."""
    x = as_tensor(x, "x", "qr")
    if x.rank < 2:
        raise ValueError(f"qr: x must have rank >= 2, got shape {x.shape}")
    batch, (m, n) = list(x.shape[:-2]), x.shape[-2:]
    b = shape_size(batch)
    r = reshape(_float(x), [b, m, n])
    q = eye(m, batch_shape=[b])
    one = ones([b, 1, 1])
    for j in range(builtins.min(m, n)):
        # the reflection H = I - tau w w^T that zeroes column j of r below the diagonal
        col = slice(r, [0, j, j], [b, m - j, 1])
        norm_x = sqrt(_sum(square(col), 1, True))
        rjj = slice(col, [0, 0, 0], [b, 1, 1])
        s = where(greater(rjj, 0), -1.0, 1.0)  # -sign(rjj), and 1 at 0
        nonzero = greater(norm_x, 0)  # a zero column needs no reflection (tau = 0)
        u1 = where(nonzero, sub(rjj, mul(s, norm_x)), 1.0)
        w = concat([one, div(slice(col, [0, 1, 0], [b, m - j - 1, 1]), u1)], 1) if m - j > 1 else one
        tau = where(nonzero, div(neg(mul(s, u1)), where(nonzero, norm_x, 1.0)), 0.0)
        tw = mul(tau, w)
        r_low = slice(r, [0, j, 0], [b, m - j, n])
        r_low = sub(r_low, matmul(tw, matmul(w, r_low, transpose_a=True)))
        r = concat([slice(r, [0, 0, 0], [b, j, n]), r_low], 1) if j else r_low
        q_right = slice(q, [0, 0, j], [b, m, m - j])
        q_right = sub(q_right, matmul(matmul(q_right, w), tw, transpose_b=True))
        q = concat([slice(q, [0, 0, 0], [b, m, j]), q_right], 2) if j else q_right
    if not full_matrices and m > n:
        q, r = slice(q, [0, 0, 0], [b, m, n]), slice(r, [0, 0, 0], [b, n, n])
    return [reshape(q, batch + list(q.shape[1:])), reshape(r, batch + list(r.shape[1:]))]


__all__ = ["cumprod", "euclidean_norm", "div_no_nan", "bitwise_and", "einsum", "diag", "confusion_matrix",
           "band_part", "gram_schmidt", "qr"]

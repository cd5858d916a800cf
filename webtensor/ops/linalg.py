"""matmul (batched, with transposes folded into the kernel), dot and outer."""
from .core import as_pair, broadcast_shapes, needs_grad, op, run, shape_size
from .elementwise import cast, mul
from .shape import broadcast_to, reshape


# (transpose_a, transpose_b) -> arguments of the matmul giving each input's gradient
GRAD_A = {(False, False): lambda dy, a, b: (dy, b, False, True),
          (False, True): lambda dy, a, b: (dy, b, False, False),
          (True, False): lambda dy, a, b: (b, dy, False, True),
          (True, True): lambda dy, a, b: (b, dy, True, True)}
GRAD_B = {(False, False): lambda dy, a, b: (a, dy, True, False),
          (False, True): lambda dy, a, b: (dy, a, True, False),
          (True, False): lambda dy, a, b: (a, dy, False, False),
          (True, True): lambda dy, a, b: (dy, a, True, True)}


@op
def matmul(a, b, transpose_a=False, transpose_b=False):
    return _matmul(a, b, transpose_a, transpose_b)


def _matmul(a, b, transpose_a, transpose_b, epilogue=None):
    """matmul; epilogue: (bias [N] or None, activation or None) for the kernel to apply
    (Backend.fuses_epilogue), only where no gradient is recorded (ops/conv.py's fused ops)."""
    a, b = as_pair(a, b, "matmul")
    if a.rank < 2 or b.rank < 2:
        raise ValueError(f"matmul: both operands must have rank >= 2, got shapes {a.shape} and {b.shape}")
    if a.dtype != "float32":
        a, b = cast(a, "float32"), cast(b, "float32")
    m, k = a.shape[-2:][::-1] if transpose_a else a.shape[-2:]
    k2, n = b.shape[-2:][::-1] if transpose_b else b.shape[-2:]
    if k != k2:
        raise ValueError(f"matmul: inner dimensions differ: shapes {a.shape} and {b.shape} "
                         f"(transpose_a={transpose_a}, transpose_b={transpose_b}) give {k} and {k2}")
    batch = broadcast_shapes("matmul", a.shape[:-2], b.shape[:-2])
    a3, b3 = _batched(a, batch), _batched(b, batch)
    out_shape = (max(a3.shape[0], b3.shape[0]), m, n)

    def backward(dy, y):
        da = db = None
        if needs_grad(0):
            da = matmul(*GRAD_A[transpose_a, transpose_b](dy, a3, b3))
        if needs_grad(1):
            db = matmul(*GRAD_B[transpose_a, transpose_b](dy, a3, b3))
        return da, db
    if epilogue is None:
        out = run("matmul", (a3, b3), out_shape, "float32",
                  lambda be, a, b: be.matmul(a, b, transpose_a, transpose_b), backward)
    else:
        bias, act = epilogue
        out = run("matmul", (a3, b3) + ((bias,) if bias is not None else ()), out_shape, "float32",
                  lambda be, a, b, bias=None: be.matmul(a, b, transpose_a, transpose_b, bias, act))
    return reshape(out, batch + (m, n))


def _batched(x, batch):
    """x as [B, rows, cols]: B is 1 when x has no batch dims of its own, so the kernel
    broadcasts it; other partial batch shapes (and any to an empty batch) are broadcast here."""
    if shape_size(x.shape[:-2]) == 1 and shape_size(batch) > 1:
        return reshape(x, (1,) + x.shape[-2:])
    if x.shape[:-2] != batch:
        x = broadcast_to(x, batch + x.shape[-2:])
    return reshape(x, (shape_size(batch),) + x.shape[-2:])


@op
def dot(t1, t2):
    a, b = as_pair(t1, t2, "dot")
    if a.rank not in (1, 2) or b.rank not in (1, 2):
        raise ValueError(f"dot: operands must have rank 1 or 2, got shapes {a.shape} and {b.shape}")
    k_a, k_b = a.shape[-1], b.shape[0]
    if k_a != k_b:
        raise ValueError(f"dot: inner dimensions differ: shapes {a.shape} and {b.shape}")
    rows, cols = a.shape[0] if a.rank == 2 else 1, b.shape[1] if b.rank == 2 else 1  # not -1: k may be 0
    out = matmul(reshape(a, [rows, k_a]), reshape(b, [k_b, cols]))
    return reshape(out, a.shape[:-1] + b.shape[1:])


@op
def outer(v1, v2):
    a, b = as_pair(v1, v2, "outer")
    if a.rank != 1 or b.rank != 1:
        raise ValueError(f"outer: operands must have rank 1, got shapes {a.shape} and {b.shape}")
    return mul(reshape(a, [-1, 1]), reshape(b, [1, -1]))

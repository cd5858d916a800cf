"""complex64 tensors, as tfjs's: complex(real, imag), real and imag, and the complex64 cases of
other ops. A complex64 tensor has no buffer of its own: it holds its two float32 parts' buffers
(engine.ComplexData), so real(x) and imag(x) are views, each case below is a composition on the
parts (no backend knows complex64), and autograd differentiates through them. The cases are
tfjs's (add, sub, mul, abs, concat, cast to a real dtype, reshape, clone, zeros_like, ones_like;
fft and the rest are in spectral.py) plus neg and the movement ops (slice, transpose, reverse,
broadcast_to, and stack, unstack, split, tile, expand_dims, squeeze built on those). The op files
dispatch to them through core.on_complex."""
from ..dtypes import COMPLEX64
from ..engine import ENGINE
from ..tensor import make_tensor
from .core import COMPLEX_OPS, Constant, as_tensor, complex_unsupported, from_values, op, with_grad
from .creation import fill
from .elementwise import abs as _abs_op, add, cast, maximum, minimum, mul, neg, sqrt, square, sub
from .math_ops import div_no_nan
from .shape import concat


@op
def complex(real, imag):  # noqa: A001 (tfjs's tf.complex)
    """The complex64 tensor real + i imag (real tensors of one shape). Ops that take complex64: add, sub,
    mul, neg, abs, concat, stack, unstack, split, slice, transpose, reverse, tile, broadcast_to, reshape,
    clone, zeros_like, ones_like, cast (to a real dtype: the real part), real, imag, fft, ifft, irfft."""
    re, im = _real(real, "real"), _real(imag, "imag")
    if re.shape != im.shape:
        raise ValueError(f"complex: arguments 'real' and 'imag' must have the same shape, got "
                         f"{re.shape} and {im.shape}")
    return _make(re, im)


@op
def real(input):  # noqa: A002 (tfjs's parameter name)
    """The real part of a complex64 tensor, float32 (of a real tensor: the tensor, as float32)."""
    x = as_tensor(input, "input", "real")
    return _part(x, 0) if x.dtype == COMPLEX64 else cast(x, "float32")


@op
def imag(input):  # noqa: A002
    """The imaginary part of a complex64 tensor, float32 (of a real tensor: zeros)."""
    x = as_tensor(input, "input", "imag")
    return _part(x, 1) if x.dtype == COMPLEX64 else fill(x.shape, 0, "float32")


def _real(x, arg):
    x = as_tensor(x, arg, "complex")
    if x.dtype == COMPLEX64:
        raise TypeError(f"complex: argument '{arg}' must be a real tensor (float32, int32 or bool), "
                        "got complex64")
    return cast(x, "float32") if x.dtype != "float32" else x


def _make(re, im):
    """The complex64 tensor of float32 parts re and im (of one shape), sharing their buffers."""
    out = make_tensor(ENGINE.make_complex(re._data, im._data), re.shape, COMPLEX64)
    if ENGINE.tapes:  # the gradient of a complex64 tensor is complex64: d/dre + i d/dim
        ENGINE.record((re, im), out, lambda dy, y: _split(dy))
    return out


def _part(x, i):
    """Part i (0 real, 1 imaginary) of complex64 x: a float32 view of its buffer."""
    out = make_tensor(x._data.parts[i], x.shape, "float32")
    if ENGINE.tapes:
        def backward(dy, y):
            zero = fill(dy.shape, 0, "float32")
            return (_make(dy, zero) if i == 0 else _make(zero, dy)),
        ENGINE.record((x,), out, backward)
    return out


def _split(x):
    """(real, imaginary) float32 parts of a tensor, complex64 or real."""
    if x.dtype == COMPLEX64:
        return _part(x, 0), _part(x, 1)
    re = cast(x, "float32")
    return re, fill(re.shape, 0, "float32")


def _operand(x, arg, op_name):
    """An operand of a complex64 op as parts: a real one gets a zero imaginary part, as tfjs casts
    it. (A cached number's buffer is copied: a complex64 tensor must not outlive what it holds.)"""
    x = as_tensor(x, arg, op_name)
    if isinstance(x, Constant):
        x = from_values(x.numpy(), x.dtype)
    return _split(x)


def _binary(name, parts):
    def case(a, b):
        (ar, ai), (br, bi) = _operand(a, "a", name), _operand(b, "b", name)
        return _make(*parts(ar, ai, br, bi))
    return case


def _abs(x):
    """|x|, float32: max * sqrt(1 + (min / max)^2) of the parts' magnitudes, which neither
    overflows nor underflows (as tfjs's WebGL kernel); its gradient is dy x / |x| (0 at 0)."""
    re, im = _split(x)

    def forward():
        a, b = _abs_op(re), _abs_op(im)
        big = maximum(a, b)
        return mul(big, sqrt(add(square(div_no_nan(minimum(a, b), big)), 1.0)))

    def backward(dy, y):
        g = div_no_nan(dy, y)
        return _make(mul(re, g), mul(im, g)),
    return with_grad([x], forward, backward)


def _concat(xs, axis):
    parts = [_operand(x, f"tensors[{i}]", "concat") for i, x in enumerate(xs)]
    return _make(concat([p[0] for p in parts], axis), concat([p[1] for p in parts], axis))


def _cast(x, dtype):
    """The real part, as tfjs casts: when a user casts, not when an op casts its inputs to float32
    (matmul, conv2d, mean...), which would drop the imaginary part unseen."""
    if ENGINE.op_depth > 1:
        raise complex_unsupported("cast")
    return cast(_part(x, 0), dtype)


@op
def _zeros_like(x):
    return _make(fill(x.shape, 0, "float32"), fill(x.shape, 0, "float32"))


@op
def _ones_like(x):
    return _make(fill(x.shape, 1, "float32"), fill(x.shape, 0, "float32"))


COMPLEX_OPS.update({
    "add": _binary("add", lambda ar, ai, br, bi: (add(ar, br), add(ai, bi))),
    "sub": _binary("sub", lambda ar, ai, br, bi: (sub(ar, br), sub(ai, bi))),
    "mul": _binary("mul", lambda ar, ai, br, bi: (sub(mul(ar, br), mul(ai, bi)), add(mul(ar, bi), mul(ai, br)))),
    "neg": lambda x: _make(*(neg(p) for p in _split(x))),
    "conj": lambda x: (lambda re, im: _make(re, neg(im)))(*_split(x)),
    "abs": _abs,
    "cast": _cast,
    "concat": _concat,
    "zeros_like": _zeros_like,
    "ones_like": _ones_like,
    "_parts": lambda f, x: _make(*(f(p) for p in _split(x))),  # an op moving both parts alike
})

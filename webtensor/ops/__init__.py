"""Every op, and their attachment to Tensor as chainable methods and Python operators.

The modules build on each other in this order, with no cycle: core, elementwise, shape,
reduction, linalg, creation, indexing, nn; the op families below them (buffer, random, rnn,
signal, conv, layout, math_ops, scatter, search, sparse, complex, spectral, image, pixels)
build on those. The image and pixel ops are imported after __all__: they are only in
wt.image and wt.browser, as in tfjs."""
from .. import optable
from ..tensor import Tensor
from .core import op as _op
from . import creation, elementwise, indexing, linalg, nn, reduction, shape
from .creation import (eye, fill, linspace, ones, ones_like, random_normal, random_uniform, range, scalar,
                       tensor, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d, truncated_normal,
                       zeros, zeros_like)
from .elementwise import *  # noqa: F401,F403  (the ops generated from optable's rows)
from .elementwise import (add, add_n, cast, clip_by_value, clone, div, equal, floor_div, greater,
                          greater_equal, leaky_relu, less, less_equal, log_sigmoid, logical_and,
                          logical_not, logical_or, logical_xor, mod, mul, neg, not_equal, pow, step,
                          sub, where)
from .indexing import gather, getitem, one_hot
from .linalg import dot, matmul, outer
from .nn import (avg_pool, batch_norm, conv2d, conv2d_transpose, depthwise_conv2d, dropout, log_softmax,
                 max_pool, resize_bilinear, softmax)
from .reduction import (all, any, argmax, argmin, cumsum, logsumexp, max, mean, min, moments, norm, prod,
                        sum)
from .shape import (broadcast_to, concat, expand_dims, flatten, pad, reshape, reverse, slice, split, squeeze,
                    stack, tile, transpose, unstack)
from .buffer import TensorBuffer, buffer, print  # noqa: A004 (tfjs's tf.print)
from .random import multinomial, rand, random_gamma, random_standard_normal, random_uniform_int
from .rnn import basic_lstm_cell, moving_average, multi_rnn_cell
from .signal import frame, hamming_window, hann_window
from .conv import (avg_pool3d, conv1d, conv3d, conv3d_transpose, dilation2d, fused, local_response_normalization,
                   max_pool3d, max_pool_with_argmax, pool, separable_conv2d)
from .layout import *  # noqa: F401,F403  (strided_slice, mirror_pad, ..., concat1d ... batch_norm4d)
from .math_ops import *  # noqa: F401,F403  (cumprod, einsum, ..., band_part, gram_schmidt, qr)
from .scatter import (bincount, dense_bincount, gather_nd, scatter_nd, sparse_to_dense, tensor_scatter_update,
                      unsorted_segment_sum)
from .search import (boolean_mask_async, in_top_k_async, lower_bound, search_sorted, set_diff1d_async,
                     setdiff1d_async, top_k, unique, upper_bound, where_async)
from .sparse import (ragged_gather, ragged_range, ragged_tensor_to_tensor, sparse_fill_empty_rows,  # host NumPy
                     sparse_reshape, sparse_segment_mean, sparse_segment_sum)
from .complex import complex, imag, real  # noqa: A004 (tfjs's tf.complex)
from .spectral import fft, ifft, irfft, rfft, stft

_METHODS = list(optable.UNARY) + list(optable.BINARY) + list(optable.REDUCE) + """
    top_k unique unsorted_segment_sum
    strided_slice mirror_pad depth_to_space space_to_batch_nd batch_to_space_nd cumprod euclidean_norm div_no_nan
    where add_n cast step leaky_relu log_sigmoid clip_by_value
    mean argmax argmin logsumexp norm moments cumsum
    matmul dot outer
    reshape flatten transpose expand_dims squeeze concat stack unstack split slice gather tile pad
    reverse clone broadcast_to
    softmax log_softmax conv2d conv2d_transpose depthwise_conv2d max_pool avg_pool batch_norm dropout
    resize_bilinear one_hot zeros_like ones_like
    conv1d separable_conv2d dilation2d pool local_response_normalization
""".split()
_g = globals()
for _name in _METHODS:
    setattr(Tensor, _name, _g[_name])


def _named_op(name):
    """An operator's implementation as the op `name`: in its scope, what it converts is freed."""
    def decorate(fn):
        fn.__name__ = name
        return _op(fn)
    return decorate


def _true_div(a, b):
    """Python's `/` is true division, also for int32 operands (wt.div follows tfjs instead)."""
    if isinstance(a, Tensor) and a.dtype == "float32":
        return div(a, b)  # true division already; div converts b in its own scope
    return _converted_true_div(a, b)


@_named_op("div")
def _converted_true_div(a, b):
    a, b = elementwise.as_pair(a, b, "div")
    if a.dtype != "float32":
        a = cast(a, "float32")
    return div(a, b)


@_named_op("matmul")
def _matmul_op(a, b):
    a, b = elementwise.as_pair(a, b, "matmul")
    return dot(a, b) if a.rank == 1 or b.rank == 1 else matmul(a, b)


_OPERATORS = {
    "__add__": add, "__sub__": sub, "__mul__": mul, "__truediv__": _true_div,
    "__floordiv__": floor_div, "__mod__": mod, "__pow__": pow, "__matmul__": _matmul_op,
    "__eq__": equal, "__ne__": not_equal, "__lt__": less, "__le__": less_equal,
    "__gt__": greater, "__ge__": greater_equal,
    "__and__": logical_and, "__or__": logical_or, "__xor__": logical_xor,
}
for _dunder, _f in _OPERATORS.items():
    setattr(Tensor, _dunder, _f)
    if _dunder not in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
        setattr(Tensor, "__r" + _dunder[2:], (lambda f: lambda self, other: f(other, self))(_f))
Tensor.__neg__ = neg
Tensor.__abs__ = elementwise.abs
Tensor.__invert__ = logical_not
Tensor.__getitem__ = getitem
Tensor.T = property(lambda self: transpose(self))
Tensor.ndim = property(lambda self: self.rank)
Tensor.as_type = cast
Tensor.to_float = lambda self: cast(self, "float32")
Tensor.to_int = lambda self: cast(self, "int32")
Tensor.to_bool = lambda self: cast(self, "bool")

# What `from webtensor.ops import *` (webtensor's top level) takes: the ops, every public function
# an op file defines, computed so that an import line added above needs nothing more. Not the op
# files themselves (wt.linalg is tfjs's namespace, not ops/linalg.py), nor what they import
# (np, math, core's run and as_tensor...).
_INTERNAL = {"getitem"}  # Tensor.__getitem__'s implementation, no tfjs op
__all__ = sorted(_n for _n, _v in globals().items()
                 if callable(_v) and not _n.startswith("_") and _n not in _INTERNAL
                 and getattr(_v, "__module__", "").startswith(__name__ + ".")
                 and _v.__module__ != __name__ + ".core")
from .image import (  # noqa: E402  after __all__: tfjs has these under tf.image only, so wt.image, not wt
    crop_and_resize, flip_left_right, grayscale_to_rgb, non_max_suppression, non_max_suppression_async,
    non_max_suppression_padded, non_max_suppression_padded_async, non_max_suppression_with_score,
    non_max_suppression_with_score_async, resize_nearest_neighbor, rgb_to_grayscale, rotate_with_offset, threshold,
    transform)
from .pixels import draw, from_pixels, from_pixels_async, to_pixels  # noqa: E402  tf.browser only: wt.browser

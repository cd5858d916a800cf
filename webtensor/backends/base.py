"""The whole contract between webtensor and a backend: the kernels below, nothing more.

Every rich op (softmax, conv2d, losses, optimizers, every gradient) is composed in
webtensor.ops from these primitives, so a new backend implements this file and gets the rest.
Two are compositions in principle but kernels for speed: matmul, and depthwise_conv2d (as
elementwise ops it reads its input once per filter tap, each through full index math).

Kernels receive Buffers: a handle made by this backend with the shape and dtype to read it as
(never a Tensor), and return a new handle holding the result in row-major order. A buffer never
changes after it is made; reshaping shares it. The elementwise and reduction ops a kernel may be
asked for are the rows of webtensor/optable.py. A backend that lacks a kernel cannot be built:
Python names the missing method.
"""
import math
from abc import ABC, abstractmethod
from typing import NamedTuple


class Buffer(NamedTuple):
    handle: object
    shape: tuple
    dtype: str

    @property
    def size(self):
        return shape_size(self.shape)


shape_size = math.prod  # the element count of a shape (a C call: it runs for every op)


def contiguous_strides(shape):
    """Element strides of a row-major array of this shape."""
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= d
    return strides[::-1]


class Backend(ABC):
    name = "abstract"
    # True: matmul and depthwise_conv2d also take `bias` (a float32 Buffer [C], C the last dim
    # of the output, or None) and `activation` ("relu", "relu6" or None), applied to the
    # output in that order, as tfjs's fused kernels do (ops/conv.py's fused ops pass them
    # where no gradient is recorded). False: they are never passed; the ops compose them.
    fuses_epilogue = False

    # ---- buffers ----
    @abstractmethod
    def write(self, values, dtype):
        """Upload a flat contiguous ndarray of dtype's storage type; return a handle."""

    @abstractmethod
    def read(self, handle, dtype):
        """Download a buffer as a flat ndarray (blocking)."""

    async def read_async(self, handle, dtype):
        return self.read(handle, dtype)

    @abstractmethod
    def dispose(self, handle):
        """The buffer is no longer used by any tensor."""

    def realize(self, handle):
        """A hint that the buffer will live long (a variable's value): a backend that defers
        work computes it now, so deferred work never piles up across training steps."""

    def memory(self):
        """Extra fields for wt.memory() (e.g. num_textures)."""
        return {}

    # ---- kernels ----
    @abstractmethod
    def fill(self, shape, value, dtype): ...

    @abstractmethod
    def unary(self, op, x): ...                        # op: a row of optable.UNARY; dtype kept, bool for tests

    @abstractmethod
    def binary(self, op, a, b, out_shape): ...         # op: a row of optable.BINARY; a, b broadcast, one dtype

    @abstractmethod
    def where(self, cond, a, b, out_shape): ...        # cond bool; broadcasting

    @abstractmethod
    def cast(self, x, dtype): ...                      # float->int truncates toward zero

    @abstractmethod
    def reduce(self, op, x): ...                       # x [outer, inner] -> [outer]; op: a row of optable.REDUCE

    @abstractmethod
    def arg_reduce(self, op, x): ...                   # "argmax"/"argmin": [outer, inner] -> int32 [outer]

    @abstractmethod
    def cumsum(self, x, exclusive, reverse): ...       # along the last axis of [outer, inner]

    @abstractmethod
    def matmul(self, a, b, transpose_a, transpose_b): ...  # [Ba, M, K] @ [Bb, K, N], Ba/Bb equal or 1

    @abstractmethod
    def strided(self, x, shape, strides, offset): ...  # out[i] = x.flat[offset + sum(i_k * strides_k)]

    @abstractmethod
    def pad(self, x, paddings, value): ...             # paddings: ((before, after), ...), >= 0

    @abstractmethod
    def concat(self, xs, out_shape): ...               # xs [outer, n_i] joined along axis 1

    @abstractmethod
    def gather(self, x, indices, out_shape): ...       # x [outer, n, inner], indices int32 [k]; out of range -> 0

    @abstractmethod
    def depthwise_conv2d(self, x, filter, out_hw, strides, dilations, before): ...
    # x float32 [N, H, W, C], filter [FH, FW, C, M] -> [N, OH, OW, C * M]: output (oh, ow) reads
    # x at (oh * stride - before + tap * dilation) per spatial axis, zero outside x; before >= 0

    @abstractmethod
    def resize_bilinear(self, x, taps, out_hw): ...
    # x float32 [N, H, W, C] -> [N, OH, OW, C]; taps: per axis (H, then W) the float32 [O, 3]
    # rows (lo, hi, frac) of each output index: t = x[lo] + (x[hi] - x[lo]) * frac along H,
    # then the same along W

"""The whole contract between webtensor and a backend: the kernels below, nothing more.

Every rich op (softmax, conv2d, losses, optimizers, every gradient) is composed in
webtensor.ops from these primitives, so a new backend implements this file and gets the rest.

Kernels receive Tensors whose buffers already live on this backend (`t._data.handle`, with
`t.shape` and `t.dtype` describing them) and return a new buffer handle holding the result in
row-major order. A buffer never changes after it is made; reshaping shares it.
"""

# Elementwise op names, shared by every backend's tables. Inputs of binary ops broadcast
# (NumPy rules); the frontend has already given both operands one dtype.
UNARY_OPS = (
    "neg abs square sqrt rsqrt exp log log1p expm1 sin cos tan asin acos atan sinh cosh tanh "
    "asinh acosh atanh sigmoid softplus sign floor ceil round reciprocal erf relu relu6 elu selu "
    "is_nan is_inf is_finite logical_not"
).split()
BINARY_OPS = (
    "add sub mul div floor_div mod pow maximum minimum squared_difference atan2 prelu "
    "equal not_equal less less_equal greater greater_equal logical_and logical_or logical_xor"
).split()
COMPARISONS = {"equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
               "logical_and", "logical_or", "logical_xor", "is_nan", "is_inf", "is_finite",
               "logical_not"}  # these produce bool
REDUCE_OPS = ("sum", "prod", "max", "min", "any", "all")


def contiguous_strides(shape):
    """Element strides of a row-major array of this shape."""
    strides, acc = [], 1
    for d in reversed(shape):
        strides.append(acc)
        acc *= d
    return strides[::-1]


class Backend:
    name = "abstract"

    # ---- buffers ----
    def write(self, values, dtype):
        """Upload a flat contiguous ndarray of dtype's storage type; return a handle."""
        raise NotImplementedError

    def read(self, handle, dtype):
        """Download a buffer as a flat ndarray (blocking)."""
        raise NotImplementedError

    async def read_async(self, handle, dtype):
        return self.read(handle, dtype)

    def dispose(self, handle):
        raise NotImplementedError

    def realize(self, handle):
        """A hint that the buffer will live long (a variable's value): a backend that defers
        work computes it now, so deferred work never piles up across training steps."""

    def memory(self):
        """Extra fields for wt.memory() (e.g. num_textures)."""
        return {}

    # ---- kernels ----
    def fill(self, shape, value, dtype): ...
    def unary(self, op, x): ...                        # op in UNARY_OPS; dtype kept, bool for tests
    def binary(self, op, a, b, out_shape): ...         # op in BINARY_OPS, broadcasting
    def where(self, cond, a, b, out_shape): ...        # cond bool; broadcasting
    def cast(self, x, dtype): ...                      # float->int truncates toward zero
    def reduce(self, op, x): ...                       # x [outer, inner] -> [outer]; op in REDUCE_OPS
    def arg_reduce(self, op, x): ...                   # "argmax"/"argmin": [outer, inner] -> int32 [outer]
    def cumsum(self, x, exclusive, reverse): ...       # along the last axis of [outer, inner]
    def matmul(self, a, b, transpose_a, transpose_b): ...  # [Ba, M, K] @ [Bb, K, N], Ba/Bb equal or 1
    def strided(self, x, shape, strides, offset): ...  # out[i] = x.flat[offset + sum(i_k * strides_k)]
    def pad(self, x, paddings, value): ...             # paddings: ((before, after), ...), >= 0
    def concat(self, xs, out_shape): ...               # xs [outer, n_i] joined along axis 1
    def gather(self, x, indices, out_shape): ...       # x [outer, n, inner], indices int32 [k]; out of range -> 0

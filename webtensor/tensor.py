"""Tensor: an immutable n-d array whose values live in a backend buffer (a NumPy array or a GPU
texture). Ops are attached as methods by webtensor.ops, so every op chains: a.sub(b).square()."""
import numpy as np

from .backends.base import contiguous_strides, shape_size
from .engine import ENGINE


class Tensor:
    __slots__ = ("shape", "dtype", "_data", "id", "_kept", "__weakref__")
    __array_priority__ = 1000  # so that ndarray + tensor calls Tensor.__radd__

    def __init__(self, data, shape, dtype):
        self.shape, self.dtype, self._kept = shape, dtype, False
        ENGINE.track(self, data)

    # ---- metadata ----
    @property
    def rank(self):
        return len(self.shape)

    @property
    def size(self):
        return shape_size(self.shape)

    @property
    def strides(self):
        """Elements to step over for one step on each axis but the last (tfjs's strides)."""
        return contiguous_strides(self.shape)[:-1]

    @property
    def is_disposed(self):
        return self._data is None

    def dispose(self):
        ENGINE.dispose_tensor(self)

    def _check_alive(self, op):
        if self._data is None:
            raise ValueError(f"{op}: tensor (id {self.id}, shape {self.shape}) is disposed; "
                             "it was freed by dispose() or by the tidy() that made it")

    # ---- reading values ----
    def data_sync(self):
        """The values as a flat read-only NumPy array (a blocking download on GPU backends);
        complex64 ones as float32 [re, im, re, im, ...], as tfjs's dataSync()."""
        self._check_alive("data_sync")
        return _read(self._data, self.dtype)

    async def data(self):
        """Like data_sync, but waits for the GPU without blocking the browser's event loop."""
        self._check_alive("data")
        data = self._data
        if data.values is None:
            values = await _read_async(data, self.dtype)
            if data.values is None and self._data is data:
                values.flags.writeable = False
                data.values = values
            return values
        return data.values

    def _values(self, values):
        """Flat values as NumPy elements: complex64's interleaved pairs as np.complex64."""
        return values.view(np.complex64) if self.dtype == "complex64" else values

    def numpy(self):
        return self._values(self.data_sync()).reshape(self.shape).copy()

    def array_sync(self):
        return self.numpy().tolist()

    async def array(self):
        return self._values(await self.data()).reshape(self.shape).tolist()

    # ---- buffers, bytes and text, as tfjs's Tensor (webtensor.ops.buffer builds on this module) ----
    def buffer_sync(self):
        """A TensorBuffer holding a copy of the values."""
        from .ops.buffer import TensorBuffer
        self._check_alive("buffer_sync")
        return TensorBuffer(self.shape, self.dtype, self.data_sync())

    async def buffer(self):
        from .ops.buffer import TensorBuffer
        self._check_alive("buffer")
        return TensorBuffer(self.shape, self.dtype, await self.data())

    async def bytes(self):
        """The values' raw little-endian bytes: 4 per float32 or int32 value, 1 per bool."""
        self._check_alive("bytes")
        values = await self.data()
        return values.astype(values.dtype.newbyteorder("<"), copy=False).tobytes()

    def to_string(self, verbose=False):
        """The values as tfjs's toString() writes them; verbose adds dtype, rank and shape."""
        from .ops.buffer import tensor_to_string
        self._check_alive("to_string")
        if self.dtype == "complex64":
            raise TypeError("to_string: complex64 tensors have no text form yet; repr(t) and t.numpy() "
                            "show their values")
        return tensor_to_string(self.data_sync(), self.shape, self.dtype, verbose)

    def print(self, verbose=False):
        print(self.to_string(verbose))

    # ---- reshaping shorthands: tfjs's chained as1D ... as5D, asScalar, reshapeAs ----
    def as1d(self):
        return self.reshape([self.size])

    def as2d(self, rows, columns):
        return self.reshape([rows, columns])

    def as3d(self, rows, columns, depth):
        return self.reshape([rows, columns, depth])

    def as4d(self, rows, columns, depth, depth2):
        return self.reshape([rows, columns, depth, depth2])

    def as5d(self, rows, columns, depth, depth2, depth3):
        return self.reshape([rows, columns, depth, depth2, depth3])

    def as_scalar(self):
        if self.size != 1:
            raise ValueError(f"as_scalar: the tensor must have exactly one element, got shape {self.shape}")
        return self.reshape([])

    def reshape_as(self, x):
        return self.reshape(list(x.shape if isinstance(x, Tensor) else np.shape(x)))

    def __array__(self, dtype=None, copy=None):
        a = self._values(self.data_sync()).reshape(self.shape)
        return a.astype(dtype) if dtype is not None else a.copy()

    def item(self):
        if self.size != 1:
            raise ValueError(f"item: expected a tensor with one element, got shape {self.shape}")
        return self._values(self.data_sync())[0].item()

    def __bool__(self):
        if self.size != 1:
            raise ValueError(f"bool: the truth value of a tensor of shape {self.shape} is ambiguous")
        return bool(self._values(self.data_sync())[0])

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self.dtype != "int32":
            raise TypeError(f"index: expected an int32 tensor, got {self.dtype}")
        return int(self.item())

    def __len__(self):
        if not self.shape:
            raise TypeError("len: a scalar tensor has no length")
        return self.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        if self._data is None:
            return f"Tensor(<disposed>, shape={self.shape}, dtype={self.dtype})"
        body = np.array2string(self.numpy(), separator=", ", threshold=100, prefix="Tensor(")
        return f"Tensor({body}, shape={self.shape}, dtype={self.dtype})"

    __hash__ = object.__hash__

    def __setitem__(self, key, value):
        raise TypeError("Tensor is immutable: use wt.where, wt.pad or a Variable's assign() instead")


def _read(data, dtype):
    """A buffer's values, read once and kept (read-only); a complex64 tensor's, its parts'
    interleaved."""
    if data.values is None:
        if data.backend is None:
            re, im = (_read(part, "float32") for part in data.parts)
            data.values = _interleave(re, im)
        else:
            data.values = data.backend.read(data.handle, dtype)
        data.values.flags.writeable = False
    return data.values


async def _read_async(data, dtype):
    if data.backend is None:
        re, im = [part.values if part.values is not None else await _read_async(part, "float32")
                  for part in data.parts]
        return _interleave(re, im)
    return await data.backend.read_async(data.handle, dtype)


def _interleave(re, im):
    return np.stack([re, im], axis=-1).reshape(-1)


class Scalar(Tensor):
    __slots__ = ()


class Tensor1D(Tensor):
    __slots__ = ()


class Tensor2D(Tensor):
    __slots__ = ()


class Tensor3D(Tensor):
    __slots__ = ()


class Tensor4D(Tensor):
    __slots__ = ()


RANK_CLASSES = {0: Scalar, 1: Tensor1D, 2: Tensor2D, 3: Tensor3D, 4: Tensor4D}


def make_tensor(data, shape, dtype):
    return RANK_CLASSES.get(len(shape), Tensor)(data, shape, dtype)

"""Variables: mutable tensors that optimizers update in place. tidy() never disposes them."""
from .dtypes import check_dtype
from .engine import ENGINE
from .ops.core import as_tensor
from .ops.elementwise import cast
from .tensor import Tensor


class Variable(Tensor):
    __slots__ = ("name", "trainable", "original_name")

    def __init__(self, initial, trainable=True, name=None, dtype=None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"variable: argument 'name' must be a str, got {name!r}")
        dtype = check_dtype(dtype, "variable")
        if name in ENGINE.variables:  # before anything is made: a failed call leaves nothing behind
            raise ValueError(f"variable: a variable named {name!r} already exists")
        value = as_tensor(initial, "initial_value", "variable")
        if value.dtype == "complex64":
            raise TypeError("variable: complex64 tensors cannot be variables (train their real and "
                            "imaginary parts, wt.real(x) and wt.imag(x))")
        dtype = dtype or value.dtype
        temporary = value is not initial
        if dtype != value.dtype:
            value, temporary = cast(value, dtype), True
        self.name = name or f"variable{ENGINE.next_id + 1}"
        self.original_name = self.name  # a layer's weight: its name before a uniqueness suffix
        if self.name in ENGINE.variables:
            if temporary:
                value.dispose()
            raise ValueError(f"variable: a variable named {self.name!r} already exists")
        self.trainable, self.shape, self.dtype, self._kept = trainable, value.shape, dtype, False
        ENGINE.track(self, value._data, scoped=False)  # no tidy disposes a variable
        if temporary:
            value.dispose()
        self._data.backend.realize(self._data.handle)
        ENGINE.add_variable(self)

    def assign(self, new_value):
        """Replace the values (same shape and dtype); the old buffer is released."""
        self._check_alive("assign")
        value = as_tensor(new_value, "new_value", "assign")
        try:
            if value.shape != self.shape or value.dtype != self.dtype:
                raise ValueError(f"assign: new value has shape {value.shape} and dtype {value.dtype}; "
                                 f"variable {self.name!r} has {self.shape}, {self.dtype}")
            ENGINE.attach(self, value._data)
        finally:
            if value is not new_value:  # converted here from a list or array: the variable holds its buffer
                value.dispose()
        self._data.backend.realize(self._data.handle)
        return self

    def dispose(self):
        if self._data is not None:
            ENGINE.remove_variable(self)
        super().dispose()

    def __repr__(self):
        return "Variable" + super().__repr__()[len("Tensor"):-1] + f", name={self.name!r})"


def variable(initial_value, trainable=True, name=None, dtype=None):
    return Variable(initial_value, trainable, name, dtype)

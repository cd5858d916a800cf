"""Merge layers: several inputs of one shape combined elementwise (one table row per kind),
concatenate along an axis, and dot (tfjs-layers layers/merge.ts)."""
import functools

from .. import ops
from .base import Layer, format_shape
from .masks import all_of

_COMBINE = {  # class name -> how a list of tensors becomes one
    "Add": lambda xs: functools.reduce(ops.add, xs),
    "Subtract": lambda xs: ops.sub(xs[0], xs[1]),
    "Multiply": lambda xs: functools.reduce(ops.mul, xs),
    "Average": lambda xs: functools.reduce(ops.add, xs) * (1.0 / len(xs)),
    "Maximum": lambda xs: functools.reduce(ops.maximum, xs),
    "Minimum": lambda xs: functools.reduce(ops.minimum, xs),
}


class Merge(Layer):
    supports_masking = True

    def compute_mask(self, inputs, mask=None):
        return all_of(mask or [])  # a step is real where it is real in every input

    def _check(self, input_shape):
        if not isinstance(input_shape, list) or not input_shape or not isinstance(input_shape[0], list) \
                or len(input_shape) < 2:
            raise ValueError(f"{self.name}: needs a list of at least 2 inputs")
        if self.get_class_name() == "Subtract" and len(input_shape) != 2:
            raise ValueError(f"{self.name}: needs exactly 2 inputs, got {len(input_shape)}")

    def build(self, input_shape):
        self._check(input_shape)
        self.compute_output_shape(input_shape)

    def call(self, inputs, training=False):
        return _COMBINE[self.get_class_name()](list(inputs))

    def compute_output_shape(self, input_shape):
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            if len(shape) != len(out) or any(a is not None and b is not None and a != b
                                             for a, b in zip(out, shape)):
                raise ValueError(f"{self.name}: inputs must have the same shape, got "
                                 + ", ".join(format_shape(s) for s in input_shape))
            out = [a if a is not None else b for a, b in zip(out, shape)]
        return out


for _cls_name in _COMBINE:
    globals()[_cls_name] = type(_cls_name, (Merge,), {})


class Concatenate(Merge):
    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, training=False):
        return ops.concat(list(inputs), self.axis)

    def compute_mask(self, inputs, mask=None):
        """Joined along a masked (time) axis, the masks are concatenated, an unmasked input's
        all true; along the features, a step is real where every input's is (Keras)."""
        if not mask or all(m is None for m in mask):
            return None
        rank = inputs[0].rank
        axis = self.axis % rank
        if axis >= rank - 1:
            return all_of(mask)
        full = [m if m is not None else ops.ones(x.shape[:rank - 1], "bool") for x, m in zip(inputs, mask)]
        return ops.concat(full, axis)

    def compute_output_shape(self, input_shape):
        rank = len(input_shape[0])
        axis = self.axis % rank
        out = list(input_shape[0])
        for shape in input_shape[1:]:
            if len(shape) != rank or any(i != axis and a is not None and b is not None and a != b
                                         for i, (a, b) in enumerate(zip(out, shape))):
                raise ValueError(f"{self.name}: inputs must match except along axis {self.axis}, got "
                                 + ", ".join(format_shape(s) for s in input_shape))
            out[axis] = None if out[axis] is None or shape[axis] is None else out[axis] + shape[axis]
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """The dot products of two inputs along `axes` (one for both or one per input; never the
    batch axis), batch by batch; normalize=True makes them cosine similarities (each input
    divided by its L2 norm along the axis first, the norm at least sqrt(1e-7), as tfjs)."""
    supports_masking = False  # as tfjs: the products have no time axis to mask

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        self.axes, self.normalize = axes, normalize

    def _axes(self, shapes):
        axes = [self.axes, self.axes] if isinstance(self.axes, int) else list(self.axes)
        if len(axes) != 2:
            raise ValueError(f"{self.name}: axes must be an int or a pair of ints, got {self.axes!r}")
        out = [a % len(s) for a, s in zip(axes, shapes)]
        if 0 in out:
            raise ValueError(f"{self.name}: axes {self.axes!r} include the batch axis")
        return out

    def build(self, input_shape):
        self._check(input_shape)
        if len(input_shape) != 2:
            raise ValueError(f"{self.name}: needs exactly 2 inputs, got {len(input_shape)}")
        self.compute_output_shape(input_shape)

    def call(self, inputs, training=False):
        x, y = inputs
        ax, ay = self._axes([x.shape, y.shape])
        if self.normalize:
            x, y = (t / ops.sqrt(ops.maximum(ops.sum(t * t, a, True), 1e-7)) for t, a in ((x, ax), (y, ay)))
        rest_x = [d for i, d in enumerate(x.shape) if i not in (0, ax)]
        rest_y = [d for i, d in enumerate(y.shape) if i not in (0, ay)]
        xm = ops.transpose(x, [0] + [i for i in range(1, x.rank) if i != ax] + [ax])
        ym = ops.transpose(y, [0, ay] + [i for i in range(1, y.rank) if i != ay])
        k = x.shape[ax]
        out = ops.matmul(ops.reshape(xm, [x.shape[0], -1, k]), ops.reshape(ym, [y.shape[0], k, -1]))
        return ops.reshape(out, [x.shape[0]] + (rest_x + rest_y or [1]))

    def compute_output_shape(self, input_shape):
        (xs, ys), (ax, ay) = input_shape, self._axes(input_shape)
        if xs[ax] is not None and ys[ay] is not None and xs[ax] != ys[ay]:
            raise ValueError(f"{self.name}: axis {ax} of {format_shape(xs)} and axis {ay} of "
                             f"{format_shape(ys)} differ")
        rest = [d for i, d in enumerate(xs) if i not in (0, ax)] + [d for i, d in enumerate(ys) if i not in (0, ay)]
        return [xs[0]] + (rest or [1])

    def get_config(self):
        return {**super().get_config(), "axes": self.axes, "normalize": self.normalize}


def add(**kwargs):
    return Add(**kwargs)  # noqa: F821 (made from the table above)


def subtract(**kwargs):
    return Subtract(**kwargs)  # noqa: F821


def multiply(**kwargs):
    return Multiply(**kwargs)  # noqa: F821


def average(**kwargs):
    return Average(**kwargs)  # noqa: F821


def maximum(**kwargs):
    return Maximum(**kwargs)  # noqa: F821


def minimum(**kwargs):
    return Minimum(**kwargs)  # noqa: F821


def concatenate(**kwargs):
    return Concatenate(**kwargs)


def dot(**kwargs):
    return Dot(**kwargs)

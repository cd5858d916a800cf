"""Layer: lazily built weights, eager calls on Tensors, and symbolic calls that record a graph
node (tfjs-layers topology.ts). A SymbolicTensor is a shape with a batch dimension of None
and a note of which layer call made it."""
import contextlib
import math

import numpy as np

from .. import ops
from ..ops.core import as_tensor
from ..memory import keep, tidy
from ..variable import Variable
from ..engine import ENGINE
from ..tensor import Tensor
from . import initializers
from .masks import get_mask, set_mask
from .names import snake_case, uid


class SymbolicTensor:
    """A placeholder in a model's graph: output `index` of `node`."""

    def __init__(self, shape, dtype, node, index, name):
        self.shape, self.dtype, self.node, self.index, self.name = list(shape), dtype, node, index, name

    @property
    def rank(self):
        return len(self.shape)

    def __repr__(self):
        return f"SymbolicTensor(name={self.name!r}, shape={format_shape(self.shape)}, dtype={self.dtype})"


class Node:
    """One call of a layer on symbolic tensors: inputs in, outputs out."""

    def __init__(self, layer, inputs, output_shapes, dtype, listed=False):
        self.layer, self.inputs, self.listed = layer, list(inputs), listed
        layer.inbound_nodes.append(self)
        k = len(layer.inbound_nodes) - 1
        self.outputs = [SymbolicTensor(s, dtype, self, i, f"{layer.name}/{k}" + (f"/{i}" if i else ""))
                        for i, s in enumerate(output_shapes)]


class InputSpec:
    """What a layer accepts: rank (exact or minimum) and sizes of given axes."""

    def __init__(self, ndim=None, min_ndim=None, axes=None):
        self.ndim, self.min_ndim, self.axes = ndim, min_ndim, dict(axes or {})

    def check(self, layer, shape, expected):
        r = len(shape)
        ok = (self.ndim is None or r == self.ndim) and (self.min_ndim is None or r >= self.min_ndim)
        ok = ok and all(-r <= a < r and shape[a] in (None, size) for a, size in self.axes.items())
        if not ok:
            raise ValueError(f"{layer.name}: expected input shape {format_shape(expected)}, "
                             f"got {format_shape(shape)}")


def format_shape(shape):
    return "[" + ", ".join("None" if d is None else str(d) for d in shape) + "]"


def to_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


def single(xs):
    return xs[0] if len(xs) == 1 else xs


def _batch_input_shape(input_shape, batch_input_shape, batch_size):
    if batch_input_shape is not None:
        return [None if d is None else int(d) for d in batch_input_shape]
    if input_shape is not None:
        return [batch_size] + [None if d is None else int(d) for d in input_shape]
    return None


class Layer:
    """Subclasses implement build(input_shape) (creating weights with add_weight),
    call(inputs, training) and compute_output_shape(input_shape); shapes include the batch
    dimension (None). A layer with several inputs gets lists of tensors and shapes."""

    class_name = None  # the Keras/tfjs class name; defaults to the Python class's name
    supports_masking = False  # True: the input's mask is the output's (tfjs's supportsMasking)

    def __init__(self, name=None, trainable=True, input_shape=None, batch_input_shape=None,
                 batch_size=None, dtype="float32", weights=None):
        cls = self.get_class_name()
        self.name = name or f"{snake_case(cls)}_{uid(cls)}"  # tfjs: dense_Dense1
        self.trainable, self.dtype, self.built = trainable, dtype or "float32", False
        self.batch_input_shape = _batch_input_shape(input_shape, batch_input_shape, batch_size)
        self.input_spec = None     # set by build: checked on every later call
        self.built_input_shape = None
        self.inbound_nodes = []
        self._trainable_weights, self._non_trainable_weights = [], []
        self._initial_weights = weights
        self._model_refs = 0       # models holding this layer: weights go with the last one
        self._regularized, self._constrained = [], []  # (variable, regularizer / constraint)
        self.activity_regularizer = None  # a subclass sets it: see regularizers.py

    @classmethod
    def get_class_name(cls):
        return cls.class_name or cls.__name__

    # ---- weights ----
    def add_weight(self, name, shape, initializer="zeros", trainable=True, dtype=None,
                   regularizer=None, constraint=None):
        """A new weight variable. A regularizer's penalty joins the training loss (layer.losses);
        a constraint is applied after every optimizer step of fit / train_on_batch."""
        init = initializers.get(initializer)
        full = "/".join(_NAME_SCOPE + [name]) if _NAME_SCOPE else f"{self.name}/{name}"
        unique, k = full, 0
        while unique in ENGINE.variables:  # tfjs: getUniqueTensorName, a _1, _2 ... suffix
            k += 1
            unique = f"{full}_{k}"
        v = tidy(lambda: Variable(init(list(shape), dtype or self.dtype), trainable=trainable, name=unique))
        v.original_name = full  # the name model files use (tfjs's originalName)
        (self._trainable_weights if trainable else self._non_trainable_weights).append(v)
        if regularizer is not None:
            self._regularized.append((v, regularizer))
        if constraint is not None:
            self._constrained.append((v, constraint))
        return v

    @property
    def losses(self):
        """The weight regularizers' penalties, as scalar tensors made now (tfjs's
        calculateLosses); fit adds them to the loss it minimizes."""
        return [regularizer(v) for v, regularizer in self._regularized]

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    def count_params(self):
        if not self.built:
            raise ValueError(f"{self.name}: count_params() on a layer that is not built yet; "
                             "call it on an input (or build(batch_input_shape)) first")
        return sum(math.prod(w.shape) for w in self.weights)

    def get_weights(self):
        """The weight variables themselves, as tfjs's getWeights (copy with .numpy())."""
        return self.weights

    def set_weights(self, weights):
        set_weight_values(self.weights, weights, self.name)

    def dispose(self):
        """Free the weights; returns how many variables were disposed."""
        ws = self._trainable_weights + self._non_trainable_weights
        for w in ws:
            w.dispose()
        self._trainable_weights, self._non_trainable_weights = [], []
        self._regularized, self._constrained = [], []
        self.built = False
        return len(ws)

    # ---- to implement ----
    def build(self, input_shape):
        pass

    def call(self, inputs, training=False):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_mask(self, inputs, mask=None):
        """The output's mask from the inputs and their masks (a list for a list of inputs).
        A layer that does not support masking drops it, as tf.keras does (tfjs raises)."""
        return mask if self.supports_masking else None

    # ---- calling ----
    def __call__(self, inputs, training=False, **kwargs):
        return self.apply(inputs, training=training, **kwargs)

    def apply(self, inputs, training=False, **kwargs):
        """On Tensors (or arrays): compute now. On SymbolicTensors: a graph node, whose output
        SymbolicTensor(s) have the inferred shape(s)."""
        xs = to_list(inputs)
        symbolic = [isinstance(x, SymbolicTensor) for x in xs]
        if any(symbolic) and not all(symbolic):
            raise TypeError(f"{self.name}: inputs must be all SymbolicTensors or all Tensors")
        if all(symbolic):
            return self._apply_symbolic(inputs, xs)
        return self.call_eager(inputs, training, **kwargs)

    def _shape_of(self, inputs):
        shapes = [list(x.shape) for x in to_list(inputs)]
        return shapes if isinstance(inputs, (list, tuple)) else shapes[0]

    def _ensure_built(self, input_shape, scoped=True):
        """Build on first use, inside the layer's name scope: its weights are named
        <scope>/<weight> (tfjs's nameScope), so a wrapper's inner layers carry its name."""
        if not self.built:
            depth = len(_NAME_SCOPE)
            if scoped:
                _NAME_SCOPE.append(self.name)
            try:
                self.build(input_shape)
            finally:
                del _NAME_SCOPE[depth:]
            self.built, self.built_input_shape = True, input_shape
            if self._initial_weights is not None:
                self.set_weights(self._initial_weights)
                self._initial_weights = None
        elif self.input_spec is not None:
            for spec, shape, built in zip(to_list(self.input_spec), _shapes(input_shape),
                                          _shapes(self.built_input_shape)):
                spec.check(self, shape, built)

    def _apply_symbolic(self, inputs, xs):
        input_shape = self._shape_of(inputs)
        self._ensure_built(input_shape)
        out_shape = self.compute_output_shape(input_shape)
        multi = isinstance(out_shape, list) and out_shape and isinstance(out_shape[0], list)
        node = Node(self, xs, out_shape if multi else [out_shape], xs[0].dtype,
                    listed=isinstance(inputs, (list, tuple)))
        return node.outputs if multi else node.outputs[0]

    def call_eager(self, inputs, training=False, **kwargs):
        def run():
            xs = inputs
            if isinstance(xs, (list, tuple)):
                xs = [as_tensor(x, f"inputs[{i}]", self.name) for i, x in enumerate(xs)]
            else:
                xs = as_tensor(xs, "inputs", self.name)
            self._ensure_built(self._shape_of(xs))
            return self.call(xs, training=training, **kwargs)
        # as tfjs's call()s: only the outputs outlive the call (a tape keeps what it needs),
        # tensors converted from arrays included
        out = tidy(run)
        self._pass_mask(inputs, out)
        if _ACTIVITY and training and self.activity_regularizer is not None:
            # kept: a nested model's tidy would free it; the step that collects it disposes it
            _ACTIVITY[-1].extend(keep(tidy(lambda: self._activity_penalty(y))) for y in to_list(out))
        return out

    def _pass_mask(self, inputs, out):
        """Note the output's mask, made outside the call's tidy: it lives as long as the
        output's scope (a layer that sets one itself, as the recurrent ones, is left alone)."""
        masks = [get_mask(x) if isinstance(x, Tensor) else None for x in to_list(inputs)]
        mask = self.compute_mask(inputs, masks if isinstance(inputs, (list, tuple)) else masks[0])
        if mask is not None and isinstance(out, Tensor) and get_mask(out) is None:
            set_mask(out, mask, owned=not any(mask is m for m in masks))

    def _activity_penalty(self, y):
        """Keras 2's activity penalty: the regularizer's value divided by the batch size."""
        return self.activity_regularizer(y) / (y.shape[0] if y.rank else 1)

    # ---- config ----
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}
        if self.batch_input_shape is not None:
            config["batch_input_shape"] = list(self.batch_input_shape)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{self.get_class_name()}(name={self.name!r})"


_NAME_SCOPE = []  # the names of the layers being built, outermost first
_ACTIVITY = []  # a stack of lists: where training calls put their activity penalties


@contextlib.contextmanager
def activity_penalties(sink):
    """Add the activity regularizers' penalties of the training calls in the block (fit's
    forward pass) to the list `sink`; the caller disposes them."""
    _ACTIVITY.append(sink)
    try:
        yield sink
    finally:
        _ACTIVITY.pop()


def _shapes(shape):
    """A list of shapes from one shape or a list of shapes."""
    return shape if shape and isinstance(shape[0], list) else [shape]


def set_weight_values(variables, values, owner):
    values = list(values)
    if len(values) != len(variables):
        raise ValueError(f"{owner}: set_weights got {len(values)} arrays, expected {len(variables)}")
    for v, value in zip(variables, values):
        shape = list(value.shape) if hasattr(value, "shape") else list(np.shape(value))
        if shape != list(v.shape):
            raise ValueError(f"{owner}: weight {v.name!r} has shape {format_shape(v.shape)}, "
                             f"got a value of shape {format_shape(shape)}")
    for v, value in zip(variables, values):
        tidy(lambda: v.assign(ops.cast(as_tensor(value, "weights", "set_weights"), v.dtype)))

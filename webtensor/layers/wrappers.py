"""Wrappers: a layer around another layer (tfjs-layers layers/wrappers.ts). time_distributed
applies a layer to every time step; bidirectional runs a recurrent layer both ways and merges."""
from .. import ops
from .base import Layer, format_shape, single
from .masks import get_mask, set_mask
from .recurrent import Recurrent
from .serialization import deserialize

__all__ = ["Bidirectional", "TimeDistributed", "Wrapper", "bidirectional",
           "time_distributed"]


class Wrapper(Layer):
    """Holds `layer` (or its {'class_name', 'config'}); the weights are the inner layers'."""

    def __init__(self, layer, **kwargs):
        if isinstance(layer, dict):
            layer = deserialize(layer)
        if not isinstance(layer, Layer):
            raise TypeError(f"{type(self).__name__}: layer must be a Layer, got {type(layer).__name__}")
        super().__init__(**kwargs)
        self.layer = layer

    @property
    def inner_layers(self):
        return [self.layer]

    @property
    def trainable_weights(self):
        return [w for layer in self.inner_layers for w in layer.trainable_weights] if self.trainable else []

    @property
    def non_trainable_weights(self):
        ws = [w for layer in self.inner_layers for w in layer.non_trainable_weights]
        if not self.trainable:
            ws = [w for layer in self.inner_layers for w in layer.trainable_weights] + ws
        return ws

    # what fit collects from a layer: the inner layers' weight penalties and constraints
    @property
    def losses(self):
        return super().losses + [p for layer in self.inner_layers for p in layer.losses]

    @property
    def _constrained(self):
        return self._own_constrained + [c for layer in self.inner_layers for c in layer._constrained]

    @_constrained.setter
    def _constrained(self, value):
        self._own_constrained = value

    def dispose(self):
        count = sum(layer.dispose() for layer in self.inner_layers)
        self.built = False
        return count

    def get_config(self):
        return {**super().get_config(),
                "layer": {"class_name": self.layer.get_class_name(), "config": self.layer.get_config()}}


class TimeDistributed(Wrapper):
    """The inner layer on every time step of [batch, time, ...]: computed as one call on
    [batch * time, ...] (tfjs loops over the steps; for a layer without state it is the same)."""

    def build(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(f"{self.name}: needs inputs of rank >= 3 ([batch, time, ...]), got "
                             f"{format_shape(input_shape)}")
        # built directly, as tfjs does: its weights are named <time_distributed>/<weight>
        self.layer._ensure_built([input_shape[0]] + list(input_shape[2:]), scoped=False)

    def call(self, inputs, training=False, mask=None):
        batch, time = inputs.shape[:2]
        y = self.layer.call_eager(ops.reshape(inputs, [batch * time] + list(inputs.shape[2:])), training)
        if isinstance(y, (list, tuple)):
            raise TypeError(f"{self.name}: the wrapped layer must have a single output")
        y = ops.reshape(y, [batch, time] + list(y.shape[1:]))
        mask = mask if mask is not None else get_mask(inputs)
        return y if mask is None else set_mask(y, mask)

    def compute_output_shape(self, input_shape):
        inner = self.layer.compute_output_shape([input_shape[0]] + list(input_shape[2:]))
        return [inner[0], input_shape[1]] + list(inner[1:])


_MERGE = {
    "concat": lambda a, b: ops.concat([a, b], -1),
    "sum": ops.add,
    "mul": ops.mul,
    "ave": lambda a, b: (a + b) * 0.5,
}


class Bidirectional(Wrapper):
    """A forward and a backward copy of a recurrent layer (made from its config, named
    forward_<name> and backward_<name>, as tfjs); their outputs merged by merge_mode ('concat',
    'sum', 'mul', 'ave', or None for both as two outputs). With return_state the states follow:
    forward's, then backward's. Weights: forward's, then backward's."""

    def __init__(self, layer, merge_mode="concat", **kwargs):
        if merge_mode is not None and merge_mode not in _MERGE:
            raise ValueError(f"bidirectional: merge_mode must be one of {', '.join(map(repr, _MERGE))} "
                             f"or None, got {merge_mode!r}")
        inner = layer if isinstance(layer, Layer) else None
        if inner is not None and kwargs.get("input_shape") is None and kwargs.get("batch_input_shape") is None:
            kwargs["batch_input_shape"] = inner.batch_input_shape  # bidirectional(layer=lstm(input_shape=...))
        super().__init__(layer, **kwargs)
        if not isinstance(self.layer, Recurrent):
            raise TypeError(f"{self.name}: wraps a recurrent layer (simple_rnn, lstm, gru), got "
                            f"{self.layer.get_class_name()}")
        config, cls = self.layer.get_config(), type(self.layer)
        self.forward_layer = cls.from_config({**config, "name": "forward_" + config["name"]})
        self.backward_layer = cls.from_config({**config, "name": "backward_" + config["name"],
                                               "go_backwards": not config["go_backwards"]})
        self.merge_mode = merge_mode
        self.return_sequences, self.return_state = self.layer.return_sequences, self.layer.return_state

    @property
    def inner_layers(self):
        return [self.forward_layer, self.backward_layer]

    def build(self, input_shape):
        self.forward_layer._ensure_built(input_shape)
        self.backward_layer._ensure_built(input_shape)

    def call(self, inputs, training=False, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):  # [x, *forward states, *backward states]
            inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
        forward_state = backward_state = None
        if initial_state:
            if len(initial_state) % 2:
                raise ValueError(f"{self.name}: the initial states must be the forward layer's "
                                 f"then the backward layer's, got {len(initial_state)} tensors")
            half = len(initial_state) // 2
            forward_state, backward_state = initial_state[:half], initial_state[half:]
        if mask is None:
            mask = get_mask(inputs)
        y = self.forward_layer.call_eager(inputs, training, mask=mask, initial_state=forward_state)
        y_rev = self.backward_layer.call_eager(inputs, training, mask=mask, initial_state=backward_state)
        states = []
        if self.return_state:
            states = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:  # the backward layer's sequence runs from the last step
            y_rev = ops.reverse(y_rev, 1)
        outs = [y, y_rev] if self.merge_mode is None else [_MERGE[self.merge_mode](y, y_rev)]
        if self.return_sequences and mask is not None:
            outs = [set_mask(o, mask) for o in outs]
        return single(outs + states)

    def compute_output_shape(self, input_shape):
        shapes = self.forward_layer.compute_output_shape(input_shape)
        out, states = (shapes[0], shapes[1:]) if self.return_state else (shapes, [])
        if self.merge_mode == "concat":
            out = list(out[:-1]) + [out[-1] * 2]
        outs = [out, list(out)] if self.merge_mode is None else [out]
        result = outs + states + [list(s) for s in states]
        return result if len(result) > 1 else result[0]

    def set_weights(self, weights):
        weights = list(weights)
        half = len(weights) // 2
        self.forward_layer.set_weights(weights[:half])
        self.backward_layer.set_weights(weights[half:])

    def get_config(self):
        return {**super().get_config(), "merge_mode": self.merge_mode}


def time_distributed(**kwargs):
    return TimeDistributed(**kwargs)


def bidirectional(**kwargs):
    return Bidirectional(**kwargs)



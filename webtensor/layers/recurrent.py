"""Recurrent layers: simple_rnn, lstm and gru with tfjs-layers' weight layouts, gate orders and
defaults (layers/recurrent.ts), and masking, whose mask they honour. The time loop is a Python
loop over the unstacked steps; the tape differentiates through it (backpropagation in time)."""
from .. import ops
from ..ops.core import as_tensor
from . import activations, constraints, initializers, regularizers
from .base import InputSpec, Layer, format_shape
from .masks import get_mask, set_mask

__all__ = ["GRU", "LSTM", "Masking", "Recurrent", "SimpleRNN", "gru", "lstm", "masking", "simple_rnn"]

# ---------------------------------------------------------------- masking

class Masking(Layer):
    """Marks the time steps whose features all equal mask_value as padding: they come out as
    zeros, and the recurrent layers reading them (through any layers that pass masks on) keep
    their previous state and output there."""

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def compute_mask(self, inputs, mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), -1)

    def call(self, inputs, training=False):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), -1, keep_dims=True)
        return inputs * ops.cast(keep, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}


# ---------------------------------------------------------------- the time loop

class _UnitForgetBias(initializers.Initializer):
    """LSTM's bias with the forget gate's block at one (tfjs: a CustomInit of i, f, [c, o])."""

    def __init__(self, base, units):
        self.base, self.units = base, units

    def __call__(self, shape, dtype="float32"):
        u = self.units
        return ops.concat([self.base([u], dtype), ops.ones([u], dtype), self.base([2 * u], dtype)], 0)


def _clip_rate(rate):
    return min(1.0, max(0.0, float(rate or 0.0)))  # tfjs clamps, and uses only 0 < rate < 1


class Recurrent(Layer):
    """What simple_rnn, lstm and gru share: weights kernel [input_dim, units * gates],
    recurrent_kernel [units, units * gates] and bias [units * gates], and the loop over time.
    A subclass sets `gates` and `num_states` and implements step(x_t, h, states, recurrent),
    where x_t is the step's input already times the kernel (plus bias), h the previous output
    (after recurrent dropout) and `recurrent` what recurrent_weights() gave for this call."""
    gates, num_states = 1, 1

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_normal",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
                 recurrent_dropout=0.0, return_sequences=False, return_state=False, go_backwards=False,
                 stateful=False, unroll=False, input_dim=None, input_length=None, **kwargs):
        if input_dim is not None and kwargs.get("input_shape") is None \
                and kwargs.get("batch_input_shape") is None:
            kwargs["input_shape"] = [input_length, input_dim]
        super().__init__(**kwargs)
        if not isinstance(units, int) or units < 1:
            raise ValueError(f"{self.name}: units must be a positive integer, got {units!r}")
        if stateful:
            raise NotImplementedError(f"{self.name}: stateful RNNs are not supported yet; pass the "
                                      "initial states instead: layer.apply([x, *states])")
        self.units, self.use_bias = units, use_bias
        self.activation = activations.get(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout, self.recurrent_dropout = _clip_rate(dropout), _clip_rate(recurrent_dropout)
        self.return_sequences, self.return_state = return_sequences, return_state
        self.go_backwards, self.stateful, self.unroll = go_backwards, False, unroll
        self.kernel = self.recurrent_kernel = self.bias = None

    # ---- weights ----
    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        shape = _first_shape(input_shape)
        if len(shape) != 3 or shape[-1] is None:
            raise ValueError(f"{self.name}: needs inputs of shape [batch, time, features] with known "
                             f"features, got {format_shape(shape)}")
        d, n = shape[-1], self.units * self.gates
        self.kernel = self.add_weight("kernel", [d, n], self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(
            "recurrent_kernel", [self.units, n], self.recurrent_initializer,
            regularizer=self.recurrent_regularizer, constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight("bias", [n], self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        self.input_spec = InputSpec(ndim=3, axes={-1: d})

    def recurrent_weights(self):
        return self.recurrent_kernel

    def step(self, x_t, h, states, recurrent):
        raise NotImplementedError

    # ---- running ----
    def call(self, inputs, training=False, mask=None, initial_state=None):
        if isinstance(inputs, (list, tuple)):  # [x, *initial states], as tfjs's standardizeArgs
            inputs, initial_state = inputs[0], list(inputs[1:]) or initial_state
        x = inputs
        if mask is None:
            mask = get_mask(x)
        batch, time, d = x.shape
        states = self._initial_states(batch, initial_state)
        if training and 0 < self.dropout < 1:  # one mask for every step of this call, as tfjs
            x = x * ops.dropout(ops.ones([batch, 1, d]), self.dropout)
        recurrent_mask = None
        if training and 0 < self.recurrent_dropout < 1:
            recurrent_mask = ops.dropout(ops.ones([batch, self.units]), self.recurrent_dropout)
        # the input projections of all steps at once: one matmul instead of one per step
        xw = ops.matmul(ops.reshape(x, [batch * time, d]), self.kernel)
        if self.bias is not None:
            xw = xw + self.bias
        steps = ops.unstack(ops.reshape(xw, [batch, time, -1]), 1)
        masks = None
        if mask is not None:
            masks = ops.unstack(ops.reshape(ops.cast(mask, "float32"), [batch, time, 1]), 1)
        order = range(time - 1, -1, -1) if self.go_backwards else range(time)
        recurrent, outputs = self.recurrent_weights(), []
        for t in order:
            h = states[0] if recurrent_mask is None else states[0] * recurrent_mask
            output, new_states = self.step(steps[t], h, states, recurrent)
            if masks is not None:  # a masked step keeps the previous output and states
                keep, skip = masks[t], 1.0 - masks[t]
                output = output * keep + states[0] * skip
                new_states = [s_new * keep + s * skip for s_new, s in zip(new_states, states)]
            states = new_states
            outputs.append(output)
        y = ops.stack(outputs, 1) if self.return_sequences else outputs[-1]
        if self.return_sequences and mask is not None:
            set_mask(y, mask)
        return [y] + list(states) if self.return_state else y

    def _initial_states(self, batch, given):
        if not given:
            zeros = ops.zeros([batch, self.units])
            return [zeros] * self.num_states
        given = [as_tensor(s, f"initial_state[{i}]", self.name) for i, s in enumerate(given)]
        if len(given) != self.num_states:
            raise ValueError(f"{self.name}: has {self.num_states} state(s) but was passed "
                             f"{len(given)} initial state(s)")
        for s in given:
            if list(s.shape) != [batch, self.units]:
                raise ValueError(f"{self.name}: an initial state must have shape "
                                 f"{format_shape([batch, self.units])}, got {format_shape(s.shape)}")
        return given

    def compute_output_shape(self, input_shape):
        shape = _first_shape(input_shape)
        batch = shape[0]
        out = [batch, shape[1], self.units] if self.return_sequences else [batch, self.units]
        if self.return_state:
            return [out] + [[batch, self.units] for _ in range(self.num_states)]
        return out

    def get_config(self):
        return {**super().get_config(), "units": self.units,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint), "dropout": self.dropout,
                "recurrent_dropout": self.recurrent_dropout, "return_sequences": self.return_sequences,
                "return_state": self.return_state, "go_backwards": self.go_backwards,
                "stateful": self.stateful, "unroll": self.unroll}


def _first_shape(shape):
    """The input's shape when a layer gets [x, *initial states]."""
    return shape[0] if shape and isinstance(shape[0], list) else shape


class SimpleRNN(Recurrent):
    def step(self, x_t, h, states, recurrent):
        h = self.activation(x_t + ops.matmul(h, recurrent))
        return h, [h]


class _Gated(Recurrent):
    """LSTM and GRU: a recurrent_activation (tfjs's default: hard_sigmoid) and `implementation`,
    kept for the config (tfjs always computes as implementation 2)."""

    def __init__(self, units, recurrent_activation="hard_sigmoid", implementation=None, **kwargs):
        super().__init__(units, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = implementation

    def get_config(self):
        return {**super().get_config(),
                "recurrent_activation": activations.serialize(self.recurrent_activation),
                "implementation": self.implementation}


class LSTM(_Gated):
    """Gates in tfjs's order i, f, c, o; states [h, c]."""
    gates, num_states = 4, 2

    def __init__(self, units, unit_forget_bias=False, **kwargs):  # tfjs's default: off
        super().__init__(units, **kwargs)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _UnitForgetBias(self.bias_initializer, self.units)
        return self.bias_initializer

    def step(self, x_t, h, states, recurrent):
        z = x_t + ops.matmul(h, recurrent)
        i, f, c, o = ops.split(z, 4, 1)
        gate = self.recurrent_activation
        c = gate(f) * states[1] + gate(i) * self.activation(c)
        h = gate(o) * self.activation(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "unit_forget_bias": self.unit_forget_bias}


class GRU(_Gated):
    """Gates in tfjs's order z, r, h; the reset gate acts before the recurrent product
    (reset_after=False, the only convention tfjs has)."""
    gates = 3

    def __init__(self, units, reset_after=False, **kwargs):
        super().__init__(units, **kwargs)
        if reset_after:
            raise NotImplementedError(f"{self.name}: reset_after=True is not supported (tfjs-layers "
                                      "supports only reset_after=False)")

    def recurrent_weights(self):
        return ops.split(self.recurrent_kernel, [2 * self.units, self.units], 1)

    def step(self, x_t, h, states, recurrent):
        zr_kernel, h_kernel = recurrent
        xz, xr, xh = ops.split(x_t, 3, 1)
        hz, hr = ops.split(ops.matmul(h, zr_kernel), 2, 1)
        z, r = self.recurrent_activation(xz + hz), self.recurrent_activation(xr + hr)
        candidate = self.activation(xh + ops.matmul(r * h, h_kernel))
        h = z * h + (1.0 - z) * candidate  # as tfjs: h is the state after recurrent dropout
        return h, [h]

    def get_config(self):
        return {**super().get_config(), "reset_after": False}


def simple_rnn(**kwargs):
    return SimpleRNN(**kwargs)


def lstm(**kwargs):
    return LSTM(**kwargs)


def gru(**kwargs):
    return GRU(**kwargs)


def masking(**kwargs):
    return Masking(**kwargs)



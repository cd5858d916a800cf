"""The embedding layer: integer indices -> rows of a learned [input_dim, output_dim] matrix
(tfjs-layers layers/embeddings.ts)."""
from .. import ops
from . import constraints, initializers, regularizers
from .base import Layer, format_shape


class Embedding(Layer):
    def __init__(self, input_dim, output_dim, embeddings_initializer="random_uniform",
                 embeddings_regularizer=None, activity_regularizer=None, embeddings_constraint=None,
                 mask_zero=False, input_length=None, **kwargs):
        super().__init__(**kwargs)
        for key, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"{self.name}: {key} must be a positive integer, got {value!r}")
        if self.batch_input_shape is None:  # as tfjs: [batch, input_length...] or [batch, None]
            lengths = [None] if input_length is None else \
                list(input_length) if isinstance(input_length, (list, tuple)) else [input_length]
            self.batch_input_shape = [kwargs.get("batch_size")] + lengths
        self.input_dim, self.output_dim, self.input_length = input_dim, output_dim, input_length
        self.mask_zero = bool(mask_zero)  # index 0 marks padding, for the recurrent layers reading this
        self.embeddings_initializer = initializers.get(embeddings_initializer)  # uniform(-0.05, 0.05)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.embeddings = None

    def build(self, input_shape):
        self.embeddings = self.add_weight("embeddings", [self.input_dim, self.output_dim],
                                          self.embeddings_initializer, regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)

    def call(self, inputs, training=False):
        indices = inputs if inputs.dtype == "int32" else ops.cast(inputs, "int32")
        rows = ops.gather(self.embeddings, ops.reshape(indices, [-1]))
        return ops.reshape(rows, list(inputs.shape) + [self.output_dim])

    def compute_mask(self, inputs, mask=None):
        return ops.not_equal(inputs, 0) if self.mask_zero else None

    def compute_output_shape(self, input_shape):
        if self.input_length is None:
            return list(input_shape) + [self.output_dim]
        lengths = list(self.input_length) if isinstance(self.input_length, (list, tuple)) else [self.input_length]
        rest = input_shape[1:]
        if len(lengths) != len(rest) or any(a is not None and b is not None and a != b
                                            for a, b in zip(lengths, rest)):
            raise ValueError(f"{self.name}: input_length is {self.input_length!r}, but the input shape "
                             f"is {format_shape(input_shape)}")
        return [input_shape[0]] + [b if a is None else a for a, b in zip(lengths, rest)] + [self.output_dim]

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim, "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero, "input_length": self.input_length}


def embedding(**kwargs):
    return Embedding(**kwargs)

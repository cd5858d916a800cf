"""The entry of a graph: an InputLayer has no inbound layer; its one node's output is the
SymbolicTensor that wt.input() returns."""
from .base import Layer, Node
from .names import uid


class InputLayer(Layer):
    def __init__(self, input_shape=None, batch_size=None, batch_input_shape=None, dtype="float32",
                 sparse=False, name=None):
        if input_shape is None and batch_input_shape is None:
            raise ValueError("input_layer: give input_shape or batch_input_shape")
        if sparse:
            raise NotImplementedError("input_layer: sparse inputs are not supported")
        super().__init__(name=name or uid("input"), input_shape=input_shape,
                         batch_input_shape=batch_input_shape, batch_size=batch_size, dtype=dtype)
        self.built = True
        Node(self, [], [self.batch_input_shape], self.dtype)

    @property
    def output(self):
        return self.inbound_nodes[0].outputs[0]

    def apply(self, inputs, training=False, **kwargs):
        raise TypeError(f"{self.name}: an InputLayer is not called; use its output (or wt.input)")

    def get_config(self):
        return {"batch_input_shape": self.batch_input_shape, "dtype": self.dtype,
                "sparse": False, "name": self.name}


def input_layer(**kwargs):
    """tfjs's tf.layers.inputLayer: input_shape or batch_input_shape, dtype, name."""
    return InputLayer(**kwargs)


def input(shape=None, batch_shape=None, name=None, dtype="float32"):  # noqa: A001 (tfjs's tf.input)
    """A SymbolicTensor to build a functional model from: shape excludes the batch dimension."""
    if shape is None and batch_shape is None:
        raise ValueError("input: give shape (without the batch dimension) or batch_shape")
    return InputLayer(input_shape=shape, batch_input_shape=batch_shape, name=name, dtype=dtype).output

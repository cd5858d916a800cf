"""model.summary(): tfjs's table of layers (name and type, output shape, parameters, and for
a functional model the layers each one receives), then the parameter totals."""
import math

from .base import format_shape


def _output_shape(layer):
    shapes = [x.shape for node in layer.inbound_nodes for x in node.outputs]
    if not shapes:
        return "?"
    if len(layer.inbound_nodes) > 1:  # a shared layer: tfjs prints 'multiple'
        return "multiple"
    return ", ".join(format_shape(s) for s in shapes)


def _receives(layer, model):
    names = []
    for node in layer.inbound_nodes:
        if node in model._nodes:
            names += [f"{x.node.layer.name}[{layer.inbound_nodes.index(node)}][{x.index}]" for x in node.inputs]
    return ", ".join(names)


def print_summary(model, line_length=None, positions=None, print_fn=print):
    from .models import Sequential
    sequential = isinstance(model, Sequential)
    line_length = line_length or (65 if sequential else 98)
    positions = positions or ([0.45, 0.85, 1.0] if sequential else [0.33, 0.55, 0.67, 1.0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    headers = ["Layer (type)", "Output shape", "Param #"] + ([] if sequential else ["Receives inputs"])

    def row(fields):
        line = ""
        for field, end in zip(fields, positions):  # each field cut to its column, then padded
            line = (line + str(field))[:end].ljust(end)
        print_fn(line.rstrip())

    print_fn("_" * line_length)
    row(headers)
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        params = layer.count_params() if layer.built else 0
        fields = [f"{layer.name} ({layer.get_class_name()})", _output_shape(layer), params]
        row(fields if sequential else fields + [_receives(layer, model)])
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    trainable = sum(math.prod(w.shape) for w in model.trainable_weights)
    non_trainable = sum(math.prod(w.shape) for w in model.non_trainable_weights)
    print_fn(f"Total params: {trainable + non_trainable}")
    print_fn(f"Trainable params: {trainable}")
    print_fn(f"Non-trainable params: {non_trainable}")
    print_fn("_" * line_length)

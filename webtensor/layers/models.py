"""Models: a functional Model is a graph of layer calls from InputLayers to outputs, run in
topological order; Sequential builds such a graph one layer at a time. Both are Layers, so a
model can be a layer of another. Training (compile, fit, evaluate, predict) is in training.py."""
import json

from .. import ops
from ..memory import tidy
from .base import Layer, SymbolicTensor, format_shape, set_weight_values, single, to_list
from .input_layer import InputLayer, input as _input
from .names import uid
from .saving import save_model
from .serialization import model_topology
from .summary import print_summary
from .training import Training


def _unique(items):
    seen, out = set(), []
    for x in items:
        if id(x) not in seen:
            seen.add(id(x))
            out.append(x)
    return out


def topological_nodes(inputs, outputs):
    """The nodes from `inputs` to `outputs`, each after the nodes it reads from: a depth-first
    walk with an explicit stack (no recursion limit on deep graphs)."""
    input_ids = {id(x) for x in inputs}
    order, state = [], {}  # state: id(node) -> "open" while its inputs are visited, then "done"
    stack = [(x.node, False) for x in reversed(outputs)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            state[id(node)] = "done"
            order.append(node)
            continue
        if state.get(id(node)) is not None:
            continue
        if not node.inputs:  # an InputLayer's node: it must be one of the model's inputs
            if id(node.outputs[0]) not in input_ids:
                raise ValueError(f"model: graph disconnected: the outputs depend on input "
                                 f"{node.layer.name!r}, which is not among the model's inputs "
                                 f"({', '.join(repr(x.node.layer.name) for x in inputs)})")
            state[id(node)] = "done"
            order.append(node)
            continue
        state[id(node)] = "open"
        stack.append((node, True))
        for x in reversed(node.inputs):
            if id(x) not in input_ids and state.get(id(x.node)) is None:
                stack.append((x.node, False))
    return order


class Model(Training, Layer):
    class_name = "Model"

    def __init__(self, inputs, outputs, name=None):
        Layer.__init__(self, name=name or uid("model"))
        self._held = []  # the layers whose weights this model owns a share of
        self._set_graph(to_list(inputs), to_list(outputs))
        self._single_input, self._single_output = not isinstance(inputs, (list, tuple)), \
            not isinstance(outputs, (list, tuple))
        Training.__init__(self)

    def _set_graph(self, inputs, outputs):
        for x in inputs + outputs:
            if not isinstance(x, SymbolicTensor):
                raise TypeError(f"model: inputs and outputs must be SymbolicTensors (from wt.input and "
                                f"layer.apply), got {type(x).__name__}")
        for x in inputs:
            if not isinstance(x.node.layer, InputLayer):
                raise ValueError(f"model: input {x.name!r} is not the output of an input layer "
                                 "(make it with wt.input)")
        self.inputs, self.outputs = inputs, outputs
        nodes = topological_nodes(inputs, outputs)
        self._nodes = [n for n in nodes if n.inputs]
        self._all_layers = _unique([x.node.layer for x in inputs] + [n.layer for n in self._nodes])
        for layer in self._all_layers:
            if not any(layer is h for h in self._held):
                layer._model_refs += 1
                self._held.append(layer)
        # which layer to name when an input has the wrong shape: the first that reads it
        self._input_owners = []
        for x in inputs:
            reader = next((n.layer for n in self._nodes if any(i is x for i in n.inputs)), x.node.layer)
            self._input_owners.append(reader.name)
        self.built = True

    # ---- structure ----
    @property
    def layers(self):
        return list(self._all_layers)

    @property
    def input_names(self):
        return [x.node.layer.name for x in self.inputs]

    @property
    def output_names(self):
        return [x.node.layer.name for x in self.outputs]

    def get_layer(self, name=None, index=None):
        if index is not None:
            if not 0 <= index < len(self.layers):
                raise ValueError(f"{self.name}: no layer at index {index} ({len(self.layers)} layers)")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}: no layer named {name!r} (layers: "
                         f"{', '.join(repr(layer.name) for layer in self.layers)})")

    def summary(self, line_length=None, positions=None, print_fn=print):
        print_summary(self, line_length, positions, print_fn)

    # ---- weights: the layers' own, each counted once (a shared layer is one layer) ----
    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return _unique([w for layer in self._all_layers for w in layer.trainable_weights])

    @property
    def non_trainable_weights(self):
        ws = [w for layer in self._all_layers for w in layer.non_trainable_weights]
        if not self.trainable:
            ws = [w for layer in self._all_layers for w in layer.trainable_weights] + ws
        return _unique(ws)

    @property
    def weights(self):
        """Trainable weights first, then the others, as tfjs's and Keras's models list them."""
        return _unique(self.trainable_weights + self.non_trainable_weights)

    def set_weights(self, weights):
        set_weight_values(self.weights, weights, self.name)

    def dispose(self):
        """Release this model's share of its layers (a layer's weights go with the last model
        that holds it) and the optimizer that compile made from a name."""
        count = 0
        for layer in self._held:
            layer._model_refs -= 1
            if layer._model_refs == 0:
                freed = layer.dispose()  # a nested model answers with a dict, as this one
                count += freed["num_disposed_variables"] if isinstance(freed, dict) else freed
        self._held = []
        count += self._dispose_optimizer()
        return {"ref_count_after_dispose": 0, "num_disposed_variables": count}

    # ---- running ----
    def compute_output_shape(self, input_shape):
        shapes = {id(x): s for x, s in zip(self.inputs, _shape_list(input_shape))}
        for node in self._nodes:
            ins = [shapes[id(x)] for x in node.inputs]
            out = node.layer.compute_output_shape(ins if node.listed else ins[0])
            for x, s in zip(node.outputs, out if len(node.outputs) > 1 else [out]):
                shapes[id(x)] = s
        outs = [shapes[id(x)] for x in self.outputs]
        return outs if len(outs) > 1 else outs[0]

    def call(self, inputs, training=False):
        return single(tidy(lambda: self.execute(to_list(inputs), training)))

    def check_inputs(self, xs):
        if len(xs) != len(self.inputs):
            raise ValueError(f"{self.name}: expected {len(self.inputs)} input(s), got {len(xs)}")
        for x, sym, owner in zip(xs, self.inputs, self._input_owners):
            shape = list(x.shape)
            if len(shape) != len(sym.shape) or any(d is not None and d != s for d, s in zip(sym.shape, shape)):
                raise ValueError(f"{owner}: expected input shape {format_shape(sym.shape)}, "
                                 f"got {format_shape(shape)}")

    def execute(self, xs, training=False):
        """The output tensors for input tensors xs, in topological order."""
        self.check_inputs(xs)
        values = {id(sym): x for sym, x in zip(self.inputs, xs)}
        for node in self._nodes:
            ins = [values[id(x)] for x in node.inputs]
            out = node.layer.call_eager(ins if node.listed else ins[0], training)
            for x, v in zip(node.outputs, to_list(out)):
                values[id(x)] = v
        outs = [values[id(x)] for x in self.outputs]
        given = {id(x) for x in xs}  # an output that is an input: a new tensor, not the caller's
        return [ops.clone(o) if id(o) in given else o for o in outs]

    def get_config(self):
        return model_topology(self)["config"]

    # ---- files ----
    async def save(self, handler_or_url, include_optimizer=False):
        """Save in tfjs's layers-model format to a URL ('indexeddb://name', 'downloads://name',
        'http(s)://...'), a directory path (CPython) or an IO handler; returns the handler's result."""
        return await save_model(self, handler_or_url, include_optimizer)

    def to_json(self):
        """The topology as Keras JSON text (tfjs's model.toJSON())."""
        return json.dumps(model_topology(self))


def _shape_list(shape):
    return shape if shape and isinstance(shape[0], list) else [shape]


class Sequential(Model):
    """A stack of single-input, single-output layers; the first needs input_shape (or is an
    input_layer), as in tfjs. `layers` lists the added layers, not the InputLayer."""
    class_name = "Sequential"

    def __init__(self, layers=None, name=None):
        Layer.__init__(self, name=name or uid("sequential_"))
        self._held, self.inputs, self.outputs, self._nodes, self._all_layers = [], [], [], [], []
        self._stack = []
        self._single_input = self._single_output = True
        Training.__init__(self)
        for layer in layers or []:
            self.add(layer)

    def add(self, layer):
        if not isinstance(layer, Layer):
            raise TypeError(f"{self.name}: add() takes a Layer, got {type(layer).__name__}")
        if isinstance(layer, InputLayer):
            if self.outputs:
                raise ValueError(f"{self.name}: an input layer can only be the first layer")
            self._set_graph([layer.output], [layer.output])
            return
        if not self.outputs:
            shape = layer.inputs[0].shape if isinstance(layer, Model) and layer.inputs else layer.batch_input_shape
            if shape is None:
                raise ValueError(f"{self.name}: the first layer ({layer.name}) needs an input_shape or "
                                 "batch_input_shape argument (or add a wt.layers.input_layer first)")
            self.inputs = [_input(batch_shape=shape, name=f"{layer.name}_input", dtype=layer.dtype)]
        y = layer.apply(self.outputs[0] if self.outputs else self.inputs[0])
        if not isinstance(y, SymbolicTensor):
            raise ValueError(f"{self.name}: layer {layer.name} has several outputs; a Sequential "
                             "model takes single-output layers")
        self._stack.append(layer)
        self._set_graph(self.inputs, [y])

    def pop(self):
        raise NotImplementedError(f"{self.name}: pop() is not supported yet")

    @property
    def layers(self):
        return list(self._stack)


def model(inputs, outputs, name=None):
    """A functional model: wt.model(inputs=x, outputs=y) with SymbolicTensors (or lists)."""
    return Model(inputs, outputs, name)


def sequential(layers=None, name=None):
    return Sequential(layers, name)

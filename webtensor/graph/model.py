"""Graph models: a converted TensorFlow graph (tfjs's "graph-model" format) run as webtensor
ops on either backend (tfjs-converter's GraphModel). Every node's op is checked when the model
loads; a run executes the nodes the requested outputs need, in dependency order, and frees each
intermediate as soon as its last reader has run (a graph with loops runs in control_flow.py)."""
import numpy as np

from .. import ops
from ..io.handlers import handler_for
from ..io.weights import decode_weights
from ..memory import keep, tidy
from ..tensor import Tensor
from .control_flow import FLOW, has_control_flow, run_dynamic
from .nodes import DTYPES, Node, shape_of, tensor_ref
from .tf_ops import OPS, supported


async def load_graph_model(source, from_tfhub=False):
    """A GraphModel from model.json's URL or path, or an IO handler (tfjs's tf.loadGraphModel)."""
    if from_tfhub:
        raise ValueError("load_graph_model: from_tfhub needs the model hub, which this library does not reach")
    handler = handler_for(source, "load")
    artifacts = await handler.load()
    where = getattr(handler, "url", None) or getattr(handler, "path", None) or "model"
    return GraphModel(artifacts, where)


class GraphModel:
    def __init__(self, artifacts, where="model"):
        topology = artifacts.model_topology or {}
        if artifacts.format not in (None, "graph-model") or "node" not in topology:
            raise ValueError(f"{where}: not a graph model (format {artifacts.format!r}); "
                             "load a layers model with load_layers_model")
        self.where = where
        self.nodes = {spec["name"]: Node(spec) for spec in topology["node"]}
        unsupported = sorted({(n.op, n.name) for n in self.nodes.values()
                              if not supported(n.op) and n.op not in ("Const", "Placeholder", *FLOW)})
        if unsupported:
            kinds = sorted({op for op, _ in unsupported})
            raise ValueError(f"{where}: unsupported op(s) {', '.join(kinds)}, first in node "
                             f"{unsupported[0][1]!r}")
        self.dynamic = has_control_flow(self.nodes)  # loops or conditionals: execute_async
        self._signature(artifacts)
        values = decode_weights(artifacts.weight_specs or [], artifacts.weight_data or b"", where)
        self._host = {}    # node name -> NumPy values of a constant (parameters are read from here)
        self.weights = {}  # node name -> its constant as a tensor
        try:
            for node in self.nodes.values():
                if node.op == "Const":
                    value = values.get(node.name)
                    if value is None:
                        value = _inline_tensor(node)
                    self._host[node.name] = value
                    self.weights[node.name] = keep(ops.tensor(value, dtype=_dtype(value)))
        except BaseException:
            self.dispose()
            raise

    def _signature(self, artifacts):
        sig = artifacts.signature or (artifacts.user_defined_metadata or {}).get("signature") or {}
        placeholders = [n.name for n in self.nodes.values() if n.op == "Placeholder"]
        if sig.get("inputs"):
            self.input_nodes = [tensor_ref(v.get("name", k))[0] for k, v in sig["inputs"].items()]
        else:
            self.input_nodes = placeholders
        if sig.get("outputs"):
            self.output_nodes = [v.get("name", k) for k, v in sig["outputs"].items()]
        else:
            read = {ref[0] for n in self.nodes.values() for ref in n.inputs}
            self.output_nodes = [n.name for n in self.nodes.values() if n.name not in read and n.op != "NoOp"
                                 and n.op != "Const"]
        for name in self.input_nodes:
            if name not in self.nodes:
                raise ValueError(f"{self.where}: the signature names input {name!r}, which no node is")

    # ---- structure ----
    @property
    def inputs(self):
        return [{"name": name, "shape": shape_of_node(self.nodes[name]), "dtype": self.nodes[name].attr("dtype")}
                for name in self.input_nodes]

    @property
    def outputs(self):
        return [{"name": name} for name in self.output_nodes]

    # ---- running ----
    def predict(self, inputs):
        """Run the graph to its outputs: one tensor, or a list for several outputs."""
        return self.execute(inputs)

    def execute(self, inputs, outputs=None):
        """The tensors named by `outputs` ('node' or 'node:1'; default the model's outputs) for
        the inputs: a tensor, a list in input order, or a dict by input name."""
        if self.dynamic:
            raise ValueError(f"{self.where}: the graph has control flow (a while loop or a conditional), "
                             "whose conditions are read back: use `await model.execute_async(...)`, as tfjs")
        # inside the tidy: the tensors made from arrays go with the intermediates
        result = tidy(lambda: self._run(self._feeds(inputs), self._wanted(outputs)))
        return result[0] if len(result) == 1 else result

    async def execute_async(self, inputs, outputs=None):
        """As execute; a graph with control flow runs here, reading each loop and branch
        condition with `await data()`, so the page is not blocked meanwhile."""
        if not self.dynamic:
            return self.execute(inputs, outputs)
        made = {}
        try:
            feeds = self._feeds(inputs, made)
            result = await run_dynamic(self, feeds, self._wanted(outputs))
        finally:
            for t in made.values():  # the tensors made here from arrays
                t.dispose()
        return result[0] if len(result) == 1 else result

    async def predict_async(self, inputs):
        return await self.execute_async(inputs)

    def _wanted(self, outputs):
        names = self.output_nodes if outputs is None else ([outputs] if isinstance(outputs, str) else list(outputs))
        return [tensor_ref(n) for n in names]

    def _feeds(self, inputs, made=None):
        if isinstance(inputs, dict):
            named = {tensor_ref(k)[0]: v for k, v in inputs.items()}
            unknown = sorted(set(named) - set(self.input_nodes))
            if unknown:
                raise ValueError(f"{self.where}: unknown input(s) {unknown} (inputs: {self.input_nodes})")
        else:
            given = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
            if len(given) != len(self.input_nodes):
                raise ValueError(f"{self.where}: expected {len(self.input_nodes)} input(s) "
                                 f"({', '.join(self.input_nodes)}), got {len(given)}")
            named = dict(zip(self.input_nodes, given))
        feeds = {}
        for name, value in named.items():
            node = self.nodes[name]
            dtype, shape = node.attr("dtype", "float32"), shape_of_node(node)
            if isinstance(value, Tensor):
                t = value
            else:
                try:
                    t = ops.tensor(value, dtype=dtype)
                except (TypeError, ValueError) as e:
                    raise TypeError(f"{self.where}: input {name!r} must be {dtype} values: {e}") from None
            if made is not None and t is not value:
                made[name] = t
            if t.dtype != dtype:
                raise TypeError(f"{self.where}: input {name!r} must be {dtype}, got {t.dtype}")
            if shape is not None and (len(shape) != t.rank or any(d not in (-1, s) for d, s in zip(shape, t.shape))):
                raise ValueError(f"{self.where}: input {name!r} must have shape "
                                 f"{[None if d == -1 else d for d in shape]}, got {list(t.shape)}")
            feeds[name] = t
        return feeds

    def _run(self, feeds, wanted):
        order = self._order([name for name, _ in wanted], feeds)
        readers = {}
        for node in order:
            for name, _ in node.inputs:
                readers[name] = readers.get(name, 0) + 1
        for name, _ in wanted:
            readers[name] = readers.get(name, 0) + 1  # the caller reads these
        owned = {id(t) for t in feeds.values()} | {id(t) for t in self.weights.values()}
        held = {}  # id(tensor) -> how many nodes' outputs hold it (Identity passes tensors on)
        values = {}

        def store(name, outs):
            values[name] = outs
            for t in outs:
                held[id(t)] = held.get(id(t), 0) + 1

        for name, t in feeds.items():
            store(name, [t])
        for node in order:
            if node.name in values:
                continue
            if node.op == "Const":
                store(node.name, [self.weights[node.name]])
                continue
            if node.op == "Placeholder":
                raise ValueError(f"{self.where}: the outputs need input {node.name!r}, which was not given")
            x = [values[name][i] for name, i in node.inputs]
            out = OPS[node.op](x, node, lambda i, node=node, x=x: self._host_value(node, i, x))
            store(node.name, out if isinstance(out, list) else [out])
            for name, _ in node.inputs:  # free what no later node reads
                readers[name] -= 1
                if readers[name] == 0:
                    for t in values.pop(name):
                        held[id(t)] -= 1
                        if held[id(t)] == 0 and id(t) not in owned and isinstance(t, Tensor):
                            t.dispose()  # (a TensorList's tensors go with the tidy)
        # a weight or an input asked for as an output: a copy, so the caller may dispose it
        return [ops.clone(t) if id(t) in owned else t for t in (values[name][i] for name, i in wanted)]

    def _host_value(self, node, i, x):
        """Input i of node as a NumPy array: a constant's stored values, or a read-back."""
        name, _ = node.inputs[i]
        if name in self._host:
            return self._host[name]
        return x[i].numpy()

    def _order(self, targets, feeds):
        """The nodes the targets need, each after its inputs (an explicit stack: deep graphs)."""
        order, state = [], {}
        stack = [(name, False) for name in reversed(targets)]
        while stack:
            name, expanded = stack.pop()
            if name not in self.nodes:
                raise ValueError(f"{self.where}: no node named {name!r}")
            if expanded:
                state[name] = "done"
                order.append(self.nodes[name])
                continue
            if state.get(name):
                continue
            state[name] = "open"
            stack.append((name, True))
            if name not in feeds:
                stack.extend((ref[0], False) for ref in reversed(self.nodes[name].inputs) if not state.get(ref[0]))
        return order

    def dispose(self):
        for t in self.weights.values():
            t.dispose()
        self.weights = {}


def shape_of_node(node):
    shape = node.attr("shape")
    return shape if isinstance(shape, list) else None


def _dtype(value):
    return {"f": "float32", "i": "int32", "u": "int32", "b": "bool"}[value.dtype.kind]


def _inline_tensor(node):
    """A Const whose values are in the node itself (small tensors the converter kept inline)."""
    proto = node.attr("value") or {}
    dtype = DTYPES.get(proto.get("dtype"), "float32")
    shape = shape_of(proto.get("tensorShape")) or []
    for key, np_dtype in (("floatVal", np.float32), ("intVal", np.int32), ("int64Val", np.int32),
                          ("boolVal", bool)):
        if key in proto:
            flat = np.array(proto[key], np_dtype)
            size = int(np.prod(shape)) if shape else 1
            return (np.full(size, flat[0]) if flat.size == 1 else flat).reshape(shape).astype(
                {"float32": np.float32, "int32": np.int32, "bool": bool}[dtype])
    raise ValueError(f"constant {node.name!r} has no values (not in the weights, not inline)")

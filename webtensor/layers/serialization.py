"""A model's topology as Keras JSON (the `modelTopology` of tfjs's model.json) and back.

Writes what tfjs-layers 4.22 writes (snake_case configs; functional models with inbound_nodes,
input_layers and output_layers). Reads that, Keras 2 exports and Keras 3 exports (class
`Functional`, inbound nodes as {'args', 'kwargs'} with `__keras_tensor__`s, `batch_shape`, dtype
policies, `module` / `registered_name` keys): tensorflowjs_converter passes them through."""
import inspect
import json

from .base import Layer

KERAS_VERSION = "tfjs-layers 4.22.0"  # what tfjs writes; Keras reads it as a tfjs export
BACKEND = "tensor_flow.js"
_ALIASES = {"Functional": "Model", "InputLayerV2": "InputLayer"}


def layer_classes():
    """Every class wt.layers exports, by Keras class name."""
    from .. import layers  # the package, loaded by the time a config is read
    classes = {}
    for v in vars(layers).values():
        if isinstance(v, type) and issubclass(v, Layer):
            classes[v.get_class_name()] = v
    return classes


def deserialize(config, what="layer"):
    """A layer (or model) from {'class_name', 'config'}."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"{what}: expected a {{'class_name', 'config'}} object, got {config!r:.80}")
    name = _ALIASES.get(config["class_name"], config["class_name"])
    cls = layer_classes().get(name)
    if cls is None:
        raise ValueError(f"{what}: unknown layer class {config['class_name']!r} (known: "
                         f"{', '.join(sorted(layer_classes()))})")
    cfg = dict(config.get("config") or {})
    if name in ("Model", "Sequential"):
        return (model_from_config if name == "Model" else sequential_from_config)(cfg)
    return cls.from_config(layer_arguments(cls, cfg))


def layer_arguments(cls, config):
    """A stored config as constructor arguments: Keras 3's spellings read, and keys no
    constructor in the class's chain takes dropped (as tfjs's layers ignore unknown fields)."""
    cfg = dict(config)
    if "batch_shape" in cfg and "batch_input_shape" not in cfg:
        cfg["batch_input_shape"] = cfg.pop("batch_shape")
    if isinstance(cfg.get("dtype"), dict):  # Keras 3: {'class_name': 'DTypePolicy', 'config': {'name': ...}}
        cfg["dtype"] = cfg["dtype"].get("config", {}).get("name", "float32")
    accepted = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is not None:
            accepted.update(p for p in inspect.signature(init).parameters if p not in ("self", "kwargs"))
    return {k: _plain(v) for k, v in cfg.items() if k in accepted}


def _plain(value):
    """Keras 3's {'module', 'class_name', 'config', 'registered_name'} objects as tfjs's."""
    if isinstance(value, dict) and "class_name" in value:
        return {"class_name": value["class_name"], "config": value.get("config") or {}}
    return value


# ---------------------------------------------------------------- writing

def model_topology(model):
    """The Keras JSON object of a model (tfjs's model.toJSON(null, false))."""
    return {"class_name": model.get_class_name(), "config": model_config(model),
            "keras_version": KERAS_VERSION, "backend": BACKEND}


def model_config(model):
    if model.get_class_name() == "Sequential":
        layers = [{"class_name": layer.get_class_name(), "config": _config(layer)} for layer in model.layers]
        if layers and "batch_input_shape" not in layers[0]["config"] and model.inputs:
            first = model.inputs[0].node.layer  # an input_layer added first: Keras writes it too
            layers.insert(0, {"class_name": "InputLayer", "config": first.get_config()})
        return {"name": model.name, "layers": layers}
    nodes = _model_nodes(model)
    index = {id(n): i for layer in model._all_layers for i, n in enumerate(nodes[id(layer)])}

    def ref(x):
        return [x.node.layer.name, index[id(x.node)], x.index]
    layers = []
    for layer in model._all_layers:
        inbound = [[ref(x) + [{}] for x in node.inputs] for node in nodes[id(layer)] if node.inputs]
        layers.append({"name": layer.name, "class_name": layer.get_class_name(),
                       "config": _config(layer), "inbound_nodes": inbound})
    return {"name": model.name, "layers": layers, "input_layers": [ref(x) for x in model.inputs],
            "output_layers": [ref(x) for x in model.outputs]}


def _config(layer):
    return model_config(layer) if hasattr(layer, "_nodes") else layer.get_config()


def _model_nodes(model):
    """Each layer's nodes that belong to this model, in the order they were made (a node's
    index in model.json counts only these, as tfjs's and Keras's do)."""
    mine = {id(n) for n in model._nodes} | {id(x.node) for x in model.inputs}
    return {id(layer): [n for n in layer.inbound_nodes if id(n) in mine] for layer in model._all_layers}


# ---------------------------------------------------------------- reading

def model_from_json(topology):
    """A model from model.json's modelTopology (a dict, or its JSON text)."""
    if isinstance(topology, (str, bytes)):
        topology = json.loads(topology)
    if "model_config" in topology:  # Keras's HDF5 attribute form: {'model_config': ..., 'training_config'}
        topology = topology["model_config"]
    model = deserialize(topology, "model_topology")
    if not hasattr(model, "_nodes"):
        raise ValueError(f"model_topology: a {topology.get('class_name')!r} is not a model")
    return model


def sequential_from_config(config):
    from .models import Sequential
    layers = config.get("layers", config) if isinstance(config, dict) else config
    model = Sequential(name=config.get("name") if isinstance(config, dict) else None)
    try:
        for spec in layers:
            model.add(deserialize(spec, "sequential"))
    except BaseException:
        model.dispose()  # nothing half-made stays in memory
        raise
    return model


def model_from_config(config):
    """A functional model: its layers made from their configs, then called on their inbound
    tensors in an order that has every input ready (tfjs's Container.fromConfig)."""
    from .models import Model
    made = []
    try:
        return _connect(config, made)
    except BaseException:
        for layer in made:  # nothing half-made stays in memory
            layer.dispose()
        raise


def _connect(config, made):
    from .models import Model
    outputs, queue = {}, []  # outputs: (layer name, node index) -> its SymbolicTensors
    for spec in config["layers"]:
        layer = deserialize(spec, "model")
        made.append(layer)
        name = spec.get("name", layer.name)
        if layer.get_class_name() == "InputLayer":
            outputs[(name, 0)] = [layer.output]
        queue.extend((name, layer, k, node) for k, node in enumerate(_inbound(spec)))
    while queue:
        waiting = []
        for name, layer, k, node in queue:
            if all((n, i) in outputs for n, i, _ in node["refs"]):
                xs = [outputs[(n, i)][t] for n, i, t in node["refs"]]
                y = layer.apply(xs if node["listed"] else xs[0])
                outputs[(name, k)] = y if isinstance(y, list) else [y]
            else:
                waiting.append((name, layer, k, node))
        if len(waiting) == len(queue):
            missing = {n for _, _, _, node in waiting for n, i, _ in node["refs"] if (n, i) not in outputs}
            raise ValueError(f"model: the layers' inbound nodes cannot be resolved (no layer or node "
                             f"for {', '.join(sorted(map(repr, missing)))})")
        queue = waiting

    def tensors(refs):
        try:
            return [outputs[(n, i)][t] for n, i, t in (_ref(r) for r in refs)]
        except (KeyError, IndexError):
            raise ValueError(f"model: input_layers / output_layers name unknown tensors {refs!r:.120}") from None
    return Model(tensors(config["input_layers"]), tensors(config["output_layers"]), name=config.get("name"))


def _ref(r):
    """[layer name, node index, tensor index] from tfjs / Keras 2's list or a Keras 3 tensor."""
    if isinstance(r, dict):
        return tuple(r["config"]["keras_history"][:3])
    return tuple(r[:3])


def _inbound(spec):
    """The layer's nodes as {'refs': [(layer, node, tensor)], 'listed': whether it takes a list}."""
    nodes = []
    for node in spec.get("inbound_nodes") or []:
        if isinstance(node, dict):  # Keras 3: {'args': [tensor or [tensors]], 'kwargs': {}}
            arg = node.get("args", [None])[0]
            listed = isinstance(arg, list)
            nodes.append({"refs": [_ref(r) for r in (arg if listed else [arg])], "listed": listed})
        else:
            nodes.append({"refs": [_ref(r) for r in node], "listed": len(node) > 1})
    return nodes

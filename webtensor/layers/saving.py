"""Layers models in and out of tfjs's "layers-model" format: topology JSON, weights named as
tfjs names them (`<layer>/<weight>`, its originalName), and the training config of a model
compiled with named loss and optimizer (which loading compiles again, as tfjs)."""
import inspect

import numpy as np

from .. import train
from ..io.artifacts import ModelArtifacts
from ..io.handlers import handler_for
from ..io.weights import decode_weights, encode_weights
from .names import camel_case, snake_case
from .serialization import model_from_json, model_topology

GENERATED_BY = "webtensor 0.1.0"


async def save_model(model, target, include_optimizer=False):
    """Save to a URL, a path or a handler; returns the handler's result (tfjs's SaveResult)."""
    handler = handler_for(target, "save")
    named = [(w.original_name, w) for w in model.weights]
    if include_optimizer and model.optimizer is not None:
        named += [(f"optimizer/{i}", w) for i, w in enumerate(model.optimizer.get_weights())]
    specs, data = encode_weights(named)
    artifacts = ModelArtifacts(model_topology=model_topology(model), weight_specs=specs, weight_data=data,
                               format="layers-model", generated_by=GENERATED_BY, converted_by=None,
                               training_config=training_config(model))
    return await handler.save(artifacts)


async def load_layers_model(source, strict=True):
    """A model from a URL, a path or a handler (tfjs's tf.loadLayersModel). Nothing is left
    behind if the file is bad: a model made before the error is disposed."""
    handler = handler_for(source, "load")
    artifacts = await handler.load()
    where = getattr(handler, "url", None) or getattr(handler, "path", None) or "model"
    if artifacts.model_topology is None:
        raise ValueError(f"{where}: the artifacts have no model topology")
    topology = artifacts.model_topology
    if "model_config" in topology:
        topology = topology["model_config"]
    values = decode_weights(artifacts.weight_specs or [], artifacts.weight_data or b"", where) \
        if artifacts.weight_specs else {}
    model = model_from_json(topology)
    try:
        if artifacts.weight_specs:
            assign_weights(model, artifacts.weight_specs, values, strict, where)
        if artifacts.training_config:
            compile_from_config(model, artifacts.training_config)
    except BaseException:
        model.dispose()
        raise
    return model


def assign_weights(model, specs, values, strict, where):
    """Each weight by its name; names not found (another naming scheme), by position."""
    in_file = {s["name"] for s in specs}
    ws = model.weights
    names = [w.original_name for w in ws]
    if all(n in in_file for n in names):
        chosen = [values[n] for n in names]
    else:
        stored = [s["name"] for s in specs if not s["name"].startswith("optimizer/")]
        if strict and len(stored) != len(ws):
            missing = [n for n in names if n not in in_file][:3]
            raise ValueError(f"{where}: the model has {len(ws)} weights, the file {len(stored)}; not in "
                             f"the file: {', '.join(map(repr, missing))}")
        chosen = [values[n] for n in stored[:len(ws)]]
    for w, v, n in zip(ws, chosen, names):
        if list(v.shape) != list(w.shape):
            raise ValueError(f"{where}: weight {n!r} has shape {list(w.shape)} in the model, "
                             f"{list(v.shape)} in the file")
    model.set_weights([np.asarray(v) for v in chosen])


# ---------------------------------------------------------------- training config

_OPTIMIZERS = {"SGD": train.SGD, "Momentum": train.Momentum, "Adagrad": train.Adagrad,
               "Adadelta": train.Adadelta, "Adam": train.Adam, "Adamax": train.Adamax,
               "RMSProp": train.RMSProp}
_ATTRS = {"initial_accumulator_value": "initial"}  # constructor argument -> attribute
_KERAS = {"lr": "learning_rate", "beta_1": "beta1", "beta_2": "beta2"}


def training_config(model):
    """tfjs's getTrainingConfig, when compile was given names (a callable has none to store)."""
    spec = getattr(model, "_compile_spec", None)
    if spec is None or model.optimizer is None:
        return None
    loss, metrics = spec
    if not all(isinstance(x, str) for x in _flat(loss) + _flat(metrics)):
        return None
    opt = model.optimizer
    name = next((k for k, cls in _OPTIMIZERS.items() if type(opt) is cls), None)
    if name is None:
        return None
    params = [p for p in inspect.signature(type(opt).__init__).parameters if p != "self"]
    config = {camel_case(p): getattr(opt, _ATTRS.get(p, p)) for p in params}
    return {"loss": loss, "metrics": metrics, "optimizer_config": {"class_name": name, "config": config},
            "loss_weights": None, "sample_weight_mode": None}


def compile_from_config(model, config):
    opt = config.get("optimizer_config") or {}
    cls = _OPTIMIZERS.get(opt.get("class_name"))
    if cls is None:
        return  # an optimizer we do not have: the model loads uncompiled, as a Keras export may
    accepted = set(inspect.signature(cls.__init__).parameters)
    args = {}
    for key, value in (opt.get("config") or {}).items():
        key = _KERAS.get(key, snake_case(key))
        if key in accepted:
            args[key] = value
    model.compile(optimizer=cls(**args), loss=config["loss"], metrics=config.get("metrics"))
    model._owns_optimizer = True  # made here: disposed with the model


def _flat(x):
    if x is None:
        return []
    if isinstance(x, dict):
        return [v for item in x.values() for v in _flat(item)]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in _flat(item)]
    return [x]

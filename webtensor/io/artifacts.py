"""Model artifacts: what a handler saves and loads (tfjs's io.ModelArtifacts), and their form
in files: model.json (topology, weightsManifest with shard paths) plus the weight shards."""
import dataclasses
import json
import posixpath

from .weights import shards


@dataclasses.dataclass
class ModelArtifacts:
    model_topology: dict = None
    weight_specs: list = None
    weight_data: bytes = None
    format: str = None
    generated_by: str = None
    converted_by: str = None
    training_config: dict = None
    user_defined_metadata: dict = None
    signature: dict = None         # graph models
    model_initializer: dict = None  # graph models

    def info(self):
        """tfjs's ModelArtifactsInfo, as save() reports it."""
        import datetime
        return {"date_saved": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                "model_topology_type": "JSON",
                "model_topology_bytes": len(json.dumps(self.model_topology or {})),
                "weight_specs_bytes": len(json.dumps(self.weight_specs or [])),
                "weight_data_bytes": len(self.weight_data or b"")}


_JSON_KEYS = {"model_topology": "modelTopology", "format": "format", "generated_by": "generatedBy",
              "converted_by": "convertedBy", "training_config": "trainingConfig",
              "user_defined_metadata": "userDefinedMetadata", "signature": "signature",
              "model_initializer": "modelInitializer"}


def model_json(artifacts, paths):
    """model.json's object, the weights in one group whose shards are `paths`."""
    out = {key: getattr(artifacts, field) for field, key in _JSON_KEYS.items()
           if getattr(artifacts, field) is not None}
    out["weightsManifest"] = [{"paths": list(paths), "weights": artifacts.weight_specs or []}]
    return out


def to_files(artifacts, name="model", single_file=False):
    """{file name: bytes}: model.json and its shards (group1-shard1ofN.bin, 4 MB each, as the
    converter writes them; or one `<name>.weights.bin`, as tfjs's downloads and http do)."""
    data = artifacts.weight_data or b""
    if single_file:
        parts = {f"{name}.weights.bin": data}
    else:
        pieces = shards(data)
        parts = {f"group1-shard{i + 1}of{len(pieces)}.bin": p for i, p in enumerate(pieces)}
    files = {"model.json": json.dumps(model_json(artifacts, list(parts))).encode()}
    files.update(parts)
    return files


def parse_model_json(text, source="model.json"):
    """model.json's object, or a ValueError naming the file."""
    try:
        obj = json.loads(text)
    except (ValueError, UnicodeDecodeError) as e:
        raise ValueError(f"{source}: not valid JSON ({e}); a corrupted or truncated file?") from None
    if not isinstance(obj, dict) or "modelTopology" not in obj:
        raise ValueError(f"{source}: no 'modelTopology' (is this a TensorFlow.js model.json?)")
    return obj


async def from_model_json(obj, read_shard, source="model.json"):
    """ModelArtifacts from model.json's object; `await read_shard(path)` gives a shard's bytes
    (paths as written, relative to model.json's folder)."""
    specs, chunks = [], []
    for group in obj.get("weightsManifest") or []:
        specs.extend(group.get("weights", []))
        for path in group.get("paths", []):
            chunks.append(await read_shard(path))
    fields = {field: obj.get(key) for field, key in _JSON_KEYS.items()}
    return ModelArtifacts(weight_specs=specs, weight_data=b"".join(chunks), **fields)


def join(base, path):
    """A shard's location: relative to model.json's folder, unless absolute."""
    if "://" in path or path.startswith("/"):
        return path
    return posixpath.join(posixpath.dirname(base), path) if base else path

"""A TensorFlow GraphDef as tfjs-converter writes it (model.json's modelTopology): nodes with
an op, inputs ('name', 'name:1', '^control') and attributes in protobuf JSON form."""
import base64

DTYPES = {"DT_FLOAT": "float32", "DT_HALF": "float32", "DT_DOUBLE": "float32", "DT_INT32": "int32",
          "DT_INT64": "int32", "DT_INT16": "int32", "DT_INT8": "int32", "DT_UINT8": "int32",
          "DT_BOOL": "bool"}  # as tfjs: every integer is int32, every float float32


class Node:
    __slots__ = ("name", "op", "inputs", "controls", "attrs")

    def __init__(self, spec):
        self.name, self.op = spec["name"], spec["op"]
        refs = spec.get("input", [])
        self.inputs = [tensor_ref(r) for r in refs if not r.startswith("^")]
        self.controls = [r[1:] for r in refs if r.startswith("^")]
        self.attrs = {k: attr_value(v) for k, v in (spec.get("attr") or {}).items()}

    def attr(self, key, default=None):
        return self.attrs.get(key, default)

    def __repr__(self):
        return f"Node({self.name!r}, {self.op})"


def tensor_ref(name):
    """('node', output index) from 'node', 'node:1' or a function's 'node:out:1'."""
    parts = name.split(":")
    if len(parts) > 1 and parts[-1].isdigit():
        return parts[0], int(parts[-1])
    return parts[0], 0


def attr_value(v):
    """An AttrValue's Python value: ints, floats, strings, bools, dtypes, shapes, or lists."""
    if "list" in v:
        items = v["list"]
        for key in ("i", "f", "s", "b", "type", "shape"):
            if key in items:
                return [_scalar(key, x) for x in items[key]]
        return []
    for key in ("i", "f", "s", "b", "type", "shape", "tensor", "func"):
        if key in v:
            return _scalar(key, v[key])
    return None


def _scalar(key, x):
    if key == "i":
        return int(x)
    if key == "f":
        return float(x)
    if key == "s":
        return base64.b64decode(x).decode("utf-8", "replace")
    if key == "b":
        return bool(x)
    if key == "type":
        return DTYPES.get(x, x)
    if key == "shape":
        return shape_of(x)
    return x


def shape_of(proto):
    """A TensorShapeProto as a list (-1 for an unknown size), or None for an unknown rank."""
    if not proto or proto.get("unknownRank"):
        return None
    return [int(d.get("size", -1)) for d in proto.get("dim", [])]

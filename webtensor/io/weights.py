"""Weights as bytes, as tfjs's io.encodeWeights / decodeWeights: each tensor's values in
order, little-endian (float32, int32; bool as one byte), described by specs {name, shape,
dtype} and, for the converter's quantized weights, {quantization: {dtype, min, scale}}."""
import numpy as np

SHARD_BYTES = 4 * 1024 * 1024  # tensorflowjs_converter's default shard size
_STORED = {"float32": "<f4", "int32": "<i4", "bool": "u1"}
_QUANTIZED = {"uint8": "u1", "uint16": "<u2", "float16": "<f2"}


def encode_weights(named):
    """(specs, bytes) for [(name, Tensor or array)]."""
    specs, chunks = [], []
    for name, value in named:
        a = value.numpy() if hasattr(value, "numpy") else np.asarray(value)
        dtype = str(getattr(value, "dtype", a.dtype))
        dtype = {"float64": "float32", "int64": "int32"}.get(dtype, dtype)
        if dtype not in _STORED:
            raise TypeError(f"encode_weights: weight {name!r} has dtype {dtype}; "
                            f"expected one of {', '.join(_STORED)}")
        specs.append({"name": name, "shape": [int(d) for d in a.shape], "dtype": dtype})
        chunks.append(np.ascontiguousarray(a, _STORED[dtype]).tobytes())
    return specs, b"".join(chunks)


def spec_bytes(spec):
    """How many bytes a spec's values take in the weight data (the spec checked first)."""
    if not isinstance(spec, dict):
        raise TypeError(f"decode_weights: a weight spec must be a dict {{name, shape, dtype}}, got {spec!r:.60}")
    name, shape = spec.get("name"), spec.get("shape")
    if not isinstance(shape, (list, tuple)) or not all(
            isinstance(d, (int, np.integer)) and not isinstance(d, bool) and d >= 0 for d in shape):
        raise ValueError(f"decode_weights: weight {name!r} needs a 'shape' of non-negative ints, got {shape!r}")
    q = spec.get("quantization")
    dtype = q.get("dtype") if isinstance(q, dict) else spec.get("dtype")
    table = _QUANTIZED if q else _STORED
    if dtype not in table:
        raise ValueError(f"decode_weights: weight {name!r} has "
                         f"{'quantization ' if q else ''}dtype {dtype!r}; expected one of {', '.join(table)}")
    if q and dtype != "float16" and not all(isinstance(q.get(k), (int, float)) for k in ("min", "scale")):
        raise ValueError(f"decode_weights: weight {name!r} is quantized to {dtype} without a numeric "
                         f"'min' and 'scale' (got {q!r})")
    return int(np.prod(shape, dtype=np.int64)) * np.dtype(table[dtype]).itemsize


def decode_weights(specs, data, source="weights"):
    """{name: NumPy array} from specs and the bytes they describe (all shards, in order)."""
    if not isinstance(specs, (list, tuple)):
        raise TypeError(f"decode_weights: argument 'specs' must be a list of weight specs, got {type(specs).__name__}")
    if data is None or isinstance(data, str):
        raise TypeError(f"decode_weights: argument 'data' must be bytes, got {type(data).__name__}")
    data = memoryview(bytes(data) if not isinstance(data, (bytes, bytearray, memoryview)) else data)
    need = sum(spec_bytes(s) for s in specs)
    if need != len(data):
        raise ValueError(f"{source}: the weight data has {len(data)} bytes; the weight specs "
                         f"describe {need} (a missing, truncated or wrong shard?)")
    out, offset = {}, 0
    for spec in specs:
        n = spec_bytes(spec)
        raw, offset = data[offset:offset + n], offset + n
        q = spec.get("quantization")
        if q:
            values = np.frombuffer(raw, _QUANTIZED[q["dtype"]])
            if q["dtype"] == "float16":
                values = values.astype(np.float32)
            else:  # the converter's affine quantization: min + q * scale
                values = values.astype(np.float32) * np.float32(q["scale"]) + np.float32(q["min"])
            values = values.astype(np.float32 if spec["dtype"] == "float32" else np.int32)
        else:
            values = np.frombuffer(raw, _STORED[spec["dtype"]])
            values = values.astype(bool) if spec["dtype"] == "bool" else values.copy()
        out[spec["name"]] = values.reshape(spec["shape"])
    return out


def shards(data, size=SHARD_BYTES):
    """The weight data cut in shards of `size` bytes (the last shorter)."""
    return [bytes(data[i:i + size]) for i in range(0, len(data), size)] or [b""]

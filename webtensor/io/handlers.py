"""Where models are kept, chosen by the URL's scheme as tfjs's io router does. A handler has
`async load() -> ModelArtifacts` and/or `async save(artifacts) -> result`. Here: memory,
save callbacks, a local directory (CPython; `file://` too), and http(s) (fetch in the page,
urllib in CPython; relative URLs in the page). browser.py adds the page's storages."""
import inspect
import json
import os
import sys

from .artifacts import ModelArtifacts, from_model_json, join, parse_model_json, to_files

IN_BROWSER = sys.platform == "emscripten"
_SCHEMES = {}  # "indexeddb://" -> handler class taking the rest of the URL


def register_scheme(prefix, handler):
    _SCHEMES[prefix] = handler


def handler_for(target, purpose):
    """The handler for a URL, path or handler (purpose: 'load' or 'save')."""
    if hasattr(target, purpose):
        return target
    if not isinstance(target, (str, os.PathLike)):
        raise TypeError(f"{purpose}: expected a URL, a path or an IO handler, got {type(target).__name__}")
    url = os.fspath(target)
    for prefix, handler in _SCHEMES.items():
        if url.startswith(prefix):
            return handler(url[len(prefix):])
    if url.startswith(("http://", "https://")) or (IN_BROWSER and "://" not in url):
        return HttpHandler(url)
    if url.startswith("file://"):
        return DirectoryHandler(url[len("file://"):])
    if "://" in url:
        raise ValueError(f"{purpose}: no IO handler for {url!r} (schemes: "
                         f"{', '.join(sorted(list(_SCHEMES) + ['http://', 'https://', 'file://']))})")
    return DirectoryHandler(url)


class MemoryHandler:
    """tfjs's io.fromMemory: load artifacts held in memory."""

    def __init__(self, artifacts):
        self.artifacts = artifacts

    async def load(self):
        return self.artifacts


class SaveHandler:
    """tfjs's io.withSaveHandler: save by calling fn(artifacts) (sync or async)."""

    def __init__(self, fn):
        self.fn = fn

    async def save(self, artifacts):
        result = self.fn(artifacts)
        return await result if inspect.isawaitable(result) else result


def from_memory(model_topology, weight_specs=None, weight_data=None, training_config=None):
    """A load handler over artifacts (or their parts: topology, specs, data)."""
    if isinstance(model_topology, ModelArtifacts):
        return MemoryHandler(model_topology)
    return MemoryHandler(ModelArtifacts(model_topology=model_topology, weight_specs=weight_specs,
                                        weight_data=weight_data, training_config=training_config))


def with_save_handler(fn):
    return SaveHandler(fn)


class DirectoryHandler:
    """A folder with model.json and its shards (or the path of a model.json)."""

    def __init__(self, path):
        self.path = os.fspath(path)

    def _json_path(self):
        return self.path if self.path.endswith(".json") else os.path.join(self.path, "model.json")

    async def save(self, artifacts):
        folder = os.path.dirname(self._json_path())
        os.makedirs(folder or ".", exist_ok=True)
        for name, data in to_files(artifacts).items():
            with open(os.path.join(folder, os.path.basename(self._json_path()) if name == "model.json" else name),
                      "wb") as f:
                f.write(data)
        return {"model_artifacts_info": artifacts.info()}

    async def load(self):
        path = self._json_path()
        try:
            with open(path, "rb") as f:
                obj = parse_model_json(f.read(), path)
        except FileNotFoundError:
            raise FileNotFoundError(f"load: no model at {path!r} (model.json not found)") from None

        async def read(shard):
            full = os.path.join(os.path.dirname(path), shard)
            try:
                with open(full, "rb") as f:
                    return f.read()
            except FileNotFoundError:
                raise FileNotFoundError(f"{path}: weight shard {shard!r} not found at {full!r}") from None
        return await from_model_json(obj, read, path)


class HttpHandler:
    """Load model.json and its shards with GET; save with a multipart POST of model.json and
    model.weights.bin, as tfjs's io.http (in the page)."""

    def __init__(self, url, request_init=None):
        self.url, self.request_init = url, request_init or {}

    async def load(self):
        obj = parse_model_json(await _get(self.url), self.url)
        return await from_model_json(obj, lambda shard: _get(join(self.url, shard), f"{self.url}: weight shard"),
                                     self.url)

    async def save(self, artifacts):
        files = to_files(artifacts, "model", single_file=True)
        manifest = json.loads(files["model.json"])
        manifest["weightsManifest"][0]["paths"] = ["./model.weights.bin"]
        status = await _post(self.url, json.dumps(manifest).encode(), files["model.weights.bin"],
                             self.request_init)
        return {"model_artifacts_info": artifacts.info(), "response_status": status}


async def _get(url, what="model.json"):
    if IN_BROWSER:
        from pyodide.http import pyfetch
        try:
            reply = await pyfetch(url)
        except Exception as e:  # the page's fetch rejects: no network, CORS
            raise OSError(f"{what} {url!r}: request failed ({e})") from None
        if not reply.ok:
            raise OSError(f"{what} {url!r}: HTTP {reply.status}")
        return await reply.bytes()
    import urllib.error
    import urllib.request
    try:
        with urllib.request.urlopen(url) as reply:
            return reply.read()
    except urllib.error.HTTPError as e:
        raise OSError(f"{what} {url!r}: HTTP {e.code}") from None
    except urllib.error.URLError as e:
        raise OSError(f"{what} {url!r}: request failed ({e.reason})") from None


async def _post(url, model_json, weights, init):
    if not IN_BROWSER:
        raise NotImplementedError("save: http(s) saving runs in the page (tfjs's io.http); in "
                                  "CPython save to a directory")
    import js
    from pyodide.ffi import to_js
    form = js.FormData.new()
    form.append("model.json", js.Blob.new(to_js([model_json]), to_js({"type": "application/json"},
                dict_converter=js.Object.fromEntries)), "model.json")
    form.append("model.weights.bin", js.Blob.new(to_js([weights]), to_js(
        {"type": "application/octet-stream"}, dict_converter=js.Object.fromEntries)), "model.weights.bin")
    options = {"method": "POST", **init, "body": form}
    reply = await js.fetch(url, to_js(options, dict_converter=js.Object.fromEntries))
    if not reply.ok:
        raise OSError(f"save {url!r}: HTTP {reply.status}")
    return reply.status

"""The page's model storages, in tfjs 4.22's own layout, so that a model saved by either library
loads in the other: indexeddb:// (database 'tensorflowjs'), localstorage:// (keys
'tensorflowjs_models/<path>/...'), downloads:// (save only) and browser_files (load only, the
files of an <input type=file>); and tfjs's model management over indexeddb:// and
localstorage://: list_models, remove_model, copy_model, move_model.

All of it needs the page (Pyodide); it imports in CPython too, where saving and loading raise
NotImplementedError, copy_model works between any handlers there (folders) and list_models,
remove_model and move_model raise NotImplementedError.
"""
import asyncio
import base64
import datetime
import json
import posixpath

from .artifacts import _JSON_KEYS, ModelArtifacts, from_model_json, model_json, parse_model_json
from .handlers import IN_BROWSER, handler_for, register_scheme

DATABASE, DATABASE_VERSION = "tensorflowjs", 1
MODELS_STORE, INFO_STORE = "models_store", "model_info_store"
LS_PREFIX = "tensorflowjs_models"
LS_PARTS = ("info", "model_topology", "weight_specs", "weight_data", "model_metadata")
# Fields tfjs writes even when empty (null); the others only when set.
_ALWAYS = ("format", "generated_by", "converted_by")
_INFO_KEYS = {"dateSaved": "date_saved", "modelTopologyType": "model_topology_type",
              "modelTopologyBytes": "model_topology_bytes", "weightSpecsBytes": "weight_specs_bytes",
              "weightDataBytes": "weight_data_bytes"}


def _dumps(value):
    return json.dumps(value, separators=(",", ":"))  # as JSON.stringify writes it


def _js(what):
    if not IN_BROWSER:
        raise NotImplementedError(f"{what} needs the browser (webtensor in Pyodide); in CPython "
                                  "save to and load from a directory")
    import js
    return js


def _obj(js, d):
    from pyodide.ffi import to_js
    return to_js(d, dict_converter=js.Object.fromEntries)


def _to_js_json(js, value):
    return js.JSON.parse(_dumps(value))


def _from_js_json(js, value):
    text = None if value is None else js.JSON.stringify(value)  # undefined -> None
    return None if text is None else json.loads(text)


def _array_buffer(js, data):
    buf = js.ArrayBuffer.new(len(data))
    js.Uint8Array.new(buf).assign(data)
    return buf


def _bytes(js, data):
    """tfjs's WeightData (an ArrayBuffer or a list of them; a typed array too) as bytes."""
    if data is None:
        return None
    if js.Array.isArray(data):
        return b"".join(_bytes(js, d) for d in data)
    if js.ArrayBuffer.isView(data):
        return js.Uint8Array.new(data.buffer, data.byteOffset, data.byteLength).to_bytes()
    return js.Uint8Array.new(data).to_bytes()


def _info(artifacts):
    """tfjs's ModelArtifactsInfo (camelCase, as stored), sizes of the JSON as tfjs counts them."""
    now = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="milliseconds")
    size = lambda v: 0 if v is None else len(_dumps(v).encode())  # noqa: E731
    return {"dateSaved": now.replace("+00:00", "Z"), "modelTopologyType": "JSON",
            "modelTopologyBytes": size(artifacts.model_topology),
            "weightSpecsBytes": size(artifacts.weight_specs),
            "weightDataBytes": len(artifacts.weight_data or b"")}


def _info_py(info):
    """The stored info as save() reports it here (snake_case, as ModelArtifacts.info)."""
    return {snake: info.get(camel) for camel, snake in _INFO_KEYS.items()}


def _metadata(artifacts, skip=("model_topology",)):
    return {key: getattr(artifacts, field) for field, key in _JSON_KEYS.items()
            if field not in skip and (getattr(artifacts, field) is not None or field in _ALWAYS)}


def _save_result(info):
    return {"model_artifacts_info": _info_py(info)}


# ---------------------------------------------------------------- indexeddb://

async def _settle(target, done, what):
    """Wait until an IndexedDB request or transaction fires `done` ('success', 'complete');
    an 'error' or 'abort' raises OSError."""
    from pyodide.ffi import create_proxy
    future = asyncio.get_event_loop().create_future()

    def on_event(event):
        if future.done():
            return
        if event.type == done:
            future.set_result(None)
        else:
            error = getattr(event.target, "error", None) or getattr(target, "error", None)
            text = f"{error.name}: {error.message}" if error is not None else event.type
            future.set_exception(OSError(f"{what}: IndexedDB {event.type} ({text})"))
    handler = create_proxy(on_event)
    events = (done, "error", "abort")
    for name in events:
        setattr(target, "on" + name, handler)
    try:
        await future
    finally:
        for name in events:
            setattr(target, "on" + name, None)
        handler.destroy()


async def _open(js, what):
    factory = getattr(js, "indexedDB", None)
    if factory is None:
        raise OSError(f"{what}: this page has no IndexedDB")
    from pyodide.ffi import create_proxy
    request = factory.open(DATABASE, DATABASE_VERSION)

    def upgrade(event):  # a new database: tfjs's two stores
        db = request.result
        for store in (MODELS_STORE, INFO_STORE):
            if not db.objectStoreNames.contains(store):
                db.createObjectStore(store, _obj(js, {"keyPath": "modelPath"}))
    on_upgrade = create_proxy(upgrade)
    request.onupgradeneeded = on_upgrade
    try:
        await _settle(request, "success", what)
    finally:
        request.onupgradeneeded = None
        on_upgrade.destroy()
    return request.result


async def _transaction(js, mode, action, what):
    """Run action(models_store, info_store) -> requests in one transaction over both stores
    (so a save or removal is all or nothing); the requests once it has completed. The
    requests are all made at once: a transaction commits when none is pending."""
    from pyodide.ffi import to_js
    db = await _open(js, what)
    try:
        tx = db.transaction(to_js([MODELS_STORE, INFO_STORE]), mode)
        requests = action(tx.objectStore(MODELS_STORE), tx.objectStore(INFO_STORE))
        await _settle(tx, "complete", what)
        return requests
    finally:
        db.close()


def _artifacts_from_js(js, a, where):
    topology = getattr(a, "modelTopology", None)
    if topology is not None and js.Object.prototype.toString.call(topology) == "[object ArrayBuffer]":
        raise ValueError(f"{where}: the model topology is binary (a graph model's GraphDef); "
                         "only JSON topologies load here")
    fields = {field: _from_js_json(js, getattr(a, key, None)) for field, key in _JSON_KEYS.items()}
    return ModelArtifacts(weight_specs=_from_js_json(js, getattr(a, "weightSpecs", None)),
                          weight_data=_bytes(js, getattr(a, "weightData", None)), **fields)


class BrowserIndexedDB:
    """tfjs's io.browserIndexedDB: database 'tensorflowjs', stores 'models_store' and
    'model_info_store', keyed by the model path."""
    scheme = "indexeddb://"
    name = "IndexedDB"

    def __init__(self, path):
        path = path[len(self.scheme):] if path.startswith(self.scheme) else path
        if not path:
            raise ValueError(f"{self.scheme}: the model path must not be empty")
        self.path, self.url = path, self.scheme + path

    async def save(self, artifacts):
        js = _js(f"save {self.url}")
        info = _info(artifacts)
        info_js = _to_js_json(js, info)
        info_js.dateSaved = js.Date.new(info["dateSaved"])  # a Date, as tfjs stores it
        stored = _to_js_json(js, {**_metadata(artifacts, skip=()),
                                  "weightSpecs": artifacts.weight_specs or []})
        stored.weightData = _array_buffer(js, artifacts.weight_data or b"")
        model = _obj(js, {"modelPath": self.path, "modelArtifacts": stored, "modelArtifactsInfo": info_js})
        entry = _obj(js, {"modelPath": self.path, "modelArtifactsInfo": info_js})
        await _transaction(js, "readwrite", lambda models, infos: (infos.put(entry), models.put(model)),
                           f"save {self.url}")
        return _save_result(info)

    async def load(self):
        js = _js(f"load {self.url}")
        get, = await _transaction(js, "readonly", lambda models, infos: (models.get(self.path),),
                                  f"load {self.url}")
        if get.result is None:
            raise FileNotFoundError(f"load: no model {self.path!r} in IndexedDB ({self.url}); "
                                    "wt.io.list_models() lists the saved ones")
        return _artifacts_from_js(js, get.result.modelArtifacts, self.url)

    async def remove(self):
        js = _js(f"remove_model {self.url}")
        get, _, _ = await _transaction(
            js, "readwrite", lambda models, infos: (infos.get(self.path), infos.delete(self.path),
                                                    models.delete(self.path)), f"remove_model {self.url}")
        if get.result is None:
            raise FileNotFoundError(f"remove_model: no model {self.path!r} in IndexedDB ({self.url})")
        return _info_py(_from_js_json(js, get.result.modelArtifactsInfo))

    @classmethod
    async def list(cls):
        js = _js("list_models")
        get, = await _transaction(js, "readonly", lambda models, infos: (infos.getAll(),), "list_models")
        return {item.modelPath: _info_py(_from_js_json(js, item.modelArtifactsInfo)) for item in get.result}


# ---------------------------------------------------------------- localstorage://

def _local_storage(what):
    storage = getattr(_js(what), "localStorage", None)
    if storage is None:
        raise OSError(f"{what}: this context has no localStorage (a worker has none; use indexeddb://)")
    return storage


class BrowserLocalStorage:
    """tfjs's io.browserLocalStorage: 'tensorflowjs_models/<path>/' + info, model_topology,
    weight_specs, weight_data (base64) and model_metadata, each JSON text."""
    scheme = "localstorage://"
    name = "local storage"

    def __init__(self, path):
        path = path[len(self.scheme):] if path.startswith(self.scheme) else path
        if not path:
            raise ValueError(f"{self.scheme}: the model path must not be empty")
        self.path, self.url = path, self.scheme + path
        self.keys = [f"{LS_PREFIX}/{path}/{part}" for part in LS_PARTS]

    async def save(self, artifacts):
        storage = _local_storage(f"save {self.url}")
        info = _info(artifacts)
        texts = [_dumps(info), _dumps(artifacts.model_topology), _dumps(artifacts.weight_specs),
                 base64.b64encode(artifacts.weight_data or b"").decode(), _dumps(_metadata(artifacts))]
        try:
            for key, text in zip(self.keys, texts):
                storage.setItem(key, text)
        except Exception as e:  # QuotaExceededError: leave nothing half-saved
            self._remove_items(storage)
            raise OSError(f"save {self.url}: local storage refused it ({e}); its quota (about 5 MB) "
                          f"may be exceeded: topology {info['modelTopologyBytes']} bytes, weight specs "
                          f"{info['weightSpecsBytes']}, weights {info['weightDataBytes']} (as base64: "
                          f"a third more); indexeddb:// holds larger models") from None
        return _save_result(info)

    async def load(self):
        storage = _local_storage(f"load {self.url}")
        info, topology, specs, data, metadata = (storage.getItem(key) for key in self.keys)
        if info is None:
            raise FileNotFoundError(f"load: no model {self.path!r} in local storage ({self.url}); "
                                    "wt.io.list_models() lists the saved ones")
        if json.loads(info).get("modelTopologyType") != "JSON":
            raise ValueError(f"{self.url}: the model topology is not JSON; only JSON topologies load here")
        for text, part in ((topology, "topology"), (specs, "weight specs"), (data, "weight data")):
            if text is None:
                raise ValueError(f"load {self.url}: the model's {part} is missing from local storage")
        meta = json.loads(metadata) if metadata is not None else {}
        fields = {field: meta.get(key) for field, key in _JSON_KEYS.items() if field != "model_topology"}
        return ModelArtifacts(model_topology=json.loads(topology), weight_specs=json.loads(specs),
                              weight_data=base64.b64decode(data), **fields)

    def _remove_items(self, storage):
        for key in self.keys:
            storage.removeItem(key)

    async def remove(self):
        storage = _local_storage(f"remove_model {self.url}")
        info = storage.getItem(self.keys[0])
        if info is None:
            raise FileNotFoundError(f"remove_model: no model {self.path!r} in local storage ({self.url})")
        self._remove_items(storage)
        return _info_py(json.loads(info))

    @classmethod
    async def list(cls):
        if getattr(_js("list_models"), "localStorage", None) is None:
            return {}  # a worker: no local storage, so no models in it (tfjs lists none there)
        storage = _local_storage("list_models")
        out = {}
        for i in range(storage.length):
            parts = storage.key(i).split("/")
            if len(parts) >= 3 and parts[0] == LS_PREFIX and parts[-1] == "info":
                out["/".join(parts[1:-1])] = _info_py(json.loads(storage.getItem(storage.key(i))))
        return out


# ---------------------------------------------------------------- downloads://, files

class BrowserDownloads:
    """tfjs's io.browserDownloads: the browser downloads <prefix>.json (model.json, its
    weightsManifest path './<prefix>.weights.bin') and <prefix>.weights.bin."""
    scheme = "downloads://"

    def __init__(self, prefix="model"):
        prefix = (prefix[len(self.scheme):] if prefix.startswith(self.scheme) else prefix) or "model"
        self.json_name, self.weights_name = prefix + ".json", prefix + ".weights.bin"
        self.url = self.scheme + prefix

    async def save(self, artifacts):
        js = _js(f"save {self.url}")
        from pyodide.ffi import to_js
        document = getattr(js, "document", None)
        if document is None:
            raise OSError(f"save {self.url}: this context has no document to download from (a "
                          "worker?); save to indexeddb:// there")
        files = [(self.json_name, _dumps(model_json(artifacts, ["./" + self.weights_name])).encode(),
                  "application/json")]
        if artifacts.weight_data is not None:
            files.append((self.weights_name, artifacts.weight_data, "application/octet-stream"))
        for name, data, kind in files:
            blob = js.Blob.new(to_js([_array_buffer(js, data)]), _obj(js, {"type": kind}))
            anchor = document.createElement("a")
            anchor.download, anchor.href = name, js.URL.createObjectURL(blob)
            anchor.click()  # not revoked: the download reads it after this returns (as tfjs)
        return _save_result(_info(artifacts))

    async def load(self):
        raise ValueError(f"load: {self.scheme} only saves (as tfjs); to load files the user picked, "
                         "use wt.io.browser_files(input.files)")


class BrowserFiles:
    """tfjs's io.browserFiles: load from JS File objects, model.json first, then its weight
    files (matched to the manifest's paths by base name)."""

    def __init__(self, files):
        files = list(files) if files is not None else []
        if not files:
            raise ValueError("browser_files: at least 1 file is required (the model's .json, then "
                             f"its weight files), got {len(files)}")
        self.json_file, self.weight_files = files[0], files[1:]
        self.url = str(self.json_file.name)

    def _by_path(self, manifest):
        names = [str(f.name).rsplit("/", 1)[-1] for f in self.weight_files]
        out = {}
        for path in (p for group in manifest for p in group.get("paths", [])):
            base = posixpath.basename(path)
            if base in (posixpath.basename(p) for p in out):
                raise ValueError(f"{self.url}: duplicate weight file name {base!r} in the weights manifest")
            if base not in names:
                raise ValueError(f"{self.url}: weight file {base!r} is not among the files given "
                                 f"({', '.join(map(repr, names)) or 'none'})")
            out[path] = self.weight_files[names.index(base)]
        if len(out) != len(self.weight_files):
            raise ValueError(f"{self.url}: the weights manifest names {len(out)} weight files, "
                             f"{len(self.weight_files)} were given")
        return out

    async def load(self):
        js = _js("browser_files")
        obj = parse_model_json(await self.json_file.text(), self.url)
        if obj.get("weightsManifest") is None:
            raise ValueError(f"{self.url}: no 'weightsManifest'")
        if not self.weight_files:  # tfjs: the topology alone (the model keeps its initial weights)
            return ModelArtifacts(model_topology=obj["modelTopology"])
        files = self._by_path(obj["weightsManifest"])

        async def read(path):
            return js.Uint8Array.new(await files[path].arrayBuffer()).to_bytes()
        return await from_model_json(obj, read, self.url)


def browser_indexed_db(path):
    """tfjs's io.browserIndexedDB: the handler 'indexeddb://<path>' gives."""
    return BrowserIndexedDB(path)


def browser_local_storage(path):
    """tfjs's io.browserLocalStorage: the handler 'localstorage://<path>' gives."""
    return BrowserLocalStorage(path)


def browser_downloads(prefix="model"):
    """tfjs's io.browserDownloads: save as downloads <prefix>.json and <prefix>.weights.bin."""
    return BrowserDownloads(prefix)


def browser_files(files):
    """tfjs's io.browserFiles: load from JS File objects (input.files): the .json first."""
    return BrowserFiles(files)


# ---------------------------------------------------------------- model management

_STORES = {"indexeddb": BrowserIndexedDB, "localstorage": BrowserLocalStorage}


def _store(url, what):
    scheme, sep, path = str(url).partition("://")
    if not sep or scheme not in _STORES:
        raise ValueError(f"{what}: {url!r} is not in a model store; expected a URL starting with "
                         f"{' or '.join(s + '://' for s in _STORES)}")
    _js(what)
    return _STORES[scheme](path)


async def list_models():
    """{url: info} for every model in IndexedDB and local storage (tfjs's io.listModels)."""
    _js("list_models")
    out = {}
    for scheme, store in _STORES.items():
        for path, info in (await store.list()).items():
            out[f"{scheme}://{path}"] = info
    return out


async def remove_model(url):
    """Remove a stored model; its info (tfjs's io.removeModel)."""
    return await _store(url, "remove_model").remove()


async def copy_model(source_url, dest_url):
    """Copy a model between URLs (any load and save handlers, folders too); the copy's info."""
    return await _clone(source_url, dest_url, "copy_model")


async def move_model(source_url, dest_url):
    """Move a stored model (tfjs's io.moveModel); the source is removed once the copy is saved."""
    return await _clone(source_url, dest_url, "move_model", move=True)


async def _clone(source_url, dest_url, what, move=False):
    if source_url == dest_url:
        raise ValueError(f"{what}: the source and the destination are the same: {source_url!r}")
    source = _store(source_url, what) if move else handler_for(source_url, "load")
    if not hasattr(source, "load"):
        raise ValueError(f"{what}: {source_url!r} cannot be loaded from")
    dest = handler_for(dest_url, "save")
    result = await dest.save(await source.load())
    if move:  # after saving, unlike tfjs (which removes first): a failed save loses nothing
        await source.remove()
    return result.get("model_artifacts_info", result) if isinstance(result, dict) else result


if IN_BROWSER:
    for _handler in (BrowserIndexedDB, BrowserLocalStorage, BrowserDownloads):
        register_scheme(_handler.scheme, _handler)

"""The page's model storages against TensorFlow.js 4.22 in the same page: indexeddb:// and
localstorage:// both ways (webtensor saves, tfjs loads, and the reverse), model management
(list, remove, copy, move, across both libraries' entries), downloads:// (the anchor clicks
captured in the page), browser_files (JS File objects), io.http's multipart POST (received by
the test server, loaded back in CPython) and the errors. A small model fit a little, so its
weights and training config are not the initial ones. Storage is backend-independent: cpu only.
"""
import asyncio
import concurrent.futures
import json
import re
import uuid

import numpy as np
import pytest

import webtensor as wt

from .test_layers_vs_tfjs import run, tfjs  # noqa: F401 (the page with tfjs)

pytestmark = pytest.mark.browser
BACKENDS = ["cpu"]
SCHEMES = ["indexeddb", "localstorage"]
WEIGHT_BYTES = (3 * 4 + 4 + 4 * 2 + 2) * 4  # dense 3->4, dense 4->2, float32

PRELUDE = r"""
import inspect
from pyodide.code import run_js

X = np.random.default_rng(0).normal(size=(6, 3)).astype(np.float32)
Y = np.random.default_rng(1).normal(size=(6, 2)).astype(np.float32)


async def wt_model():
    model = wt.sequential([wt.layers.dense(units=4, activation="relu", input_shape=[3], name="h"),
                           wt.layers.dense(units=2, name="out")])
    model.compile(optimizer="adam", loss="mean_squared_error")  # names: a training config is saved
    await model.fit(wt.tensor(X), wt.tensor(Y), epochs=2, batch_size=3, verbose=0)
    return model


async def tf_model():
    model = tf.sequential(obj({"layers": [
        tf.layers.dense(obj({"units": 4, "activation": "relu", "inputShape": [3], "name": "h"})),
        tf.layers.dense(obj({"units": 2, "name": "out"}))]}))
    model.compile(obj({"optimizer": "adam", "loss": "meanSquaredError"}))
    await model.fit(to_tf(X), to_tf(Y), obj({"epochs": 2, "batchSize": 3, "verbose": 0}))
    return model


def wt_predict(model):
    return model.predict(wt.tensor(X)).numpy()


def tf_predict(model):
    return from_tf(tf.tidy(lambda: model.predict(to_tf(X))))


def same(got, want, what):
    check_close(got, want, what, 1e-5, 1e-6)


async def artifacts(model):
    saved = {}
    await model.save(wt.io.with_save_handler(lambda a: saved.setdefault("a", a)))
    return saved["a"]


def u8(data):
    out = js.Uint8Array.new(len(data))
    out.assign(data)
    return out


def file(name, data):
    return js.File.new(to_js([u8(data)]), name)


async def idb_records(path):  # the raw records (models_store, model_info_store), by plain JS
    return await run_js(f'''new Promise((ok, bad) => {{
      const r = indexedDB.open("tensorflowjs", 1);
      r.onerror = () => bad(r.error);
      r.onsuccess = () => {{
        const db = r.result, tx = db.transaction(["models_store", "model_info_store"]);
        const m = tx.objectStore("models_store").get({path!r}), i = tx.objectStore("model_info_store").get({path!r});
        tx.oncomplete = () => {{ db.close(); ok([m.result, i.result]); }};
      }};
    }})''')


def js_type(x):
    return js.Object.prototype.toString.call(x)


async def raises(fn, kind, *words):
    try:
        result = fn()
        if inspect.isawaitable(result):
            await result
    except kind as e:
        for word in words:
            assert word in str(e), (word, str(e))
        print(f"{kind.__name__}: {e}")
        return
    raise AssertionError(f"no {kind.__name__} (expected one mentioning {words})")
"""


def page(tfjs, body, backend, name):
    out = run(tfjs, PRELUDE + body, backend, name=f"storage_{name}_{backend}.py")
    print(out)  # the errors' messages, with -s
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_webtensor_saves_and_loads(tfjs, scheme, backend):
    page(tfjs, f"""
url = "{scheme}://wt-own/v1"
model = await wt_model()
info = (await model.save(url))["model_artifacts_info"]
assert info["model_topology_type"] == "JSON" and info["weight_data_bytes"] == {WEIGHT_BYTES}, info
assert info["model_topology_bytes"] > 0 and info["weight_specs_bytes"] > 0 and info["date_saved"], info
back = await wt.load_layers_model(url)
np.testing.assert_array_equal(wt_predict(back), wt_predict(model))
assert back.optimizer is not None  # compiled again from the saved training config
a, b = await artifacts(model), await artifacts(back)
assert (a.weight_specs, a.weight_data, a.model_topology) == (b.weight_specs, b.weight_data, b.model_topology)
assert (await wt.io.list_models())[url] == info
if "{scheme}" == "indexeddb":  # records shaped as tfjs's own
    m = await tf_model()
    await m.save("indexeddb://tf-ref", obj({{"includeOptimizer": True}}))  # with a trainingConfig too
    (mine, mine_info), (ref, ref_info) = await idb_records("wt-own/v1"), await idb_records("tf-ref")
    keys = lambda o: sorted(js.Object.keys(o))
    assert keys(mine) == keys(ref) and keys(mine_info) == keys(ref_info), (keys(mine), keys(ref))
    assert keys(mine.modelArtifacts) == keys(ref.modelArtifacts), (keys(mine.modelArtifacts), keys(ref.modelArtifacts))
    assert keys(mine.modelArtifactsInfo) == keys(ref.modelArtifactsInfo) == keys(mine_info.modelArtifactsInfo)
    assert mine.modelPath == mine_info.modelPath == "wt-own/v1"
    for record in (mine, ref):
        assert js_type(record.modelArtifacts.weightData) == "[object ArrayBuffer]"
        assert js_type(record.modelArtifactsInfo.dateSaved) == "[object Date]"
    await wt.io.remove_model("indexeddb://tf-ref")
    m.dispose()
if "{scheme}" == "localstorage":  # tfjs's keys, base64 weights
    prefix = "tensorflowjs_models/wt-own/v1/"
    keys = sorted(js.localStorage.key(i) for i in range(js.localStorage.length))
    assert [k for k in keys if k.startswith(prefix)] == [prefix + p for p in sorted(
        ["info", "model_topology", "weight_specs", "weight_data", "model_metadata"])], keys
    import base64
    assert base64.b64decode(js.localStorage.getItem(prefix + "weight_data")) == a.weight_data
    meta = json.loads(js.localStorage.getItem(prefix + "model_metadata"))
    assert meta["format"] == "layers-model" and meta["trainingConfig"]["loss"] == "mean_squared_error", meta
await wt.io.remove_model(url)
back.dispose()
model.dispose()
""", backend, f"own_{scheme}")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_tfjs_saves_webtensor_loads(tfjs, scheme, backend):
    page(tfjs, f"""
for include_optimizer in (False, True):  # True: tfjs writes its training config and Adam's weights
    url = f"{scheme}://tf-saved-{{include_optimizer}}"
    m = await tf_model()
    await m.save(url, obj({{"includeOptimizer": include_optimizer}}))
    back = await wt.load_layers_model(url)
    same(wt_predict(back), tf_predict(m), f"webtensor's prediction from tfjs's {{url}}")
    assert (back.optimizer is not None) == include_optimizer, (url, back.optimizer)
    assert (await wt.io.remove_model(url))["weight_data_bytes"] >= {WEIGHT_BYTES}  # tfjs's entry
    back.dispose()
    m.dispose()
""", backend, f"from_tfjs_{scheme}")


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_webtensor_saves_tfjs_loads(tfjs, scheme, backend):
    page(tfjs, f"""
url = "{scheme}://wt-saved"
model = await wt_model()
await model.save(url)
back = await tf.loadLayersModel(url)
same(tf_predict(back), wt_predict(model), "tfjs's prediction from webtensor's save")
assert getattr(back, "optimizer", None) is not None  # tfjs compiled it from webtensor's config
await tf.io.removeModel(url)  # tfjs removes webtensor's entry
assert url not in await wt.io.list_models()
back.dispose()
model.dispose()
""", backend, f"to_tfjs_{scheme}")


@pytest.mark.parametrize("backend", BACKENDS)
def test_list_remove_copy_move(tfjs, backend):
    page(tfjs, f"""
model, tfm = await wt_model(), await tf_model()
await model.save("indexeddb://m/a")
await model.save("localstorage://m/b")
await tfm.save("indexeddb://m/t")
listed = await wt.io.list_models()
assert {{"indexeddb://m/a", "localstorage://m/b", "indexeddb://m/t"}} <= set(listed), listed
assert all(listed[u]["weight_data_bytes"] == {WEIGHT_BYTES} for u in ("indexeddb://m/a", "localstorage://m/b",
                                                                 "indexeddb://m/t")), listed
theirs = json.loads(js.JSON.stringify(await tf.io.listModels()))
for url in ("indexeddb://m/a", "localstorage://m/b"):  # tfjs reads webtensor's info
    assert theirs[url]["weightDataBytes"] == {WEIGHT_BYTES}, theirs[url]
    assert theirs[url]["modelTopologyBytes"] == listed[url]["model_topology_bytes"], (theirs[url], listed[url])
    assert theirs[url]["modelTopologyType"] == "JSON" and theirs[url]["dateSaved"], theirs[url]

info = await wt.io.copy_model("indexeddb://m/t", "localstorage://m/c")  # tfjs's model, across media
assert info["weight_data_bytes"] == {WEIGHT_BYTES}, info
same(wt_predict(await wt.load_layers_model("localstorage://m/c")), tf_predict(tfm), "copied")
await wt.io.copy_model("indexeddb://m/a", "indexeddb://m/a2")  # same medium
np.testing.assert_array_equal(wt_predict(await wt.load_layers_model("indexeddb://m/a2")), wt_predict(model))

await wt.io.move_model("localstorage://m/c", "indexeddb://m/d")
listed = await wt.io.list_models()
assert "localstorage://m/c" not in listed and "indexeddb://m/d" in listed, listed
same(tf_predict(await tf.loadLayersModel("indexeddb://m/d")), tf_predict(tfm), "moved, loaded by tfjs")
await wt.io.move_model("indexeddb://m/d", "indexeddb://m/e")
assert {{"indexeddb://m/d", "indexeddb://m/e"}} & set(await wt.io.list_models()) == {{"indexeddb://m/e"}}

assert (await wt.io.remove_model("indexeddb://m/e"))["weight_data_bytes"] == {WEIGHT_BYTES}
await tf.io.removeModel("indexeddb://m/a")
for url in ("indexeddb://m/t", "indexeddb://m/a2", "localstorage://m/b"):
    await wt.io.remove_model(url)
left = [u for u in await wt.io.list_models() if "://m/" in u]
assert not left, left
assert not [k for k in (js.localStorage.key(i) for i in range(js.localStorage.length)) if "/m/" in k]

await raises(lambda: wt.io.remove_model("indexeddb://m/e"), FileNotFoundError, "'m/e'", "IndexedDB")
await raises(lambda: wt.io.remove_model("localstorage://m/b"), FileNotFoundError, "'m/b'", "local storage")
await raises(lambda: wt.io.move_model("indexeddb://m/x", "indexeddb://m/x"), ValueError, "same")
await raises(lambda: wt.io.remove_model("downloads://m"), ValueError, "not in a model store")
await raises(lambda: wt.io.copy_model("indexeddb://m/none", "localstorage://m/none"), FileNotFoundError, "'m/none'")
model.dispose()
tfm.dispose()
""", backend, "management")


DOWNLOADS = r"""
run_js('''(() => {
  window.wtCaptured = [];
  const blobs = new Map(), create = URL.createObjectURL, click = HTMLAnchorElement.prototype.click;
  window.wtUnhook = () => { URL.createObjectURL = create; HTMLAnchorElement.prototype.click = click; };
  URL.createObjectURL = b => { const u = create.call(URL, b); blobs.set(u, b); return u; };
  HTMLAnchorElement.prototype.click = function () {
    wtCaptured.push({name: this.download, blob: blobs.get(this.href)});
  };
})()''')
model = await wt_model()
try:
    info = (await model.save("downloads://my-model"))["model_artifacts_info"]
finally:
    js.wtUnhook()
got = {str(c.name): js.Uint8Array.new(await c.blob.arrayBuffer()).to_bytes() for c in js.wtCaptured}
assert list(got) == ["my-model.json", "my-model.weights.bin"], list(got)
assert info["weight_data_bytes"] == len(got["my-model.weights.bin"]), info
manifest = json.loads(got["my-model.json"])
a = await artifacts(model)
assert manifest["weightsManifest"] == [{"paths": ["./my-model.weights.bin"], "weights": a.weight_specs}]
assert manifest["modelTopology"] == a.model_topology and manifest["format"] == "layers-model"
assert got["my-model.weights.bin"] == a.weight_data
# the downloaded files, picked by a user, load in tfjs (io.browserFiles) and here
files = [file(name, data) for name, data in got.items()]
back = await tf.loadLayersModel(tf.io.browserFiles(to_js(files)))
same(tf_predict(back), wt_predict(model), "tfjs's prediction from the downloaded files")
mine = await wt.load_layers_model(wt.io.browser_files(to_js(files)))  # a JS array, as input.files
np.testing.assert_array_equal(wt_predict(mine), wt_predict(model))
await raises(lambda: wt.load_layers_model("downloads://my-model"), ValueError, "only saves", "browser_files")
back.dispose()
model.dispose()
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_downloads_saves_two_files(tfjs, backend):
    page(tfjs, DOWNLOADS, backend, "downloads")


@pytest.mark.parametrize("backend", BACKENDS)
def test_browser_files(tfjs, backend):
    page(tfjs, """
model = await wt_model()
files = wt.io.to_files(await artifacts(model))  # model.json, group1-shard1of1.bin
assert list(files) == ["model.json", "group1-shard1of1.bin"], list(files)
js_json, js_shard = file("model.json", files["model.json"]), file("group1-shard1of1.bin", files["group1-shard1of1.bin"])
back = await wt.load_layers_model(wt.io.browser_files([js_json, js_shard]))
np.testing.assert_array_equal(wt_predict(back), wt_predict(model))
assert back.optimizer is not None
same(tf_predict(await tf.loadLayersModel(tf.io.browserFiles(to_js([js_json, js_shard])))), wt_predict(model),
     "tfjs from the same files")
tm = await tf_model()  # tfjs's files, as its downloads write them
saved = {}
def keep(art):
    saved["json"] = js.JSON.stringify(obj({"modelTopology": art.modelTopology, "weightsManifest": to_js(
        [obj({"paths": ["./tf.weights.bin"], "weights": art.weightSpecs})])}))
    saved["bin"] = js.Uint8Array.new(art.weightData).to_bytes()
    return obj({"modelArtifactsInfo": obj({"dateSaved": js.Date.new(), "modelTopologyType": "JSON"})})
from pyodide.ffi import create_once_callable
await tm.save(tf.io.withSaveHandler(create_once_callable(keep)))
theirs = await wt.load_layers_model(wt.io.browser_files([file("tf.json", saved["json"].encode()),
                                                          file("tf.weights.bin", saved["bin"])]))
same(wt_predict(theirs), tf_predict(tm), "webtensor from tfjs's files")

await raises(lambda: wt.io.browser_files([]), ValueError, "at least 1 file")
await raises(lambda: wt.load_layers_model(wt.io.browser_files([js_json, file("other.bin", b"")])),
             ValueError, "'group1-shard1of1.bin'", "'other.bin'")
await raises(lambda: wt.load_layers_model(wt.io.browser_files([js_json, js_shard, file("extra.bin", b"")])),
             ValueError, "1 weight files, 2 were given")
await raises(lambda: wt.load_layers_model(wt.io.browser_files([file("bad.json", b"{not json")])),
             ValueError, "bad.json", "not valid JSON")
for m in (model, back, theirs):
    m.dispose()
tm.dispose()
""", backend, "files")


@pytest.mark.parametrize("backend", BACKENDS)
def test_errors(tfjs, backend):
    page(tfjs, """
await raises(lambda: wt.load_layers_model("indexeddb://no-such-model"), FileNotFoundError,
             "'no-such-model'", "IndexedDB")
await raises(lambda: wt.load_layers_model("localstorage://no-such-model"), FileNotFoundError,
             "'no-such-model'", "local storage")
await raises(lambda: wt.io.browser_indexed_db(""), ValueError, "empty")
await raises(lambda: wt.load_layers_model("localstorage://"), ValueError, "empty")
model = await wt_model()
await model.save("localstorage://broken")
js.localStorage.removeItem("tensorflowjs_models/broken/weight_data")
await raises(lambda: wt.load_layers_model("localstorage://broken"), ValueError, "weight data", "broken")
await wt.io.remove_model("localstorage://broken")
model.dispose()
""", backend, "errors")


def _cpython(coroutine):
    """Run a coroutine here, in CPython: in a thread, as Playwright keeps an event loop in this one."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def _multipart(content_type, body):
    """{field name: (part headers, bytes)} of a multipart/form-data body."""
    boundary = content_type.split("boundary=", 1)[1].strip('"').encode()
    out = {}
    for chunk in body.split(b"--" + boundary)[1:-1]:
        head, _, data = chunk[2:].partition(b"\r\n\r\n")  # each part starts after a CRLF
        head = head.decode()
        out[re.search(r' name="([^"]*)"', head).group(1)] = (head, data[:-2])  # CRLF before the next
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_http_save_posts_multipart(tfjs, server, backend, tmp_path):
    path = f"/post/{uuid.uuid4().hex}/model"
    out = page(tfjs, f"""
model = await wt_model()
result = await model.save(wt.io.http({path!r}))
assert result["response_status"] == 200 and result["model_artifacts_info"]["weight_data_bytes"] == {WEIGHT_BYTES}
await raises(lambda: model.save(wt.io.http("/not-post/model")), OSError, "HTTP 405")
print("X", json.dumps(X.tolist()))
print("PRED", json.dumps(wt_predict(model).tolist()))
model.dispose()
""", backend, "http")
    found = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("X ", "PRED ")))
    posts = [p for p in server.posts if p[0] == path]
    assert len(posts) == 1, [p[0] for p in server.posts]
    _, content_type, body = posts[0]
    assert content_type.startswith("multipart/form-data"), content_type
    parts = _multipart(content_type, body)
    assert sorted(parts) == ["model.json", "model.weights.bin"], sorted(parts)
    for name, (head, data) in parts.items():
        assert f'filename="{name}"' in head, head
        (tmp_path / name).write_bytes(data)
    assert "application/json" in parts["model.json"][0] and "application/octet-stream" in parts["model.weights.bin"][0]
    manifest = json.loads(parts["model.json"][1])
    assert manifest["weightsManifest"][0]["paths"] == ["./model.weights.bin"], manifest["weightsManifest"]
    assert len(parts["model.weights.bin"][1]) == WEIGHT_BYTES
    model = _cpython(wt.load_layers_model(str(tmp_path / "model.json")))
    got = model.predict(wt.tensor(np.array(json.loads(found["X"]), np.float32))).numpy()
    np.testing.assert_allclose(got, np.array(json.loads(found["PRED"])), rtol=1e-5, atol=1e-6)
    model.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_in_cpython_copy_works_over_folders_the_page_storages_raise(tmp_path, backend):
    model = wt.sequential([wt.layers.dense(units=2, input_shape=[3])])
    _cpython(model.save(str(tmp_path / "a")))
    info = _cpython(wt.io.copy_model(str(tmp_path / "a"), str(tmp_path / "b")))
    assert info["weight_data_bytes"] == (3 * 2 + 2) * 4, info
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == ["group1-shard1of1.bin", "model.json"]
    for call in (wt.io.list_models(), wt.io.remove_model("indexeddb://a"),
                 wt.io.move_model("localstorage://a", "indexeddb://b"),
                 wt.io.browser_indexed_db("a").load(), wt.io.browser_local_storage("a").save(None),
                 wt.io.browser_downloads("a").save(None)):
        with pytest.raises(NotImplementedError, match="needs the browser"):
            _cpython(call)
    with pytest.raises(ValueError, match="no IO handler for 'indexeddb://a'"):  # not registered here
        _cpython(wt.load_layers_model("indexeddb://a"))
    model.dispose()

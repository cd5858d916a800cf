"""webtensor in Pyodide inside a module Web Worker, as JupyterLite runs its kernels."""
import pytest

from webtensor.host import browser

pytestmark = pytest.mark.browser

IN_WORKER = """
import js
import webtensor as wt

print("scope", js.self.constructor.name)
canvas = js.OffscreenCanvas.new(1, 1)
gl = canvas.getContext("webgl2")
print("webgl2", gl is not None and gl.getExtension("EXT_color_buffer_float") is not None)

# The default: WebGL on a GPU, the CPU on a software renderer (SwiftShader here) when the CPU
# backend has its WebAssembly matmul; WebGL works all the same when asked for
renderer = wt.ENGINE.find_backend("webgl").ctx.renderer
print("default", wt.get_backend(), "software" if "SwiftShader" in renderer else "gpu")
wt.set_backend("webgl")
print("backend", wt.get_backend())  # on an OffscreenCanvas
wt.backend().forward_size = 0      # every op below draws, none runs on the host
w = wt.variable(wt.tensor1d([0.0, 0.0]))
x = wt.tensor2d([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
y = wt.tensor1d([1.0, 2.0, 3.0])
opt = wt.train.sgd(0.5)
for _ in range(100):
    opt.minimize(lambda: wt.losses.mean_squared_error(y, (x @ w.reshape([2, 1])).reshape([3])))
print("weights", [round(float(v), 2) for v in w.data_sync()])
"""


@pytest.fixture(scope="module")
def worker(chromium, server, wheel_urls):
    session = browser.PyodideSession(chromium, server.url, wheel_urls, worker=True)
    yield session
    session.close()


def test_webtensor_trains_in_a_module_worker(worker):
    result = worker.run(IN_WORKER, filename="in_worker.py").check()
    lines = result.stdout.splitlines()
    assert lines[0] == "scope DedicatedWorkerGlobalScope"
    assert lines[1] == "webgl2 True"  # OffscreenCanvas: what a WebGL backend needs there
    assert lines[2] in ("default cpu software", "default webgl gpu"), lines[2]
    assert lines[3] == "backend webgl"
    assert lines[4] == "weights [1.0, 2.0]"
    assert worker.errors == []


def test_worker_exception_surfaces_with_traceback(worker):
    result = worker.run("import webtensor as wt\nwt.tensor([1.0, 2.0]).reshape([3])\n",
                        filename="bad_reshape.py")
    assert result.status == 1
    assert 'File "/home/pyodide/bad_reshape.py", line 2' in result.stderr

"""What only the WebGL backend has: textures, the program cache, async reads, tiny ops on the
host, failure modes. Each test runs a snippet in Pyodide in Chromium (top-level await works)."""
import pytest

pytestmark = pytest.mark.browser

PRELUDE = """
import asyncio, warnings
import numpy as np
import webtensor as wt
wt.set_backend("webgl")
gl_backend = wt.backend()
ctx = gl_backend.ctx
gl_backend.forward_size = 0
from webtensor.backends.webgl.context import POOL_LIMIT
ctx.pool_limit = POOL_LIMIT  # the session is shared: each test starts and ends with the default


async def restored(lose):  # restore a context lost through WEBGL_lose_context, wait for it
    lose.restoreContext()
    for _ in range(100):
        if not ctx.lost:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the WebGL context was not restored")
"""


def run(pyodide, body):
    return pyodide.run(PRELUDE + body + "\nctx.pool_limit = POOL_LIMIT\n", filename="test_webgl.py").check().stdout


def test_changing_the_batch_size_compiles_nothing(pyodide):
    run(pyodide, """
def step(batch):
    x = wt.random_normal([batch, 12], seed=1)
    w = wt.variable(wt.random_normal([12, 5], seed=2), name=f"w{batch}")
    y = wt.one_hot(wt.tensor(np.arange(batch) % 5, dtype="int32"), 5).to_float()
    wt.train.adam(0.01).minimize(lambda: wt.losses.softmax_cross_entropy(y, wt.relu(x @ w)))
    wt.tidy(lambda: wt.softmax(x).sum(1).mean().data_sync())
    w.dispose()
step(8)
compiled = len(ctx.programs)
step(16)
step(32)
assert len(ctx.programs) == compiled, (compiled, len(ctx.programs))
""")


def test_training_keeps_the_texture_count(pyodide):
    run(pyodide, """
rng = np.random.default_rng(0)
x = wt.tensor(rng.normal(size=(32, 4)).astype(np.float32))
y = wt.tensor((rng.normal(size=(32, 1)) > 0).astype(np.float32))
w = wt.variable(wt.zeros([4, 1]), name="w_tex")
b = wt.variable(wt.zeros([1]), name="b_tex")
opt = wt.train.adam(0.05)
loss = lambda: wt.losses.sigmoid_cross_entropy(y, x @ w + b)
for step in range(500):
    opt.minimize(loss)
    if step == 1:  # an update cannot draw into the texture it reads: by the end of step 2
        # every variable and slot has its second texture, and the pool holds the rest
        after_first = (wt.memory().num_textures, wt.memory().num_tensors)
assert (wt.memory().num_textures, wt.memory().num_tensors) == after_first, (wt.memory(), after_first)
m = wt.memory()
assert m.num_bytes_in_gpu > 0 and m.num_textures > 0
""")


def test_tensors_of_1000_sizes_leave_gpu_memory_bounded(pyodide):
    """Freed textures are pooled for reuse up to ctx.pool_limit bytes; past it the oldest are
    deleted (memory() reports what is pooled)."""
    run(pyodide, """
ctx.pool_limit = 2 * 2**20
base = wt.memory()
peak = 0
for n in range(1, 1001):
    t = wt.fill([n * 37], 1.5)        # a texture of its own size (filled on the GPU)
    u = t + 1                         # and the kernel's output
    assert u.data_sync()[-1] == 2.5
    wt.dispose([t, u])
    m = wt.memory()
    assert m.num_bytes_pooled <= ctx.pool_limit, m
    peak = max(peak, m.num_bytes_in_gpu)
m = wt.memory()
assert m.num_tensors == base.num_tensors, (m, base)
assert m.num_bytes_in_gpu - base.num_bytes_in_gpu <= ctx.pool_limit + base.num_bytes_pooled, (m, base)
assert 0 < m.num_pooled_textures and m.num_bytes_pooled > 0, m
# a texture of a pooled size is reused, not allocated
sizes = m.num_textures
wt.dispose(wt.fill([1000 * 37], 1.5))
assert wt.memory().num_textures == sizes, (wt.memory(), sizes)
ctx.pool_limit = 0                    # nothing kept: the pool is emptied, and stays so
assert wt.memory().num_pooled_textures == 0 and wt.memory().num_bytes_pooled == 0, wt.memory()
wt.tidy(lambda: (wt.fill([5000], 1.0) * 2).data_sync())
assert wt.memory().num_pooled_textures == 0 and wt.memory().num_bytes_pooled == 0, wt.memory()
print("peak bytes in GPU", peak)
""")


def test_matmul_splits_problems_too_big_for_one_texture(pyodide):
    run(pyodide, """
rng = np.random.default_rng(0)
gl_backend.matrix_limit = 16  # texture side limit for matmul's operands: every split runs
cases = [((1, 9, 70), (1, 70, 5), False, False),    # K split (and odd sizes)
         ((1, 6, 8), (1, 8, 77), False, False),     # N split
         ((5, 7, 8), (5, 8, 6), False, False),      # batch split
         ((1, 40, 3), (1, 3, 4), False, False),     # M split
         ((3, 30, 9), (1, 9, 4), False, False),     # A's batches as rows, then an M split
         ((1, 12, 9), (4, 12, 10), True, False),    # broadcast A, transposed
         ((2, 20, 11), (2, 6, 11), False, True)]    # transposed B
try:
    for sa, sb, ta, tb in cases:
        a, b = rng.normal(size=sa).astype(np.float32), rng.normal(size=sb).astype(np.float32)
        got = wt.matmul(wt.tensor(a), wt.tensor(b), ta, tb).numpy()
        want = np.matmul(a.transpose(0, 2, 1) if ta else a, b.transpose(0, 2, 1) if tb else b)
        assert got.shape == want.shape, (sa, sb, got.shape, want.shape)
        assert np.allclose(got, want, atol=1e-4), (sa, sb, ta, tb, np.abs(got - want).max())
finally:
    gl_backend.matrix_limit = None
""")


def test_conv_matmuls_read_patches_directly(pyodide):
    run(pyodide, """
from webtensor.ops.nn import _patches
rng = np.random.default_rng(0)
def windows(x, fh, fw):
    w = np.lib.stride_tricks.sliding_window_view(x, (fh, fw), axis=(1, 2))
    return w.transpose(0, 1, 2, 4, 5, 3).reshape(-1, fh * fw * x.shape[3])
try:
    for limit in (None, 512, 64):  # 512: A wraps (rows side by side), B's chunks lie side by side
        gl_backend.matrix_limit = limit
        for shape, fh, fw in [((16, 18, 18, 1), 3, 3), ((2, 9, 7, 3), 3, 2), ((1, 10, 10, 8), 2, 2)]:
            x = rng.normal(size=shape).astype(np.float32)
            oh, ow = shape[1] - fh + 1, shape[2] - fw + 1
            cols = wt.reshape(_patches(wt.tensor(x), fh, fw, (oh, ow), (1, 1), (1, 1)), [-1, fh * fw * shape[3]])
            p = windows(x, fh, fw)
            f = rng.normal(size=(p.shape[1], 5)).astype(np.float32)
            dy = rng.normal(size=(p.shape[0], 4)).astype(np.float32)
            d0 = ctx.draws
            got = wt.matmul(cols, wt.tensor(f)).numpy()
            assert np.allclose(got, p @ f, atol=1e-4), (limit, shape, np.abs(got - p @ f).max())
            if limit is None:
                assert ctx.draws - d0 <= 4, ctx.draws - d0  # no drawn patches, no split along M
            got = wt.matmul(cols, wt.tensor(dy), transpose_a=True).numpy()  # split along K
            assert np.allclose(got, p.T @ dy, atol=1e-3), (limit, shape, np.abs(got - p.T @ dy).max())
            got = wt.matmul(wt.tensor(dy.T.copy()), cols).numpy()
            assert np.allclose(got, dy.T @ p, atol=1e-3), (limit, shape, np.abs(got - dy.T @ p).max())
finally:
    gl_backend.matrix_limit = None
""")


def test_both_matmul_operands_keep_their_layout_from_their_second_product(pyodide):
    """The second product lays out both operands and keeps them; the third draws neither
    (the same batch multiplied again, a model's weights in predict)."""
    run(pyodide, """
rng = np.random.default_rng(3)
a, b = rng.normal(size=(64, 96)).astype(np.float32), rng.normal(size=(96, 32)).astype(np.float32)
x, w = wt.tensor(a), wt.tensor(b)
draws = []
for _ in range(3):
    d = ctx.draws
    got = wt.tidy(lambda: (x @ w).data_sync())
    draws.append(ctx.draws - d)
    np.testing.assert_allclose(got.reshape(64, 32), a @ b, rtol=1e-4, atol=1e-4)
assert draws[0] == draws[1] and draws[2] == draws[1] - 2, draws  # the two layout passes
""")


def test_tensors_larger_than_a_texture_row(pyodide):
    run(pyodide, """
a = np.arange(210000, dtype=np.float32).reshape(70000, 3)
t = wt.tensor(a)
np.testing.assert_array_equal((t + 1).numpy(), a + 1)
np.testing.assert_array_equal(t[69999].numpy(), a[69999])
big = wt.ones([1, 9000000])
assert big.sum().data_sync()[0] == 9000000.0
assert (big * 2)[0, 8999999].data_sync()[0] == 2.0
""")


def test_async_and_sync_reads_agree(pyodide):
    run(pyodide, """
x = wt.tensor(np.linspace(-3, 3, 1000, dtype=np.float32).reshape(10, 100))
y = wt.tanh(x) * 3
a = await y.data()
y2 = wt.tanh(x) * 3
b = y2.data_sync()
np.testing.assert_array_equal(a, b)
assert await y.array() == y2.array_sync()
""")


def test_elementwise_chains_fuse_into_one_pass(pyodide):
    run(pyodide, """
a = wt.tensor(np.linspace(-1, 1, 4096, dtype=np.float32).reshape(64, 64))
b = wt.tensor(np.linspace(2, 3, 64, dtype=np.float32))
def chain():
    with wt.tidy():
        z = wt.sigmoid((a - b) ** 2 * 0.5 + a)       # broadcast b; Python numbers as uniforms
        for _ in range(10):
            z = z * 0.9 + a
        return z.numpy()
chain()  # warm: compile, and fill the texture pool
c0, d0 = ctx.calls, ctx.draws
got = chain()
draws, calls = ctx.draws - d0, ctx.calls - c0
ref = 1 / (1 + np.exp(-((a.numpy() - b.numpy()) ** 2 * 0.5 + a.numpy())))
for _ in range(10):
    ref = ref * 0.9 + a.numpy()
np.testing.assert_allclose(got, ref, rtol=1e-5)
assert draws == 2, draws          # 25 ops: the fusion limit splits them in two programs
assert calls <= 16, calls  # for 25 ops: programs, binds, attach, draws; the rest is cached
print("draws", draws, "GL calls", calls)
""")


def test_tiny_ops_on_host_values_run_on_the_host(pyodide):
    run(pyodide, """
gl_backend.forward_size = 128
x = wt.tensor([1.0, -2.0, 3.0])
d0 = ctx.draws
y = (wt.exp(x) * 2 + x).sum()
assert ctx.draws == d0, "tiny ops on host values must not draw"
np.testing.assert_allclose(y.data_sync(), (np.exp([1, -2, 3]) * 2 + [1, -2, 3]).sum(), rtol=1e-6)
i = wt.tensor([3, 1, 2], dtype="int32")
assert (i // 2).dtype == "int32" and list((i // 2).data_sync()) == [1, 0, 1]
big = wt.tensor(np.ones(1000, np.float32))
d0 = ctx.draws
assert (big + 1).sum().data_sync()[0] == 2000
assert ctx.draws > d0, "large ops run on the GPU"
""")


def test_failed_compile_names_the_op_and_shows_the_log(pyodide):
    run(pyodide, """
try:
    ctx.program(("broken",), lambda: "#version 300 es\\nvoid main() { nope; }", [], "broken_op")
except RuntimeError as e:
    msg = str(e)
    assert "broken_op" in msg and "ERROR" in msg and "nope" in msg, msg
else:
    raise AssertionError("a broken shader compiled")
""")


def test_without_webgl2_the_default_falls_back_and_explicit_use_fails(pyodide):
    run(pyodide, """
from webtensor.engine import ENGINE
from webtensor.backends.webgl import context

real_js = context.js

class NoWebGL:  # a page whose canvases have no webgl2 context
    Object = real_js.Object
    document = type("D", (), {"createElement": staticmethod(lambda tag: type("C", (), {"getContext": lambda *a: None})())})

saved = (ENGINE.backend, ENGINE.backend_name, ENGINE.instances.pop("webgl"))
context.js = NoWebGL
try:
    ENGINE.backend = ENGINE.backend_name = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert wt.get_backend() == "cpu"
    assert any("webgl" in str(w.message) and "WebGL2" in str(w.message) for w in caught), caught
    try:
        wt.set_backend("webgl")
    except RuntimeError as e:
        assert "webgl" in str(e) and "WebGL2" in str(e), e
    else:
        raise AssertionError("set_backend('webgl') succeeded without WebGL2")
finally:
    context.js = real_js
    ENGINE.instances["webgl"] = saved[2]
    ENGINE.backend, ENGINE.backend_name = saved[0], saved[1]
""")


def test_context_loss_raises_and_recovers(pyodide):
    run(pyodide, """
x = wt.tensor(np.arange(16, dtype=np.float32))
y = x * 2
y.data_sync()
lose = ctx.gl.getExtension("WEBGL_lose_context")
lose.loseContext()
for _ in range(50):
    if ctx.lost:
        break
    await wt.next_frame()
assert ctx.lost
try:
    (x * 3).data_sync()
except RuntimeError as e:
    assert "context was lost" in str(e), e
else:
    raise AssertionError("an op ran on a lost context")
await restored(lose)
z = wt.tensor(np.arange(16, dtype=np.float32)) * 3
np.testing.assert_array_equal(z.data_sync(), np.arange(16) * 3)
try:
    (y + 1).data_sync()  # y's texture died with the old context
except RuntimeError as e:
    assert "lost" in str(e), e
else:
    raise AssertionError("a texture from the lost context was used")
""")


def test_out_of_gpu_memory_and_a_failed_read_are_clear_errors_that_leak_nothing(pyodide):
    run(pyodide, """
import js
x = wt.tensor(np.arange(8, dtype=np.float32))
before = wt.memory()
ctx.pool_limit = 0  # every allocation is a new texture
# the next getError() reports OUT_OF_MEMORY, as the driver does when texStorage2D cannot allocate
js.Function.new("gl", "const get = gl.getError.bind(gl); "
                "gl.getError = () => { gl.getError = get; return gl.OUT_OF_MEMORY; };")(ctx.gl)
try:
    wt.tidy(lambda: (x * 2 + 1).data_sync())
except MemoryError as e:
    assert "out of GPU memory" in str(e), e
else:
    raise AssertionError("no MemoryError")
after = wt.memory()
assert (after.num_tensors, after.num_textures) == (before.num_tensors, before.num_textures), (before, after)
np.testing.assert_array_equal(wt.tidy(lambda: (x * 2).data_sync()), np.arange(8) * 2)  # works again

read = ctx.read_pixels
ctx.read_pixels = js.Function.new("throw new Error('simulated readPixels failure')")
y = x + 5
try:
    y.data_sync()
except RuntimeError as e:
    assert "reading a" in str(e) and "simulated readPixels failure" in str(e), e
else:
    raise AssertionError("no error from a failed readPixels")
finally:
    ctx.read_pixels = read
np.testing.assert_array_equal(y.data_sync(), np.arange(8) + 5)  # the tensor is intact
wt.dispose([x, y])
assert wt.memory().num_tensors == before.num_tensors - 1
""")


def test_context_lost_mid_training_then_resumed_from_a_checkpoint(pyodide):
    """Variables live in textures only: a lost context takes them. fit raises a clear error;
    once the browser restores the context, the model is rebuilt from a checkpoint (any
    save handler: memory here, IndexedDB in a page) and training goes on."""
    run(pyodide, """
rng = np.random.default_rng(0)
xs = rng.normal(size=(64, 4)).astype(np.float32)
ys = (xs @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32)).astype(np.float32)
model = wt.sequential([wt.layers.dense(units=8, activation="relu", input_shape=[4]), wt.layers.dense(units=1)])
model.compile(optimizer="adam", loss="mse")
await model.fit(xs, ys, epochs=2, batch_size=16, verbose=0)
saved = {}
await model.save(wt.io.with_save_handler(lambda a: saved.setdefault("checkpoint", a)))
checkpoint_loss = model.evaluate(xs, ys, verbose=0).item()
lose = ctx.gl.getExtension("WEBGL_lose_context")

class LoseTheGPU(wt.callbacks.Callback):
    def on_batch_end(self, batch, logs=None):
        if batch == 1:
            lose.loseContext()

try:
    await model.fit(xs, ys, epochs=2, batch_size=16, verbose=0, callbacks=[LoseTheGPU()])
except RuntimeError as e:
    assert "context was lost" in str(e), e
else:
    raise AssertionError("fit went on without a GPU")
await restored(lose)
model.dispose()
model = await wt.load_layers_model(wt.io.from_memory(saved["checkpoint"]))
assert abs(model.evaluate(xs, ys, verbose=0).item() - checkpoint_loss) < 1e-5  # (compiled from the file)
history = await model.fit(xs, ys, epochs=3, batch_size=16, verbose=0)
assert history.history["loss"][-1] < checkpoint_loss, (history.history, checkpoint_loss)
model.dispose()
""")


def test_the_default_is_the_cpu_on_a_software_renderer(pyodide):
    run(pyodide, """
from webtensor.engine import ENGINE
from webtensor.backends import wasm
assert ctx.software == ("SwiftShader" in ctx.renderer), ctx.renderer
assert gl_backend.preferred == (not ctx.software or wasm.kernel() is None)
saved = (ENGINE.backend, ENGINE.backend_name)
try:
    ENGINE.backend = ENGINE.backend_name = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # passing over the emulated GPU is no failure: no warning
        chosen = wt.get_backend()
    assert chosen == ("webgl" if gl_backend.preferred else "cpu"), (chosen, ctx.renderer)
finally:
    ENGINE.backend, ENGINE.backend_name = saved
""")

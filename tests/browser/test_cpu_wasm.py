"""The CPU backend's WebAssembly SIMD kernels, in Pyodide in Chromium: they load, agree with
NumPy, and survive both their own memory and Pyodide's heap growing."""
import pytest

pytestmark = pytest.mark.browser

SCRIPT = """
import numpy as np
import webtensor as wt
from webtensor.backends import wasm

kernel = wasm.kernel()
assert kernel is not None, "the matmul kernel did not load in Pyodide"
wt.set_backend("cpu")
rng = np.random.default_rng(0)

def check(sa, sb, ta=False, tb=False):
    a, b = rng.normal(size=sa).astype(np.float32), rng.normal(size=sb).astype(np.float32)
    want = np.matmul(a.transpose(0, 2, 1) if ta else a, b.transpose(0, 2, 1) if tb else b)
    k = a.shape[1] if ta else a.shape[2]
    for got in (kernel.matmul(a, b, ta, tb), wt.matmul(wt.tensor(a), wt.tensor(b), ta, tb).numpy()):
        assert got.shape == want.shape, (sa, sb, got.shape)
        assert np.allclose(got, want, atol=2e-5 * np.sqrt(k) * 10), (sa, sb, ta, tb, np.abs(got - want).max())

for case in [((1, 33, 47), (1, 47, 29)), ((1, 64, 64), (1, 64, 64), True, False),
             ((1, 40, 50), (1, 30, 50), False, True), ((2, 31, 20), (2, 33, 31), True, True),
             ((3, 17, 40), (1, 40, 19)), ((1, 17, 40), (4, 40, 19)), ((1, 129, 257), (1, 257, 65))]:
    check(*case)
check((1, 1500, 1500), (1, 1500, 40))           # the kernel's memory grows
big = np.ones(50_000_000, np.float32); del big  # Pyodide's heap grows: views must be remade
check((1, 70, 80), (1, 80, 90))
x = wt.variable(wt.tensor(rng.normal(size=(40, 50)).astype(np.float32)))
g = wt.grad(lambda w: (wt.tensor(np.ones((30, 40), np.float32)) @ w).sum())(x)
assert np.allclose(g.numpy(), 30.0), "gradient through the kernel"

# depthwise_conv2d: the kernel (the gate forced open, so small cases take it too) against the
# backend's NumPy path (the gate shut), both float32, on what the op passes the backend
usable = wasm.depthwise_usable
def depthwise(x, f, *args, kernel_on):
    wasm.depthwise_usable = lambda *a: kernel_on
    try:
        return wt.depthwise_conv2d(wt.tensor(x), wt.tensor(f), *args).numpy()
    finally:
        wasm.depthwise_usable = usable

for xs, fs, *args in [
        ((1, 9, 10, 8), (3, 3, 8, 1), 1, "same"),            # M = 1, channels in fours
        ((1, 8, 9, 3), (3, 3, 3, 1), 1, "same"),             # C = 3: no vector
        ((1, 8, 9, 6), (3, 3, 6, 1), 1, "valid"),            # a vector and a scalar tail
        ((1, 8, 9, 5), (3, 3, 5, 2), 1, "same"),             # M = 2
        ((1, 12, 13, 12), (3, 3, 12, 1), 2, "same"),         # stride 2
        ((1, 6, 6, 28), (3, 3, 28, 1), (1, 2), "same"),
        ((1, 13, 11, 16), (3, 3, 16, 1), 1, "same", "NHWC", 2),  # dilation 2
        ((2, 11, 13, 24), (3, 3, 24, 1), 1, "same"),         # batch 2
        ((1, 7, 9, 20), (5, 5, 20, 1), 1, [[0, 0], [2, 1], [4, 0], [0, 0]]),
        ((1, 3, 3, 8), (5, 5, 8, 1), 1, "same"),             # filter larger than x
        ((1, 2, 2, 4), (3, 3, 4, 1), 1, [[0, 0], [4, 4], [4, 3], [0, 0]]),  # rows of zeros
        ((2, 8, 9, 4), (3, 2, 4, 3), (2, 1), "same"),
        ((1, 5, 40, 36), (1, 1, 36, 1), 1, "valid")]:
    x, f = rng.normal(size=xs).astype(np.float32), rng.normal(size=fs).astype(np.float32)
    got, want = depthwise(x, f, *args, kernel_on=True), depthwise(x, f, *args, kernel_on=False)
    assert got.shape == want.shape and np.allclose(got, want, rtol=1e-5, atol=1e-5), (
        xs, fs, args, np.abs(got - want).max())
x = rng.normal(size=(1, 40, 40, 32)).astype(np.float32)
f = rng.normal(size=(3, 3, 32, 1)).astype(np.float32)
assert wasm.depthwise_usable(x[:, :3, :3], f, (3, 3)) and not wasm.depthwise_usable(x, f, (0, 40))
got = kernel.depthwise_conv2d(x, f, (40, 40), (1, 1), (1, 1), (1, 1))
assert np.allclose(got, depthwise(x, f, 1, "same", kernel_on=False), rtol=1e-5, atol=1e-5)

# the fused ops' bias and activation, applied in the kernels (the matmul gate forced open for
# the small cases): the composition's values bit for bit, NaN and -0.0 among them, with the
# channels in fours and with a scalar tail
gate, calls = wasm.usable, []
wasm.usable = lambda *a: calls.append(a) or gate(*a) or True
try:
    for act in ("linear", "relu", "relu6"):
        for fused, plain, xs, fs, args in [
                (wt.fused.conv2d, wt.conv2d, (1, 9, 10, 5), (3, 3, 5, 8), (1, "same")),
                (wt.fused.conv2d, wt.conv2d, (1, 40, 40, 24), (1, 1, 24, 13), (1, "valid")),
                (wt.fused.depthwise_conv2d, wt.depthwise_conv2d, (1, 9, 10, 8), (3, 3, 8, 1), (2, "same")),
                (wt.fused.depthwise_conv2d, wt.depthwise_conv2d, (1, 9, 10, 5), (3, 3, 5, 1), (1, "same")),
                (wt.fused.matmul, wt.matmul, (37, 20), (20, 12), ())]:
            a, b = rng.normal(size=xs).astype(np.float32) * 4, rng.normal(size=fs).astype(np.float32)
            a.flat[0] = np.nan
            c = fs[-1] * (fs[2] if fused is wt.fused.depthwise_conv2d else 1)
            bias = rng.normal(size=c).astype(np.float32)
            bias[:2] = [-0.0, np.nan]
            with wt.tidy():
                got = fused(wt.tensor(a), wt.tensor(b), *args, bias=wt.tensor(bias), activation=act).numpy()
                want = {"linear": lambda y: y, "relu": wt.relu, "relu6": wt.relu6}[act](
                    wt.add(plain(wt.tensor(a), wt.tensor(b), *args), wt.tensor(bias))).numpy()
            assert np.array_equal(got.view(np.int32), want.view(np.int32)), (fused, xs, act)
finally:
    wasm.usable = gate
assert calls, "the fused ops did not reach the matmul kernel"
print("ok")
"""


def test_wasm_kernels_in_pyodide(pyodide):
    result = pyodide.run(SCRIPT, filename="test_cpu_wasm.py").check()
    assert result.stdout.strip().endswith("ok")

"""The CPU backend's WebAssembly SIMD matmul kernel, in Pyodide in Chromium: it loads, agrees
with NumPy, and survives both its own memory and Pyodide's heap growing."""
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
print("ok")
"""


def test_wasm_matmul_kernel_in_pyodide(pyodide):
    result = pyodide.run(SCRIPT, filename="test_cpu_wasm.py").check()
    assert result.stdout.strip().endswith("ok")

"""The WebAssembly matmul kernel (webtensor/backends/wasm), run under Node.js against NumPy.

The kernel only runs in Pyodide, where the CPU backend uses it; here Node's V8 (the engine
of Chromium) runs the same gemm.wasm with the arguments the loader's `plan` computes.
Skipped when node or clang is missing, except under CI (scripts/setup.sh installs both).
"""
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from webtensor.backends import wasm
from webtensor.backends.wasm import build as wasm_build

# node and clang run in subprocesses; in Pyodide, tests/browser/test_cpu_wasm.py covers the kernel
pytestmark = pytest.mark.skipif(sys.platform == "emscripten", reason="needs subprocesses (node, clang)")

DRIVER = r"""
const fs = require("fs");
const [wasmPath, dir] = process.argv.slice(2);
const e = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(wasmPath))).exports;
const align = x => (x + 15) & ~15, GUARD = 64;
const base = align(e.heap_base());
JSON.parse(fs.readFileSync(`${dir}/cases.json`)).forEach((c, i) => {
  const a = fs.readFileSync(`${dir}/a${i}.bin`), b = fs.readFileSync(`${dir}/b${i}.bin`);
  const bias = c.bias ? fs.readFileSync(`${dir}/bias${i}.bin`) : new Uint8Array(0);
  const aAt = base, bAt = align(aAt + a.length), biasAt = align(bAt + b.length);
  const cAt = align(biasAt + bias.length);
  const end = cAt + c.out_bytes + GUARD, have = e.memory.buffer.byteLength;
  if (end > have) e.memory.grow(Math.ceil((end - have) / 65536));
  const mem = new Uint8Array(e.memory.buffer);
  mem.set(a, aAt);
  mem.set(b, bAt);
  mem.set(bias, biasAt);
  new Float32Array(e.memory.buffer, cAt, (c.out_bytes + GUARD) / 4).fill(NaN);  // unwritten shows
  e.gemm(aAt, bAt, c.bias ? biasAt : 0, cAt, ...c.args, c.act);
  fs.writeFileSync(`${dir}/c${i}.bin`, mem.subarray(cAt, end));
});
"""

# (Ba, Bb, M, K, N, transpose_a, transpose_b); the kernel blocks by 4 rows, 8 columns, K in
# 256s, M in 64s, N in 2048s: sizes straddle each of those edges.
CASES = [
    (1, 1, 1, 1, 1, False, False),
    (1, 1, 1, 7, 1, False, False),
    (1, 1, 5, 1, 3, False, False),   # K = 1
    (1, 1, 3, 5, 1, False, False),   # N = 1
    (1, 1, 1, 9, 13, False, False),  # M = 1
    (1, 1, 4, 0, 5, False, False),   # K = 0: zeros
    (1, 1, 7, 13, 9, False, False),
    (1, 1, 33, 17, 65, False, False),
    (1, 1, 37, 29, 23, True, False),
    (1, 1, 37, 29, 23, False, True),
    (1, 1, 37, 29, 23, True, True),
    (3, 3, 9, 11, 13, True, False),
    (3, 1, 9, 11, 13, False, False),  # B shared: one taller matmul
    (3, 1, 9, 11, 13, True, True),
    (1, 4, 9, 11, 13, False, True),   # A shared
    (1, 1, 130, 600, 70, False, False),  # several K and M blocks
    (1, 1, 5, 3, 2100, False, False),    # two N blocks
    (1, 1, 257, 513, 255, True, False),
    (2, 2, 64, 300, 100, True, True),
    (1, 1, 256, 256, 256, False, False),
]


def need(found, what):
    if not found:
        if os.environ.get("CI"):
            pytest.fail(f"{what} is missing (CI installs it through scripts/setup.sh)")
        pytest.skip(f"{what} is missing")


@pytest.fixture(scope="module")
def gemm_wasm():
    tools = shutil.which("clang") and shutil.which("wasm-ld")
    if tools:
        return wasm_build.build()
    need(wasm_build.OUTPUT.exists(), "clang and lld (to build gemm.wasm)")
    return wasm_build.OUTPUT


def operands(rng, case):
    ba, bb, m, k, n, ta, tb = case
    a = rng.uniform(-1, 1, (ba, k, m) if ta else (ba, m, k)).astype(np.float32)
    b = rng.uniform(-1, 1, (bb, n, k) if tb else (bb, k, n)).astype(np.float32)
    return a, b


def reference(a, b, ta, tb):
    x = a.transpose(0, 2, 1) if ta else a
    y = b.transpose(0, 2, 1) if tb else b
    return np.matmul(x.astype(np.float64), y.astype(np.float64))


def run_node(gemm_wasm, tmp_path, runs):
    """C for each (a, b, transpose_a, transpose_b, bias or None, activation code) run."""
    cases = []
    for i, (a, b, ta, tb, bias, act) in enumerate(runs):
        out_shape, args = wasm.plan(a.shape, b.shape, ta, tb)
        (tmp_path / f"a{i}.bin").write_bytes(a.tobytes())
        (tmp_path / f"b{i}.bin").write_bytes(b.tobytes())
        if bias is not None:
            (tmp_path / f"bias{i}.bin").write_bytes(bias.tobytes())
        cases.append({"args": list(args), "out_bytes": 4 * int(np.prod(out_shape)),
                      "bias": bias is not None, "act": act})
    (tmp_path / "cases.json").write_text(json.dumps(cases))
    (tmp_path / "driver.js").write_text(DRIVER)
    subprocess.run(["node", str(tmp_path / "driver.js"), str(gemm_wasm), str(tmp_path)],
                   check=True, timeout=120)
    outs = []
    for i, (a, b, ta, tb, _, _) in enumerate(runs):
        out_shape = wasm.plan(a.shape, b.shape, ta, tb)[0]
        raw = np.frombuffer((tmp_path / f"c{i}.bin").read_bytes(), np.float32)
        got, guard = raw[:int(np.prod(out_shape))].reshape(out_shape), raw[int(np.prod(out_shape)):]
        assert np.isnan(guard).all(), f"run {i}: wrote past the end of C"
        outs.append(got)
    return outs


def test_kernel_matches_numpy_under_node(gemm_wasm, tmp_path):
    need(shutil.which("node"), "node")
    rng = np.random.default_rng(7)
    runs = [(*operands(rng, case), case[5], case[6], None, 0) for case in CASES]
    for case, run, got in zip(CASES, runs, run_node(gemm_wasm, tmp_path, runs)):
        np.testing.assert_allclose(got, reference(*run[:4]), rtol=1e-5,
                                   atol=2e-5 * max(1.0, np.sqrt(case[3])), err_msg=str(case))


def test_epilogue_is_numpys_add_then_activation_exactly(gemm_wasm, tmp_path):
    """bias and relu / relu6 (the fused ops' epilogue) on the product, against NumPy applying
    the CPU backend's own add and activation rows to the same kernel's plain product: equal
    bit for bit, NaN, -0.0 and values past 6 included; N = 13 has a tail past the vectors."""
    need(shutil.which("node"), "node")
    from webtensor.backends.cpu import binary_values, unary_values
    rng = np.random.default_rng(3)
    a, b = (rng.uniform(-3, 3, s).astype(np.float32) for s in ((1, 37, 9), (1, 9, 13)))
    a[0, 0, :] = 0  # a row of zeros: its products are exactly 0
    a[0, 1, 0] = np.nan  # a row of NaN products
    bias = rng.uniform(-2, 2, 13).astype(np.float32)
    bias[[0, 1, 2, 12]] = [np.nan, -0.0, 0.0, np.nan]  # column 12: in the tail
    runs = [(a, b, False, False, None, 0)] + [(a, b, False, False, bb, act)
                                              for bb in (None, bias) for act in (0, 1, 2)]
    plain, *fused = run_node(gemm_wasm, tmp_path, runs)
    assert (plain > 6).any() and (plain < 0).any()
    for (_, _, _, _, bb, act), got in zip(runs[1:], fused):
        want = plain if bb is None else binary_values("add", plain, bb)
        if act:
            want = unary_values({1: "relu", 2: "relu6"}[act], want)
        assert np.array_equal(got.view(np.int32), want.view(np.int32)), (bb is not None, act)


def test_plan_shapes_and_broadcast():
    # what the Pyodide path passes the kernel, checked without a kernel
    assert wasm.plan((3, 9, 11), (1, 11, 13), False, False) == (
        (3, 9, 13), (1, 27, 13, 11, 99, 11, 1, 0, 13, 1))
    assert wasm.plan((3, 11, 9), (1, 13, 11), True, True) == (
        (3, 9, 13), (3, 9, 13, 11, 99, 1, 9, 0, 1, 11))
    assert wasm.plan((1, 9, 11), (4, 11, 13), False, False)[1][:2] == (4, 9)


def test_numpy_elsewhere():
    """Outside Pyodide there is no kernel, and matmul is NumPy's."""
    if sys.platform == "emscripten":
        pytest.skip("runs outside Pyodide")
    a = np.ones((1, 64, 64), np.float32)
    assert wasm.kernel() is None
    assert not wasm.usable(a, a, False)


def test_wheel_carries_the_kernel(gemm_wasm, tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path),
                    str(wasm_build.HERE.parents[2])], check=True, timeout=300)
    (wheel,) = tmp_path.glob("webtensor-*.whl")
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as z:
        assert z.read("webtensor/backends/wasm/gemm.wasm") == gemm_wasm.read_bytes()

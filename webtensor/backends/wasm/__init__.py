"""The WebAssembly SIMD matmul kernel (gemm.c) for the CPU backend in Pyodide, whose NumPy has
no optimized BLAS: about 50x faster there than `np.matmul` at 1024x1024.

Pyodide does not expose its WebAssembly.Memory, so the kernel lives in its own instance with
its own memory: operands go in and the product comes out with one TypedArray.set each (a
memcpy, ~1 ms per 4 MB), never a Python loop. `kernel()` is None outside Pyodide, or where
gemm.wasm was not built or does not compile (no WebAssembly SIMD); callers then use NumPy.
"""
import functools
import sys
from pathlib import Path

import numpy as np

WASM = Path(__file__).with_name("gemm.wasm")
PAGE = 65536
MIN_WORK = 32 * 32 * 32  # multiply-adds below which NumPy wins: the FFI costs tens of µs


class Kernel:
    def __init__(self, wasm_bytes):
        import js
        import pyodide_js
        from pyodide.ffi import to_js

        instance = js.WebAssembly.Instance.new(js.WebAssembly.Module.new(to_js(wasm_bytes)))
        self.memory = instance.exports.memory
        self.gemm = instance.exports.gemm
        self.base = _align(instance.exports.heap_base())
        self.pyodide = pyodide_js._module
        self.uint8 = js.Uint8Array
        self._view()

    def _view(self):
        # Growing a memory detaches its views: remade then.
        buffer = self.memory.buffer
        self.size = buffer.byteLength
        self.bytes = self.uint8.new(buffer)

    def matmul(self, a, b, transpose_a=False, transpose_b=False):
        """a @ b for float32 [Ba, M, K] and [Bb, K, N] (Ba, Bb equal or 1; the last two axes
        swapped where a transpose flag is set) as a new [max(Ba, Bb), M, N] array."""
        a = np.ascontiguousarray(a, np.float32)
        b = np.ascontiguousarray(b, np.float32)
        out_shape, args = plan(a.shape, b.shape, transpose_a, transpose_b)
        out = np.empty(out_shape, np.float32)
        a_at = self.base
        b_at = _align(a_at + a.nbytes)
        c_at = _align(b_at + b.nbytes)
        if c_at + out.nbytes > self.size:
            self.memory.grow(-(-(c_at + out.nbytes - self.size) // PAGE))
            self._view()
        heap = self.pyodide.HEAPU8  # read after np.empty, which may have grown Pyodide's heap
        self.bytes.set(heap.subarray(_address(a), _address(a) + a.nbytes), a_at)
        self.bytes.set(heap.subarray(_address(b), _address(b) + b.nbytes), b_at)
        self.gemm(a_at, b_at, c_at, *args)
        heap.set(self.bytes.subarray(c_at, c_at + out.nbytes), _address(out))
        return out


def plan(a_shape, b_shape, transpose_a, transpose_b):
    """The product's shape and gemm()'s arguments after the three addresses, for contiguous
    operands of shapes [Ba, rows, columns]."""
    (ba, ra, ca), (bb, rb, cb) = a_shape, b_shape
    m, k = (ca, ra) if transpose_a else (ra, ca)
    n = rb if transpose_b else cb
    rows, batch = m, max(ba, bb)
    if bb == 1 and not transpose_a:  # one B for all: a single taller matmul
        rows, batch = m * ba, 1
    # strides in floats: batch, then [row, column] of the operand as used (transposed)
    sa, sb = (m * k if ba > 1 else 0), (k * n if bb > 1 else 0)
    rsa, csa = (1, m) if transpose_a else (k, 1)
    rsb, csb = (1, k) if transpose_b else (n, 1)
    return (max(ba, bb), m, n), (batch, rows, n, k, sa, rsa, csa, sb, rsb, csb)


def _align(offset):
    return (offset + 15) & ~15


def _address(array):
    return array.__array_interface__["data"][0]


def usable(a, b, transpose_b):
    """Whether the kernel runs here and pays off for these [B, rows, columns] operands."""
    n = b.shape[1] if transpose_b else b.shape[2]
    work = max(a.shape[0], b.shape[0]) * a.shape[1] * a.shape[2] * n
    return (a.dtype == b.dtype == np.float32 and work >= MIN_WORK and kernel() is not None)


@functools.cache
def kernel():
    """The Kernel, or None where it cannot run (see the module's docstring)."""
    if sys.platform != "emscripten" or not WASM.exists():
        return None
    from pyodide.ffi import JsException
    try:
        return Kernel(WASM.read_bytes())
    except JsException:  # CompileError: this engine has no WebAssembly SIMD
        return None

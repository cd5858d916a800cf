"""The WebAssembly SIMD kernels (gemm.c) for the CPU backend in Pyodide, whose NumPy has no
optimized BLAS: matmul, about 50x faster there than `np.matmul` at 1024x1024, and depthwise
convolution, which NumPy can only do as one whole-array pass per filter tap. Both apply the
bias and relu / relu6 of tfjs's fused ops before their output is copied out (NumPy would make
a pass per op over it, and a copy in and out for a kernel of its own would cost as much).

Pyodide does not expose its WebAssembly.Memory, so the kernel lives in its own instance with
its own memory: operands go in and the result comes out with one TypedArray.set each (a
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
        self.exports = instance.exports
        self.base = _align(instance.exports.heap_base())
        self.pyodide = pyodide_js._module
        self.uint8 = js.Uint8Array
        self._view()

    def _view(self):
        # Growing a memory detaches its views: remade then.
        buffer = self.memory.buffer
        self.size = buffer.byteLength
        self.bytes = self.uint8.new(buffer)

    def _call(self, name, inputs, out, *args):
        """Export `name`(input addresses..., out's address, *args) on copies of the contiguous
        float32 inputs laid out past heap_base (an input None: address 0, nothing copied);
        the result is copied into out, returned."""
        at = [self.base]
        for a in inputs:
            at.append(_align(at[-1] + (0 if a is None else a.nbytes)))
        if at[-1] + out.nbytes > self.size:
            self.memory.grow(-(-(at[-1] + out.nbytes - self.size) // PAGE))
            self._view()
        heap = self.pyodide.HEAPU8  # read after np.empty(out), which may have grown Pyodide's heap
        for a, a_at in zip(inputs, at):
            if a is not None:
                self.bytes.set(heap.subarray(_address(a), _address(a) + a.nbytes), a_at)
        getattr(self.exports, name)(*[0 if a is None else a_at for a, a_at in zip(inputs, at)], at[-1], *args)
        heap.set(self.bytes.subarray(at[-1], at[-1] + out.nbytes), _address(out))
        return out

    def matmul(self, a, b, transpose_a=False, transpose_b=False, bias=None, activation=None):
        """a @ b for float32 [Ba, M, K] and [Bb, K, N] (Ba, Bb equal or 1; the last two axes
        swapped where a transpose flag is set) as a new [max(Ba, Bb), M, N] array; then
        + bias [N] and activation ("relu", "relu6"), each where given."""
        a = np.ascontiguousarray(a, np.float32)
        b = np.ascontiguousarray(b, np.float32)
        out_shape, args = plan(a.shape, b.shape, transpose_a, transpose_b)
        return self._call("gemm", (a, b, _vector(bias)), np.empty(out_shape, np.float32), *args,
                          ACTIVATIONS[activation])

    def depthwise_conv2d(self, x, filt, out_hw, strides, dilations, before, bias=None, activation=None):
        """x float32 [N, H, W, C] convolved per channel with filt [FH, FW, C, M] as a new
        [N, OH, OW, C * M] array; the geometry as in Backend.depthwise_conv2d (before >= 0);
        bias and activation as for matmul."""
        x = np.ascontiguousarray(x, np.float32)
        filt = np.ascontiguousarray(filt, np.float32)
        n, h, w, c = x.shape
        fh, fw, _, m = filt.shape
        out = np.empty((n, *out_hw, c * m), np.float32)
        return self._call("depthwise", (x, filt, _vector(bias)), out, n, h, w, c, m, fh, fw, *out_hw,
                          *strides, *dilations, *before, ACTIVATIONS[activation])


ACTIVATIONS = {None: 0, "relu": 1, "relu6": 2}  # gemm.c's epilogue() codes


def _vector(bias):
    return None if bias is None else np.ascontiguousarray(bias, np.float32).reshape(-1)


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
    return _pays(max(a.shape[0], b.shape[0]) * a.shape[1] * a.shape[2] * n, MIN_WORK, a, b)


def depthwise_usable(x, filt, out_hw):
    """Whether the depthwise kernel runs here for x [N, H, W, C] and filt [FH, FW, C, M]: for
    any non-empty output, as NumPy's pad and pass per tap cost more than the FFI even on a
    3x3x4 input (measured in Chromium: ~150 µs against ~70 µs)."""
    fh, fw, c, m = filt.shape
    return _pays(x.shape[0] * out_hw[0] * out_hw[1] * c * m * fh * fw, 1, x, filt)


def _pays(work, min_work, *operands):
    """float32 operands, at least min_work multiply-adds, and a kernel."""
    return (all(a.dtype == np.float32 for a in operands) and work >= min_work
            and kernel() is not None)


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

"""The WebGL2 backend: base.py's kernels as GLSL programs over RGBA32F textures.

Shapes reach the GPU as uniforms, never as GLSL text, so a program is compiled once per
structure (kernel, op, input access modes, rank) and reused for every shape: a new batch size
compiles nothing. Elementwise kernels are deferred and fused (fusion.py); tiny ops on host
values run on the host. int32 and bool values are stored as float32 (exact up to 2**24)."""
from typing import NamedTuple

import numpy as np

from ...dtypes import DTYPES
from .. import cpu, wasm
from ..base import Backend, Buffer, contiguous_strides, shape_size
from ..cpu import CPUBackend
from . import codegen, fusion

REDUCE_CHUNK = 1024  # longer rows reduce in two passes, so that many fragments share the work
CPU_FORWARD_SIZE = 128  # tiny ops whose inputs are still on the host run there (as tfjs does):
                        # a draw costs more than NumPy on a few numbers


class GPUArray:
    """A tensor's buffer: a texture, host values not uploaded yet (lazy upload), or a fused
    elementwise expression not drawn yet (expr, a fusion.Node). refs counts its owner and
    the lazy expressions that read it; the texture is freed when it reaches zero. layouts: its
    values laid out as a matmul operand, kept from the second product with it on (a model's
    weights in predict, a batch trained on again; a training step's buffers live for one use
    each): a buffer never changes, so they stay true while it lives."""
    __slots__ = ("size", "texture", "host", "expr", "refs", "layouts")

    def __init__(self, size, texture=None, host=None, expr=None):
        self.size, self.texture, self.host, self.expr, self.refs = size, texture, host, expr, 1
        self.layouts = None


_INT32_RANGE = np.float64(-2 ** 31), np.float64(2 ** 31 - 1)


def _stored(values, dtype):
    """Values stored as float32, in their own dtype. int32 saturates, as cast does: float32 holds
    2**31 - 1 as 2**31 (and a texture may hold inf), which astype would turn into -2**31."""
    if dtype == "int32":
        return np.rint(np.minimum(np.maximum(values, _INT32_RANGE[0]), _INT32_RANGE[1])).astype(np.int32)
    return values.astype(DTYPES[dtype], copy=False)


def _host_buffer(a):
    """A kernel argument with buffers' host values in their own dtype (stored as float32)."""
    if isinstance(a, list):
        return [_host_buffer(x) for x in a]
    if not isinstance(a, Buffer):
        return a
    h = a.handle
    return Buffer(_stored(h.host[:h.size], a.dtype), a.shape, a.dtype)


def _shape_uniforms(shape):
    return [("u_shape", list(shape)), ("u_shape_inv", [1.0 / d if d else 0.0 for d in shape])]


def _values(x):
    """A buffer's host values as an ndarray of its shape and dtype."""
    return _stored(x.handle.host, x.dtype).reshape(x.shape)


_F32 = np.dtype(np.float32)


def _on_host(values):
    if values.dtype is not _F32 or values.ndim != 1:  # `is`: this runs for every op on the host
        values = np.asarray(values, np.float32).reshape(-1)
    return GPUArray(values.size, host=values)


class _Matrix(NamedTuple):
    """A matmul operand: a window of a flat buffer read as [batches, rows, cols] through
    element strides (a transpose or a sub-block is a window too, never a copy)."""
    handle: GPUArray
    batches: int
    rows: int
    cols: int
    offset: int
    batch_stride: int
    row_stride: int
    col_stride: int
    view: tuple = None  # (source, offset, row dims, col dims) when handle is a lazy strided view
                        # read straight from its source (matrix_view.glsl); dims: 3 (size, stride)


def _view_dims(shape, strides):
    """Dims (outermost first) merged where contiguous, padded to 3, or None if more remain."""
    sizes, (merged,) = fusion.merge_dims(list(shape), [list(strides)])
    if len(sizes) > 3:
        return None
    pad = 3 - len(sizes)
    return tuple(zip([1] * pad + sizes, [0] * pad + merged))


def _as_view(buf, X, transposed):
    """X read from the source of buf's lazy strided view (a copy not drawn yet), when buf's
    flat matrix [rows, inner] is rows of the view's leading dims by its trailing ones."""
    h = buf.handle
    e = h.expr
    if X.batches != 1 or h.texture is not None or e is None or e.expr != "copy" or len(e.inputs) != 1 \
            or e.inputs[0][0] != "strided":
        return X
    _, src, strides, offset = e.inputs[0]
    shape, inner = e.shape, buf.shape[-1]
    j, acc = len(shape), 1
    while j > 0 and acc < inner:
        j -= 1
        acc *= shape[j]
    rows, cols = _view_dims(shape[:j], strides[:j]), _view_dims(shape[j:], strides[j:])
    if acc != inner or rows is None or cols is None:
        return X
    return X._replace(view=(src, offset) + ((cols, rows) if transposed else (rows, cols)))


def _epilogue(a, shape):
    """A lazy buffer of shape [..., C] as elementwise ops over one matmul product [M, C] (an
    unblock leaf, one batch: element (m, c) is x's element m * C + c), per-channel vectors
    (read through strides 0, .., 0, 1) and scalars: a convolution's output with its bias and
    activation, not drawn yet. (product buffer, its rows per block, steps, channel buffers,
    scalars) for codegen.depthwise_read, or None when a is anything else. (Not with a residual
    buffer among the inputs: read at every tap, it made blazeface 16% slower than drawing x.)"""
    root, c = a.expr, shape[-1]
    if a.texture is not None or root is None or root.params is not None:
        return None
    steps, channels, scalars, products = [], [], [], []
    channel = [0] * (len(root.shape) - 1) + [1]

    def walk(node):
        if node.params is not None or node.ints or node.shape != root.shape:
            return None
        args = []
        for inp in node.inputs:
            kind, e = inp[0], (inp[1].expr if inp[0] == "texel" else None)
            if kind == "uniform":
                scalars.append(inp[1])
                args.append(("u", len(scalars) - 1))
            elif e is not None and e.params is not None:  # a leaf: only a one-batch product
                if e.expr != "unblock" or (products and products[0] is not e):
                    return None
                m, n, _, size = dict(e.params[1])["params"]
                if n != c or m * n != size:
                    return None
                products.append(e)
                args.append(("x",))
            elif fusion.inlinable(inp, node.shape):
                step = walk(e)
                if step is None:
                    return None
                args.append(("s", step))
            elif kind == "strided" and inp[3] == 0 and inp[1].size == c and list(inp[2]) == channel:
                channels.append(inp[1])
                args.append(("c", len(channels) - 1))
            else:
                return None
        steps.append((node.expr, node.ints, tuple(args)))
        return len(steps) - 1
    if walk(root) is None or not products:
        return None
    leaf = products[0]
    return leaf.inputs[0][1], dict(leaf.params[0])["ROWS"], tuple(steps), channels, scalars


def _batches(X, start, count):
    """Batches start .. start+count of a matmul operand (a broadcast one stays as it is)."""
    return X if X.batches == 1 else X._replace(batches=count, offset=X.offset + start * X.batch_stride)


def _broadcast_strides(in_shape, out_shape):
    lead = len(out_shape) - len(in_shape)
    src = contiguous_strides(in_shape)
    return [0] * lead + [0 if d == 1 else s for d, s in zip(in_shape, src)]


def _wrap(rows, width, block, limit):
    """Matrix rows per texture row for matmul's A operand: 1 while its `rows` fit the texture
    height, else the fewest, a multiple of `block` (one fragment's rows stay in one texture
    row: plain 2-D fetches), that fit; None when even that would not fit."""
    if rows <= limit:
        return 1
    wrap = block * -(-rows // (block * limit))
    return wrap if wrap * width <= limit else None


class WebGLBackend(Backend):
    name = "webgl"

    def __init__(self, ctx=None):
        if ctx is None:
            from .context import GLContext  # the one module that needs a browser (js)
            ctx = GLContext()
        self.ctx = ctx
        self.cpu = CPUBackend()
        # Not the default on a software renderer (SwiftShader, llvmpipe) when the CPU backend
        # has its WebAssembly matmul: measured faster there on every workload (README, Benchmarks)
        self.preferred = not (getattr(ctx, "software", False) and wasm.kernel() is not None)
        self.forward_size = CPU_FORWARD_SIZE  # 0 makes every op run on the GPU (the tests do)
        self.matrix_limit = None  # matmul splits past this texture size (None: the GPU's; tests set less)

    def _on_host(self, size, xs):
        return size <= self.forward_size and all(x.handle.host is not None for x in xs)

    def _forward(self, kernel, *args):
        """Run a kernel on the CPU backend over host values; the result stays on the host."""
        return _on_host(getattr(self.cpu, kernel)(*[_host_buffer(a) for a in args]))

    # ---- buffers ----
    def write(self, values, dtype):
        return GPUArray(values.size, host=np.array(values, np.float32).reshape(-1))  # a private copy

    def _texture(self, a, op):
        """The texture of a buffer: drawing a fused expression, or uploading host values on
        first GPU use."""
        if a.texture is None and a.expr is not None:
            self._materialize(a, op)
        if a.texture is None:
            ctx = self.ctx
            ctx.check(op)
            a.texture = ctx.texture(a.size)
            padded = np.zeros(a.texture.w * a.texture.h * 4, np.float32)
            padded[:a.size] = a.host
            ctx.upload(a.texture, padded)
            if a.size > 4:
                a.host = None  # small values stay on the host too: they become uniforms
        elif a.texture.generation != self.ctx.generation:
            if a.host is None:
                raise RuntimeError(f"{op}: this tensor's texture was lost with the WebGL context")
            a.texture = None  # still on the host too: upload it to the new context
            return self._texture(a, op)
        return a.texture

    def _host(self, values, dtype):
        return values.copy() if dtype == "float32" else _stored(values, dtype)

    def read(self, a, dtype):
        if a.host is not None:
            return self._host(a.host[:a.size], dtype)
        self.ctx.check("data_sync")
        return self._host(self.ctx.download(self._texture(a, "data_sync"))[:a.size], dtype)

    async def read_async(self, a, dtype):
        if a.host is not None:
            return self._host(a.host[:a.size], dtype)
        self.ctx.check("data")
        return self._host((await self.ctx.download_async(self._texture(a, "data")))[:a.size], dtype)

    def realize(self, a):
        if a.expr is not None:
            self._materialize(a, "assign")

    def dispose(self, a):
        a.refs -= 1
        if a.refs > 0:
            return  # a lazy expression still reads it
        if a.texture is not None:
            self.ctx.release(a.texture)
            a.texture = None
        if a.layouts:
            for t in a.layouts.values():
                if t is not None:
                    self.ctx.release(t)
        a.host = a.layouts = None
        if a.expr is not None:
            self._drop_expr(a)

    def _drop_expr(self, a):
        if a.expr is not None:
            inputs, a.expr = a.expr.buffers(), None
            for b in inputs:
                self.dispose(b)

    def memory(self):
        ctx = self.ctx
        return {"num_textures": ctx.num_textures, "num_bytes_in_gpu": ctx.texture_bytes,
                "num_pooled_textures": ctx.pooled_textures, "num_bytes_pooled": ctx.pooled_bytes}

    # ---- running a program ----
    def _run(self, key, make_source, samplers, inputs, size, uniforms, op, out=None):
        """Compile (once per key) and draw. inputs are buffers (GPUArrays) or textures. The
        output is a fresh flat-layout texture of `size` elements, returned as a GPUArray, or
        the texture given as out (a texture array: a render target per layer), which the
        caller owns."""
        ctx = self.ctx
        ctx.check(op)
        prog = ctx.program(key, make_source, samplers, op)
        textures = [self._texture(a, op) if isinstance(a, GPUArray) else a for a in inputs]
        target = out or ctx.texture(size)
        ctx.forget(target)
        ctx.use(prog)
        for name, value in uniforms:
            ctx.set_uniform(prog, name, value)
        ctx.set_uniform(prog, "u_shift", target.shift)
        for name, tex in zip(samplers, textures):
            ctx.set_uniform(prog, name + "_shift", tex.shift)
        (ctx.draw_layers if target.layers else ctx.draw)(prog, target, textures)
        return out or GPUArray(size, target)

    def _elementwise(self, expr, xs, out_shape, ints=False, strided=None):
        """A lazy elementwise op (see fusion.py). Each input is read as a texel (same layout
        as the output), a uniform (a scalar still on the host) or through strides (broadcast
        or a view, which needs the input drawn)."""
        out_shape = tuple(out_shape)
        inputs = []
        for x in xs:
            a = x.handle
            if strided is None and a.size == 1 and a.host is not None:
                inputs.append(("uniform", float(a.host[0])))
            elif strided is None and x.shape == out_shape:  # (Buffer shapes are tuples)
                inputs.append(("texel", a))
            else:
                self._texture(a, expr)
                strides, offset = strided or (_broadcast_strides(x.shape, out_shape), 0)
                inputs.append(("strided", a, list(strides), int(offset)))
        node = fusion.Node(expr, ints, out_shape, inputs)
        while (node.nodes > fusion.MAX_NODES or len(node.textures) > fusion.MAX_TEXTURES) and node.inlined():
            heaviest = max(node.inlined(), key=lambda b: b.expr.nodes)  # draw it on its own
            self._materialize(heaviest, expr)
            node = fusion.Node(expr, ints, out_shape, inputs)
        for b in node.buffers():
            b.refs += 1
        return GPUArray(shape_size(out_shape), expr=node)

    def _materialize(self, a, op):
        """Draw a lazy buffer's fused expression into its own texture."""
        prog, names, uniforms, rank, reads = self._fused(a)
        out = self._run(("fused", prog.key, rank, reads), lambda: codegen.fused(prog.steps, rank, reads), names,
                        [b for _, b, _ in prog.inputs], a.size, uniforms, op)
        a.texture, out.texture = out.texture, None
        self._drop_expr(a)

    def _fused(self, a):
        """The program of a lazy buffer's fused expression: (fusion.Program, sampler names,
        uniforms, rank of its index math, (k, codegen.strided_read) for each view k)."""
        prog = fusion.Program(a.expr)
        uniforms = [(codegen.UNIFORMS, [float(v) for v in prog.uniforms])] if prog.uniforms else []
        names = [codegen.texture_name(k) for k in range(len(prog.inputs))]
        views = [(k, names[k], view) for k, (mode, _, view) in enumerate(prog.inputs) if mode == "strided"]
        uniforms += [(f"{codegen.leaf_name(j)}_{name}", value) for j, leaf in enumerate(prog.leaves) for name, value in leaf]
        rank, reads = 1, ()
        if views:
            shape, merged = fusion.merge_dims(list(a.expr.shape), [strides for _, _, (strides, _) in views])
            rank = len(shape)
            uniforms += _shape_uniforms(shape)
            for (k, name, (_, offset)), strides in zip(views, merged):
                uniforms += [(name + "_strides", strides), (name + "_offset", offset)]
                reads += ((k, codegen.strided_read(shape, strides, offset)),)
        return prog, names, uniforms, rank, reads

    # ---- kernels ----
    def fill(self, shape, value, dtype):
        size = shape_size(shape)
        if size <= 4:  # tiny constants stay on the host, where they serve as uniforms
            return GPUArray(size, host=np.full(size, value, np.float32))
        return GPUArray(size, expr=fusion.Node("copy", False, tuple(shape), [("uniform", float(value))]))

    # unary and binary: the most frequent tiny ops, so their host path calls NumPy directly
    def unary(self, op, x):
        if x.size <= self.forward_size and x.handle.host is not None:
            return _on_host(cpu.unary_values(op, _values(x)))
        return self._elementwise(op, [x], x.shape, ints=x.dtype != "float32")

    def binary(self, op, a, b, out_shape):
        ha, hb = a.handle.host, b.handle.host
        if ha is not None and hb is not None and shape_size(out_shape) <= self.forward_size:
            if a.shape == b.shape and a.dtype == "float32":  # flat values line up as they are
                return _on_host(cpu.binary_values(op, ha, hb))
            return _on_host(cpu.binary_values(op, _values(a), _values(b)))
        return self._elementwise(op, [a, b], out_shape, ints=a.dtype != "float32")

    def where(self, cond, a, b, out_shape):
        if self._on_host(shape_size(out_shape), (cond, a, b)):
            return self._forward("where", cond, a, b, out_shape)
        return self._elementwise("where", [cond, a, b], out_shape)

    def cast(self, x, dtype):
        if self._on_host(x.size, (x,)):
            return self._forward("cast", x, dtype)
        expr = {"int32": "cast_int32", "bool": "cast_bool"}.get(dtype, "copy")
        if x.dtype != "float32" and dtype == "int32":
            expr = "copy"  # bool -> int32: already 0/1
        if x.dtype == "int32" and dtype == "float32":
            expr = "cast_float32"
        return self._elementwise(expr, [x], x.shape)

    def strided(self, x, shape, strides, offset):
        if self._on_host(shape_size(shape), (x,)):
            return self._forward("strided", x, shape, strides, offset)
        return self._elementwise("copy", [x], shape, strided=(list(strides), offset))

    def reduce(self, op, x):
        rows, inner = x.shape
        if self._on_host(rows * inner, (x,)):
            return self._forward("reduce", op, x)
        a = x.handle
        if rows == 0:
            return GPUArray(0, host=np.zeros(0, np.float32))
        chunk = inner if inner <= REDUCE_CHUNK or rows >= 64 else REDUCE_CHUNK
        chunks = max(1, -(-inner // chunk)) if inner else 1
        vec4 = inner % 4 == 0 and chunk % 4 == 0 and inner > 0
        out = self._run(("reduce", op), lambda: codegen.reduce(op), ["X"], [a], rows * chunks,
                        [("u_inner", inner), ("u_chunk", max(chunk, 1)), ("u_chunks", chunks),
                         ("u_vec4", int(vec4))], op)
        if chunks == 1:
            return out
        try:
            return self.reduce(op, Buffer(out, (rows, chunks), x.dtype))
        finally:
            self.dispose(out)

    def arg_reduce(self, op, x):
        rows, inner = x.shape
        if self._on_host(rows * inner, (x,)):
            return self._forward("arg_reduce", op, x)
        cmp = ">" if op == "argmax" else "<"
        return self._run(("arg", op), lambda: codegen.simple("arg_reduce", [("X", "texel")], CMP=cmp),
                         ["X"], [x.handle], rows, [("u_inner", inner)], op)

    def cumsum(self, x, exclusive, reverse):
        rows, inner = x.shape
        if self._on_host(rows * inner, (x,)):
            return self._forward("cumsum", x, exclusive, reverse)
        return self._run(("cumsum",), lambda: codegen.simple("cumsum", [("X", "texel")]), ["X"],
                         [x.handle], rows * inner,
                         [("u_inner", inner), ("u_exclusive", int(exclusive)), ("u_reverse", int(reverse))], "cumsum")

    def matmul(self, a, b, transpose_a, transpose_b):
        """Both operands are first laid out as matrices (matrix.glsl: transposes and zero
        padding fold into that pass), then the blocked kernel runs, then one pass puts the
        result in the flat layout. Problems too big for one texture are split (_matmul)."""
        ba, bb = a.shape[0], b.shape[0]
        m, k = a.shape[1:][::-1] if transpose_a else a.shape[1:]
        n = b.shape[1] if transpose_b else b.shape[2]
        batch = max(ba, bb)
        size = batch * m * n
        if self._on_host(max(size, a.size, b.size), (a, b)):
            return self._forward("matmul", a, b, transpose_a, transpose_b)
        if size == 0 or k == 0:
            return self.fill((batch, m, n), 0.0, "float32")
        A = _Matrix(a.handle, ba, m, k, 0, m * k, *((1, m) if transpose_a else (k, 1)))
        B = _Matrix(b.handle, bb, k, n, 0, k * n, *((1, k) if transpose_b else (n, 1)))
        if bb == 1 and ba > 1 and not transpose_a:  # B is shared: A's batches are just more rows
            A, batch = A._replace(batches=1, rows=ba * m), 1
        return self._matmul(_as_view(a, A, transpose_a), _as_view(b, B, transpose_b), batch)

    def _matmul(self, A, B, batch):
        """C [batch, A.rows, B.cols] as a flat GPUArray, splitting along K, N, the batch or M
        (in that order) while the operands would not fit in textures."""
        limit, rows = self.matrix_limit or self.ctx.max_texture_size, self.ctx.max_targets
        m, k, n = A.rows, A.cols, B.cols
        k4, n4, mp = -(-k // 4), -(-n // 4), -(-m // rows) * rows
        parts, join = None, None
        if batch == 1 and (A.view or B.view) and (4 * k4 > limit or (mp // rows) * n4 < 64 <= k // 64):
            split = self._split_k(A, B, limit)
            if split is not None:
                return split
        if 4 * k4 > limit:
            k1 = 4 * (k4 // 2)
            parts = [(A._replace(cols=k1), B._replace(rows=k1), batch),
                     (A._replace(cols=k - k1, offset=A.offset + k1 * A.col_stride),
                      B._replace(rows=k - k1, offset=B.offset + k1 * B.row_stride), batch)]
            join = "add"
        elif n4 > limit:
            n1 = 4 * (n4 // 2)
            parts = [(A, B._replace(cols=n1), batch),
                     (A, B._replace(cols=n - n1, offset=B.offset + n1 * B.col_stride), batch)]
            join = [(batch * m, n1), (batch * m, n - n1)]
        elif batch > 1 and (B.batches * 4 * k4 > limit or batch * (mp // rows) > limit
                            or _wrap(A.batches * mp, k4, rows, limit) is None):
            b1 = batch // 2
            parts = [(_batches(A, 0, b1), _batches(B, 0, b1), b1),
                     (_batches(A, b1, batch - b1), _batches(B, b1, batch - b1), batch - b1)]
            join = [(1, b1 * m * n), (1, (batch - b1) * m * n)]
        elif mp // rows > limit or _wrap(A.batches * mp, k4, rows, limit) is None:
            m1 = rows * (mp // rows // 2)
            parts = [(A._replace(rows=m1), B, batch),
                     (A._replace(rows=m - m1, offset=A.offset + m1 * A.row_stride), B, batch)]
            join = [(batch, m1 * n), (batch, (m - m1) * n)]
        if parts is None:
            return self._matmul_blocked(A, B, batch, k4, n4, mp)
        if A.view or B.view:  # split the drawn operands: their windows are plain
            return self._matmul(A._replace(view=None), B._replace(view=None), batch)
        results = [self._matmul(*p) for p in parts]
        try:
            if join == "add":
                shape = (batch * m * n,)
                return self.binary("add", Buffer(results[0], shape, "float32"), Buffer(results[1], shape, "float32"), shape)
            return self.concat([Buffer(r, shape, "float32") for r, shape in zip(results, join)], None)
        finally:
            for r in results:
                self.dispose(r)

    def _split_k(self, A, B, limit):
        """A long-K product with few outputs (a convolution's filter gradient: patches^T dy)
        as a batch of products over chunks of K, summed: many fragments share the work, and no
        texture is as tall as K. The chunks are the values of K's outermost dim in the view
        (the batch of images), so that each is one batch stride of both operands. None when
        that does not apply or fit."""
        rows = self.ctx.max_targets
        m, k, n = A.rows, A.cols, B.cols
        k_dims = A.view[3] if A.view else B.view[2]
        outer = next(((d, t) for d, t in k_dims if d > 1), None)
        if outer is None or outer[0] < 2 or k % outer[0]:
            return None
        chunks, kc = outer[0], k // outer[0]

        def chunked(X, dims_at, plain_stride):
            if X.view:
                src, offset, rd, cd = X.view
                dims = list(X.view[dims_at])
                i = next(i for i, (d, _) in enumerate(dims) if d > 1)
                stride = dims[i][1]
                dims[i] = (1, 0)
                view = (src, offset) + ((tuple(dims), cd) if dims_at == 2 else (rd, tuple(dims)))
                return X._replace(batches=chunks, batch_stride=stride, view=view,
                                  **({"rows": kc} if dims_at == 2 else {"cols": kc}))
            return X._replace(batches=chunks, batch_stride=kc * plain_stride,
                              **({"rows": kc} if dims_at == 2 else {"cols": kc}))
        if (A.view and A.view[3][next(i for i, (d, _) in enumerate(A.view[3]) if d > 1)][0] != chunks) or \
                (B.view and next((d for d, _ in B.view[2] if d > 1), None) != chunks):
            return None
        Ac, Bc = chunked(A, 3, A.col_stride), chunked(B, 2, B.row_stride)
        k4, n4, mp = -(-kc // 4), -(-n // 4), -(-m // rows) * rows
        if 4 * k4 > limit or chunks * n4 > limit or chunks * mp // rows > limit or \
                _wrap(chunks * mp, k4, rows, limit) is None:
            return None
        parts = self._matmul_blocked(Ac, Bc, chunks, k4, n4, mp)  # [chunks, m, n]
        try:
            view = self.strided(Buffer(parts, (chunks * m * n,), "float32"), (m * n, chunks), (1, m * n), 0)
            try:
                return self.reduce("sum", Buffer(view, (m * n, chunks), "float32"))
            finally:
                self.dispose(view)
        finally:
            self.dispose(parts)

    def _matmul_blocked(self, A, B, batch, k4, n4, mp):
        """One blocked matmul whose operands fit in textures."""
        ctx, rows = self.ctx, self.ctx.max_targets
        m, n = A.rows, B.cols
        limit = self.matrix_limit or ctx.max_texture_size
        wrap = _wrap(A.batches * mp, k4, rows, limit)
        side = B.batches > 1 and B.batches * 4 * k4 > limit  # then B.batches * n4 fits (_split_k)
        (ta, kept_a), (tb, kept) = self._layout(A, mp, k4, wrap), self._layout(B, 4 * k4, n4, 1, side)
        blocks = mp // rows
        out = ctx.texture_wh(n4, batch * blocks, layers=rows)  # row r of each block in layer r
        done = False
        try:
            uniforms = [("u_K4", k4), ("u_blocks", blocks), ("u_a_batch", 0 if A.batches == 1 else mp),
                        ("u_b_batch", 0 if B.batches == 1 or side else 4 * k4), ("u_b_side", n4 if side else 0),
                        ("u_a_wrap", wrap),
                        ("u_a_step", [k4, 0] if wrap > 1 else [0, 1])]
            self._run(("matmul", rows), lambda: codegen.matmul(rows), ["A", "B"], [ta, tb], None,
                      uniforms, "matmul", out=out)
            done = True
        finally:
            for t in ([] if kept_a else [ta]) + ([] if kept else [tb]) + ([] if done else [out]):
                ctx.release(t)
        # lazy: the pass that puts C in the flat layout also draws what follows (fusion.py)
        size = batch * m * n
        static = (("ROWS", rows), ("LOG_ROWS", rows.bit_length() - 1), ("VEC4", int(n % 4 == 0)))  # rows: 4 or 8
        uniforms = (("params", [m, n, blocks, size]), ("inv", [1.0 / m, 1.0 / n]))
        return self._leaf("unblock", [GPUArray(4 * n4 * batch * blocks * rows, out)], size, static, uniforms, owned=True)

    def _leaf(self, kernel, inputs, size, static, uniforms, owned=False):
        """A kernel's result as a lazy fusion leaf (fusion.py) reading the textures of `inputs`:
        buffers of tensors (each read counted), or, owned, buffers made for this leaf alone."""
        for b in inputs:
            self._texture(b, kernel)
            if not owned:
                b.refs += 1
        return GPUArray(size, expr=fusion.Node(kernel, False, (size,), [("leaf", b) for b in inputs],
                                               params=(static, uniforms)))

    def _layout(self, X, rows_p, width, wrap, side=False):
        """X's matrix-layout texture (_as_matrix) and whether its buffer keeps it (GPUArray)."""
        layouts = X.handle.layouts = X.handle.layouts or {}
        key = (X[1:], rows_p, width, wrap, side)
        if key not in layouts:  # the first product with it: marked, not kept
            layouts[key] = None
            return self._as_matrix(X, rows_p, width, wrap, side), False
        tex = layouts[key]
        if tex is None or tex.generation != self.ctx.generation:
            tex = layouts[key] = self._as_matrix(X, rows_p, width, wrap, side)
        return tex, True

    def _as_matrix(self, X, rows_p, width, wrap=1, side=False):
        """X's window as a matrix-layout texture (matrix.glsl), `width` texels per matrix row
        and `wrap` matrix rows side by side per texture row; `side`: batches side by side."""
        if side:
            tex = self.ctx.texture_wh(width * X.batches, rows_p)
        else:
            tex = self.ctx.texture_wh(width * wrap, -(-X.batches * rows_p // wrap))
        uniforms = [("u_rows", X.rows), ("u_cols", X.cols), ("u_rows_p", rows_p), ("u_offset", X.offset),
                    ("u_width", width), ("u_wrap", wrap), ("u_side", int(side)),
                    ("u_batch_stride", X.batch_stride), ("u_row_stride", X.row_stride),
                    ("u_col_stride", X.col_stride)]
        try:
            if X.view:
                src, offset, rows, cols = X.view
                uniforms[3] = ("u_offset", offset)
                for name, dims in (("row", rows), ("col", cols)):
                    uniforms += [(f"u_{name}_shape", [d for d, _ in dims]), (f"u_{name}_strides", [t for _, t in dims]),
                                 (f"u_{name}_inv", [1.0 / d for d, _ in dims])]
                return self._run(("matrix_view",), lambda: codegen.matrix(True), ["X"],
                                 [src], None, uniforms, "matmul", out=tex)
            h = X.handle
            if h.texture is None and h.expr is not None and X.col_stride == 1 \
                    and not (X.cols | X.offset | X.row_stride | X.batch_stride) & 3:
                prog, names, fused, rank, reads = self._fused(h)
                h.expr.drawn = True  # (fusion.py)
                return self._run(("matrix_fused", prog.key, rank, reads), lambda: codegen.matrix_fused(prog.steps, rank, reads),
                                 names, [b for _, b, _ in prog.inputs], None, uniforms + fused, "matmul", out=tex)
            return self._run(("matrix",), lambda: codegen.matrix(False), ["X"], [X.handle],
                             None, uniforms, "matmul", out=tex)
        except BaseException:
            self.ctx.release(tex)
            raise

    def pad(self, x, paddings, value):
        out_shape = [d + p + q for d, (p, q) in zip(x.shape, paddings)]
        if self._on_host(shape_size(out_shape), (x,)):
            return self._forward("pad", x, paddings, value)
        if not any(p or q for p, q in paddings):  # nothing to pad: a lazy copy, which fuses
            return self._elementwise("copy", [x], x.shape, ints=x.dtype != "float32")
        rank = max(len(out_shape), 1)
        size = shape_size(out_shape)
        uniforms = _shape_uniforms(out_shape or [1]) + [("u_before", [p for p, _ in paddings] or [0]),
                    ("u_in_shape", list(x.shape) or [1]), ("u_scalar", float(value))]
        return self._run(("pad", rank), lambda: codegen.pad(rank), ["X"],
                         [x.handle], size, uniforms, "pad")

    def concat(self, xs, out_shape):
        rows = xs[0].shape[0]
        if self._on_host(sum(x.size for x in xs), xs):
            return self._forward("concat", xs, out_shape)
        parts = [x for x in xs if x.shape[1] > 0]
        if not parts:
            return GPUArray(0, host=np.zeros(0, np.float32))
        if len(parts) > 8:  # a program takes up to 8 inputs: join the first 8, then the rest
            head = Buffer(self.concat(parts[:8], None), (rows, sum(p.shape[1] for p in parts[:8])), parts[0].dtype)
            try:
                return self.concat([head] + parts[8:], None)
            finally:
                self.dispose(head.handle)
        ends, acc = [], 0
        for p in parts:
            acc += p.shape[1]
            ends.append(acc)
        names = [f"X{k}" for k in range(len(parts))]
        return self._run(("concat", len(parts)), lambda: codegen.concat(len(parts)), names,
                         [p.handle for p in parts], rows * acc,
                         [("u_total", acc), ("u_ends", ends)], "concat")

    def gather(self, x, indices, out_shape):
        if self._on_host(shape_size(out_shape), (x, indices)):
            return self._forward("gather", x, indices, out_shape)
        outer, n, inner = x.shape
        k = out_shape[1]
        return self._run(("gather",), lambda: codegen.simple("gather", [("X", "texel"), ("I", "texel")]),
                         ["X", "I"], [x.handle, indices.handle], outer * k * inner,
                         [("u_n", n), ("u_k", k), ("u_inner", inner)], "gather")

    def depthwise_conv2d(self, x, filter, out_hw, strides, dilations, before):
        n, h, w, c = x.shape
        fh, fw, _, m = filter.shape
        out = (out_hw[0], out_hw[1], c * m)
        size = n * shape_size(out)
        if size == 0:
            return GPUArray(0, host=np.zeros(0, np.float32))
        if self._on_host(size, (x, filter)):
            return self._forward("depthwise_conv2d", x, filter, out_hw, strides, dilations, before)
        static = (("FH", fh), ("FW", fw), ("VEC4", int(c % 4 == 0 and m == 1)))
        uniforms = (("in", [h, w, c]), ("out", list(out)), ("out_inv", [1.0 / d for d in out]), ("mult", m),
                    ("stride", list(strides)), ("dil", list(dilations)), ("before", list(before)), ("size", size))
        epilogue = _epilogue(x.handle, x.shape) if c % 4 == 0 and m == 1 else None
        if epilogue is not None:  # x read straight from the product that makes it (codegen.depthwise_read)
            product, rows, steps, channels, scalars = epilogue
            static += (("ROWS", rows), ("LOG_ROWS", rows.bit_length() - 1), ("EPI", (steps, len(channels), len(scalars))))
            uniforms += (("u", scalars),) if scalars else ()
            return self._leaf("depthwise", [product, filter.handle] + channels, size, static, uniforms)
        return self._leaf("depthwise", [x.handle, filter.handle], size, static, uniforms)

    def resize_bilinear(self, x, taps, out_hw):
        n, h, w, c = x.shape
        out = (out_hw[0], out_hw[1], c)
        size = n * shape_size(out)
        if self._on_host(size, (x,)):
            return self._forward("resize_bilinear", x, taps, out_hw)
        table = np.zeros((out_hw[0] + out_hw[1], 4), np.float32)  # a texel per output row, then column
        table[:, :3] = np.concatenate(taps)
        uniforms = (("in", [h, w, c]), ("out", list(out)), ("out_inv", [1.0 / d for d in out]), ("size", size))
        x.handle.refs += 1  # read by the leaf, which owns the table
        return self._leaf("resize", [x.handle, GPUArray(table.size, host=table.reshape(-1))], size,
                          (("VEC4", int(c % 4 == 0)),), uniforms, owned=True)

    # ---- images (wt.browser) ----
    def from_pixels(self, source, width, height, channels):
        """int32 [height, width, channels] of an image source (context.pixel_texture's), uploaded
        straight into a texture and converted there (from_pixels.glsl): no copy through Python."""
        ctx = self.ctx
        ctx.check("from_pixels")
        pixels = ctx.pixel_texture(source, width, height)
        size = width * height * channels
        try:
            return self._run(("from_pixels",), lambda: codegen.simple("from_pixels", [("P", "texel")]), ["P"],
                             [pixels], size, [("u_width", width), ("u_channels", channels), ("u_size", size)],
                             "from_pixels")
        finally:
            ctx.delete(pixels)

    def read_bytes(self, a, op):
        """A buffer of byte values (0..255) as a JS Uint8ClampedArray, read from its texture into
        JS memory (to_pixels, draw): never through Python."""
        self.ctx.check(op)
        return self.ctx.download_bytes(self._texture(a, op), a.size)

    async def read_bytes_async(self, a, op):
        self.ctx.check(op)
        return await self.ctx.download_bytes_async(self._texture(a, op), a.size)

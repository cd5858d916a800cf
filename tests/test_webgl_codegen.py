"""The WebGL backend's pure-Python half, without a browser: fusion's structure and keys,
dimension merging, and the GLSL it generates for every kernel, compiled by glslangValidator
(the Khronos reference compiler) as GLSL ES 3.00 where it is installed."""
import contextlib
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import webtensor as wt
from webtensor import optable
from webtensor.backends.webgl import WebGLBackend, codegen, fusion
from webtensor.backends.webgl.backend import GPUArray


def texture_buffer(size):
    return GPUArray(size, texture=object())


def test_program_key_is_structure_only():
    def chain(size):
        a, b = texture_buffer(size), texture_buffer(size)
        d = GPUArray(size, expr=fusion.Node("sub", False, (size,), [("texel", a), ("texel", b)]))
        return fusion.Program(fusion.Node("mul", False, (size,), [("texel", d), ("uniform", 0.5)]))
    p, q = chain(8), chain(1000)
    assert p.key == q.key  # other buffers, another shape, another constant: the same program
    assert p.key == (("texel", 0), ("texel", 1), ("sub", False, (0, 1)), ("uniform", 0), ("mul", False, (2, 3)))
    assert p.uniforms == [0.5] and len(p.inputs) == 2


def test_program_loads_a_shared_input_once_and_keeps_views_apart():
    a = texture_buffer(8)
    twice = fusion.Program(fusion.Node("add", False, (8,), [("texel", a), ("texel", a)]))
    assert twice.key == (("texel", 0), ("add", False, (0, 0)))
    views = fusion.Program(fusion.Node("add", False, (8,), [("strided", a, [1], 0), ("strided", a, [1], 4)]))
    assert [v for _, _, v in views.inputs] == [((1,), 0), ((1,), 4)]


def test_program_key_differs_with_op_and_dtype():
    a = texture_buffer(8)
    keys = {fusion.Program(fusion.Node(op, ints, (8,), [("texel", a)])).key
            for op in ("exp", "log") for ints in (False, True)}
    assert len(keys) == 4


def test_node_counts_inlined_ops_and_distinct_textures():
    a, b = texture_buffer(8), texture_buffer(8)
    inner = GPUArray(8, expr=fusion.Node("add", False, (8,), [("texel", a), ("texel", b)]))
    outer = fusion.Node("mul", False, (8,), [("texel", inner), ("texel", a)])
    assert outer.nodes == 2 and len(outer.textures) == 2
    other_shape = fusion.Node("mul", False, (2, 8), [("strided", inner, [0, 1], 0)])
    assert other_shape.nodes == 1  # a lazy input read through strides is drawn, not inlined


def test_kernel_leaf_inlines_into_any_consumer_of_its_size_once():
    blocks = texture_buffer(64)
    leaf = GPUArray(16, expr=fusion.Node("unblock", False, (16,), [("leaf", blocks)],
                                         params=((("ROWS", 8), ("LOG_ROWS", 3)), (("params", [4, 4, 1, 16]),))))
    bias = texture_buffer(4)
    # a consumer of another shape (the product reshaped to [1, 4, 4]) reads it by flat position
    y = fusion.Node("mul", False, (1, 4, 4), [("texel", leaf), ("strided", bias, [0, 0, 1], 0), ("texel", leaf)])
    assert y.nodes == 3 and len(y.textures) == 2  # (a leaf read twice counts twice: a bound, not a census)
    prog = fusion.Program(y)
    assert prog.key[0] == ("leaf", "unblock", 0, 0, (("ROWS", 8), ("LOG_ROWS", 3)))
    assert len(prog.inputs) == 2 and len(prog.leaves) == 1  # read twice, emitted once


def test_a_node_drawn_into_a_matmul_layout_is_not_inlined_again():
    x = GPUArray(16, expr=fusion.Node("relu", False, (4, 4), [("texel", texture_buffer(16))]))
    y = fusion.Node("add", False, (4, 4), [("texel", x), ("uniform", 1.0)])
    assert y.nodes == 2 and fusion.Program(y).key[-1][0] == "add" and len(fusion.Program(y).steps) == 4
    x.expr.drawn = True  # (what the backend does after matrix_fused reads it)
    again = fusion.Node("add", False, (4, 4), [("texel", x), ("uniform", 1.0)])
    assert again.nodes == 1 and fusion.Program(again).key[0] == ("texel", 0)  # x is read, not recomputed
    assert fusion.Program(y).inputs[0][1] is x  # nodes made before the mark read it too


def test_a_depthwise_input_made_by_a_product_and_channel_ops_is_never_drawn():
    with recording() as ctx:
        img = wt.tensor(np.linspace(-1, 1, 8 * 8 * 4).reshape(1, 8, 8, 4).astype(np.float32))
        f = wt.ones([3, 3, 4, 1])
        x = wt.relu6(wt.conv2d(img, wt.ones([1, 1, 4, 8]), 1, "same") + wt.ones([8]))
        y = wt.depthwise_conv2d(x, wt.ones([3, 3, 8, 1]), 1, "same")
        y.data_sync()
        assert x._data.handle.texture is None  # read from the product's targets, tap by tap
        assert any("EPI" in repr(key) for key in ctx.sources)
        r = wt.conv2d(img, wt.ones([1, 1, 4, 4]), 1, "same") + img  # a residual: drawn first
        wt.depthwise_conv2d(r, f, 1, "same").data_sync()
        assert r._data.handle.texture is not None
        wt.dispose([img, f, x, y, r])


@pytest.mark.parametrize("shape, strides, merged_shape, merged", [
    ([2, 3, 4], [[12, 4, 1]], [24], [[1]]),                       # contiguous: one dim
    ([2, 1, 4], [[4, 4, 1], [0, 0, 1]], [2, 4], [[4, 1], [0, 1]]),  # size-1 dim dropped
    ([3, 4], [[1, 3]], [3, 4], [[1, 3]]),                         # a transpose stays 2-D
    ([1, 1], [[1, 1]], [1], [[0]]),
])
def test_merge_dims(shape, strides, merged_shape, merged):
    assert fusion.merge_dims(shape, strides) == (merged_shape, merged)


def test_every_row_has_a_glsl_expression():
    for name, row in {**optable.UNARY, **optable.BINARY}.items():
        text = codegen.expression(name, True)
        assert "$" not in text and "a" in text
        if not row.nan_safe:
            assert text.startswith("choose(isnan_(a)")


# ---- every kernel's real source, collected through a context that records instead of drawing ----
class RecordingContext:
    """The GLContext calls the backend makes, recording each program's source; no GPU."""
    generation, lost, num_textures, texture_bytes, pooled_textures, pooled_bytes = 0, False, 0, 0, 0, 0
    max_texture_size, max_targets = 64, 8  # small: big matmuls split, as they would past 8192

    def __init__(self):
        self.sources = {}

    class Texture:
        def __init__(self, size):
            texels = max(1, -(-size // 4))
            self.w = 1 << max(0, (texels - 1).bit_length())
            self.h, self.shift, self.generation, self.layers = 1, self.w.bit_length() - 1, 0, 0

    def texture(self, size):
        return self.Texture(size)

    def texture_wh(self, w, h, layers=0):
        t = self.Texture(4 * w * h)
        t.w, t.h, t.layers = w, h, layers
        return t

    def program(self, key, make_source, samplers, op):
        if key not in self.sources:
            self.sources[key] = make_source()
        return key

    def download(self, texture):
        return np.zeros(texture.w * texture.h * 4, np.float32)

    def check(self, op): pass
    def upload(self, texture, values): pass
    def release(self, texture): pass
    def forget(self, texture): pass
    def use(self, prog): pass
    def set_uniform(self, prog, name, value): pass
    def draw(self, prog, out, inputs): pass
    def draw_layers(self, prog, out, inputs): pass


def exercise_every_kernel():
    x = wt.tensor(np.linspace(-0.9, 0.9, 24).reshape(2, 3, 4).astype(np.float32))
    i = wt.tensor(np.arange(24, dtype=np.int32).reshape(2, 3, 4))
    m = wt.tensor(np.eye(6, 5, dtype=np.float32))
    outs = [getattr(wt, name)(x) for name, row in optable.UNARY.items() if row.dtype != optable.LOGICAL]
    outs += [getattr(wt, name)(i) for name, row in optable.UNARY.items() if row.dtype == optable.SAME]
    outs += [getattr(wt, name)(x, x.T.T * 2.0) for name, row in optable.BINARY.items() if row.dtype != optable.LOGICAL]
    outs += [getattr(wt, name)(i, i + 1) for name, row in optable.BINARY.items() if row.dtype == optable.SAME]
    outs += [getattr(wt, name)(x > 0, x < 0.5) for name, row in optable.BINARY.items() if row.dtype == optable.LOGICAL]
    outs += [wt.logical_not(x > 0), wt.where(x > 0, x, 0.0), x.cast("int32"), x.cast("bool")]
    outs += [getattr(wt, name)(x, 1) for name in optable.REDUCE] + [x.argmax(1), x.argmin(2), x.cumsum(2)]
    outs += [wt.sum(wt.ones([3, 5000]), 1)]  # two-pass reduction
    outs += [m @ m.T, wt.matmul(m, m, transpose_a=True), m[1:, :3] @ m[:3, :]]
    outs += [wt.relu(x.reshape([6, 4]) + 1.0) @ wt.ones([4, 3])]  # a lazy operand: matrix_fused
    img = wt.tensor(np.linspace(-1, 1, 2 * 16 * 16 * 2).reshape(2, 16, 16, 2).astype(np.float32))
    outs += [wt.conv2d(img, wt.ones([3, 3, 2, 3]), 1, "same"),  # patches read by matrix_view
             wt.grad(lambda f: wt.conv2d(img, f, 1, "valid").sum())(wt.ones([3, 3, 2, 1])),  # split K
             wt.relu(wt.add(m @ m.T, 1.0)),  # matmul's result, bias and activation in one program
             (lambda y: y * wt.sigmoid(y))(m @ m.T),  # read twice: one leaf
             wt.depthwise_conv2d(img, wt.ones([3, 3, 2, 1]), 1, "same"),
             wt.relu(wt.depthwise_conv2d(wt.concat([img, img], 3), wt.ones([3, 3, 4, 1]), 2, "same")  # a texel per tap
                     + wt.ones([4])),  # bias and activation in the kernel's pass
             wt.depthwise_conv2d(wt.relu6(wt.conv2d(img, wt.ones([1, 1, 2, 4]), 1, "same") + wt.ones([4])) * 0.5,
                                 wt.ones([3, 3, 4, 1]), 1, "same"),  # its input read from the product
             wt.depthwise_conv2d(wt.conv2d(img, wt.ones([1, 1, 2, 4]), 1, "same") + wt.concat([img, img], 3),
                                 wt.ones([3, 3, 4, 1]), 2, "same"),  # with a residual: x drawn first
             wt.image.resize_bilinear(img, [5, 7]),  # per element
             wt.image.resize_bilinear(wt.concat([img, img], 3), [9, 20], True) * 2.0]  # a texel per tap
    outs += [wt.pad(x, [[1, 0], [0, 2], [1, 1]]), wt.pad(x[0], [[1, 1], [0, 1]]), wt.pad(x[0, 0], [[2, 1]])]
    outs += [wt.concat([x] * k, 2) for k in (2, 3, 9)] + [wt.gather(x, [2, 0], 2)]
    outs += [x.transpose([2, 0, 1]) + 1.0, x[:, ::-1, ::2] * 2.0, wt.broadcast_to(x[0, :, :1], [2, 3, 4]) - x]
    for t in outs:
        t.data_sync()
    wt.dispose(outs + [x, i, m])


@contextlib.contextmanager
def recording():
    """The webgl backend over a RecordingContext, as the current backend: every op on the "GPU"."""
    ctx = RecordingContext()
    backend = WebGLBackend(ctx)
    backend.forward_size = 0
    name = "webgl_recording_for_tests"
    if name not in wt.list_backends():
        wt.register_backend(name, lambda: backend, 0)
    before = wt.get_backend()
    try:
        wt.set_backend(name)
        wt.backend().ctx = ctx
        yield ctx
    finally:
        wt.set_backend(before)


def collect_sources():
    with recording() as ctx:
        exercise_every_kernel()
    return ctx.sources


def test_a_lazy_matmul_operand_is_drawn_in_its_layout_then_once_for_its_next_reader():
    with recording() as ctx:
        x = wt.tensor(np.ones((8, 4), np.float32))
        y = wt.relu(x - 0.5)  # lazy
        z = y @ wt.ones([4, 3])
        fused = [key for key in ctx.sources if key[0] == "matrix_fused"]
        assert fused and any(step[0] == "relu" for step in fused[0][1])
        h = y._data.handle
        assert h.texture is None and h.expr.drawn  # not drawn in the flat layout
        u = y * 2.0 + 1.0
        u.data_sync()
        assert h.texture is not None and h.expr is None  # drawn for u, which read it as a texel
        wt.dispose([x, y, z, u])


def test_recorded_kernels_cover_every_template():
    sources = collect_sources()
    kinds = {key[0] for key in sources}
    assert {"fused", "reduce", "arg", "cumsum", "matrix", "matrix_view", "matrix_fused", "matmul", "pad",
            "concat", "gather"} <= kinds
    leaves = {step[1] for key in sources if key[0] == "fused" for step in key[1] if step[0] == "leaf"}
    assert leaves == set(codegen.LEAF_INPUTS)  # kernels drawn in their consumers' programs
    reads = {read for key in sources if key[0] in ("fused", "matrix_fused") for _, read in key[3]}
    assert reads == set(codegen.STRIDED_READS)


def glslang():
    found = shutil.which("glslangValidator")
    if found is None and sys.platform != "emscripten" and os.environ.get("CI"):
        pytest.fail("glslangValidator is not installed (scripts/setup.sh installs glslang-tools)")
    if found is None:
        pytest.skip("glslangValidator is not installed (Debian: glslang-tools); Chromium compiles these in tests/browser")
    return found


def test_every_generated_shader_compiles_as_glsl_es_300(tmp_path):
    validator = glslang()
    sources = collect_sources()
    files = []
    for n, (key, source) in enumerate(sorted(sources.items(), key=repr)):
        path = tmp_path / f"k{n}.frag"
        path.write_text(source)
        files.append((path, key))
    vertex = tmp_path / "vertex.vert"
    vertex.write_text(codegen.VERTEX)
    failures = []
    for path, key in files + [(vertex, "vertex")]:
        result = subprocess.run([validator, str(path)], capture_output=True, text=True)
        if result.returncode != 0:
            failures.append(f"{key}:\n{result.stdout}{result.stderr}")
    assert not failures, "\n".join(failures)
    assert len(files) > 60


@pytest.mark.parametrize("shape, strides, offset, read", [
    ([9216, 16], [0, 1], 0, "strided_texel"),   # a bias over rows: whole texels of the vector
    ([4, 16], [16, 1], 8, "strided_texel"),
    ([4, 16], [16, 1], 2, "strided"),           # misaligned: elements straddle texels
    ([4, 16], [17, 1], 0, "strided"),
    ([16, 8], [1, 0], 0, "strided_splat"),      # one element for four outputs
    ([16, 6], [1, 0], 0, "strided"),            # rows of 6: four outputs may span two rows
    ([8, 4], [1, 8], 0, "strided"),             # a transpose
])
def test_strided_read_is_chosen_from_the_merged_view(shape, strides, offset, read):
    assert codegen.strided_read(shape, strides, offset) == read

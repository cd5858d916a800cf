"""The WebGL2 context, seen from Python: bound GL methods (each JS attribute lookup through
Pyodide costs microseconds), a state cache that skips redundant calls, compiled programs,
a texture pool, and the two data paths (upload, download) through views of WASM memory."""
import functools
import re

import numpy as np

import js
from pyodide.ffi import JsException, create_proxy, to_js

MAX_WIDTH = 4096  # texels per texture row; a tensor folds into as many rows as it needs
MIN_ROWS = 64
SCRATCH_UNIT = 15  # texture unit for creating and uploading textures: binding there leaves the
                   # units that programs read from (0..8) as they were, so draws skip rebinding


# renderers that run "GPU" work on the CPU
SOFTWARE_RENDERERS = re.compile(r"SwiftShader|llvmpipe|softpipe|Software Rasterizer|Basic Render", re.I)


class WebGLUnavailable(RuntimeError):
    pass


class ContextLost(RuntimeError):
    pass


def _heap():
    import pyodide_js
    return pyodide_js._module.HEAPU8


def heap_view(array):
    """A Float32Array aliasing a float32 ndarray's bytes in WASM memory: no copy. Made anew
    each time because growing the WASM memory detaches older views."""
    ptr = array.__array_interface__["data"][0]
    return js.Float32Array.new(_heap().buffer, ptr, array.size)


class Texture:
    """An RGBA32F texture of w x h texels (4 * w * h float32 slots); w = 2 ** shift. layers > 0:
    a texture array of that many w x h layers (matmul's render targets, read with one fetch)."""
    __slots__ = ("gl_texture", "w", "h", "shift", "generation", "layers")

    def __init__(self, gl_texture, w, h, generation, layers=0):
        self.gl_texture, self.w, self.h, self.generation, self.layers = gl_texture, w, h, generation, layers
        self.shift = w.bit_length() - 1

    @property
    def nbytes(self):
        return self.w * self.h * 16 * max(self.layers, 1)


class Program:
    __slots__ = ("gl_program", "locations", "values", "samplers", "name")

    def __init__(self, gl_program, name):
        self.gl_program, self.name = gl_program, name
        self.locations, self.values, self.samplers = {}, {}, []


def layout(size):
    """Texture size for `size` elements. Widths are powers of two, so shaders find a texel's
    row and column with a shift and a mask instead of an integer division (slow on GPUs, and
    slower still on SwiftShader). Textures are made about MIN_ROWS rows tall where they can
    be: SwiftShader shares a draw among its threads by rows, and one row is one thread."""
    texels = max(1, -(-size // 4))
    w = min(1 << (-(-texels // MIN_ROWS) - 1).bit_length(), MAX_WIDTH)
    return w, -(-texels // w)


# Free textures kept for reuse, in bytes: a training step's working set of a mid-sized model
# fits, and a session that makes tensors of many sizes still holds at most this much unused.
POOL_LIMIT = 128 * 2**20


class GLContext:
    def __init__(self):
        if hasattr(js, "document"):
            self.canvas = js.document.createElement("canvas")
        elif hasattr(js, "OffscreenCanvas"):
            self.canvas = js.OffscreenCanvas.new(1, 1)
        else:
            raise WebGLUnavailable("webgl: no canvas or OffscreenCanvas in this environment")
        attrs = to_js({"alpha": False, "antialias": False, "depth": False, "stencil": False,
                       "premultipliedAlpha": False, "preserveDrawingBuffer": False,
                       "powerPreference": "high-performance"}, dict_converter=js.Object.fromEntries)
        gl = self.canvas.getContext("webgl2", attrs)
        if gl is None:
            raise WebGLUnavailable("webgl: this browser has no WebGL2")
        self.gl = gl
        if not self._extensions():
            raise WebGLUnavailable("webgl: WebGL2 lacks EXT_color_buffer_float (float render targets)")
        info = gl.getExtension("WEBGL_debug_renderer_info")
        self.renderer = str(gl.getParameter(info.UNMASKED_RENDERER_WEBGL if info else gl.RENDERER))
        self.software = bool(SOFTWARE_RENDERERS.search(self.renderer))
        self.lost = False
        self.generation = 0
        self.pool_limit = POOL_LIMIT
        self.debug = False
        self.calls = 0   # GL calls made by kernels, for the debug stat
        self.draws = 0
        self._on_lost = create_proxy(self._lost)
        self._on_restored = create_proxy(self._restored)
        self.canvas.addEventListener("webglcontextlost", self._on_lost)
        self.canvas.addEventListener("webglcontextrestored", self._on_restored)
        self._bind_methods()
        self._setup()

    def _bind_methods(self):
        gl = self.gl
        for name in ("TEXTURE_2D TEXTURE_2D_ARRAY RGBA RGBA32F FLOAT FRAMEBUFFER COLOR_ATTACHMENT0 TEXTURE0 TRIANGLES "
                     "NEAREST CLAMP_TO_EDGE TEXTURE_MIN_FILTER TEXTURE_MAG_FILTER TEXTURE_WRAP_S "
                     "TEXTURE_WRAP_T PIXEL_PACK_BUFFER STREAM_READ SYNC_GPU_COMMANDS_COMPLETE "
                     "VERTEX_SHADER FRAGMENT_SHADER "
                     "COMPILE_STATUS LINK_STATUS MAX_TEXTURE_SIZE").split():
            setattr(self, name, getattr(gl, name))
        # bound once: every call below then costs one FFI crossing, not two
        self.bind_texture, self.active_texture = gl.bindTexture, gl.activeTexture
        self.use_program, self.viewport, self.draw_arrays = gl.useProgram, gl.viewport, gl.drawArrays
        self.framebuffer_texture = gl.framebufferTexture2D
        self.framebuffer_layer = gl.framebufferTextureLayer
        self.uniform1i, self.uniform1f, self.uniform1iv = gl.uniform1i, gl.uniform1f, gl.uniform1iv
        self.uniform1fv = gl.uniform1fv
        self.read_pixels, self.tex_sub_image = gl.readPixels, gl.texSubImage2D

    def _extensions(self):
        return self.gl.getExtension("EXT_color_buffer_float") is not None

    def _setup(self):
        gl = self.gl
        self._extensions()  # extensions must be enabled again on a restored context
        self.max_texture_size = gl.getParameter(self.MAX_TEXTURE_SIZE)
        # render targets one draw can write: blocked matmul computes this many rows per fragment
        self.max_targets = 8 if gl.getParameter(gl.MAX_DRAW_BUFFERS) >= 8 else 4
        self.programs = {}
        self.pool = {}            # (w, h, layers) -> free textures, most recently released last
        self.num_textures = 0     # allocated: in use and pooled
        self.texture_bytes = 0
        self.pooled_textures = self.pooled_bytes = 0
        self.framebuffer = gl.createFramebuffer()
        self.framebuffer_n = gl.createFramebuffer()  # several render targets, for blocked matmul
        self.attached_n = None    # what is attached to it
        gl.bindFramebuffer(self.FRAMEBUFFER, self.framebuffer_n)
        gl.drawBuffers(to_js([self.COLOR_ATTACHMENT0 + i for i in range(self.max_targets)]))
        gl.bindFramebuffer(self.FRAMEBUFFER, self.framebuffer)
        gl.bindVertexArray(gl.createVertexArray())
        gl.pixelStorei(gl.PACK_ALIGNMENT, 1)
        gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1)
        gl.disable(gl.DEPTH_TEST)
        gl.disable(gl.BLEND)
        self.vertex_shader = self._shader(self.VERTEX_SHADER, _vertex_source(), "vertex")
        self.current_program = None
        self.bound = {}           # texture unit -> Texture
        self.attached = None      # Texture attached to the framebuffer
        self.view = None          # viewport (w, h)
        self.active_unit = 0       # GL starts with TEXTURE0 active

    # ---- context loss ----
    def _lost(self, event):
        event.preventDefault()  # without this the browser never restores the context
        self.lost = True

    def _restored(self, event):
        self.generation += 1
        self._setup()
        self.lost = False

    def check(self, op):
        if self.lost:
            raise ContextLost(f"{op}: the WebGL context was lost; GPU tensors made before it are "
                              "gone (new tensors work again once the browser restores the context)")

    # ---- programs ----
    def _shader(self, kind, source, op):
        gl = self.gl
        shader = gl.createShader(kind)
        gl.shaderSource(shader, source)
        gl.compileShader(shader)
        if not gl.getShaderParameter(shader, self.COMPILE_STATUS) and not gl.isContextLost():
            log = gl.getShaderInfoLog(shader)
            numbered = "\n".join(f"{i + 1:4d}  {line}" for i, line in enumerate(source.splitlines()))
            raise RuntimeError(f"webgl: compiling the shader for {op} failed:\n{log}\n{numbered}")
        return shader

    def program(self, key, make_source, samplers, op):
        """The compiled program for a structural key; make_source() runs only on a miss."""
        prog = self.programs.get(key)
        if prog is not None:
            return prog
        self.check(op)
        gl = self.gl
        fragment = self._shader(self.FRAGMENT_SHADER, make_source(), op)
        p = gl.createProgram()
        gl.attachShader(p, self.vertex_shader)
        gl.attachShader(p, fragment)
        gl.linkProgram(p)
        if not gl.getProgramParameter(p, self.LINK_STATUS) and not gl.isContextLost():
            raise RuntimeError(f"webgl: linking the program for {op} failed:\n{gl.getProgramInfoLog(p)}")
        prog = Program(p, op)
        gl.useProgram(p)
        self.current_program = prog
        for unit, name in enumerate(samplers):  # each sampler gets a fixed unit, once
            gl.uniform1i(gl.getUniformLocation(p, name), unit)
        prog.samplers = list(samplers)
        self.programs[key] = prog
        return prog

    def location(self, prog, name):
        loc = prog.locations.get(name, False)
        if loc is False:
            loc = prog.locations[name] = self.gl.getUniformLocation(prog.gl_program, name)
        return loc

    def set_uniform(self, prog, name, value):
        """Set a uniform of the current program (an int, a float, or a list of either),
        unless it already holds that value."""
        if isinstance(value, list):
            value = tuple(value)
        if prog.values.get(name) == value and not _float_zero(value):
            return  # (0.0 == -0.0: a float zero is always set)
        prog.values[name] = value
        loc = self.location(prog, name)
        if loc is None:
            return
        if isinstance(value, tuple):
            setter = self.uniform1fv if isinstance(value[0], float) else self.uniform1iv
            setter(loc, to_js(list(value)))
        else:
            (self.uniform1f if isinstance(value, float) else self.uniform1i)(loc, value)
        self.calls += 1

    # ---- textures ----
    def texture(self, size):
        """A texture for `size` elements in the flat layout every kernel reads (layout())."""
        w, h = layout(size)
        if h > self.max_texture_size:
            raise ValueError(f"webgl: a tensor of {size} elements needs a {w}x{h} texture, over "
                             f"this GPU's limit of {self.max_texture_size}")
        return self.texture_wh(w, h)

    def texture_wh(self, w, h, layers=0):
        """A w x h texture (a texture array of `layers` such, if layers > 0). One whose w is not
        a power of two is not in the flat layout: only the kernel that made it reads it
        (matmul's operands and blocks)."""
        free = self.pool.get((w, h, layers))
        if free:
            texture = free.pop()
            self.pooled_textures -= 1
            self.pooled_bytes -= texture.nbytes
            return texture
        gl = self.gl
        t = gl.createTexture()
        texture = Texture(t, w, h, self.generation, layers)
        target = self.TEXTURE_2D_ARRAY if layers else self.TEXTURE_2D
        self._scratch()
        gl.bindTexture(target, t)
        if layers:
            gl.texStorage3D(target, 1, self.RGBA32F, w, h, layers)
        else:
            gl.texStorage2D(target, 1, self.RGBA32F, w, h)
        if gl.getError() == gl.OUT_OF_MEMORY:  # checked on allocation only: the pool serves the rest
            gl.deleteTexture(t)
            self._trim_all()
            raise MemoryError(f"webgl: out of GPU memory allocating a {w}x{h} texture ({texture.nbytes} bytes; "
                              f"{self.texture_bytes} bytes in {self.num_textures} textures already); "
                              "dispose tensors you no longer need, or use smaller batches")
        for param in (self.TEXTURE_MIN_FILTER, self.TEXTURE_MAG_FILTER):
            gl.texParameteri(target, param, self.NEAREST)
        for param in (self.TEXTURE_WRAP_S, self.TEXTURE_WRAP_T):
            gl.texParameteri(target, param, self.CLAMP_TO_EDGE)
        self.num_textures += 1
        self.texture_bytes += texture.nbytes
        return texture

    def release(self, texture):
        """Keep a freed texture for reuse, up to pool_limit bytes of free textures (as tfjs's
        WEBGL_DELETE_TEXTURE_THRESHOLD); past it, the oldest free ones are deleted, so a
        session that makes tensors of many sizes does not hold GPU memory it no longer uses."""
        if texture.generation != self.generation:
            return  # made before a context loss: gone with it
        nbytes = texture.nbytes
        self.pool.setdefault((texture.w, texture.h, texture.layers), []).append(texture)
        self.pooled_textures += 1
        self.pooled_bytes += nbytes
        self._trim()

    @property
    def pool_limit(self):
        return self._pool_limit

    @pool_limit.setter
    def pool_limit(self, nbytes):
        self._pool_limit = int(nbytes)
        if hasattr(self, "pool"):
            self._trim()

    def _trim(self):
        while self.pooled_bytes > self._pool_limit:
            self._delete_oldest()

    def _trim_all(self):
        """Free every pooled texture (after an allocation ran out of memory)."""
        while self.pooled_textures:
            self._delete_oldest()

    def _delete_oldest(self):
        """Delete a free texture: of the size pooled first, the one released first."""
        key = next(k for k, free in self.pool.items() if free)
        texture = self.pool[key].pop(0)
        if not self.pool[key]:
            del self.pool[key]
        self.gl.deleteTexture(texture.gl_texture)
        nbytes = texture.nbytes
        self.pooled_textures -= 1
        self.pooled_bytes -= nbytes
        self.num_textures -= 1
        self.texture_bytes -= nbytes

    def _scratch(self):
        if self.active_unit != SCRATCH_UNIT:
            self.active_texture(self.TEXTURE0 + SCRATCH_UNIT)
            self.active_unit = SCRATCH_UNIT

    def upload(self, texture, values):
        """values: float32 ndarray with 4 * w * h elements."""
        self._scratch()
        self.bind_texture(self.TEXTURE_2D, texture.gl_texture)
        self.tex_sub_image(self.TEXTURE_2D, 0, 0, 0, texture.w, texture.h, self.RGBA, self.FLOAT,
                           heap_view(values))

    def _attach(self, texture):
        if self.attached is not texture:
            self.framebuffer_texture(self.FRAMEBUFFER, self.COLOR_ATTACHMENT0, self.TEXTURE_2D,
                                     texture.gl_texture, 0)
            self.attached = texture
            self.calls += 1

    def download(self, texture, into=None):
        """The texture's values: a float32 ndarray, or `into` (a JS Float32Array of 4 * w * h
        elements) read into JS memory, for values that need not pass through Python."""
        out = np.empty(texture.w * texture.h * 4, np.float32) if into is None else into
        self._attach(texture)
        try:
            self.read_pixels(0, 0, texture.w, texture.h, self.RGBA, self.FLOAT,
                             heap_view(out) if into is None else out)
        except JsException as e:  # the page's readPixels threw
            raise RuntimeError(f"webgl: reading a {texture.w}x{texture.h} texture back failed ({e})") from None
        return out

    async def download_async(self, texture, into=None):
        """readPixels into a pixel-pack buffer, then a fence awaited without blocking the page;
        `into` as for download()."""
        gl = self.gl
        nbytes = texture.w * texture.h * 16
        buffer = gl.createBuffer()
        gl.bindBuffer(self.PIXEL_PACK_BUFFER, buffer)
        gl.bufferData(self.PIXEL_PACK_BUFFER, nbytes, self.STREAM_READ)
        self._attach(texture)
        gl.readPixels(0, 0, texture.w, texture.h, self.RGBA, self.FLOAT, 0)
        gl.bindBuffer(self.PIXEL_PACK_BUFFER, None)
        sync = gl.fenceSync(self.SYNC_GPU_COMMANDS_COMPLETE, 0)
        gl.flush()
        try:
            if not await _wait_for_fence()(gl, sync):
                raise ContextLost("data: the WebGL context was lost while reading")
        finally:
            gl.deleteSync(sync)
        out = np.empty(texture.w * texture.h * 4, np.float32) if into is None else into
        gl.bindBuffer(self.PIXEL_PACK_BUFFER, buffer)
        gl.getBufferSubData(self.PIXEL_PACK_BUFFER, 0, heap_view(out) if into is None else out)
        gl.bindBuffer(self.PIXEL_PACK_BUFFER, None)
        gl.deleteBuffer(buffer)
        return out

    # ---- images (wt.browser): texImage2D straight from the element, bytes read into JS ----
    def pixel_texture(self, source, width, height):
        """An RGBA8 texture of an image: a TexImageSource (canvas, OffscreenCanvas, image, video,
        ImageBitmap, ImageData) or a typed array of RGBA bytes, uploaded by texImage2D straight
        from it, neither premultiplied by alpha nor colour-converted: the source's own bytes.
        Not pooled: delete() frees it. A SecurityError (cross-origin data) propagates."""
        if max(width, height) > self.max_texture_size:
            raise ValueError(f"a {width}x{height} image is over this GPU's texture size limit "
                             f"of {self.max_texture_size}")
        gl = self.gl
        t = gl.createTexture()
        self._scratch()
        gl.bindTexture(self.TEXTURE_2D, t)
        gl.pixelStorei(gl.UNPACK_PREMULTIPLY_ALPHA_WEBGL, False)
        gl.pixelStorei(gl.UNPACK_COLORSPACE_CONVERSION_WEBGL, gl.NONE)
        gl.pixelStorei(gl.UNPACK_FLIP_Y_WEBGL, False)  # the image's top row is texture row 0
        try:
            if js.ArrayBuffer.isView(source):  # a Uint8Array view: what texImage2D takes for bytes
                data = js.Uint8Array.new(source.buffer, source.byteOffset, source.byteLength)
                gl.texImage2D(self.TEXTURE_2D, 0, gl.RGBA8, width, height, 0, self.RGBA, gl.UNSIGNED_BYTE, data)
            else:
                gl.texImage2D(self.TEXTURE_2D, 0, gl.RGBA8, self.RGBA, gl.UNSIGNED_BYTE, source)
        except BaseException:
            gl.deleteTexture(t)
            raise
        if gl.getError() == gl.OUT_OF_MEMORY:  # as texture_wh
            gl.deleteTexture(t)
            raise MemoryError(f"webgl: out of GPU memory uploading a {width}x{height} image")
        for param in (self.TEXTURE_MIN_FILTER, self.TEXTURE_MAG_FILTER):  # else incomplete (mipmaps)
            gl.texParameteri(self.TEXTURE_2D, param, self.NEAREST)
        self.num_textures += 1
        self.texture_bytes += width * height * 4
        return Texture(t, width, height, self.generation)

    def delete(self, texture):
        """Free a pixel_texture."""
        self.forget(texture)
        if texture.generation == self.generation:
            self.gl.deleteTexture(texture.gl_texture)
            self.num_textures -= 1
            self.texture_bytes -= texture.w * texture.h * 4

    def download_bytes(self, texture, size):
        """The first `size` values of a texture of bytes (0..255) as a JS Uint8ClampedArray, read
        into JS memory: they never pass through Python."""
        return _clamped(self.download(texture, js.Float32Array.new(texture.w * texture.h * 4)), size)

    async def download_bytes_async(self, texture, size):
        return _clamped(await self.download_async(texture, js.Float32Array.new(texture.w * texture.h * 4)), size)

    # ---- drawing ----
    def use(self, prog):
        """Make prog current: uniform calls apply to the current program, so this comes first."""
        if self.current_program is not prog:
            self.use_program(prog.gl_program)
            self.current_program = prog
            self.calls += 1

    def draw(self, prog, output, inputs):
        """Run the current program prog into `output`, with `inputs` (Textures) on units 0..
        in sampler order. Skips every call whose state is already in place."""
        bound = self.bound
        for unit, tex in enumerate(inputs):
            if bound.get(unit) is not tex:
                if self.active_unit != unit:
                    self.active_texture(self.TEXTURE0 + unit)
                    self.active_unit = unit
                    self.calls += 1
                self.bind_texture(self.TEXTURE_2D_ARRAY if tex.layers else self.TEXTURE_2D, tex.gl_texture)
                bound[unit] = tex
                self.calls += 1
        self._attach(output)
        if self.view != (output.w, output.h):
            self.viewport(0, 0, output.w, output.h)
            self.view = (output.w, output.h)
            self.calls += 1
        self.draw_arrays(self.TRIANGLES, 0, 3)
        self.calls += 1
        self.draws += 1
        if self.debug:
            err = self.gl.getError()
            if err:
                raise RuntimeError(f"webgl: {prog.name} raised GL error {err}")

    def draw_layers(self, prog, output, inputs):
        """Run prog into every layer of a texture array at once (render target i: layer i),
        then return to the one-target framebuffer."""
        gl = self.gl
        gl.bindFramebuffer(self.FRAMEBUFFER, self.framebuffer_n)
        # The attachments stay after the draw: they count only while this framebuffer is bound
        # (no other draw writes through it), and the pool often hands the next product the same
        # texture array, which then needs no calls at all
        if self.attached_n is not output:
            for layer in range(output.layers):
                self.framebuffer_layer(self.FRAMEBUFFER, self.COLOR_ATTACHMENT0 + layer, output.gl_texture, 0, layer)
            self.attached_n = output
            self.calls += output.layers
        attached, self.attached = self.attached, output  # draw() attaches nothing new
        self.draw(prog, output, inputs)
        gl.bindFramebuffer(self.FRAMEBUFFER, self.framebuffer)
        self.attached = attached
        self.calls += 2

    def forget(self, texture):
        """Drop cached bindings of a texture about to be written by a draw (no feedback loop)."""
        for unit, tex in list(self.bound.items()):
            if tex is texture:
                del self.bound[unit]


def _float_zero(value):
    """Whether a uniform's value holds a float zero, which == cannot tell from -0.0."""
    if isinstance(value, tuple):
        return isinstance(value[0], float) and 0.0 in value
    return isinstance(value, float) and value == 0


def _clamped(values, size):
    return js.Uint8ClampedArray.new(values.subarray(0, size))  # exact: the values are integers


def _vertex_source():
    from .codegen import VERTEX
    return VERTEX


# Polls a fence inside one JS promise, with a setTimeout chain (as tfjs does). Polling from
# Python instead never sleeps: Pyodide resumes a coroutine through postMessage, so the main
# thread would spin and take a core from the (software) GPU's worker threads.
_FENCE_WAIT = """(gl, sync) => new Promise((resolve) => {
  const poll = () => {
    if (gl.isContextLost()) return resolve(false);
    const status = gl.clientWaitSync(sync, 0, 0);
    if (status === gl.WAIT_FAILED) return resolve(false);
    if (status === gl.TIMEOUT_EXPIRED) return setTimeout(poll, 0);
    resolve(true);
  };
  poll();
})"""


@functools.cache
def _wait_for_fence():
    from pyodide.code import run_js
    return run_js(_FENCE_WAIT)

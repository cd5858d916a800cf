"""tfjs's tf.browser: tensors from images (from_pixels) and images from tensors (to_pixels, draw).

On the webgl backend an image goes straight into a texture (texImage2D from the element itself,
unpremultiplied, no colour conversion) and is converted there; the bytes to_pixels and draw
make are read from their texture into a JS Uint8ClampedArray and put into the canvas with
putImageData: neither way copies pixels through Python or the WASM heap. On the cpu backend,
and for a Python dict of bytes, pixels are read into NumPy through a 2-D canvas's getImageData
(or the given bytes), as tfjs's cpu backend does."""
import functools
import math

import numpy as np

from ..engine import ENGINE
from ..tensor import Tensor
from .core import as_tensor, from_values, op, run
from .creation import fill
from .elementwise import add, cast, floor, greater_equal, is_nan, less, mul, sub, where
from .reduction import max as max_, min as min_
from .shape import concat, reshape, stack

try:
    from pyodide.ffi import JsException, JsProxy
except ImportError:  # CPython: only {data, width, height} dicts, and no canvas
    JsException = JsProxy = ()

SOURCES = ("an HTMLCanvasElement, OffscreenCanvas, HTMLImageElement, HTMLVideoElement, ImageBitmap, "
           "ImageData or {data, width, height} of RGBA bytes")

# A JS source's kind, tested in tfjs's order (a Uint8ClampedArray's {data} is taken too, which
# tfjs refuses), with what its checks need: [kind, width, height, ...].
_CLASSIFY = """(p) => {
  const is = (name) => typeof globalThis[name] !== "undefined" && p instanceof globalThis[name];
  if (p.data instanceof Uint8Array || (p.data instanceof Uint8ClampedArray && !is("ImageData")))
    return ["data", p.width, p.height, p.data.length];
  if (is("ImageData")) return ["imagedata", p.width, p.height, p.data.length];
  if (is("HTMLVideoElement")) return ["video", p.videoWidth, p.videoHeight, p.readyState];
  if (is("HTMLImageElement"))
    return ["image", p.width, p.height, p.complete && p.naturalWidth > 0, p.naturalWidth, p.naturalHeight];
  if (p.getContext != null) return ["canvas", p.width, p.height];
  if (is("ImageBitmap")) return ["bitmap", p.width, p.height];
  return ["unknown", p.constructor ? p.constructor.name : typeof p];
}"""


@functools.cache
def _classify():
    from pyodide.code import run_js
    return run_js(_CLASSIFY)


@functools.cache
def _scratch():
    """The 2-D context that images, videos and bitmaps are drawn into to be read (tfjs's)."""
    import js
    if hasattr(js, "document"):
        from pyodide.ffi import to_js
        attrs = to_js({"willReadFrequently": True}, dict_converter=js.Object.fromEntries)
        return js.document.createElement("canvas").getContext("2d", attrs)
    return js.OffscreenCanvas.new(1, 1).getContext("2d")  # in a worker


def _drawn(source, width, height):
    ctx = _scratch()
    ctx.canvas.width, ctx.canvas.height = width, height
    ctx.drawImage(source, 0, 0, width, height)
    return ctx


def _int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _source(pixels, name):
    """(kind, width, height, source): the image, checked. kind "dict" has NumPy bytes."""
    if isinstance(pixels, dict):
        width, height, data = pixels.get("width"), pixels.get("height"), pixels.get("data")
        if not (_int(width) and _int(height) and width >= 0 and height >= 0):
            raise ValueError(f"{name}: argument 'pixels' must have int 'width' and 'height' >= 0, got "
                             f"{width!r} and {height!r}")
        if isinstance(data, JsProxy):  # a typed array's bytes (a JS object without them: refused below)
            data = data.to_bytes() if hasattr(data, "to_bytes") else None
        try:
            data = np.frombuffer(data, np.uint8) if isinstance(data, (bytes, bytearray, memoryview)) else data
        except (TypeError, ValueError):
            data = None
        if not isinstance(data, np.ndarray) or data.dtype != np.uint8:
            raise TypeError(f"{name}: argument 'pixels' must have 'data' of RGBA bytes (bytes, a uint8 "
                            f"array or a Uint8Array), got {type(pixels.get('data')).__name__}")
        _check_length(data.size, width, height, name)
        return "dict", int(width), int(height), data.reshape(-1)
    if not isinstance(pixels, JsProxy):
        raise TypeError(f"{name}: argument 'pixels' must be {SOURCES}, got "
                        f"{'None' if pixels is None else type(pixels).__name__}")
    kind, *info = _classify()(pixels).to_py()
    if kind == "unknown":
        raise TypeError(f"{name}: argument 'pixels' must be {SOURCES}, got {info[0]}")
    width, height = int(info[0]), int(info[1])
    if kind in ("data", "imagedata"):
        _check_length(info[2], width, height, name)
        return kind, width, height, pixels
    if kind == "video" and info[2] < 2:  # HAVE_CURRENT_DATA
        raise ValueError(f"{name}: argument 'pixels' is a video with no frame yet (readyState {info[2]}): "
                         "wait for its 'loadeddata' event")
    if kind == "image" and not info[2]:
        raise ValueError(f"{name}: argument 'pixels' is an image that has not loaded (natural width 0): "
                         "await its decode() or its 'load' event first")
    if width == 0 or height == 0:
        raise ValueError(f"{name}: argument 'pixels' has no pixels (width {width}, height {height})")
    if kind == "image" and (width, height) != (info[3], info[4]):
        kind, pixels = "canvas", _drawn(pixels, width, height).canvas  # shown at another size: tfjs scales it
    return kind, width, height, pixels


def _check_length(length, width, height, name):
    if length != width * height * 4:
        raise ValueError(f"{name}: argument 'pixels' has {length} bytes of data, but a {width}x{height} RGBA "
                         f"image has {width * height * 4}")


def _host_bytes(kind, width, height, source):
    """The RGBA bytes of a source on the host, as tfjs's cpu backend reads them."""
    if kind == "dict":
        return source
    if kind in ("data", "imagedata"):
        data = source.data
    else:
        ctx = source.getContext("2d") if kind == "canvas" else None
        if ctx is None:  # not a canvas, or one with a WebGL context: drawn into a 2-D one
            ctx = _drawn(source, width, height)
        data = ctx.getImageData(0, 0, width, height).data
    return np.frombuffer(data.to_bytes(), np.uint8)


@op
def from_pixels(pixels, num_channels=3):
    """int32 [height, width, num_channels] of an image's RGBA bytes (the first num_channels)."""
    name = "from_pixels"
    if not _int(num_channels) or not 1 <= num_channels <= 4:
        raise ValueError(f"{name}: argument 'num_channels' must be an int in 1..4, got {num_channels!r}")
    kind, width, height, source = _source(pixels, name)
    channels = int(num_channels)
    backend = ENGINE.backend or ENGINE.ensure_backend()
    try:
        if kind != "dict" and width * height and hasattr(backend, "from_pixels"):
            upload = source.data if kind == "data" else source
            return run(name, [], (height, width, channels), "int32",
                       lambda b: b.from_pixels(upload, width, height, channels))
        values = _host_bytes(kind, width, height, source).reshape(height, width, 4)
    except JsException as e:
        if e.name == "SecurityError":
            _scratch.cache_clear()  # drawn into, it is tainted for good: the next read makes another
            raise ValueError(f"{name}: argument 'pixels' holds cross-origin data (a tainted canvas, or an "
                             "image loaded without CORS), which the browser does not let a page read "
                             f"({e.message})") from None
        raise
    return from_values(values[:, :, :channels], "int32")


async def from_pixels_async(pixels, num_channels=3):
    """from_pixels, awaited: tfjs's fromPixelsAsync, which without its WRAP_TO_IMAGEBITMAP flag
    (off by default) is fromPixels."""
    return from_pixels(pixels, num_channels)


# ---- to_pixels and draw ----
def _canvas(canvas, name, required):
    if canvas is None and not required:
        return
    if not isinstance(canvas, JsProxy) or not hasattr(canvas, "getContext"):
        raise TypeError(f"{name}: argument 'canvas' must be an HTMLCanvasElement or OffscreenCanvas, got "
                        f"{type(canvas).__name__}")


@op
def _as_int32(img, name):
    return cast(as_tensor(img, "img", name), "int32")


def _image(img, name):
    """(tensor, made): img as tfjs's toPixels and draw take it (not a tensor: int32), checked."""
    if isinstance(img, Tensor):
        img._check_alive(name)
        x, made = img, False
    else:
        x, made = _as_int32(img, name), True
    try:
        if x.rank not in (2, 3):
            raise ValueError(f"{name}: argument 'img' must have rank 2 or 3, got shape {x.shape}")
        depth = 1 if x.rank == 2 else x.shape[2]
        if depth not in (1, 3, 4):
            raise ValueError(f"{name}: argument 'img' must have 1, 3 or 4 channels (its last dimension), "
                             f"got {depth}")
        if x.dtype not in ("float32", "int32"):
            raise TypeError(f"{name}: argument 'img' must be float32 or int32, got {x.dtype}")
    except BaseException:
        if made:
            x.dispose()
        raise
    return x, made


@op
def _bounds(x):
    """[min, max] of x, NaN left out: tfjs lets NaN through (its byte is 0)."""
    if x.dtype == "float32":
        x = where(is_nan(x), 0.0, x)
    return stack([min_(x), max_(x)])


def _check_range(x, bounds, name):
    top = 1 if x.dtype == "float32" else 255
    low, high = (float(v) for v in bounds)
    if low < 0 or high > top:
        raise ValueError(f"{name}: argument 'img' is {x.dtype}, so its values must be in [0, {top}], got "
                         f"{low if low < 0 else high:g}")


def _round_bytes(x):
    """JavaScript's Math.round(x * 255) of float32 x in [0, 1], exactly (int32): x * 255 rounded
    to float32 can round across a half, so the nearest integer n is corrected by two exact
    tests: x * 256 - (n -/+ 0.5) is exact in float32, and compared with x it says on which
    side of n -/+ 0.5 the exact x * 255 lies. NaN gives 0, as in a Uint8ClampedArray."""
    n = floor(add(mul(x, 255.0), 0.5))
    x256 = mul(x, 256.0)
    n = sub(n, cast(less(sub(x256, sub(n, 0.5)), x), "float32"))
    n = add(n, cast(greater_equal(sub(x256, add(n, 0.5)), x), "float32"))
    return cast(where(is_nan(x), 0.0, n), "int32")


@op
def _rgba(x, alpha):
    """int32 [h, w, 4]: the bytes tfjs writes for x, `alpha` where x has no alpha channel."""
    height, width = x.shape[:2]
    x = reshape(x, [height, width, -1])
    if x.dtype == "float32":
        x = _round_bytes(x)
    depth = x.shape[2]
    if depth == 1:
        x = concat([x, x, x], 2)
    if depth != 4:
        x = concat([x, fill([height, width, 1], alpha, "int32")], 2)
    return x


def _js_bytes(values):
    """Host bytes as a JS Uint8ClampedArray (bytes outside a browser)."""
    values = np.ascontiguousarray(values, np.uint8)
    try:
        import js
    except ImportError:
        return values.tobytes()
    out = js.Uint8ClampedArray.new(values.size)
    out.assign(values)
    return out


async def _values(t, as_bytes, sync, name):
    """t's values, read synchronously or awaited; as_bytes: as a JS Uint8ClampedArray, which the
    webgl backend reads from the texture into JS memory, not through Python."""
    data = t._data
    read = getattr(data.backend, "read_bytes" if sync else "read_bytes_async", None) if as_bytes else None
    if read is not None:
        return read(data.handle, name) if sync else await read(data.handle, name)
    values = t.data_sync() if sync else await t.data()
    return _js_bytes(values) if as_bytes else values


async def _pixels(img, name, alpha, sync):
    """((height, width), RGBA bytes) of img, for to_pixels (awaiting its reads) and draw (sync)."""
    x, made = _image(img, name)
    try:
        if x.size:
            bounds = _bounds(x)
            try:
                _check_range(x, await _values(bounds, False, sync, name), name)
            finally:
                bounds.dispose()
        rgba = _rgba(x, alpha)
        try:
            return x.shape[:2], await _values(rgba, True, sync, name)
        finally:
            rgba.dispose()
    finally:
        if made:
            x.dispose()


def _now(coro):
    """The result of a coroutine that never suspends (all its reads synchronous)."""
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value
    coro.close()
    raise RuntimeError("a synchronous read suspended")


def _put(canvas, pixels, height, width, name, context_type="2d", attributes=None):
    """The bytes drawn into the canvas, resized to the image, with putImageData (as tfjs)."""
    import js
    canvas.width, canvas.height = width, height
    ctx = canvas.getContext(context_type) if attributes is None else canvas.getContext(context_type, attributes)
    if ctx is None:
        raise ValueError(f"{name}: argument 'canvas' gives no '{context_type}' context (it already has a "
                         "context of another kind)")
    if width and height:
        ctx.putImageData(js.ImageData.new(pixels, width, height), 0, 0)


async def to_pixels(img, canvas=None):
    """img's RGBA bytes (rank 2 or 3 with 1, 3 or 4 channels; int32 0..255 or float32 0..1) as a
    Uint8ClampedArray (bytes outside a browser), also drawn into canvas when given."""
    _canvas(canvas, "to_pixels", False)
    (height, width), pixels = await _pixels(img, "to_pixels", 255, sync=False)
    if canvas is not None:
        _put(canvas, pixels, height, width, "to_pixels")
    return pixels


def _option(options, *names):
    """options[name] under its tfjs (camelCase) or snake_case name; None when absent."""
    return next((options[n] for n in names if options.get(n) is not None), None)


def draw(image, canvas, options=None):
    """Draw image (as to_pixels takes it) into canvas; options: tfjs's DrawOptions (a dict with
    camelCase or snake_case keys, or a JS object)."""
    # image_options {alpha: the opacity of images without an alpha channel, 0..1},
    # context_options {context_type: only '2d', as tfjs's cpu backend; context_attributes}
    name = "draw"
    _canvas(canvas, name, True)
    options = options.to_py() if isinstance(options, JsProxy) else options or {}
    if not isinstance(options, dict):
        raise TypeError(f"{name}: argument 'options' must be a dict (tfjs's DrawOptions), got {type(options).__name__}")
    image_options = _option(options, "imageOptions", "image_options") or {}
    context_options = _option(options, "contextOptions", "context_options") or {}
    alpha = _option(image_options, "alpha") or 1  # tfjs's `alpha || 1`: 0 is 1 too
    if not isinstance(alpha, (int, float)) or isinstance(alpha, bool) or not 0 <= alpha <= 1:
        raise ValueError(f"{name}: image_options alpha must be a number in [0, 1], got {alpha!r}")
    context_type = _option(context_options, "contextType", "context_type") or "2d"
    if context_type != "2d":
        raise ValueError(f"{name}: context_options context_type must be '2d', got {context_type!r}")
    attributes = _option(context_options, "contextAttributes", "context_attributes")
    if attributes is not None:
        import js
        from pyodide.ffi import to_js
        attributes = to_js(attributes, dict_converter=js.Object.fromEntries)
    (height, width), pixels = _now(_pixels(image, name, math.floor(255 * alpha + 0.5), sync=True))
    _put(canvas, pixels, height, width, name, context_type, attributes)

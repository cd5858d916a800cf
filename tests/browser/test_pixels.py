"""wt.browser (from_pixels, from_pixels_async, to_pixels, draw) against TensorFlow.js 4.22's
tf.browser in the same page, on both webtensor backends; tfjs runs on its cpu backend.

The image: random RGBA pixels with transparent and semi-transparent ones, as a canvas, an
ImageData, a {data, width, height} object (JS and Python), an <img> of the canvas's PNG, an
ImageBitmap, an OffscreenCanvas and a <video> playing the canvas's captureStream(). Values are
compared exactly. Where tfjs's own backends disagree, each webtensor backend is held to the
matching one: tfjs's cpu backend draws an <img>, a <video> and an ImageBitmap into a 2-D
canvas to read them, whose premultiplied storage rounds semi-transparent pixels (the cpu
backend does the same); the webgl backend, as tfjs's for an ImageBitmap, uploads the element
itself (texImage2D, unpremultiplied, no colour conversion) and so keeps the source's own bytes:
tested on a PNG and a bitmap of the exact random pixels. A canvas holds only values that survive
its premultiplication, so its PNG and everything made from it agree everywhere.
"""
import pytest

from webtensor.host.server import LoopbackServer

from .test_layers_vs_tfjs import BACKENDS, run, tfjs  # noqa: F401 (the page with tfjs)

pytestmark = pytest.mark.browser

PNG = r'''
import struct
import zlib


def png(px):
    """An RGBA PNG of uint8 pixels [h, w, 4], written as they are."""
    h, w, _ = px.shape
    raw = b"".join(b"\0" + px[y].tobytes() for y in range(h))
    chunk = lambda kind, data: (struct.pack(">I", len(data)) + kind + data
                                + struct.pack(">I", zlib.crc32(kind + data)))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
'''

PAGE = PNG + r'''
import base64
import contextlib
from pyodide.ffi import JsException

H, W = 5, 7
rng = np.random.default_rng(7)
PX = rng.integers(0, 256, size=(H, W, 4)).astype(np.uint8)
PX[0, :, 3] = [0, 1, 2, 3, 128, 254, 255]  # transparent and semi-transparent pixels
PX[1, :, 3] = rng.integers(1, 255, W)
EXACT = obj({"premultiplyAlpha": "none", "colorSpaceConversion": "none"})


def clamped(a):
    out = js.Uint8ClampedArray.new(a.size)
    out.assign(np.ascontiguousarray(a, np.uint8).ravel())
    return out


def canvas(px=PX):
    c = js.document.createElement("canvas")
    c.width, c.height = px.shape[1], px.shape[0]
    c.getContext("2d").putImageData(js.ImageData.new(clamped(px), px.shape[1], px.shape[0]), 0, 0)
    return c


def read(c):
    return np.frombuffer(c.getContext("2d").getImageData(0, 0, c.width, c.height).data.to_bytes(),
                         np.uint8).reshape(c.height, c.width, 4)


async def image(url):
    img = js.document.createElement("img")
    img.src = url
    await img.decode()
    return img


def wt_pixels(source, channels=3):
    t = wt.browser.from_pixels(source, channels)
    assert t.dtype == "int32" and t.shape == (t.shape[0], t.shape[1], channels), (t.dtype, t.shape)
    try:
        return t.numpy()
    finally:
        t.dispose()


def tf_pixels(source, channels):
    t = tf.browser.fromPixels(source, channels)
    try:
        return from_tf(t)
    finally:
        t.dispose()


def same(got, want, what):
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape}, expected {want.shape}"
    bad = got != want
    assert not bad.any(), f"{what}: {int(bad.sum())} values differ; first at {np.argwhere(bad)[0].tolist()}: " \
        f"{got[bad][0]} vs {want[bad][0]}"


@contextlib.contextmanager
def every_op_on_the_device():
    """webgl: no op runs on the host, however small (restored after)."""
    b = wt.backend()
    old = getattr(b, "forward_size", None)
    if old is not None:
        b.forward_size = 0
    try:
        yield
    finally:
        if old is not None:
            b.forward_size = old


def usage():
    m = wt.memory()
    return m.num_tensors, m.num_textures


def raises(f, *needles):
    """f() raises ValueError or TypeError whose message holds every needle."""
    try:
        f()
    except (ValueError, TypeError) as e:
        assert all(n in str(e) for n in needles), (needles, str(e))
        return str(e)
    raise AssertionError(f"no error, expected one with {needles}")


async def raises_async(coroutine, *needles):
    try:
        await coroutine
    except (ValueError, TypeError) as e:
        assert all(n in str(e) for n in needles), (needles, str(e))
        return str(e)
    raise AssertionError(f"no error, expected one with {needles}")
'''

FROM_PIXELS = r'''
c = canvas()
seen = read(c)  # what the canvas holds: its premultiplied storage rounded PX's translucent pixels
opaque = PX[:, :, 3] == 255
assert (seen != PX).any() and (seen[opaque] == PX[opaque]).all()
pd = js.Object.new()
pd.data, pd.width, pd.height = js.Uint8Array.new(clamped(PX).buffer), W, H
off = js.OffscreenCanvas.new(W, H)
off.getContext("2d").putImageData(js.ImageData.new(clamped(PX), W, H), 0, 0)
video = js.document.createElement("video")
video.muted, video.srcObject = True, c.captureStream()
await video.play()
for _ in range(100):
    if video.readyState >= 2:
        break
    await wt.next_frame()
assert video.readyState >= 2 and video.videoWidth == W, (video.readyState, video.videoWidth)
exact_png = await image("data:image/png;base64," + base64.b64encode(png(PX)).decode())
as_tfjs = {  # sources that tfjs (on its cpu backend) reads as both webtensor backends do
    "canvas": c, "offscreen canvas": off, "ImageData": js.ImageData.new(clamped(PX), W, H),
    "{data: Uint8Array, width, height}": pd, "img of the canvas's PNG": await image(c.toDataURL("image/png")),
    "ImageBitmap of the canvas": await js.createImageBitmap(c, EXACT), "video": video,
}
own_bytes = {  # sources of the exact pixels: their own bytes, as uploaded (webgl); tfjs's on cpu
    "img of PX's PNG": exact_png,
    "ImageBitmap of PX": await js.createImageBitmap(js.ImageData.new(clamped(PX), W, H), EXACT),
}
before = usage()
with every_op_on_the_device():
    for channels in (1, 2, 3, 4):
        for what, source in as_tfjs.items():
            same(wt_pixels(source, channels), tf_pixels(source, channels), f"{what}, {channels}")
        for what, source in own_bytes.items():
            want = PX[:, :, :channels] if wt.get_backend() == "webgl" else tf_pixels(source, channels)
            same(wt_pixels(source, channels), want, f"{what}, {channels}")
        same(wt_pixels({"data": PX.tobytes(), "width": W, "height": H}, channels), PX[:, :, :channels],
             f"a dict of bytes, {channels}")
    same(wt_pixels(c), tf_pixels(c, 3), "num_channels=3 by default")
    t = await wt.browser.from_pixels_async(exact_png, 4)
    same(t.numpy(), wt_pixels(exact_png, 4), "from_pixels_async")
    t.dispose()
    # an <img> shown at another size is scaled to it, as tfjs does
    exact_png.width, exact_png.height = 3, 2
    same(wt_pixels(exact_png, 4), tf_pixels(exact_png, 4), "img shown at 3x2")
    if wt.get_backend() == "webgl":  # the element went straight into a texture, not through the host
        t = wt.browser.from_pixels(exact_png, 4)
        assert t._data.handle.host is None and t._data.handle.texture is not None
        t.dispose()
# nothing left: no tensor, and (the texture pool filled by the first uploads) no texture
after = usage()
for source in list(as_tfjs.values()) + list(own_bytes.values()):
    wt_pixels(source, 4)
assert usage() == after and after[0] == before[0], (usage(), after, before)
for track in video.srcObject.getTracks():
    track.stop()
print("tensors", wt.memory().num_tensors - before[0])
'''

TO_PIXELS = r'''
edges = np.array([(k + 0.5) / 255 for k in range(255)], np.float32)  # x * 255 near a half: rounding's edge
edges = np.concatenate([edges, np.nextafter(edges, np.float32(0)), [0.0, 1.0, np.nan]]).astype(np.float32)  # NaN: 0
cases = {"edges": edges.reshape(-1, 1, 1)}
for depth in (None, 1, 3, 4):
    shape = (3, 5) if depth is None else (3, 5, depth)
    cases[f"int32 {shape}"] = rng.integers(0, 256, shape).astype(np.int32)
    cases[f"float32 {shape}"] = rng.random(shape).astype(np.float32)
with every_op_on_the_device():
    before = usage()
    for what, a in cases.items():
        want = (await tf.browser.toPixels(to_tf(a))).to_bytes()
        x = wt.tensor(a)
        got = await wt.browser.to_pixels(x)
        assert str(got.constructor.name) == "Uint8ClampedArray", got.constructor.name
        assert got.to_bytes() == want, what
        # drawn into a canvas: compared where tfjs's canvas holds the same (opaque pixels)
        mine, theirs = js.document.createElement("canvas"), js.document.createElement("canvas")
        assert (await wt.browser.to_pixels(x, mine)).to_bytes() == want, what
        await tf.browser.toPixels(to_tf(a), theirs)
        same(read(mine), read(theirs), f"{what} in a canvas")
        for alpha in (None, 0.5, 0):
            opts = {} if alpha is None else {"imageOptions": {"alpha": alpha}}
            mine, theirs = js.document.createElement("canvas"), js.document.createElement("canvas")
            wt.browser.draw(x, mine, {"image_options": {"alpha": alpha}} if alpha is not None else None)
            tf.browser.draw(to_tf(a), theirs, obj(opts))
            same(read(mine), read(theirs), f"{what} drawn, alpha {alpha}")
        x.dispose()
    lists = [[[1, 2, 3], [250, 0, 9]]]  # not a tensor: int32, as tfjs
    assert (await wt.browser.to_pixels(lists)).to_bytes() == (await tf.browser.toPixels(obj(lists))).to_bytes()
    mine, theirs = js.document.createElement("canvas"), js.document.createElement("canvas")
    x = wt.tensor(cases["float32 (3, 5, 3)"])
    wt.browser.draw(x, mine, obj({"imageOptions": {"alpha": 0.25}}))
    x.dispose()
    tf.browser.draw(to_tf(cases["float32 (3, 5, 3)"]), theirs, obj({"imageOptions": {"alpha": 0.25}}))
    same(read(mine), read(theirs), "options as a JS object")
    # a round trip: to_pixels's bytes, read back by from_pixels
    x = wt.tensor(PX.astype(np.int32))
    back = wt_pixels({"data": (await wt.browser.to_pixels(x)).to_bytes(), "width": W, "height": H}, 4)
    same(back, PX, "round trip")
    x.dispose()
    if wt.get_backend() == "webgl":  # what comes into Python: [min, max] (the range check), not the pixels
        b, sizes = wt.backend(), []
        for method in ("read", "read_async"):
            setattr(b, method, (lambda f: lambda a, dtype: sizes.append(a.size) or f(a, dtype))(getattr(b, method)))
        try:
            x = wt.tensor(cases["float32 (3, 5, 4)"])
            await wt.browser.to_pixels(x, js.document.createElement("canvas"))
            wt.browser.draw(x, js.document.createElement("canvas"))
            x.dispose()
        finally:
            del b.read, b.read_async
        assert sizes == [2, 2], sizes
print("tensors", wt.memory().num_tensors - before[0])
'''

ERRORS = r'''
def from_pixels_errors():
    div = js.document.createElement("div")
    blank = js.document.createElement("img")
    empty = js.document.createElement("canvas")
    empty.width = 0
    short = obj({"data": js.Uint8Array.new(3), "width": 1, "height": 1})
    for pixels, needles in [(None, ["got None"]), (js.Object.new(), ["got Object"]), (div, ["got HTMLDivElement"]),
                            (3, ["got int"]), ("img", ["got str"]),
                            ({"width": 1, "height": 1}, ["'data' of RGBA bytes"]),
                            ({"data": b"12", "width": 1, "height": 1}, ["has 2 bytes"]), (short, ["has 3 bytes"]),
                            ({"data": b"", "width": -1, "height": 0}, ["'width' and 'height'"]),
                            (blank, ["image that has not loaded", "decode()"]), (broken, ["has not loaded"]),
                            (js.document.createElement("video"), ["video with no frame yet"]),
                            (empty, ["has no pixels (width 0"]),
                            (tainted_canvas, ["cross-origin"]), (foreign, ["cross-origin"])]:
        raises(lambda: wt.browser.from_pixels(pixels), "from_pixels: argument 'pixels'", *needles)
    for channels in (0, 5, 2.5, True, "3"):
        raises(lambda: wt.browser.from_pixels(c, channels),
               "from_pixels: argument 'num_channels' must be an int in 1..4")
    same(wt_pixels(clean, 4), tf_pixels(clean, 4), "a clean image after a tainted one")


async def to_pixels_errors():
    floats = wt.tensor(np.full((2, 2), 0.5, np.float32))
    gone = wt.tensor([[1, 2]], dtype="int32")
    gone.dispose()
    arg = "argument 'img' "
    for img, needles in [(wt.zeros([3]), [arg + "must have rank 2 or 3, got shape (3,)"]),
                         (wt.zeros([1, 1, 1, 1]), [arg, "rank 2 or 3"]),
                         (wt.zeros([2, 2, 2]), [arg + "must have 1, 3 or 4 channels", "got 2"]),
                         (wt.zeros([2, 2, 5]), [arg, "got 5"]),
                         (wt.tensor([[True]]), [arg + "must be float32 or int32, got bool"]),
                         (wt.tensor([[0.5, 1.5]]), [arg + "is float32, so its values must be in [0, 1], got 1.5"]),
                         (wt.tensor([[-0.25, np.nan]]), [arg, "got -0.25"]),
                         (wt.tensor([[0, 256]], dtype="int32"),
                          [arg + "is int32, so its values must be in [0, 255], got 256"]),
                         (wt.tensor([[-1]], dtype="int32"), [arg, "got -1"]), (gone, ["is disposed"])]:
        await raises_async(wt.browser.to_pixels(img), "to_pixels: ", *needles)
        raises(lambda: wt.browser.draw(img, js.document.createElement("canvas")), "draw: ", *needles)
        if img is not gone:
            img.dispose()
    await raises_async(wt.browser.to_pixels(floats, "canvas"), "to_pixels: argument 'canvas'")
    await raises_async(wt.browser.to_pixels(floats, webgl_canvas), "to_pixels: argument 'canvas' gives no '2d' context")
    raises(lambda: wt.browser.draw(floats, None), "draw: argument 'canvas'")
    raises(lambda: wt.browser.draw(floats, c, {"image_options": {"alpha": 1.5}}), "draw: image_options alpha", "1.5")
    raises(lambda: wt.browser.draw(floats, c, {"contextOptions": {"contextType": "webgl"}}), "draw:", "'2d'")
    raises(lambda: wt.browser.draw(floats, c, 3), "draw: argument 'options'")
    floats.dispose()


c = canvas()
webgl_canvas = js.document.createElement("canvas")
webgl_canvas.getContext("webgl2")
clean = await image(c.toDataURL("image/png"))
foreign = await image(FOREIGN)  # another origin, no CORS: drawing it taints a canvas
tainted_canvas = canvas()
tainted_canvas.getContext("2d").drawImage(foreign, 0, 0)
broken = js.document.createElement("img")
broken.src = "data:image/png;base64,AAAA"
try:
    await broken.decode()
except JsException:
    pass
with every_op_on_the_device():
    from_pixels_errors()  # once to fill the texture pool, then nothing may be left
    await to_pixels_errors()
    before = usage()
    from_pixels_errors()
    await to_pixels_errors()
    assert usage() == before, f"(tensors, textures) {usage()}, before {before}"
print(raises(lambda: wt.browser.from_pixels(foreign), "cross-origin"))
'''


@pytest.fixture(scope="module")
def foreign_image(tmp_path_factory):
    """A PNG served from another origin (this server's port), without CORS headers."""
    import numpy as np
    ns = {}
    exec(PNG, ns)
    folder = tmp_path_factory.mktemp("foreign")
    (folder / "foreign.png").write_bytes(ns["png"](np.full((5, 7, 4), 200, np.uint8)))
    with LoopbackServer({"/": folder}) as srv:
        yield srv.url + "foreign.png"


@pytest.mark.parametrize("backend", BACKENDS)
def test_from_pixels_matches_tfjs(tfjs, backend):
    out = run(tfjs, PAGE + FROM_PIXELS, backend, name=f"from_pixels_{backend}.py")
    assert "tensors 0" in out, out


@pytest.mark.parametrize("backend", BACKENDS)
def test_to_pixels_and_draw_match_tfjs(tfjs, backend):
    out = run(tfjs, PAGE + TO_PIXELS, backend, name=f"to_pixels_{backend}.py")
    assert "tensors 0" in out, out


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_input_names_the_op_and_argument_and_leaks_nothing(tfjs, backend, foreign_image):
    body = PAGE + f"FOREIGN = {foreign_image!r}\n" + ERRORS
    out = run(tfjs, body, backend, name=f"pixels_errors_{backend}.py")
    assert "from_pixels: argument 'pixels' holds cross-origin data" in out, out


IN_WORKER = r'''
import js
import numpy as np
from pyodide.ffi import to_js
import webtensor as wt

H, W = 3, 4
px = np.random.default_rng(2).integers(0, 256, size=(H, W, 4)).astype(np.uint8)
px[0, :, 3] = [0, 3, 128, 254]
def clamped(a):
    out = js.Uint8ClampedArray.new(a.size)
    out.assign(a.ravel())
    return out
def read(c):
    return np.frombuffer(c.getContext("2d").getImageData(0, 0, W, H).data.to_bytes(), np.uint8).reshape(H, W, 4)
def pixels(source):
    t = wt.browser.from_pixels(source, 4)
    values = t.numpy()
    t.dispose()
    return values
off = js.OffscreenCanvas.new(W, H)
off.getContext("2d").putImageData(js.ImageData.new(clamped(px), W, H), 0, 0)
exact = to_js({"premultiplyAlpha": "none", "colorSpaceConversion": "none"}, dict_converter=js.Object.fromEntries)
bitmap = await js.createImageBitmap(js.ImageData.new(clamped(px), W, H), exact)
drawn = js.OffscreenCanvas.new(W, H)
drawn.getContext("2d").drawImage(bitmap, 0, 0)  # what a 2-D canvas makes of it (tfjs's cpu backend)
for backend in ("webgl", "cpu"):
    wt.set_backend(backend)
    got = pixels(off)
    assert (got == read(off)).all(), (backend, got.tolist())
    got = pixels(bitmap)
    want = px if backend == "webgl" else read(drawn)
    assert (got == want).all(), (backend, got.tolist(), want.tolist())
    x = wt.tensor(px[:, :, :3].astype(np.int32))
    out = js.OffscreenCanvas.new(1, 1)
    rgba = np.concatenate([px[:, :, :3], np.full((H, W, 1), 255, np.uint8)], 2)
    assert (await wt.browser.to_pixels(x, out)).to_bytes() == rgba.tobytes() and (out.width, out.height) == (W, H)
    assert (read(out) == rgba).all()
    x.dispose()
    print(backend, "ok", wt.memory().num_tensors)
'''


@pytest.fixture(scope="module")
def worker(chromium, server, wheel_urls):
    from webtensor.host import browser
    session = browser.PyodideSession(chromium, server.url, wheel_urls, worker=True)
    yield session
    session.close()


def test_offscreen_canvas_and_image_bitmap_in_a_worker(worker):
    out = worker.run(IN_WORKER, filename="pixels_in_worker.py").check().stdout
    assert out.splitlines() == ["webgl ok 0", "cpu ok 0"], out

"""The camera page's loop (web/camera.html): each frame of the camera, or of a dropped picture,
goes from the <video> or <img> straight into a texture (wt.browser.from_pixels), is resized to
the model's input, runs through the pretrained graph model, and its result is read (awaited)
and handed to camera.js, which draws it over the frame.

Run by camera.js with Pyodide's runPythonAsync, so it may await. Each frame's tensors are made
in a tidy and the one output kept is disposed once read: the tensor and texture counts shown on
the page stay flat however long it runs.
"""
import numpy as np
from js import Object, wtCamera
from pyodide.ffi import to_js

import webtensor as wt


def movenet_input(frame, side=192):
    """int32 [1, side, side, 3]: the frame fitted into the square and padded around, as
    @vladmandic/human's movenet does; and (scale, top, left) to map keypoints back."""
    height, width = frame.shape[:2]
    scale = side / max(height, width)
    h, w = round(height * scale), round(width * scale)
    top, left = (side - h) // 2, (side - w) // 2
    x = wt.image.resize_bilinear(frame, [h, w])
    x = wt.pad(x, [[top, side - h - top], [left, side - w - left], [0, 0]])
    return wt.cast(x, "int32")[None], (scale, top, left)


def movenet_result(values, fit):
    """MoveNet's [1, 1, 17, 3] of (y, x, score), normalized to its input: keypoints in the
    frame's pixels."""
    scale, top, left = fit
    side = 192
    y, x, score = values.reshape(17, 3).T
    points = np.stack([(x * side - left) / scale, (y * side - top) / scale, score], 1)
    return {"kind": "pose", "points": points.tolist()}


def emotion_input(frame, side=64):
    """float32 [1, side, side, 1] of the frame's middle square in gray, in [-1, 1] (as human's
    emotion, which takes a face crop); and the square, in the frame's pixels. Resized first,
    then cut: resizing the whole frame to a small size is cheaper than cutting it first."""
    height, width = frame.shape[:2]
    h, w = (side, round(side * width / height)) if width >= height else (round(side * height / width), side)
    top, left = (h - side) // 2, (w - side) // 2
    small = wt.image.resize_bilinear(frame, [h, w])[top:top + side, left:left + side]
    gray = wt.image.rgb_to_grayscale(small)
    sy, sx = height / h, width / w
    return ((gray / 255 - 0.5) * 2)[None], [left * sx, top * sy, side * sx, side * sy]


def emotion_result(values, box):
    return {"kind": "emotion", "probs": values.reshape(-1).tolist(), "box": box}


MODELS = {  # the page's ?model=: file in /models/, input, result
    "movenet": ("movenet-lightning.json", movenet_input, movenet_result),
    "emotion": ("emotion.json", emotion_input, emotion_result),
}


def use_webgl():
    try:
        wt.set_backend("webgl")
    except Exception as e:  # no WebGL2 here: the CPU, and the page says why
        wt.set_backend("cpu")
        return f"cpu (no webgl: {e})"
    return "webgl"


wtCamera.setBackend(use_webgl())
file, prepare, result = MODELS[wtCamera.model]
wtCamera.setStatus(f"loading {file}…")
model = await wt.load_graph_model(wtCamera.modelsURL + file)  # noqa: F704
wtCamera.setStatus("waiting for the camera or a picture…")

while not wtCamera.maxFrames or wtCamera.frames < wtCamera.maxFrames:
    source = await wtCamera.nextSource()  # noqa: F704  (lets the page paint between frames)
    wtCamera.setStatus(f"running on the {wtCamera.source}")
    with wt.tidy():
        frame = wt.browser.from_pixels(source)
        height, width = frame.shape[:2]
        x, fit = prepare(frame)
        output = wt.keep(model.predict(x))
    try:
        values = await output.data()  # noqa: F704
    finally:
        output.dispose()
    memory = wt.memory()
    shown = {**result(values, fit), "size": [width, height]}  # the frame's
    wtCamera.frame(to_js(shown, dict_converter=Object.fromEntries),
                   memory.num_tensors, memory.num_textures)

model.dispose()
wtCamera.finish()

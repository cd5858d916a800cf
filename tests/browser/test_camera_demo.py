"""web/camera.html on Chromium's fake camera: 100 frames through the pretrained model on webgl,
no page error, and the tensor and texture counts flat from frame 10 to frame 100.

The page's faster model is used: on SwiftShader (a CPU pretending to be a GPU) MoveNet runs at
0.3 to 0.6 frames per second, 100 frames in 3 to 6 minutes; the emotion model at 1 to 3.
WEBTENSOR_CAMERA_MODEL=movenet runs the default one (on a real GPU)."""
import os
import sys
import time

import pytest

from webtensor.host import browser, paths

pytestmark = pytest.mark.browser

FRAMES = 100
MODEL = os.environ.get("WEBTENSOR_CAMERA_MODEL", "emotion")  # the page's ?model=
FAKE_CAMERA = ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]


@pytest.fixture(scope="module")
def camera_browser(runtime):
    sys.path.insert(0, str(paths.ROOT))
    from benchmarks import tfjs_dist
    tfjs_dist.ensure(package="@vladmandic/human")  # the models, served at /models/
    with browser.Chromium(args=FAKE_CAMERA) as c:
        yield c


def test_camera_page_runs_the_model_on_the_fake_camera(camera_browser, server):
    context = camera_browser.browser.new_context(permissions=["camera"])
    page = context.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    try:
        start = time.perf_counter()
        page.goto(f"{server.url}camera.html?model={MODEL}&frames={FRAMES}")
        page.wait_for_function("() => window.wtCamera && (wtCamera.done || wtCamera.error)",
                               timeout=300_000, polling=500)
        seconds = time.perf_counter() - start
        state = page.evaluate("() => ({...wtCamera, element: null, times: null})")
        paths.ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(paths.ARTIFACTS / "camera_demo.png"), full_page=True)
        print(f"camera demo: {state['frames']} frames of {MODEL} on {state['backend']}, "
              f"{state['fps']:.2f} frames/s at the end, {seconds:.0f} s in all")
        assert state["error"] is None, state["error"]
        assert page.is_hidden("#error")
        assert problems == []
        assert state["source"] == "camera" and state["backend"] == "webgl"
        assert state["frames"] == FRAMES and state["fps"] > 0
        counts = {h["frame"]: h for h in state["history"]}
        at10, at100 = counts[10], counts[FRAMES]
        assert at100["tensors"] <= at10["tensors"], (at10, at100)
        assert at100["textures"] <= at10["textures"], (at10, at100)
        assert at10["textures"] > 0  # the model's weights, on the GPU
        drawn = page.evaluate("""() => { const c = document.getElementById('overlay'),
            v = document.getElementById('video'); return [c.width, c.height, v.videoWidth, v.videoHeight]; }""")
        assert drawn[:2] == drawn[2:] and drawn[0] > 0, drawn  # the overlay matches the frame
    finally:
        context.close()

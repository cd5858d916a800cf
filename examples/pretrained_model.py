"""Run pretrained TensorFlow.js graph models: face detection (BlazeFace) and facial emotion.

The models are the npm package @vladmandic/human's (`webtensor setup` fetches and verifies
it). The picture is drawn here: a bright oval "face" with two dark eyes and a mouth on a
noisy background. The same script runs in CPython and in the browser:
    python examples/pretrained_model.py
    webtensor run examples/pretrained_model.py [--backend webgl|cpu]
It prints the backend, each model's inputs and outputs, the strongest face-detection score
(before and after blanking the face out), the emotion probabilities, the time per run, and
how many tensors it left behind (none).
"""
import asyncio
import sys
import time

import numpy as np

import webtensor as wt

EMOTIONS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"]


def models_url():
    if sys.platform == "emscripten":
        return "/models/"  # the page's server mounts the models here
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from benchmarks import tfjs_dist  # fetches them on first use
    return str(tfjs_dist.ensure(package="@vladmandic/human") / "models") + "/"


def picture(size=256, face=True, seed=0):
    """An RGB picture in [0, 1]: noise, and a face-like drawing in the middle."""
    rng = np.random.default_rng(seed)
    img = rng.uniform(0.0, 0.3, (size, size, 3))
    if face:
        y, x = np.mgrid[:size, :size] / size
        skin = ((x - 0.5) / 0.22) ** 2 + ((y - 0.5) / 0.3) ** 2 < 1
        img[skin] = [0.9, 0.75, 0.65]
        for ex in (0.41, 0.59):  # eyes
            img[((x - ex) / 0.04) ** 2 + ((y - 0.43) / 0.025) ** 2 < 1] = 0.1
        img[(abs(x - 0.5) < 0.08) & (abs(y - 0.65) < 0.015)] = [0.5, 0.1, 0.1]  # mouth
    return img.astype(np.float32)


def timed(model, x, runs=3):
    wt.dispose(model.predict(x))  # warm-up: kernels compile on first use
    start = time.perf_counter()
    for _ in range(runs):
        out = model.predict(x)
        [o.data_sync() for o in (out if isinstance(out, list) else [out])]
        wt.dispose(out)
    return (time.perf_counter() - start) / runs * 1000


async def main():
    start = wt.memory().num_tensors
    base = models_url()
    print(f"backend: {wt.get_backend()}")
    detector = await wt.load_graph_model(base + "blazeface.json")
    print("blazeface inputs:", detector.inputs, "outputs:", detector.output_nodes)
    scores = []
    for face in (True, False):
        with wt.tidy():  # frees the input, the outputs and the scores' tensors
            outputs = detector.predict(picture(face=face)[None] * 2 - 1)  # BlazeFace reads [-1, 1]
            # the anchors' logits are the outputs of shape [1, anchors, 1]
            scores.append(max(wt.sigmoid(t).max().item() for t in outputs if t.shape[-1] == 1))
    print(f"strongest face score: {scores[0]:.3f} with the face, {scores[1]:.3f} without")
    x = wt.tensor(picture()[None] * 2 - 1)
    print(f"blazeface: {timed(detector, x):.1f} ms per run")
    wt.dispose(x)
    detector.dispose()

    emotion = await wt.load_graph_model(base + "emotion.json")
    gray = wt.tidy(lambda: wt.image.rgb_to_grayscale(wt.image.resize_bilinear(picture()[None], [64, 64])))
    with wt.tidy():
        probs = emotion.predict(gray).numpy()[0]
    ranked = sorted(zip(probs, EMOTIONS), reverse=True)
    print("emotion:", ", ".join(f"{name} {p:.2f}" for p, name in ranked[:3]))
    assert abs(probs.sum() - 1) < 1e-3, "emotion probabilities do not sum to 1"
    print(f"emotion: {timed(emotion, gray):.1f} ms per run")
    wt.dispose(gray)
    emotion.dispose()
    print(f"tensors left: {wt.memory().num_tensors - start}")


asyncio.run(main())

// The camera page: the frame source (the camera, or a dropped picture) and the overlay. Loads
// Pyodide and webtensor as app.js does, then runs camera.py, which runs the model on each frame
// and reports back through window.wtCamera.
//
// Query parameters: ?model=movenet (pose, the default) or emotion (smaller and faster),
// ?frames=N to stop after N frames (the tests), and sources.js's ?pyodide=URL&wheel=URL.
import { loadWebtensor } from "./sources.js";

const $ = (id) => document.getElementById(id);
const query = new URLSearchParams(location.search);

const MODEL_NAMES = { movenet: "MoveNet Lightning (17 body keypoints)",
                      emotion: "emotion classifier, on the middle of the frame" };
const HISTORY = 1000;  // memory counts kept for the last this many frames (bounded: nothing grows)
const FPS_WINDOW = 30;  // frames per second over the last this many frames

// The page state camera.py reports into; tests read it too.
const state = (window.wtCamera = {
  model: MODEL_NAMES[query.get("model")] ? query.get("model") : "movenet",
  modelsURL: new URL("models/", location.href).href,  // `webtensor serve` mounts the models here
  maxFrames: Number(query.get("frames")) || 0,  // 0: run until the page closes
  frames: 0, fps: 0, backend: null, source: null, done: false, error: null,
  history: [],  // {frame, tensors, textures} after each frame
  element: null,  // what frames are taken from: the <video>, or the picture's ImageBitmap
  times: [],
});
$("model-name").textContent = MODEL_NAMES[state.model];

function setSource(element, name) {
  state.element = element;
  state.source = name;
  $("source").textContent = name;
  $("video").hidden = element !== $("video");
  $("picture").hidden = element === $("video");
  $("drop-hint").hidden = true;
}

async function startCamera() {
  const video = $("video");
  try {
    video.srcObject = await navigator.mediaDevices.getUserMedia(
      { video: { width: 640, height: 480 }, audio: false });
  } catch (e) {  // none, or refused: a dropped picture still works
    $("source").textContent = `no camera (${e.name || e}): drop a picture`;
    return;
  }
  await new Promise((done) => (video.readyState >= 2 ? done() : video.addEventListener("loadeddata", done, { once: true })));
  if (!state.element) setSource(video, "camera");
}

async function usePicture(file) {
  if (!file || !file.type.startsWith("image/")) return;
  const img = $("picture");
  if (img.src) URL.revokeObjectURL(img.src);
  img.src = URL.createObjectURL(file);
  await img.decode();
  // Frames come from a bitmap at the picture's own size: the <img>'s width is the shown one
  const bitmap = await createImageBitmap(img);
  if (state.element instanceof ImageBitmap) state.element.close();
  const stream = $("video").srcObject;
  if (stream) stream.getTracks().forEach((t) => t.stop());  // the picture replaces the camera
  $("video").srcObject = null;
  setSource(bitmap, `picture (${file.name}, ${img.naturalWidth}×${img.naturalHeight})`);
}

const stage = $("stage");
stage.addEventListener("dragover", (e) => { e.preventDefault(); stage.classList.add("dragging"); });
stage.addEventListener("dragleave", () => stage.classList.remove("dragging"));
stage.addEventListener("drop", (e) => {
  e.preventDefault();
  stage.classList.remove("dragging");
  usePicture(e.dataTransfer.files[0]).catch(fail);
});
$("file").addEventListener("change", (e) => usePicture(e.target.files[0]).catch(fail));

// ---- the overlay ----
const BONES = [[5, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [6, 12], [11, 12], [11, 13],
               [13, 15], [12, 14], [14, 16], [0, 1], [0, 2], [1, 3], [2, 4]];  // MoveNet's 17 points
const EMOTIONS = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];
const MIN_SCORE = 0.3;  // keypoints below this are drawn faint, bones between them not at all

function drawPose(ctx, points) {  // points: [x, y, score] in the frame's pixels
  const unit = ctx.canvas.width / 320;
  ctx.lineWidth = 3 * unit;
  ctx.strokeStyle = "rgba(37, 99, 235, 0.9)";
  for (const [a, b] of BONES) {
    if (points[a][2] < MIN_SCORE || points[b][2] < MIN_SCORE) continue;
    ctx.beginPath();
    ctx.moveTo(points[a][0], points[a][1]);
    ctx.lineTo(points[b][0], points[b][1]);
    ctx.stroke();
  }
  for (const [x, y, score] of points) {
    ctx.fillStyle = score < MIN_SCORE ? "rgba(255, 255, 255, 0.35)" : "rgba(220, 38, 38, 0.95)";
    ctx.beginPath();
    ctx.arc(x, y, 3 * unit, 0, 2 * Math.PI);
    ctx.fill();
  }
  const best = Math.max(...points.map((p) => p[2]));
  label(ctx, `best keypoint score ${best.toFixed(2)}`, 0);
}

function drawEmotion(ctx, probs, [x, y, w, h]) {  // the probabilities, and the square they are of
  const unit = ctx.canvas.width / 320;
  ctx.lineWidth = 2 * unit;
  ctx.strokeStyle = "rgba(37, 99, 235, 0.9)";
  ctx.strokeRect(x, y, w, h);
  ctx.fillStyle = "rgba(0, 0, 0, 0.35)";  // the legend's panel
  ctx.fillRect(0, 0, 150 * unit, (16 + probs.length * 12) * unit);
  label(ctx, "emotion of the square", 0);
  probs.forEach((p, i) => {  // a bar of 80 units for 1, its name on its right
    ctx.fillStyle = "rgba(255, 255, 255, 0.2)";
    ctx.fillRect(4 * unit, (16 + i * 12) * unit, 80 * unit, 8 * unit);
    ctx.fillStyle = "rgba(96, 165, 250, 0.95)";
    ctx.fillRect(4 * unit, (16 + i * 12) * unit, p * 80 * unit, 8 * unit);
    label(ctx, `${EMOTIONS[i]} ${p.toFixed(2)}`, i + 1, 88);
  });
}

function label(ctx, text, row, left = 4) {
  const unit = ctx.canvas.width / 320;
  ctx.font = `${9 * unit}px system-ui`;
  ctx.fillStyle = "#fff";
  ctx.strokeStyle = "rgba(0, 0, 0, 0.7)";
  ctx.lineWidth = 2 * unit;
  ctx.strokeText(text, left * unit, (12 + row * 12) * unit);
  ctx.fillText(text, left * unit, (12 + row * 12) * unit);
}

// ---- called from camera.py (through the `js` module) ----
Object.assign(state, {
  setBackend(name) { state.backend = name; $("backend").textContent = name; },
  setStatus(text) { $("status").textContent = text; },
  // The element to take the next frame from, once there is one, after the page has painted.
  nextSource() {
    return new Promise((resolve) => {
      const poll = () => (state.element ? resolve(state.element) : setTimeout(poll, 100));
      requestAnimationFrame(poll);
    });
  },
  // One frame done: its result drawn over it, the counters updated.
  frame(result, tensors, textures) {
    const canvas = $("overlay");
    [canvas.width, canvas.height] = result.size;  // the frame's, which the result is in
    const ctx = canvas.getContext("2d");
    if (result.kind === "pose") drawPose(ctx, result.points);
    else drawEmotion(ctx, result.probs, result.box);
    state.frames += 1;
    const now = performance.now();
    state.times.push(now);
    if (state.times.length > FPS_WINDOW) state.times.shift();
    if (state.times.length > 1) state.fps = (state.times.length - 1) * 1000 / (now - state.times[0]);
    state.history.push({ frame: state.frames, tensors, textures });
    if (state.history.length > HISTORY) state.history.shift();
    $("frames").textContent = state.frames;
    $("fps").textContent = state.fps.toFixed(1);
    $("memory").textContent = `${tensors} / ${textures}`;
  },
  finish() { state.done = true; $("status").textContent = `stopped after ${state.frames} frames`; },
});

function fail(message) {
  state.error = String(message && message.message || message);
  $("status").textContent = "failed";
  $("error").hidden = false;
  $("error").textContent = state.error;
}
window.addEventListener("error", (e) => fail(e.message));
window.addEventListener("unhandledrejection", (e) => fail(e.reason && e.reason.message || e.reason));

async function main() {
  startCamera().catch(fail);  // meanwhile: the camera asks for permission
  const pyodide = await loadWebtensor((text) => { $("status").textContent = text; });
  const code = await (await fetch("camera.py")).text();
  await pyodide.runPythonAsync(code, { filename: "camera.py" });
}

main().catch(fail);

// Loads Pyodide and webtensor (from where sources.js says), then runs demo.py, which reports
// back through window.wtDemo.
import { loadWebtensor } from "./sources.js";

const $ = (id) => document.getElementById(id);

// The page state the demo reports into; tests read it too.
const state = (window.wtDemo = { done: false, error: null, backend: null, losses: [] });

function plotLoss(canvas, losses) {
  const ctx = canvas.getContext("2d");
  const { width: w, height: h } = canvas;
  const pad = 36;
  ctx.clearRect(0, 0, w, h);
  ctx.strokeStyle = "#9aa3b2";
  ctx.strokeRect(pad, 8, w - pad - 8, h - pad - 8);
  if (!losses.length) return;
  const top = Math.max(...losses);
  const x = (i) => pad + (i / Math.max(1, losses.length - 1)) * (w - pad - 8);
  const y = (v) => 8 + (1 - v / top) * (h - pad - 8);
  ctx.fillStyle = "#4a5263";
  ctx.font = "11px system-ui";
  ctx.fillText(top.toFixed(2), 2, 16);
  ctx.fillText("0", pad - 10, h - pad);
  ctx.fillText(`step ${losses.length - 1}`, w - 64, h - 12);
  ctx.strokeStyle = "#2563eb";
  ctx.lineWidth = 2;
  ctx.beginPath();
  losses.forEach((v, i) => (i ? ctx.lineTo(x(i), y(v)) : ctx.moveTo(x(i), y(v))));
  ctx.stroke();
}

const COLORS = [[37, 99, 235], [220, 38, 38], [22, 163, 74]];
const rgb = (c, a = 1) => `rgba(${COLORS[c % COLORS.length].join(",")},${a})`;

// Background: the class the model predicts on a grid; dots: the data, by true class.
function plotRegions(canvas, data, regions, n) {
  const ctx = canvas.getContext("2d");
  const { width: w, height: h } = canvas;
  ctx.clearRect(0, 0, w, h);
  regions.forEach((c, i) => {
    ctx.fillStyle = rgb(c, 0.22);
    ctx.fillRect(Math.floor((i % n) * w / n), Math.floor(Math.floor(i / n) * h / n),
                 Math.ceil(w / n), Math.ceil(h / n));
  });
  const s = w / 2.4;  // the grid spans [-1.2, 1.2] on both axes
  data.points.forEach(([px, py], i) => {
    ctx.fillStyle = rgb(data.labels[i]);
    ctx.beginPath();
    ctx.arc(w / 2 + px * s, h / 2 - py * s, 2.5, 0, 2 * Math.PI);
    ctx.fill();
  });
}

// Called from demo.py (through the `js` module).
Object.assign(state, {
  setBackend(name) { state.backend = name; $("backend").textContent = name; },
  report(step, loss) {
    state.losses.push(loss);
    $("step").textContent = step;
    $("loss").textContent = loss.toFixed(4);
    plotLoss($("loss-plot"), state.losses);
  },
  setData(points, labels) { state.data = { points, labels }; },
  showRegions(regions, n) { plotRegions($("data-plot"), state.data, regions, n); },
  finish(accuracy) {
    $("accuracy").textContent = `${(accuracy * 100).toFixed(1)}%`;
    $("status").textContent = "done";
    state.accuracy = accuracy;
    state.done = true;
  },
});

function fail(message) {
  state.error = String(message);
  $("status").textContent = "failed";
  $("error").hidden = false;
  $("error").textContent = state.error;
}
window.addEventListener("error", (e) => fail(e.message));
window.addEventListener("unhandledrejection", (e) => fail(e.reason && e.reason.message || e.reason));

async function main() {
  const pyodide = await loadWebtensor((text) => { $("status").textContent = text; });
  $("status").textContent = "training…";
  const demo = await (await fetch("demo.py")).text();
  await pyodide.runPythonAsync(demo, { filename: "demo.py" });
}

main().catch((e) => fail(e && e.message || e));

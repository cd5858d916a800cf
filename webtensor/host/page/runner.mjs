// The page side of webtensor.host.browser: boot Pyodide here or in a module worker, run
// scripts, and pass their output to the host through the exposed wtOut binding.
import { boot } from "./boot.mjs";

const log = document.getElementById("out");
function out(stream, text) {
  log.textContent += text + "\n";  // for a person watching a headed run
  if (window.wtOut) window.wtOut(stream, text);
}

function inWorker() {
  const worker = new Worker(new URL("worker.mjs", import.meta.url), { type: "module" });
  const pending = new Map();
  let next = 0;
  worker.onmessage = ({ data }) => {
    if (data.kind === "out") return out(data.stream, data.text);
    const { resolve, reject } = pending.get(data.id);
    pending.delete(data.id);
    data.error === undefined ? resolve(data.value) : reject(new Error(data.error));
  };
  worker.onerror = (e) => out("stderr", `worker error: ${e.message}`);
  const call = (msg) => new Promise((resolve, reject) => {
    pending.set(++next, { resolve, reject });
    worker.postMessage({ ...msg, id: next });
  });
  return {
    boot: (opts) => call({ kind: "boot", opts }),
    run: (args) => call({ kind: "run", args }),
  };
}

let session;
window.wtBoot = async ({ worker = false, ...opts }) => {
  opts.indexURL = new URL(opts.indexURL, location.href).href;
  if (worker) {
    session = inWorker();
    return await session.boot(opts);
  }
  session = await boot({ ...opts, out });
  return session.info;
};
window.wtRun = (args) => session.run(args);

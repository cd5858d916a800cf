// Pyodide with webtensor installed, for the pages. Where they come from, first match wins:
//   ?pyodide=URL&wheel=URL             query parameters
//   config.json                        written by `webtensor serve` (local copies)
//   the Pyodide CDN and the `webtensor` package from PyPI otherwise
const PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/";

async function sources() {
  const query = new URLSearchParams(location.search);
  let config = {};
  try {
    const reply = await fetch("config.json");
    if (reply.ok) config = await reply.json();
  } catch { /* a plain static host has none */ }
  const wheels = query.getAll("wheel");
  return {
    indexURL: new URL(query.get("pyodide") || config.pyodide || PYODIDE_CDN, location.href).href,
    wheels: wheels.length ? wheels : (config.wheels || ["webtensor"]),
  };
}

// Pyodide, with NumPy and the webtensor wheel installed; `status(text)` reports progress.
export async function loadWebtensor(status) {
  const { indexURL, wheels } = await sources();
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
  const pyodide = await loadPyodide({ indexURL });
  status("installing webtensor…");
  await pyodide.loadPackage(["numpy", "micropip"]);
  const urls = wheels.map((w) => (w.endsWith(".whl") ? new URL(w, location.href).href : w));
  await pyodide.pyimport("micropip").install(urls);
  return pyodide;
}

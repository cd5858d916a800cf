// Where a page takes Pyodide and the wheel from, first match wins:
//   ?pyodide=URL&wheel=URL             query parameters
//   config.json                        written by `webtensor serve` (local copies)
//   the Pyodide CDN and the `webtensor` package from PyPI otherwise
const PYODIDE_CDN = "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/";

export async function sources() {
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

// Boots Pyodide with NumPy and the given wheels. Shared by the page and the module worker,
// so both run webtensor the same way.
export async function boot({ indexURL, wheels = [], out }) {
  const { loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href);
  const quiet = () => {};
  const py = await loadPyodide({
    indexURL,
    stdout: (line) => out("stdout", line),
    stderr: (line) => out("stderr", line),
  });
  await py.loadPackage(["numpy", "micropip"], { messageCallback: quiet });
  if (wheels.length) {
    // Absolute URLs: micropip resolves relative ones against the Pyodide folder.
    const urls = wheels.map((w) => new URL(w, self.location.href).href);
    await py.pyimport("micropip").install(urls);
  }
  const source = await (await fetch(new URL("harness.py", import.meta.url))).text();
  const ns = py.globals.get("dict")();
  py.runPython(source, { globals: ns, filename: "harness.py" });
  const harness = { run: ns.get("run_script"), info: ns.get("info") };
  return {
    info: JSON.parse(harness.info()),
    run: async (args) => await harness.run(JSON.stringify(args)),
  };
}

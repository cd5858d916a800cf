"""The JupyterLite site: the demo notebook runs all its cells in headless Chromium, in
the Pyodide kernel's Web Worker, on the WebGL backend, with nothing fetched from outside
the loopback server."""
import json
import os
import re
from urllib.parse import urlsplit

import pytest

from webtensor.host import lite, paths

pytestmark = pytest.mark.browser

MAX_FINAL_LOSS = 0.1  # the notebook's spirals net ends near 0.001 (CPU and WebGL alike)
KERNEL_START_S = 240  # Pyodide, then IPython and its dependencies: ~30 s on 2 idle cores
RUN_ALL_S = 360       # all cells: ~50 s on 2 idle cores

WIDGET = "jupyterapp.shell.currentWidget"
KERNEL_IDLE = f"""() => {{
    const w = window.jupyterapp && {WIDGET};
    const kernel = w && w.sessionContext && w.sessionContext.session
                   && w.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle'; }}"""
CELLS = f"() => Array.from({WIDGET}.content.model.cells).map(c => c.toJSON())"


@pytest.fixture(scope="module")
def site(runtime):
    try:
        lite.check_kernel_pyodide()
    except lite.LiteError as e:
        if os.environ.get("CI"):
            pytest.fail(str(e))
        pytest.skip(str(e))
    return lite.build()


class Watch:
    """What the page does that the test must know about: requests that left loopback
    (aborted at once, so nothing hangs on the unreachable network), failed requests,
    page errors and the console (Pyodide's progress shows there)."""

    def __init__(self, context, base_url):
        self.outside, self.failed, self.errors, self.console = [], [], [], []
        local = urlsplit(base_url).netloc
        context.route("**/*", lambda route: self._route(route, local))
        context.on("requestfailed",
                   lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        context.on("response", lambda r: r.status >= 400 and not r.url.endswith(
            "/favicon.ico") and self.failed.append(f"{r.url} (HTTP {r.status})"))

    def _route(self, route, local):
        url = route.request.url
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc != local:
            self.outside.append(url)
            return route.abort()
        return route.continue_()

    def page(self, page):
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        # The kernel's worker logs here too (Chromium passes workers' console on).
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        return page

    def report(self):
        return ("\n--- console (last 30 lines) ---\n" + "\n".join(self.console[-30:])
                + f"\n--- failed requests ---\n{self.failed}"
                + f"\n--- requests outside loopback ---\n{self.outside}"
                + f"\n--- page errors ---\n{self.errors}")


def _running_cells(page):
    cells = page.evaluate(CELLS)
    return [i for i, c in enumerate(cells)
            if c["cell_type"] == "code" and c.get("execution_count") is None]


def _text(output):
    if output["output_type"] == "stream":
        return output["text"]
    return output.get("data", {}).get("text/plain", "")


def _screenshot(page, name):
    """The whole notebook. JupyterLab scrolls it inside a fixed viewport and renders only
    the cells in view: grow the viewport to the content, then fit it to the last cell."""
    paths.ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate("() => jupyterapp.commands.execute('application:toggle-left-area')")
    scroller = "document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"
    for measure in (f"{scroller}.scrollHeight + 200",
                    "[...document.querySelectorAll('.jp-NotebookPanel .jp-Cell')]"
                    ".pop().getBoundingClientRect().bottom + 60"):
        height = page.evaluate(f"() => {scroller} ? {measure} : 0")
        page.set_viewport_size({"width": 1100, "height": min(max(int(height), 900), 8000)})
        page.evaluate(f"() => {scroller} && ({scroller}.scrollTop = 0)")
        page.wait_for_timeout(500)
    page.screenshot(path=str(paths.ARTIFACTS / name))


def test_demo_notebook_runs_on_webgl(chromium, site):
    context = chromium.browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        with lite.LiteServer(site) as srv:
            watch = Watch(context, srv.url)
            page = watch.page(context.new_page())
            page.goto(srv.notebook_url(lite.DEMO))
            try:
                page.wait_for_function(KERNEL_IDLE, polling=500, timeout=KERNEL_START_S * 1000)
            except Exception as e:
                _screenshot(page, "jupyterlite-failed.png")
                pytest.fail(f"the Pyodide kernel did not start in {KERNEL_START_S} s: {e}"
                            + watch.report())

            # The command's promise settles when the last cell has run (or one failed).
            page.evaluate("""() => { window.wtRunAll = null;
                jupyterapp.commands.execute('notebook:run-all-cells').then(
                    ok => window.wtRunAll = {ok}, e => window.wtRunAll = {error: String(e)}); }""")
            try:
                page.wait_for_function("() => window.wtRunAll", polling=500,
                                       timeout=RUN_ALL_S * 1000)
                page.wait_for_function(KERNEL_IDLE, polling=500, timeout=60_000)
            except Exception as e:
                _screenshot(page, "jupyterlite-failed.png")
                pytest.fail(f"running all cells did not finish in {RUN_ALL_S} s; cells not "
                            f"run yet: {_running_cells(page)}: {e}" + watch.report())

            cells = page.evaluate(CELLS)
            _screenshot(page, "jupyterlite.png")
            nb = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
            (paths.ARTIFACTS / "webtensor_demo.executed.ipynb").write_text(json.dumps(nb))
            run = page.evaluate("() => window.wtRunAll")
    finally:
        context.close()

    code = [c for c in cells if c["cell_type"] == "code"]
    not_run = [i for i, c in enumerate(cells) if c in code and not c["execution_count"]]
    errors = [(i, o) for i, c in enumerate(cells) for o in c.get("outputs", [])
              if o["output_type"] == "error"]
    assert not errors, "\n\n".join(
        f"cell {i}: {o['ename']}: {o['evalue']}\n"
        + re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(o.get("traceback", [])))
        for i, o in errors)
    assert run == {"ok": True}, f"notebook:run-all-cells reported {run}" + watch.report()
    assert not not_run, f"cells that did not run: {not_run}"
    assert not watch.outside, f"requests outside loopback: {watch.outside}"
    assert not watch.failed, f"failed requests: {watch.failed}"
    assert not watch.errors, f"page errors: {watch.errors}"

    text = "".join(_text(o) for c in code for o in c["outputs"])
    assert "backend: webgl" in text, f"the notebook did not report the WebGL backend:\n{text}"
    assert re.search(r"renderer: \S", text), f"no renderer in the outputs:\n{text}"
    final = re.search(r"final loss: ([0-9.]+)", text)
    assert final, f"no final loss in the outputs:\n{text}"
    assert float(final.group(1)) < MAX_FINAL_LOSS, final.group(0)
    assert "loaded back from IndexedDB; same predictions: True" in text, text
    assert any("image/png" in o.get("data", {}) for o in code[-1]["outputs"]), \
        "the last cell shows no plot"

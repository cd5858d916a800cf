"""Drive the system Chromium through Playwright and run Python in its Pyodide.

Chromium starts with the settings in playwright.config.py; a PyodideSession opens the
runner page (host/runner.html on our server), boots Pyodide with NumPy and the wheel,
in the page or in a module worker, and runs scripts there. Output is passed back line
by line as it is printed; a Python exception comes back as its traceback and status 1.
"""
import os
import runpy
import shutil
import subprocess
import sys
from dataclasses import dataclass, field

from . import paths


class PyodideError(RuntimeError):
    pass


def config() -> dict:
    return runpy.run_path(str(paths.ROOT / "playwright.config.py"))


def find_chromium(cfg=None) -> str | None:
    cfg = cfg or config()
    if os.environ.get(cfg["EXECUTABLE_ENV"]):
        return os.environ[cfg["EXECUTABLE_ENV"]]
    return next(filter(None, map(shutil.which, cfg["CANDIDATES"])), None)


def install_chromium(cfg=None) -> str | None:
    """Find Chromium, installing it with apt-get when missing and we may."""
    cfg = cfg or config()
    found = find_chromium(cfg)
    if found or not shutil.which("apt-get"):
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    if sudo and not shutil.which("sudo"):
        return None
    print(f"[browser] apt-get install -y {cfg['APT_PACKAGE']}", file=sys.stderr, flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", cfg["APT_PACKAGE"]]):
        if subprocess.run(sudo + cmd, env=env, stdout=sys.stderr).returncode:
            return None
    return find_chromium(cfg)


_PLAYWRIGHT = []  # [the running Playwright, then each open Chromium]


class Chromium:
    """The launched browser; a context manager."""

    def __init__(self, headed=False, args=()):
        """args: command-line switches added to the configured ones (e.g. a fake camera)."""
        from playwright.sync_api import sync_playwright
        cfg = config()
        executable = find_chromium(cfg)
        if not executable:
            raise PyodideError("no Chromium found: install the `chromium` package or set "
                               f"{cfg['EXECUTABLE_ENV']} (`webtensor setup` installs it)")
        self.timeout_s = cfg["RUN_TIMEOUT_S"]
        # one Playwright for every browser open at once: a second sync_playwright() inside the
        # first one's event loop is refused (a test may open its own Chromium with other switches)
        if not _PLAYWRIGHT:
            _PLAYWRIGHT.append(sync_playwright().start())
        _PLAYWRIGHT.append(self)
        try:
            self.browser = _PLAYWRIGHT[0].chromium.launch(
                executable_path=executable, args=[*cfg["ARGS"], *args],
                headless=cfg["HEADLESS"] and not headed)
        except Exception:
            self._release()
            raise

    def new_page(self):
        return self.browser.new_page()

    def close(self):
        self.browser.close()
        self._release()

    def _release(self):
        _PLAYWRIGHT.remove(self)
        if len(_PLAYWRIGHT) == 1:  # the last browser: stop Playwright
            _PLAYWRIGHT.pop().stop()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@dataclass
class Result:
    status: int
    stdout: str
    stderr: str
    output: list = field(repr=False)  # (stream, line) in the order printed

    def check(self):
        if self.status:
            text = "\n".join(line for _, line in self.output)
            raise PyodideError(f"exit status {self.status} in Pyodide:\n{text}")
        return self


class PyodideSession:
    """Pyodide with webtensor installed, in a page or in a module worker of the page."""

    def __init__(self, chromium: Chromium, base_url: str, wheels=(), worker=False,
                 echo=False):
        self.echo, self.output, self.errors, self.stuck = echo, [], [], None
        self.timeout_s = chromium.timeout_s
        self.page = chromium.new_page()
        self.page.expose_function("wtOut", self._out)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(base_url + "host/runner.html")
        opts = {"indexURL": base_url + "pyodide/", "worker": worker,
                "wheels": [w if "://" in w else base_url + w for w in wheels]}
        try:
            self.info = self.page.evaluate("opts => wtBoot(opts)", opts)
        except Exception as e:
            self.page.close()
            raise PyodideError(f"Pyodide failed to start: {e}\n" + self._text()) from None

    def _out(self, stream, text):
        self.output.append((stream, text))
        if self.echo:
            print(text, file=sys.stdout if stream == "stdout" else sys.stderr, flush=True)

    def _text(self, stream=None):
        return "".join(t + "\n" for s, t in self.output if stream in (None, s))

    def run(self, source, filename="script.py", argv=(), env=None, backend=None,
            timeout_s=None) -> Result:
        """Run source as __main__ in Pyodide; the Result holds its status and output."""
        if self.stuck:  # the page's thread may still be in that script
            raise PyodideError(f"not run: {self.stuck} did not finish, the session is stuck")
        self.output = []
        args = {"source": source, "filename": filename, "argv": list(argv),
                "env": dict(env or {}), "backend": backend}
        # Started here, awaited below: wait_for_function's timeout is kept by the
        # driver, so it fires even while Python keeps the page's thread busy.
        self.page.evaluate("""args => { window.wtDone = null;
            wtRun(args).then(s => window.wtDone = {status: s},
                             e => window.wtDone = {error: String(e && e.stack || e)}); }""",
                           args)
        limit = self.timeout_s if timeout_s is None else timeout_s
        try:
            done = self.page.wait_for_function("() => window.wtDone", polling=100,
                                               timeout=limit * 1000).json_value()
        except Exception as e:
            self.stuck = filename
            raise PyodideError(f"{filename} did not finish: {e}\n" + self._text()) from None
        if "error" in done:
            raise PyodideError(f"running {filename} failed in the page: {done['error']}\n"
                               + self._text())
        return Result(done["status"], self._text("stdout"), self._text("stderr"),
                      self.output)

    def close(self):
        self.page.close()


def webgl_info(page) -> dict:
    """What WebGL2 the page gets; the webgl backend needs float render targets."""
    return page.evaluate("""() => {
        const gl = document.createElement('canvas').getContext('webgl2');
        if (!gl) return null;
        const dbg = gl.getExtension('WEBGL_debug_renderer_info');
        return {version: gl.getParameter(gl.VERSION),
                renderer: dbg ? gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) : null,
                color_buffer_float: !!gl.getExtension('EXT_color_buffer_float'),
                max_texture_size: gl.getParameter(gl.MAX_TEXTURE_SIZE)};
    }""")

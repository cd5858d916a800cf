"""Build the webtensor wheel that the browser installs, and check it can run there."""
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from . import paths
from ..backends.wasm import build as wasm_build


def sources_newer_than(wheel: Path) -> bool:
    stamp = wheel.stat().st_mtime
    files = [paths.ROOT / "pyproject.toml", *(paths.ROOT / "webtensor").rglob("*"),
             *(paths.ROOT / "shaders").rglob("*")]  # gemm.c and gemm.wasm among them
    return any(f.is_file() and f.stat().st_mtime > stamp for f in files)


def built_wheel() -> Path | None:
    found = sorted(paths.DIST.glob("webtensor-*.whl"), key=lambda p: p.stat().st_mtime)
    return found[-1] if found else None


def check_pure(wheel: Path):
    """Pyodide's micropip takes only pure wheels from outside its lock."""
    if not wheel.name.endswith("-py3-none-any.whl"):
        raise RuntimeError(f"{wheel.name} is not a py3-none-any wheel")
    with zipfile.ZipFile(wheel) as z:
        meta = next(n for n in z.namelist() if n.endswith(".dist-info/WHEEL"))
        if "Root-Is-Purelib: true" not in z.read(meta).decode():
            raise RuntimeError(f"{wheel.name} is not marked pure (Root-Is-Purelib)")


def build(force=False) -> Path:
    """The current wheel in dist/, rebuilt when any source is newer than it."""
    wheel = built_wheel()
    if force or wheel is None or sources_newer_than(wheel):
        wasm_build.build()  # the matmul kernel; a build output the wheel carries
        print("[wheel] pip wheel --no-deps -w dist .", file=sys.stderr, flush=True)
        paths.DIST.mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory(dir=paths.DIST) as tmp:
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                            "-w", tmp, str(paths.ROOT)], check=True)
            (fresh,) = Path(tmp).glob("webtensor-*.whl")
            # A page loading the old wheel meanwhile gets one whole file or the other.
            fresh.replace(paths.DIST / fresh.name)
        wheel = paths.DIST / fresh.name
        for old in paths.DIST.glob("webtensor-*.whl"):
            if old != wheel:  # another version's
                old.unlink()
    check_pure(wheel)
    return wheel

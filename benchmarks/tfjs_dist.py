"""Fetch TensorFlow.js into the cache with `npm pack`, checked against the registry's sha512.

Only the browser bundle and package.json are unpacked (`.cache/tfjs/<version>/`); the
tarball's integrity and the version are recorded next to them in `integrity.json`.
"""
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from webtensor.host.paths import CACHE

VERSION = "4.22.0"
PACKAGE = "@tensorflow/tfjs"
FILES = ("dist/tf.min.js", "package.json")


def log(msg):
    print(f"[tfjs] {msg}", file=sys.stderr, flush=True)


def _npm(*args) -> str:
    if not shutil.which("npm"):
        raise RuntimeError("npm is needed to fetch TensorFlow.js (apt-get install npm)")
    return subprocess.run(["npm", *args], check=True, capture_output=True, text=True).stdout


def ensure(version=VERSION) -> Path:
    """The folder holding tf.min.js for `version`, fetched and verified on first use."""
    out = CACHE / "tfjs" / version
    record = out / "integrity.json"
    if record.exists() and all((out / f).exists() for f in FILES):
        return out
    spec = f"{PACKAGE}@{version}"
    integrity = json.loads(_npm("view", spec, "dist.integrity", "--json"))
    algo, _, expected = integrity.partition("-")
    log(f"npm pack {spec} (about 30 MB, once)")
    with tempfile.TemporaryDirectory() as tmp:
        _npm("pack", spec, "--pack-destination", tmp, "--silent")
        (tarball,) = Path(tmp).glob("*.tgz")
        got = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
        if got != expected:
            raise RuntimeError(f"{tarball.name}: {algo} {got} differs from the registry's {expected}")
        with tarfile.open(tarball) as tar:
            for name in FILES:
                dest = out / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(tar.extractfile(f"package/{name}").read())
    installed = json.loads((out / "package.json").read_text())["version"]
    if installed != version:
        raise RuntimeError(f"npm pack {spec} gave version {installed}")
    record.write_text(json.dumps({"package": PACKAGE, "version": version, "integrity": integrity,
                                  "verified": "sha512 of the npm tarball"}, indent=1))
    log(f"verified {spec} ({integrity[:20]}...)")
    return out


if __name__ == "__main__":
    print(ensure())

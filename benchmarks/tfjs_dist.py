"""Fetch TensorFlow.js and its wasm backend into the cache with `npm pack`, each checked
against the registry's sha512.

Only the browser bundles (and the wasm backend's .wasm files), tfjs-core's type declarations
(read by tests/browser/test_api_parity.py) and package.json are unpacked (`.cache/tfjs/<version>/`,
`.cache/tfjs-backend-wasm/<version>/`, `.cache/tfjs-core/<version>/`); each tarball's integrity
and version are recorded next to them in `integrity.json`.
"""
import base64
import fnmatch
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from webtensor.host.paths import CACHE, PRETRAINED_VERSION

VERSION = "4.22.0"
PACKAGES = {  # package -> (cache folder, files to unpack)
    "@tensorflow/tfjs": ("tfjs", ("dist/tf.min.js", "package.json")),
    # XNNPACK with WebAssembly SIMD: the fastest CPU path tfjs has (one thread on a page
    # that is not cross-origin isolated, as the benchmark page is not)
    "@tensorflow/tfjs-backend-wasm": ("tfjs-backend-wasm", (
        "dist/tf-backend-wasm.min.js", "dist/tfjs-backend-wasm.wasm", "dist/tfjs-backend-wasm-simd.wasm",
        "dist/tfjs-backend-wasm-threaded-simd.wasm", "package.json")),
    # the ops' TypeScript declarations: their names and parameters, for the API parity test
    # (a name with a wildcard is a pattern over the tarball's files)
    "@tensorflow/tfjs-core": ("tfjs-core", ("dist/*.d.ts", "package.json")),
    # pretrained graph models with their weights (face, mesh, iris, emotion, pose, hand...): the
    # graph-model tests and benchmarks run them in webtensor and in tfjs
    "@vladmandic/human": ("human", ("models/*.json", "models/*.bin", "package.json")),
}
VERSIONS = {"@vladmandic/human": PRETRAINED_VERSION}  # packages not versioned with tfjs


def log(msg):
    print(f"[tfjs] {msg}", file=sys.stderr, flush=True)


def _npm(*args) -> str:
    if not shutil.which("npm"):
        raise RuntimeError("npm is needed to fetch TensorFlow.js (apt-get install npm)")
    return subprocess.run(["npm", *args], check=True, capture_output=True, text=True).stdout


def ensure(version=None, package="@tensorflow/tfjs") -> Path:
    """The folder holding the package's files for `version`, fetched and verified on first use."""
    version = version or VERSIONS.get(package, VERSION)
    folder, files = PACKAGES[package]
    out = CACHE / folder / version
    record = out / "integrity.json"
    # files named by a pattern are not checked one by one: integrity.json, written last, says
    # that the unpacking finished
    literal = [f for f in files if "*" not in f]
    if record.exists() and all((out / f).exists() for f in literal):
        return out
    spec = f"{package}@{version}"
    integrity = json.loads(_npm("view", spec, "dist.integrity", "--json"))
    algo, _, expected = integrity.partition("-")
    log(f"npm pack {spec} (once)")
    with tempfile.TemporaryDirectory() as tmp:
        _npm("pack", spec, "--pack-destination", tmp, "--silent")
        (tarball,) = Path(tmp).glob("*.tgz")
        got = base64.b64encode(hashlib.new(algo, tarball.read_bytes()).digest()).decode()
        if got != expected:
            raise RuntimeError(f"{tarball.name}: {algo} {got} differs from the registry's {expected}")
        with tarfile.open(tarball) as tar:
            members = [m.name.removeprefix("package/") for m in tar.getmembers() if m.isfile()]
            for name in literal + [m for f in files if "*" in f for m in fnmatch.filter(members, f)]:
                dest = out / name
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.write_bytes(tar.extractfile(f"package/{name}").read())
    installed = json.loads((out / "package.json").read_text())["version"]
    if installed != version:
        raise RuntimeError(f"npm pack {spec} gave version {installed}")
    record.write_text(json.dumps({"package": package, "version": version, "integrity": integrity,
                                  "verified": "sha512 of the npm tarball"}, indent=1))
    log(f"verified {spec} ({integrity[:20]}...)")
    return out


if __name__ == "__main__":
    for name in PACKAGES:
        print(ensure(package=name))

"""Compile gemm.c to gemm.wasm (a build output, not committed): `python -m
webtensor.backends.wasm.build`. Needs clang and lld with the wasm32 target (Debian: apt-get
install clang lld; scripts/setup.sh does it)."""
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "gemm.c"
OUTPUT = HERE / "gemm.wasm"
# Freestanding: no libc, no imports; the module exports its memory, which the host grows.
# Bulk memory turns the compiler's memset/memcpy into instructions instead of imports.
FLAGS = ["--target=wasm32", "-O3", "-msimd128", "-mbulk-memory", "-ffreestanding", "-nostdlib",
         "-Wall", "-Werror", "-Wl,--no-entry", "-Wl,--strip-all"]


def build(output=OUTPUT, force=False) -> Path:
    """gemm.wasm, recompiled when gemm.c or this file is newer."""
    inputs = (SOURCE, Path(__file__).resolve())
    if not force and output.exists() and all(
            p.stat().st_mtime <= output.stat().st_mtime for p in inputs):
        return output
    clang = shutil.which("clang")
    if clang is None or shutil.which("wasm-ld") is None:
        raise RuntimeError("building gemm.wasm needs clang and lld (wasm-ld): "
                           "apt-get install clang lld, or run scripts/setup.sh")
    tmp = output.with_suffix(".wasm.tmp")
    subprocess.run([clang, *FLAGS, "-o", str(tmp), str(SOURCE)], check=True)
    tmp.replace(output)
    return output


if __name__ == "__main__":
    print(build(force="--force" in sys.argv))

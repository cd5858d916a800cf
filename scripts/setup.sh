#!/usr/bin/env bash
# Install what webtensor and its browser runtime need, on a fresh Debian machine or an
# already set-up one (each step is skipped when done): npm, Chromium and glslang from apt-get, the
# package with its test and JupyterLite extras, then `webtensor setup` (the verified
# Pyodide cache, the wheel).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q "$@"
}
command -v npm >/dev/null || apt_install npm  # `npm pack` fetches the Pyodide core
if [ -z "${WEBTENSOR_CHROMIUM:-}" ] && ! command -v chromium >/dev/null; then
  apt_install chromium
fi
# the reference GLSL compiler: CPython tests compile every generated shader with it
command -v glslangValidator >/dev/null || apt_install glslang-tools
# clang and its wasm32 linker build the CPU backend's WebAssembly matmul kernel (gemm.wasm)
command -v clang >/dev/null || apt_install clang
command -v wasm-ld >/dev/null || apt_install lld

python3 -m pip install -q --root-user-action=ignore -e '.[test,lite]'
python3 -m webtensor.cli setup  # the same as `webtensor setup`, without relying on PATH

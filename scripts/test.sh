#!/usr/bin/env bash
# Set up, then run every test: CPython, and Pyodide in headless Chromium (-m browser).
# Extra arguments go to pytest, e.g. -m "not browser" for the CPython tests only.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
exec python3 -m pytest -q "$@"

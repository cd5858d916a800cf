#!/usr/bin/env bash
# Set up, then train the example model in headless Chromium (Pyodide, local wheel).
# Extra arguments go to `webtensor run`, e.g. --backend cpu, --headed, -- --steps 100.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh >&2
exec python3 -m webtensor.cli run examples/train_classifier.py "$@"  # `webtensor run`

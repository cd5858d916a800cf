"""Host-side tooling: fetch Pyodide, serve files, drive Chromium.

Runs in CPython only (it launches a browser): the CLI and the benchmarks import it, the
library itself never does.
"""

"""Host-side tooling: fetch Pyodide, serve files, drive Chromium.

Runs in CPython only (it launches a browser); nothing under webtensor/ imports it.
"""

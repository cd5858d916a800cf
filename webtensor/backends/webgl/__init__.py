"""The WebGL2 backend (in a browser, through Pyodide)."""
from .backend import WebGLBackend  # noqa: F401

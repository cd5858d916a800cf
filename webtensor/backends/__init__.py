"""Backend registry entries. WebGL2 is preferred where it exists (in a browser, via Pyodide);
the NumPy backend runs everywhere."""
import sys

from ..engine import ENGINE


def _cpu():
    from .cpu import CPUBackend
    return CPUBackend()


def _webgl():
    from .webgl import WebGLBackend
    return WebGLBackend()


def register_backend(name, factory, priority=1):
    ENGINE.register_backend(name, factory, priority)


def list_backends():
    return sorted(ENGINE.registry, key=lambda n: -ENGINE.registry[n][1])


register_backend("cpu", _cpu, 1)
if sys.platform == "emscripten":
    register_backend("webgl", _webgl, 2)

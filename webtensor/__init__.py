"""webtensor: deeplearn.js's tensors, ops, tidy, gradients and optimizers in Python, on WebGL2
in the browser (through Pyodide) or on NumPy anywhere."""
import asyncio as _asyncio  # private: the top level holds nothing but the API
import sys as _sys

from . import losses, train
from .autograd import custom_grad, grad, grads, value_and_grad, value_and_grads, variable_grads
from .backends import list_backends, register_backend
from .engine import ENGINE
from .memory import dispose, keep, memory, tidy
from .ops import *  # noqa: F401,F403  (its __all__: the ops only)
from . import browser, image, linalg, math, signal, sparse, spectral, util  # tfjs's namespaces: wt.linalg.qr...
from .ops import creation as _creation
from .tensor import Scalar, Tensor, Tensor1D, Tensor2D, Tensor3D, Tensor4D
from .variable import Variable, variable
from . import layers  # after the core: layers builds on it
from .layers import callbacks, constraints, initializers, regularizers
from .layers.models import model, sequential
from .layers.input_layer import input  # noqa: A004 (tfjs's tf.input)
from . import io  # model files: tfjs's tf.io
from .layers.saving import load_layers_model
from .graph import GraphModel, load_graph_model

__version__ = "0.1.0"
Tensor.variable = variable  # t.variable(): tfjs's chained form
float32, int32, bool_ = "float32", "int32", "bool"


def set_backend(name):
    """Make `name` ("webgl" or "cpu") the backend for new ops. Tensors move on first use."""
    return ENGINE.set_backend(name)


def get_backend():
    """The name of the active backend (choosing the default first if none is set)."""
    ENGINE.ensure_backend()
    return ENGINE.backend_name


def backend():
    return ENGINE.ensure_backend()


async def ready():
    """Wait until the backend is initialized."""
    ENGINE.ensure_backend()


async def next_frame():
    """Yield to the browser's event loop (so the page can paint), or to asyncio in CPython."""
    if _sys.platform == "emscripten":
        import js
        from pyodide.ffi import create_once_callable
        future = _asyncio.get_event_loop().create_future()
        js.setTimeout(create_once_callable(lambda: future.set_result(None)), 0)
        await future
    else:
        await _asyncio.sleep(0)



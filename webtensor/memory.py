"""tidy, keep, dispose and memory: deeplearn.js's manual memory management, plus a `with` form."""
import functools
import inspect

from .engine import ENGINE
from .ops.core import tensor_ids
from .tensor import Tensor


class tidy:
    """tidy(fn) / tidy(name, fn): run fn and dispose every tensor it made except those it
    returns (also inside lists, tuples and dicts) and those passed to keep().
    Also a decorator (@tidy) and a context manager (with tidy(): ...), whose block keeps
    only what it passes to keep()."""

    def __new__(cls, name_or_fn=None, fn=None):
        if fn is None and callable(name_or_fn):
            name_or_fn, fn = None, name_or_fn
        if not (name_or_fn is None or isinstance(name_or_fn, str)):
            raise TypeError(f"tidy: argument 'name_or_fn' must be a name (str) or a function, got {name_or_fn!r}")
        if not (fn is None or callable(fn)):
            raise TypeError(f"tidy: argument 'fn' must be a function, got {fn!r}")
        if fn is None:
            return super().__new__(cls)
        if _takes_arguments(fn):  # @tidy on a function with parameters: decorate it
            return cls()(fn)
        ENGINE.start_scope()
        try:
            result = fn()
        except BaseException:
            ENGINE.end_scope(set())
            raise
        if hasattr(result, "__await__"):
            ENGINE.end_scope(set())
            if hasattr(result, "close"):  # never awaited: no "was never awaited" warning later
                result.close()
            raise TypeError("tidy: fn must not be a coroutine function (tidy cannot span an await)")
        ENGINE.end_scope(tensor_ids(result))
        return result

    def __init__(self, name_or_fn=None, fn=None):
        self.name = name_or_fn

    def __call__(self, fn):  # @tidy() used as a decorator factory
        @functools.wraps(fn)
        def wrapped(*args, **kwargs):
            return tidy(lambda: fn(*args, **kwargs))
        return wrapped

    def __enter__(self):
        ENGINE.start_scope()
        return self

    def __exit__(self, *exc):
        ENGINE.end_scope(set())
        return False


def _takes_arguments(fn):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in params)


def keep(result):
    """Keep a tensor alive when the enclosing tidy ends."""
    if isinstance(result, Tensor):
        result._kept = True
    return result


def dispose(container):
    """Dispose a tensor, or every tensor in a nested list, tuple, set or dict."""
    stack = [container]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            o.dispose()
        elif isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
        elif isinstance(o, dict):
            stack.extend(o.values())


def memory():
    """num_tensors, num_data_buffers, num_bytes (and the backend's own counts, e.g. textures)."""
    return ENGINE.memory()

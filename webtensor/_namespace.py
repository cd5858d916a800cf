"""Filling tfjs's namespaces (wt.linalg, wt.signal, wt.image...) from webtensor.ops by name."""
from . import ops


def export(namespace, names):
    """Bind into `namespace` (a module's globals()) each of the space-separated op names that
    webtensor.ops defines, and return them: the module's __all__. An op not written yet is
    simply absent until it is."""
    found = [name for name in names.split() if callable(getattr(ops, name, None))]
    namespace.update((name, getattr(ops, name)) for name in found)
    return found

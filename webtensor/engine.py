"""The engine: which backend runs kernels, who owns which buffer, what tidy() frees, what the
gradient tape records. Ops talk to the engine; backends never see tensors' bookkeeping."""
import warnings
from dataclasses import dataclass


@dataclass
class MemoryInfo:
    num_tensors: int
    num_data_buffers: int
    num_bytes: int
    unreliable: bool = False
    num_textures: int = 0
    num_bytes_in_gpu: int = 0


class Data:
    """One backend buffer. Tensors that are views of the same values (reshape, clone, a
    variable's read) share it; the buffer is released when the last of them is disposed."""
    __slots__ = ("backend", "handle", "refs", "nbytes", "values")

    def __init__(self, backend, handle, nbytes):
        self.backend, self.handle, self.refs, self.nbytes = backend, handle, 0, nbytes
        self.values = None  # cached host copy (flat ndarray), dropped when the buffer changes


class Tape:
    """Records ops whose inputs depend on the watched tensors. Nodes are appended in execution
    order, which is already a topological order: backprop walks them in reverse, no recursion."""
    __slots__ = ("nodes", "tracked", "saved")

    def __init__(self, watched):
        self.nodes = []
        self.tracked = {id(t) for t in watched}  # depend on a watched tensor
        self.saved = set()                        # inputs of recorded ops: backprop reads them


class Engine:
    def __init__(self):
        self.registry = {}        # name -> (factory, priority)
        self.instances = {}       # name -> backend object
        self.backend_name = None
        self.backend = None
        self.scopes = []          # tidy scopes: each a list of tensors made inside it
        self.tapes = []
        self.grad_needed = ()     # during backprop: which inputs of the op need a gradient
        self.op_depth = 0         # ops running inside ops (errors are named after the outermost)
        self.num_tensors = 0
        self.num_buffers = 0
        self.num_bytes = 0
        self.variables = {}       # name -> Variable
        self.next_id = 0

    # ---- backends ----
    def register_backend(self, name, factory, priority=1):
        if name in self.registry:
            warnings.warn(f"backend {name!r} was already registered; replacing it")
        self.registry[name] = (factory, priority)

    def find_backend(self, name):
        if name not in self.instances:
            if name not in self.registry:
                raise ValueError(f"set_backend: unknown backend {name!r}; registered: {sorted(self.registry)}")
            self.instances[name] = self.registry[name][0]()
        return self.instances[name]

    def set_backend(self, name):
        backend = self.find_backend(name)
        self.backend_name, self.backend = name, backend
        return True

    def ensure_backend(self):
        if self.backend is not None:
            return self.backend
        for name in sorted(self.registry, key=lambda n: -self.registry[n][1]):
            try:
                self.set_backend(name)
                return self.backend
            except Exception as e:  # a default that cannot start yields to the next one
                self.instances.pop(name, None)
                warnings.warn(f"backend {name!r} is not available ({e}); falling back")
        raise RuntimeError("no backend could be initialized")

    # ---- buffers and tensors ----
    def make_data(self, backend, handle, nbytes):
        self.num_buffers += 1
        self.num_bytes += nbytes
        return Data(backend, handle, nbytes)

    def attach(self, tensor, data):
        data.refs += 1
        tensor._data = data

    def release(self, data):
        data.refs -= 1
        if data.refs == 0:
            self.num_buffers -= 1
            self.num_bytes -= data.nbytes
            data.backend.dispose(data.handle)
            data.handle = data.values = None

    def track(self, tensor):
        self.num_tensors += 1
        self.next_id += 1
        tensor.id = self.next_id
        if self.scopes:
            self.scopes[-1].append(tensor)

    def dispose_tensor(self, tensor):
        data = tensor._data
        if data is None:
            return
        tensor._data = None
        self.num_tensors -= 1
        self.release(data)

    def on_backend(self, tensor, backend):
        """The tensor's buffer on the active backend, moving it there if it lives elsewhere."""
        data = tensor._data
        if data.backend is not backend:
            values = data.backend.read(data.handle, tensor.dtype)
            data.backend.dispose(data.handle)
            data.backend, data.handle = backend, backend.write(values, tensor.dtype)
        return data.handle

    def memory(self):
        extra = self.backend.memory() if self.backend is not None else {}
        return MemoryInfo(self.num_tensors, self.num_buffers, self.num_bytes, **extra)

    # ---- scopes (tidy) ----
    def start_scope(self):
        self.scopes.append([])

    def end_scope(self, keep_ids):
        """Dispose what the scope made, except kept tensors, which move to the parent scope.
        While a gradient is being recorded, tensors on the tape escape too: backprop needs them,
        and the gradient function's own scope frees them afterwards."""
        scope = self.scopes.pop()
        parent = self.scopes[-1] if self.scopes else None
        for t in scope:
            if t._data is None:
                continue
            if id(t) in keep_ids or t._kept or (self.tapes and self.on_tape(t)):
                if parent is not None:
                    parent.append(t)
            else:
                self.dispose_tensor(t)

    # ---- gradient tape ----
    def record(self, inputs, output, backward):
        for tape in self.tapes:
            tracked = tape.tracked
            if any(id(x) in tracked for x in inputs):
                tracked.add(id(output))
                tape.saved.update(id(x) for x in inputs)
                tape.nodes.append((inputs, output, backward))

    def on_tape(self, t):
        return any(id(t) in tape.tracked or id(t) in tape.saved for tape in self.tapes)


ENGINE = Engine()

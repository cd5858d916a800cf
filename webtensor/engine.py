"""The engine: which backend runs kernels, who owns which buffer, what tidy() frees, what the
gradient tape records, and the walk back along it. It alone changes scopes, tapes and reference
counts: ops and tensors ask it to. Backends never see tensors' bookkeeping: kernels get Buffers."""
import contextlib
import warnings
from dataclasses import dataclass


@dataclass
class MemoryInfo:
    num_tensors: int
    num_data_buffers: int
    num_bytes: int
    unreliable: bool = False
    num_textures: int = 0         # webgl: allocated textures, in use or pooled for reuse
    num_bytes_in_gpu: int = 0
    num_pooled_textures: int = 0  # webgl: free textures kept for reuse (bounded)
    num_bytes_pooled: int = 0


class Data:
    """One backend buffer. Tensors that are views of the same values (reshape, clone, a
    variable's read) share it; the buffer is released when the last of them is disposed."""
    __slots__ = ("backend", "handle", "refs", "nbytes", "values")

    def __init__(self, backend, handle, nbytes):
        self.backend, self.handle, self.refs, self.nbytes = backend, handle, 0, nbytes
        self.values = None  # cached host copy (flat ndarray), dropped when the buffer changes


class ComplexData(Data):
    """A complex64 tensor's values: no buffer of its own (backend None), but references to two
    float32 buffers, its real and imaginary parts, released with it. As in tfjs, it counts as
    one data buffer of no bytes: the bytes are its parts'."""
    __slots__ = ("parts",)

    def __init__(self, real, imag):
        super().__init__(None, None, 0)
        self.parts = (real, imag)


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
        self._activate(name)
        return True

    def _activate(self, name):
        self.backend_name, self.backend = name, self.find_backend(name)
        return self.backend

    def ensure_backend(self):
        """The active backend, choosing the default on first use: the registered backend of
        highest priority that starts, passing over one that says it is not the fastest here
        (`preferred` False: WebGL on a software renderer) while another one starts."""
        if self.backend is not None:
            return self.backend
        fallback = None
        for name in sorted(self.registry, key=lambda n: -self.registry[n][1]):
            try:
                backend = self.find_backend(name)
            except Exception as e:  # a default that cannot start yields to the next one
                self.instances.pop(name, None)
                warnings.warn(f"backend {name!r} is not available ({e}); falling back")
                continue
            if getattr(backend, "preferred", True):
                return self._activate(name)
            fallback = fallback or name
        if fallback is not None:
            return self._activate(fallback)
        raise RuntimeError("no backend could be initialized")

    # ---- buffers and tensors ----
    def make_data(self, backend, handle, nbytes, counted=True):
        """A buffer record; an uncounted one (a shared constant) is left out of memory()."""
        if counted:
            self.num_buffers += 1
            self.num_bytes += nbytes
        return Data(backend, handle, nbytes if counted else 0)

    def make_complex(self, real, imag):
        """The values of a complex64 tensor whose parts are the buffers real and imag (shared)."""
        self.num_buffers += 1
        real.refs += 1
        imag.refs += 1
        return ComplexData(real, imag)

    def attach(self, tensor, data):
        """Point a tensor at a buffer (a new one for a variable being assigned, releasing the old)."""
        data.refs += 1
        old, tensor._data = getattr(tensor, "_data", None), data
        if old is not None:
            self.release(old)

    def release(self, data):
        data.refs -= 1
        if data.refs == 0:
            self.num_buffers -= 1
            self.num_bytes -= data.nbytes
            if data.backend is None:  # complex64: its parts go when no other tensor uses them
                for part in data.parts:
                    self.release(part)
            else:
                data.backend.dispose(data.handle)
            data.handle = data.values = None

    def track(self, tensor, data, scoped=True):
        """A new tensor over data: counted, given an id, and owned by the innermost tidy scope
        (unless not scoped: a variable belongs to no scope)."""
        data.refs += 1
        tensor._data = data
        self.num_tensors += 1
        self.next_id += 1
        tensor.id = self.next_id
        if scoped and self.scopes:
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

    # ---- scopes (tidy, and one per op) ----
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

    def start_op(self):
        self.scopes.append([])
        self.op_depth += 1

    def end_op(self, keep_ids):
        self.op_depth -= 1
        self.end_scope(keep_ids)

    def fail_op(self):
        """An op raised: free everything it made. True when it was the outermost op, whose
        name the error should carry."""
        for t in self.scopes.pop():
            self.dispose_tensor(t)
        self.op_depth -= 1
        return self.op_depth == 0

    # ---- variables ----
    def add_variable(self, v):
        self.variables[v.name] = v

    def remove_variable(self, v):
        if self.variables.get(v.name) is v:
            del self.variables[v.name]

    # ---- gradient tape ----
    @contextlib.contextmanager
    def recording(self, tape):
        self.tapes.append(tape)
        try:
            yield tape
        finally:
            self.tapes.remove(tape)

    @contextlib.contextmanager
    def untaped(self):
        """Run a block that no tape records (an op with a gradient of its own); yields whether
        some tape is active outside it."""
        tapes, self.tapes = self.tapes, []
        try:
            yield bool(tapes)
        finally:
            self.tapes = tapes

    def record(self, inputs, output, backward, saved=()):
        """Add an op to every tape that tracks one of its inputs. `saved`: more tensors its
        backward reads (besides the inputs), which tidy must then not free."""
        for tape in self.tapes:
            tracked = tape.tracked
            if any(id(x) in tracked for x in inputs):
                tracked.add(id(output))
                tape.saved.update(id(x) for x in inputs)
                tape.saved.update(id(x) for x in saved)
                tape.nodes.append((inputs, output, backward))

    def on_tape(self, t):
        return any(id(t) in tape.tracked or id(t) in tape.saved for tape in self.tapes)

    def backprop(self, tape, y, dy, reduce_to, add):
        """{id(t): dy/dt} for the tracked tensors, walking the tape in reverse (a loop: any
        depth). Each node's backward gets the gradient of its output; reduce_to(g, shape)
        sums a gradient of a broadcast input back to the input's shape, add(g1, g2) sums
        gradients that reach a tensor along several paths."""
        grads = {id(y): dy}
        tracked = tape.tracked
        for inputs, out, backward in reversed(tape.nodes):
            g = grads.pop(id(out), None)
            if g is None:
                continue
            # expensive backwards (matmul, conv2d) skip the gradients nobody needs
            self.grad_needed = tuple(id(x) in tracked for x in inputs)
            for x, gx in zip(inputs, backward(g, out)):
                if gx is None or id(x) not in tracked:
                    continue
                if gx.shape != x.shape:
                    gx = reduce_to(gx, x.shape)
                prev = grads.get(id(x))
                grads[id(x)] = gx if prev is None else add(prev, gx)
        self.grad_needed = ()
        return grads


ENGINE = Engine()

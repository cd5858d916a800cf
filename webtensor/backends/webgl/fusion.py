"""Elementwise fusion. An elementwise kernel does not draw: it returns a lazy buffer holding a
Node (the op and its inputs). A chain of same-shape elementwise ops is drawn as one program
when something needs its values (another kernel, a read), so `(a - b) ** 2 * w` is one GPU
pass, not three, and its intermediates never get textures.

A Node's inputs are ("uniform", value), ("texel", buffer) or ("strided", buffer, strides,
offset). A texel input whose buffer is itself lazy, of the same shape, is inlined. Fusion
knows no shading language: a Program is a list of steps, which codegen renders as GLSL.

Some kernels' results are leaves of their own, drawn in their consumer's program: a Node whose
expr is the kernel's name (a template in shaders/ that defines its element reader), whose
inputs are ("leaf", buffer), the textures it reads, and whose params are (static, uniforms):
its compile-time constants and its uniform values, each as (name, value) pairs. Matmul's
"unblock" (the product out of the blocked kernel's render targets), "depthwise" and "resize"
are such: a leaf reads by flat position only, so it is inlined into any consumer of its size,
and the bias and activation after a dense layer or a convolution are drawn in the kernel's own
pass. (A depthwise leaf may itself read a product's render targets with the ops after it:
backend._epilogue.)

A matmul operand still lazy is drawn straight into the matrix layout (matrix_fused.glsl), its
flat pass skipped: the Node is then marked drawn, and a later reader draws it into a texture
of its own rather than inlining it, so an expression is computed at most twice, never once
per reader down a chain.
"""
MAX_NODES = 24   # ops in one fused program: beyond this, an input is drawn first
MAX_TEXTURES = 16  # texture inputs of one program (WebGL2's least MAX_TEXTURE_IMAGE_UNITS)


class Node:
    __slots__ = ("expr", "ints", "shape", "inputs", "params", "nodes", "textures", "drawn")

    def __init__(self, expr, ints, shape, inputs, params=None):
        self.expr, self.ints, self.shape, self.inputs, self.params = expr, ints, shape, inputs, params
        self.drawn = False
        # one loop (this runs once per elementwise op): the ops the program holds, and the
        # distinct textures it reads (one sampler each)
        nodes, textures = 1, frozenset()
        for i in inputs:
            if i[0] == "uniform":
                continue
            if inlinable(i, shape):
                nodes += i[1].expr.nodes
                textures |= i[1].expr.textures
            else:
                textures |= {id(i[1])}
        self.nodes, self.textures = nodes, textures

    def inlined(self):
        return [i[1] for i in self.inputs if inlinable(i, self.shape)]

    def buffers(self):
        return [i[1] for i in self.inputs if i[0] != "uniform"]


def inlinable(inp, shape):
    e = inp[1].expr if inp[0] == "texel" else None
    return e is not None and not e.drawn and (e.shape == shape or e.params is not None)


class Program:
    """A fused tree flattened into steps. The steps are the program's structure and its cache
    key (no ids, no shapes, no GLSL); codegen.fused renders them. Each step is one of
      ("texel", k)      texture input k, read as the output's texel
      ("strided", k)    texture input k, read through its strides (view k)
      ("uniform", u)    scalar u, a uniform
      ("leaf", kernel, k, j, static)  a kernel leaf reading texture inputs k.., its uniforms
                        self.leaves[j]
      (expr, ints, args)  an elementwise expression over the earlier steps numbered in args
    and the last step is the result. An input read twice the same way is loaded once."""

    def __init__(self, root):
        self.steps = []
        self.inputs = []    # (mode, buffer, view) per texture input k; view = (strides, offset)
        self.uniforms = []  # value of scalar u
        self.leaves = []    # uniforms of kernel leaf j
        self._loaded = {}
        self._emit(root)
        self.key = tuple(self.steps)

    def _emit(self, node):
        if node.params is not None:  # a kernel leaf, emitted once however often it is read
            if id(node) not in self._loaded:
                static, uniforms = node.params
                k = len(self.inputs)
                self.inputs += [("leaf", b, None) for _, b in node.inputs]
                self.leaves.append(uniforms)
                self._loaded[id(node)] = self._step(("leaf", node.expr, k, len(self.leaves) - 1, static))
            return self._loaded[id(node)]
        args = []
        for inp in node.inputs:
            kind = inp[0]
            if kind == "uniform":
                args.append(self._step(("uniform", len(self.uniforms))))
                self.uniforms.append(inp[1])
            elif inlinable(inp, node.shape):
                args.append(self._emit(inp[1].expr))
            else:
                view = (tuple(inp[2]), inp[3]) if kind == "strided" else None
                loaded = (id(inp[1]), kind, view)
                if loaded not in self._loaded:
                    self._loaded[loaded] = self._step((kind, len(self.inputs)))
                    self.inputs.append((kind, inp[1], view))
                args.append(self._loaded[loaded])
        return self._step((node.expr, node.ints, tuple(args)))

    def _step(self, step):
        self.steps.append(step)
        return len(self.steps) - 1


def merge_dims(shape, strides_list):
    """Drop size-1 dims and merge neighbours that are contiguous for every input: less index
    math per element and fewer distinct programs."""
    dims = [(d, [s[i] for s in strides_list]) for i, d in enumerate(shape) if d != 1]
    merged = []
    for d, st in dims:
        if merged:
            pd, pst = merged[-1]
            if all(ps == s * d for ps, s in zip(pst, st)):
                merged[-1] = (pd * d, st)
                continue
        merged.append((d, st))
    if not merged:
        merged = [(1, [0] * len(strides_list))]
    return [d for d, _ in merged], [[st[k] for _, st in merged] for k in range(len(strides_list))]

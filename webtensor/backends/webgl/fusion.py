"""Elementwise fusion. An elementwise kernel does not draw: it returns a lazy buffer holding a
Node (the op and its inputs). A chain of same-shape elementwise ops is drawn as one program
when something needs its values (another kernel, a read), so `(a - b) ** 2 * w` is one GPU
pass, not three, and its intermediates never get textures.

A Node's inputs are ("uniform", value), ("texel", buffer) or ("strided", buffer, strides,
offset). A texel input whose buffer is itself lazy, of the same shape, is inlined.
"""
from . import codegen

MAX_NODES = 24   # ops in one fused program: beyond this, an input is drawn first
MAX_TEXTURES = 8  # texture inputs of one program


class Node:
    __slots__ = ("expr", "ints", "shape", "inputs", "nodes", "textures")

    def __init__(self, expr, ints, shape, inputs):
        self.expr, self.ints, self.shape, self.inputs = expr, ints, shape, inputs
        inlined = self.inlined()
        self.nodes = 1 + sum(a.expr.nodes for a in inlined)
        # the distinct textures the fused program reads (one sampler each)
        self.textures = frozenset(id(i[1]) for i in inputs if i[0] != "uniform" and not inlinable(i, shape))
        for a in inlined:
            self.textures |= a.expr.textures

    def inlined(self):
        return [i[1] for i in self.inputs if inlinable(i, self.shape)]

    def buffers(self):
        return [i[1] for i in self.inputs if i[0] != "uniform"]


def inlinable(inp, shape):
    return inp[0] == "texel" and inp[1].expr is not None and inp[1].expr.shape == shape


class Program:
    """The flattened form of a fused tree: GLSL, its structural key, and what to bind."""

    def __init__(self, root):
        self.lines, self.key = [], []
        self.textures, self.strided, self.uniforms = [], [], []
        self.loaded = {}  # how an input is read -> its variable, so a shared input loads once
        self.result = self.emit(root)

    def var(self):
        return f"v{len(self.lines)}"

    def emit(self, node):
        args = []
        for inp in node.inputs:
            kind = inp[0]
            if kind == "uniform":
                name = f"U{len(self.uniforms)}"
                self.uniforms.append((name, inp[1]))
                args.append(self.line(f"vec4({name}_value)", ("U",)))
            elif inlinable(inp, node.shape):
                args.append(self.emit(inp[1].expr))
            else:
                key = (id(inp[1]), kind, tuple(inp[2]) if kind == "strided" else None, inp[3] if kind == "strided" else 0)
                if key not in self.loaded:
                    name = f"L{len(self.textures)}"
                    self.textures.append((name, kind, inp[1]))
                    if kind == "texel":
                        self.loaded[key] = self.line(f"{name}_at4(t)", ("T",))
                    else:
                        self.strided.append((name, inp[2], inp[3]))
                        self.loaded[key] = self.line(f"{name}_get4(i)", ("S",))
                args.append(self.loaded[key])
        v = self.var()
        local = " ".join(f"vec4 {name} = {a};" for name, a in zip("abc", args))
        self.lines.append(f"  vec4 {v}; {{ {local} {v} = {codegen.expression(node.expr, node.ints)}; }}")
        self.key.append((node.expr, node.ints, tuple(args)))
        return v

    def line(self, value, token):
        v = self.var()
        self.lines.append(f"  vec4 {v} = {value};")
        self.key.append(token)
        return v

    def source(self, rank):
        return codegen.fused(self.lines, self.result, [(n, m) for n, m, _ in self.textures],
                             [n for n, _ in self.uniforms], rank)

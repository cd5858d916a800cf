"""webtensor's API against tfjs-core 4.22's op list: every op has a twin at the same namespace
path, taking the same leading positional parameters.

No browser: the ops and their parameters are read from tfjs-core's TypeScript declarations
(npm pack, integrity-checked, cached: benchmarks/tfjs_dist.py). dist/ops/ops.d.ts exports the
ops (`export { abs } from './abs'`, `export * from './norm'`) and the namespaces (image,
linalg, losses, spectral, fused, signal, sparse, string; math comes from dist/math.d.ts);
each op's file declares it, e.g. `declare function norm_(x: ..., ord?: ..., axis?: ...)`
then `export declare const norm: typeof norm_`.

Names: camelCase becomes snake_case at each lower-to-upper step and before the last capital
of an acronym (keepDims -> keep_dims, batchToSpaceND -> batch_to_space_nd, multiRNNCell ->
multi_rnn_cell); digits stay with what precedes them (conv2dTranspose -> conv2d_transpose,
avgPool3d -> avg_pool3d). NAMES lists the few whose Python spelling differs.

Parameters: each tfjs parameter, in order, is a positional parameter of the twin of the same
(snake_case) name, with a default where tfjs's is optional; a rest parameter (`...tensors`) is
*tensors; an options object (`{a, b, transposeA}`) is keyword arguments. The twin may take
more parameters after these.

Both lists below record today's gaps; each test also fails when an entry is no longer a gap,
so that they only shrink.
"""
import importlib
import inspect
import os
import re
import subprocess
import sys

import pytest

import webtensor as wt
from webtensor.host import paths

# tfjs name -> webtensor name, where the rule above would give another spelling
NAMES = {
    "argMax": "argmax", "argMin": "argmin",  # as NumPy and TF Python (tf.math.argmax)
    "logSumExp": "logsumexp",                # NumPy's and SciPy's spelling; TF's reduce_logsumexp
    "matMul": "matmul",                      # NumPy's and TF Python's, also for tf.fused.matMul
    "outerProduct": "outer",                 # NumPy's np.outer
    "topk": "top_k",                         # TF Python's tf.math.top_k
    "isNaN": "is_nan",                       # the rule would make is_na_n
    "stdDev": "stddev",  # a parameter: TF Python's tf.random.normal and tfjs-layers' initializers
}
# Exported by tfjs-core's ops.d.ts but no ops: the op() wrapper, and two helpers of
# tf.signal that tfjs exports through `export * from './signal_ops_util'`.
NOT_OPS = {"op", "enclosingPowerOfTwo", "cosineWindow"}

MISSING = {  # tfjs ops (webtensor paths) without a twin today
    # string tensors are not supported: webtensor's dtypes are float32, int32 and bool only
    "string.string_n_grams", "string.string_split", "string.string_to_hash_bucket_fast",
    "string.static_regex_replace",
}

SIGNATURE_GAPS = {  # webtensor path -> how its parameters differ from tfjs's today
}


def snake(name):
    return NAMES.get(name) or re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_",
                                     name).lower()


# ------------------------------------------------------------------ reading the declarations

OPEN, CLOSE = "([{<", ")]}>"


def _closes(text, i):
    return text[i] in CLOSE and not (text[i] == ">" and i and text[i - 1] == "=")  # `=>` closes nothing


def _depths(text):
    """(index, character, bracket depth before it) for each character of text."""
    depth = 0
    for i, c in enumerate(text):
        yield i, c, depth
        depth += (c in OPEN) - _closes(text, i)


def _group_end(text, i):
    """Index just past the bracket group that opens at text[i]."""
    group = text[i:]
    return i + next(j + 1 for j, _, d in _depths(group) if d == 1 and _closes(group, j))


def _split(text, sep):
    cuts = [-1] + [i for i, c, d in _depths(text) if c == sep and d == 0] + [len(text)]
    return [p for p in (text[a + 1:b].strip() for a, b in zip(cuts, cuts[1:])) if p]


def _param(text):
    """`a?: T` -> "a?", `...xs: T[]` -> "*xs", `{ k1, k2 }?: {...}` (an options bag) -> "{k1,k2}"."""
    if text.startswith("{"):
        return "{" + ",".join(k.strip() for k in text[1:text.index("}")].split(",") if k.strip()) + "}"
    m = re.match(r"(\.\.\.)?\$?(\w+)(\?)?", text)
    return ("*" if m[1] else "") + m[2] + (m[3] or "")


def _params(text, i=0):
    """The parameters of the signature at text[i]: `<generics>(...)`, generics optional."""
    i += len(text[i:]) - len(text[i:].lstrip())
    if text[i] == "<":
        i = _group_end(text, i)
        i += len(text[i:]) - len(text[i:].lstrip())
    return [_param(p) for p in _split(text[i + 1:_group_end(text, i) - 1], ",")]


class Declarations:
    """One .d.ts file: what it declares, imports and exports."""

    def __init__(self, path):
        self.path = path
        self.text = re.sub(r"/\*.*?\*/|//[^\n]*", "", path.read_text(), flags=re.S)
        self.imports = {}  # local name -> (file, name there, or None for `import * as`)
        for names, src in re.findall(r"import\s*\{([^}]*)\}\s*from\s*'([^']+)'", self.text):
            for n in filter(None, map(str.strip, names.split(","))):
                there, _, local = n.partition(" as ")
                self.imports[(local or there).strip()] = (self.file(src), there.strip())
        for local, src in re.findall(r"import\s*\*\s*as\s*(\w+)\s*from\s*'([^']+)'", self.text):
            self.imports[local] = (self.file(src), None)

    def file(self, src):
        return (self.path.parent / f"{src}.d.ts").resolve()

    def lookup(self, name):
        """A function's parameter list, a namespace's {name: lookup}, or None (a type...)."""
        t = self.text
        if m := re.search(rf"declare const {name}\s*:\s*typeof (\w+)\s*;", t):
            return self.lookup(m[1])
        if m := re.search(rf"declare function {name}\s*(?=[<(])", t):
            return _params(t, m.end())
        if m := re.search(rf"declare const {name}\s*:\s*", t):
            i = m.end()
            if t[i] == "{":  # an object of functions: a namespace
                entries = (e.partition(":") for e in _split(t[i + 1:_group_end(t, i) - 1], ";"))
                return {key.strip(): _params(sig) for key, _, sig in entries}
            return _params(t, i) if t[i] in "(<" else None
        if name in self.imports:
            file, there = self.imports[name]
            return exports(file) if there is None else Declarations(file).lookup(there)
        return None

    def exports(self):
        t, out = self.text, {}
        for names, src in re.findall(r"export\s*\{([^}]*)\}\s*from\s*'([^']+)'", t):
            there = Declarations(self.file(src))
            out.update((n, there.lookup(n)) for n in filter(None, map(str.strip, names.split(","))))
        for src in re.findall(r"export\s*\*\s*from\s*'([^']+)'", t):
            out.update(exports(self.file(src)))
        for names in re.findall(r"export\s*\{([^}]*)\}\s*;", t):
            out.update((n, self.lookup(n)) for n in filter(None, map(str.strip, names.split(","))))
        for n in re.findall(r"export declare (?:const|function) (\w+)", t):
            if not n.endswith("_"):
                out[n] = self.lookup(n)
        return out


def exports(path):
    return Declarations(path).exports()


def walk(tree, prefix=()):
    """(webtensor path, tfjs name, tfjs parameters) of every function in the tree."""
    for name, value in tree.items():
        if isinstance(value, dict):
            yield from walk(value, prefix + (snake(name),))
        elif value is not None and name not in NOT_OPS:
            yield ".".join(prefix + (snake(name),)), ".".join(prefix + (name,)), value


# ------------------------------------------------------------------ comparing

def twin(path):
    obj = wt
    for part in path.split("."):
        obj = getattr(obj, part, None)
    return obj if callable(obj) else None


POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def differences(fn, tfjs_params):
    """How fn's parameters differ from tfjs's (empty when they agree)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        return ["has no signature"]
    named = {p.name for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    out = []
    for i, tp in enumerate(tfjs_params):
        ours = params[i] if i < len(params) else None
        if tp.startswith("{"):  # an options object: its keys are keyword arguments
            out += [f"takes no keyword {snake(k)!r}" for k in tp[1:-1].split(",") if snake(k) not in named]
            break
        if tp.startswith("*"):
            if not (ours and ours.kind == ours.VAR_POSITIONAL and ours.name == snake(tp[1:])):
                out.append(f"takes no *{snake(tp[1:])} as parameter {i + 1}")
            break
        name = snake(tp.rstrip("?"))
        if not ours or ours.kind not in POSITIONAL:
            out.append(f"takes no {name!r} as parameter {i + 1}")
        elif ours.name != name:
            out.append(f"parameter {i + 1} is {ours.name!r}, not {name!r}")
        elif tp.endswith("?") and ours.default is ours.empty:
            out.append(f"{name!r} has no default, optional in tfjs")
    return out


def signature(fn):
    try:
        return str(inspect.signature(fn))
    except (TypeError, ValueError):
        return "(?)"


@pytest.fixture(scope="module")
def tfjs_core():
    if str(paths.ROOT) not in sys.path:  # benchmarks/ is a package at the repository's root
        sys.path.insert(0, str(paths.ROOT))
    dist = importlib.import_module("benchmarks.tfjs_dist")
    try:
        return dist.ensure(package="@tensorflow/tfjs-core") / "dist"
    except (RuntimeError, OSError, subprocess.CalledProcessError) as e:  # no npm or registry, no cache
        reason = f"tfjs-core {dist.VERSION} is not available: {e}"
        if os.environ.get("CI"):  # as conftest.py: under CI the oracle must be there
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def tfjs_ops(tfjs_core):
    """{webtensor path: (tfjs path, tfjs parameters)} for every tfjs-core op."""
    tree = exports(tfjs_core / "ops" / "ops.d.ts")
    tree["math"] = exports(tfjs_core / "math.d.ts")
    return {path: (name, params) for path, name, params in walk(tree)}


def test_declarations_are_read(tfjs_ops):
    """The reader found the ops, their namespaces and their parameters (not nothing)."""
    assert len(tfjs_ops) > 250
    assert tfjs_ops["norm"] == ("norm", ["x", "ord?", "axis?", "keepDims?"])
    assert tfjs_ops["einsum"][1] == ["equation", "*tensors"]
    assert tfjs_ops["linalg.qr"] == ("linalg.qr", ["x", "fullMatrices?"])
    assert tfjs_ops["math.confusion_matrix"][1] == ["labels", "predictions", "numClasses"]
    assert tfjs_ops["fused.matmul"][1][0].startswith("{a,b,transposeA,")
    assert tfjs_ops["image.resize_bilinear"][1] == ["images", "size", "alignCorners?", "halfPixelCenters?"]
    assert {p.split(".")[0] for p in tfjs_ops if "." in p} == {
        "fused", "image", "linalg", "losses", "math", "signal", "sparse", "spectral", "string"}


def test_every_tfjs_op_has_a_twin(tfjs_ops):
    missing = {path for path in tfjs_ops if twin(path) is None}
    new = sorted(missing - MISSING)
    assert not new, "tfjs ops without a webtensor twin (add them, or to MISSING):\n" + "\n".join(
        f"  wt.{p}  (tf.{tfjs_ops[p][0]})" for p in new)
    stale = sorted(MISSING - missing)
    assert not stale, "in MISSING but now there (or no tfjs op): remove from MISSING: " + ", ".join(stale)


def test_twins_take_tfjs_parameters(tfjs_ops):
    found = {path: differences(fn, params) for path, (_, params) in sorted(tfjs_ops.items())
             if (fn := twin(path)) is not None}
    found = {path: diff for path, diff in found.items() if diff}
    new = [f"  wt.{p}{signature(twin(p))} vs tf.{tfjs_ops[p][0]}({', '.join(tfjs_ops[p][1])}): "
           + "; ".join(diff) for p, diff in found.items() if p not in SIGNATURE_GAPS]
    assert not new, ("twins whose parameters differ from tfjs's (fix them, or add to "
                     "SIGNATURE_GAPS):\n" + "\n".join(new))
    fixed = sorted(set(SIGNATURE_GAPS) - set(found))
    assert not fixed, ("in SIGNATURE_GAPS but now as tfjs (or gone): remove from SIGNATURE_GAPS: "
                       + ", ".join(fixed))


def test_util_is_tfjs_util(tfjs_core):
    """Every wt.util function is a tf.util function, with its parameters (util.assert is assert_)."""
    tfjs_util = {snake(name): params for name, params in exports(tfjs_core / "util.d.ts").items()
                 if params is not None and not isinstance(params, dict)}
    assert {"size_from_shape", "arrays_equal", "assert", "flatten"} <= set(tfjs_util)
    for name in wt.util.__all__:
        assert name.rstrip("_") in tfjs_util, f"wt.util.{name} is no tf.util function"
        diff = differences(getattr(wt.util, name), tfjs_util[name.rstrip("_")])
        assert not diff, f"wt.util.{name}: {diff}"

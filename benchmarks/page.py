"""The benchmark driver, run inside Pyodide in the page: per workload, set up every contender,
check each one's output against the float64 reference (or, for the graph models, against the
reference contender's outputs), then time them interleaved (A B C D E, A B C D E, ...) so that
machine noise hits them alike. Every timed run ends with a blocking readback of its output(s).
The results go to window.wtBenchResult as JSON.

argv[1]: JSON config {reps: [min, max], budget_s, warmup, only: [TEXT, ...], profile, smoke}.
"""
import inspect
import json
import sys
import time

import js
import numpy as np
import pyodide_js

import webtensor as wt
from benchmarks import profile
from benchmarks.workloads import (ALL, NUMPY_UPLOAD, WORKLOADS, inputs, numpy_version, reference,
                                  webtensor_version)

CFG = json.loads(sys.argv[1])


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def typed_js(a):
    """A JS Int32Array (int32) or Float32Array (anything else, as float32) holding a copy of an
    ndarray (one memcpy, outside timing)."""
    a = np.ascontiguousarray(a, np.int32 if a.dtype == np.int32 else np.float32)
    kind = js.Int32Array if a.dtype == np.int32 else js.Float32Array
    return kind.new(pyodide_js._module.HEAPU8.buffer, a.ctypes.data, a.size).slice()


def js_arrays(x):
    arrays = js.Object.new()
    for k, v in x.items():
        setattr(arrays, k, typed_js(v))
    return arrays


JS_DTYPES = {"Float32Array": np.float32, "Int32Array": np.int32, "Uint8Array": np.uint8}


def from_js(values):
    """A typed array, or a JS array of them (several outputs), as NumPy."""
    if js.Array.isArray(values):
        return [from_js(v) for v in values]
    return np.frombuffer(values.to_bytes(), JS_DTYPES[values.constructor.name]).copy()


class Webtensor:
    """variant: another way for a workload to do the same on this backend (webtensor_version's)."""

    def __init__(self, backend, variant=None):
        self.backend, self.variant = backend, variant
        self.name = f"webtensor {backend}" + (f", {variant}" if variant else "")

    async def init(self):
        # A fresh instance: the page's default backend may have started already.
        t0 = time.perf_counter()
        backend = wt.ENGINE.registry[self.backend][0]()
        ms = (time.perf_counter() - t0) * 1e3
        ctx = getattr(backend, "ctx", None)
        if ctx is not None:  # free its WebGL context: Chromium caps the live ones per page
            ctx.gl.getExtension("WEBGL_lose_context").loseContext()
        return ms

    async def prepare(self, w, x):
        wt.set_backend(self.backend)
        state = webtensor_version(wt, w, x, self.variant)
        if inspect.isawaitable(state):  # it loads a model
            state = await state
        return (*state, w.read)

    async def time(self, state, keep_values):
        run, _, read = state
        wt.set_backend(self.backend)
        t0 = time.perf_counter()
        out = run()
        if inspect.isawaitable(out):  # a run_async workload (fit): awaited, returns host values
            values = await out
            ms = (time.perf_counter() - t0) * 1e3
            return ms, (np.array(values) if keep_values else None)
        several = isinstance(out, (list, tuple))  # a graph model's outputs: each read back
        outs = list(out) if several else [out]
        values = [(await o.data()) if read == "async" else o.data_sync() for o in outs]
        ms = (time.perf_counter() - t0) * 1e3
        for o in outs:
            o.dispose()
        if not keep_values:
            return ms, None
        return ms, ([np.array(v) for v in values] if several else np.array(values[0]))

    def dispose(self, state):
        for t in state[1]:
            t.dispose()


class NumPy:
    name = "numpy"

    async def init(self):
        return 0.0

    async def prepare(self, w, x):
        return numpy_version(w, x)

    async def time(self, run, keep_values):
        t0 = time.perf_counter()
        values = np.asarray(run())
        return (time.perf_counter() - t0) * 1e3, (values.copy() if keep_values else None)

    def dispose(self, run):
        pass


class TFJS:
    """Calls into benchmarks/workloads.js; the clock runs in JS."""

    def __init__(self, backend):
        self.backend, self.name = backend, f"tfjs {backend}"

    async def init(self):
        return await js.wtBench.init(self.backend)

    async def prepare(self, w, x):
        return await js.wtBench.prepare(self.backend, w.kind, json.dumps(w.params), js_arrays(x), w.read)

    async def time(self, state, keep_values):
        r = await js.wtBench.time(state, keep_values)
        return r.ms, (from_js(r.values) if keep_values else None)

    def dispose(self, state):
        js.wtBench.dispose(state)


CONTENDERS = [Webtensor("webgl"), Webtensor("cpu"), TFJS("webgl"), TFJS("wasm"), TFJS("cpu"), NumPy(),
              Webtensor("webgl", NUMPY_UPLOAD), Webtensor("cpu", NUMPY_UPLOAD)]


def check(values, expected, w):
    """max_err: the largest error over the reference's largest magnitude (at most w.rtol); with
    w.atol, each value within w.atol * max(1, max |ref|) + w.rtol * |ref|, per output."""
    if isinstance(expected, list):  # several outputs
        if not isinstance(values, list) or len(values) != len(expected):
            got = len(values) if isinstance(values, list) else 1
            return {"ok": False, "why": f"{got} outputs, expected {len(expected)}"}
        verdicts = [check(v, e, w) for v, e in zip(values, expected)]
        bad = [f"output {i}: {v['why']}" for i, v in enumerate(verdicts) if not v["ok"]]
        return {"ok": not bad, "max_err": max((v.get("max_err", np.inf) for v in verdicts), default=0.0),
                **({"why": "; ".join(bad)} if bad else {})}
    values = np.asarray(values, np.float64).reshape(-1)
    expected = np.asarray(expected, np.float64).reshape(-1)
    if values.shape != expected.shape:
        return {"ok": False, "why": f"{values.size} values, expected {expected.size}"}
    if not values.size:
        return {"ok": True, "max_err": 0.0}
    diff, peak = np.abs(values - expected), float(np.abs(expected).max())
    err = float(diff.max()) / max(peak, 1e-30)
    if w.atol is None:
        ok = bool(np.isfinite(values).all()) and err <= w.rtol
        why = f"max error {err:.3g} of the largest value, over {w.rtol:g}"
    else:
        bad = ~(diff <= w.atol * max(1.0, peak) + w.rtol * np.abs(expected))  # NaN counts as bad
        ok = not bad.any()
        why = (f"{int(bad.sum())}/{values.size} values over {w.atol:g} * max(1, max |ref|) + "
               f"{w.rtol:g} * |ref| (max |diff| {float(np.nanmax(diff)):.3g}, max |ref| {peak:.3g})")
    return {"ok": ok, "max_err": err, **({} if ok else {"why": why})}


def summary(times):
    t = np.array(times)
    q1, med, q3 = np.percentile(t, [25, 50, 75])
    return {"median_ms": float(med), "min_ms": float(t.min()), "max_ms": float(t.max()),
            "q1_ms": float(q1), "q3_ms": float(q3), "times_ms": [round(float(v), 4) for v in t]}


def error_text(e):
    return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


async def bench(w, contenders):
    x = inputs(w)
    expected = reference(w, x)
    res, states = {}, {}
    if "saved" in w.params:  # a layers model saved once, by tfjs, that every contender loads
        await js.wtBench.save_model(json.dumps(w.params), js_arrays(x))
    for c in contenders:
        try:
            states[c.name] = await c.prepare(w, x)
            res[c.name] = {"first_ms": None}
        except Exception as e:
            res[c.name] = {"error": "setup: " + error_text(e)}
    live = [c for c in contenders if c.name in states]
    # The first call of each contender (shader compiles, uploads) is timed on its own and
    # checked; then warm-up; then interleaved rounds.
    for k in range(w.checks + CFG["warmup"]):
        got = {}
        for c in list(live):
            try:
                ms, values = await c.time(states[c.name], k < w.checks)
            except Exception as e:
                res[c.name]["error"] = f"run {k + 1}: " + error_text(e)
                live.remove(c)
                continue
            if k == 0:
                res[c.name]["first_ms"] = ms
            got[c.name] = values
        if k >= w.checks:
            continue
        # checked once every contender has run: the reference may be one of them
        want = expected[k] if expected is not None else got.get(w.reference)
        for c in [c for c in live if c.name in got]:
            if want is None:
                verdict = {"ok": False, "why": f"no reference: {w.reference} failed"}
            else:
                verdict = check(got[c.name], want, w)
            if c.name == w.reference:
                verdict["reference"] = True
            res[c.name].setdefault("checks", []).append(verdict)
            if not verdict["ok"]:
                res[c.name]["error"] = f"wrong result in run {k + 1}: {verdict['why']}"
                live.remove(c)
    times = {c.name: [] for c in live}
    lo, hi = CFG["reps"]
    hi = max(hi, w.rounds)  # a cheap workload: more rounds, as budget_s allows
    start = time.perf_counter()
    while live and len(times[live[0].name]) < hi and (
            len(times[live[0].name]) < lo or time.perf_counter() - start < CFG["budget_s"]):
        for c in list(live):
            try:
                times[c.name].append((await c.time(states[c.name], False))[0])
            except Exception as e:
                res[c.name]["error"] = "timed run: " + error_text(e)
                live.remove(c)
    for c in contenders:
        if c.name in states:
            try:
                c.dispose(states[c.name])
            except Exception as e:
                res[c.name].setdefault("error", "dispose: " + error_text(e))
        if c in live:
            res[c.name].update(summary(times[c.name]))
    return res


def webgl_renderer():
    gl = js.document.createElement("canvas").getContext("webgl2")
    dbg = gl.getExtension("WEBGL_debug_renderer_info")
    info = {"version": gl.getParameter(gl.VERSION),
            "renderer": gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL) if dbg else None}
    ext = gl.getExtension("WEBGL_lose_context")
    if ext:
        ext.loseContext()  # this probe's context only: Chromium caps the live contexts per page
    return info


async def main():
    import pyodide
    meta = {"webtensor": wt.__version__, "pyodide": pyodide.__version__, "numpy": np.__version__,
            "python": sys.version.split()[0], "webgl": webgl_renderer(),
            "config": CFG, "readback": "every timed run includes a blocking readback of its "
            "output (webtensor data_sync, tfjs dataSync, NumPy returns host arrays)",
            "clock": "webtensor and NumPy: time.perf_counter in Pyodide; tfjs: performance.now in JS"}
    init = {}
    for c in (c for c in CONTENDERS if c.name in ALL):  # backend start-up, first use in this page
        try:
            init[c.name] = await c.init()
        except Exception as e:
            init[c.name] = {"error": error_text(e)}
    meta["tfjs"] = json.loads(js.wtBench.info())
    results = []
    for w in WORKLOADS:
        if CFG.get("smoke") and not w.smoke or CFG.get("only") and not any(t in w.name for t in CFG["only"]):
            continue
        log(f"[bench] {w.name} ...")
        t0 = time.perf_counter()
        contenders = [c for c in CONTENDERS if c.name in w.contenders]
        res = await bench(w, contenders)
        for name, r in res.items():
            if "error" in r:
                log(f"[bench]   {name}: FAILED: {r['error']}")
        results.append({"name": w.name, "kind": w.kind, "params": w.params, "ops": w.ops,
                        "notes": w.notes, "contenders": res})
        log(f"[bench]   done in {time.perf_counter() - t0:.1f} s")
    out = {"meta": meta, "init_ms": init, "workloads": results}
    if CFG.get("profile"):
        log("[bench] profile: webtensor webgl ...")
        ok = {r["name"] for r in results if "median_ms" in r["contenders"].get("webtensor webgl", {})}
        out["profile"] = await profile.run(wt, [w for w in WORKLOADS if w.name in ok], CFG)
    js.window.wtBenchResult = json.dumps(out)


await main()

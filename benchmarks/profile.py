"""--profile: where webtensor webgl's time goes in each workload. Runs inside Pyodide, after
the timed benchmark, on a fresh copy of each workload's state (after one warm-up run).
Medians over a few runs, in ms per run:

  total      the ops and a blocking readback (as in the table; measured again here)
  issue      the ops alone, until control returns to Python: no readback. Where the backend
             defers work (a fused elementwise expression drawn only when needed), the output
             is realized (drawn) inside issue
  gpu_wait   a readPixels of one texel of the output (of each, for a graph model's outputs)
             right after issue, which returns once
             the GPU (SwiftShader) has finished the queued draws, less the same read on an
             idle GPU (the sync round trip, reported apart). gl.finish() cannot serve: in
             Chromium it returns without waiting.
  readback   data_sync() after that: reading already finished textures into NumPy
  python     issue again, with every JS entry point of the GL context replaced by a Python
             no-op: the Python (and NumPy) side of issuing the ops
  ffi        the JS crossings counted in one issue (GL calls by their argument count, lookups
             on the gl proxy, typed-array views of WASM memory, to_js), each kind priced by a
             microbenchmark in this page
  browser_gl issue - python - ffi: WebGL's own work behind the calls (validation, command
             encoding) and whatever the other two miss. Checked directly once: the GL calls
             of a chained elementwise op, in a JS loop (js_draw: µs per op)
"""
import inspect
import time

import js
import numpy as np
from pyodide.ffi import JsProxy

from benchmarks.workloads import inputs, webtensor_version

FAKE = object()  # what stubbed JS calls return; lets the clean-up find what they made


def _per_call(fn, trials=5, trial_s=0.01):
    """Seconds per call: the best of a few trials, each long enough for the page's coarse
    clock (performance.now() ticks in 0.1 ms steps here), after a warm-up that lets V8
    optimize the call path."""
    n = 1000
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        if time.perf_counter() - t0 >= trial_s:
            break
        n *= 2
    best = float("inf")
    for _ in range(trials):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def crossing_costs(context):
    """Seconds per crossing of each kind, net of the same Python call made without JS."""
    m, o, a = js.Math.max, js.Math, np.zeros(16, np.float32)

    class Plain:
        PI = 3.14
    p = Plain()
    base2, base7 = _per_call(lambda: max(1, 2)), _per_call(lambda: max(1, 2, 3, 4, 5, 6, 7))
    call2 = _per_call(lambda: m(1, 2)) - base2
    call7 = _per_call(lambda: m(1, 2, 3, 4, 5, 6, 7)) - base7
    return {"call_2_args": call2, "call_7_args": call7,
            "lookup": _per_call(lambda: o.PI) - _per_call(lambda: p.PI),
            "view": _per_call(lambda: context.heap_view(a)),
            "to_js": _per_call(lambda: context.to_js([1, 2, 3, 4]))}


class _GL:
    """Stands in for the gl proxy: counts lookups and calls, or (stub) answers with no-ops."""

    def __init__(self, real, count, stub):
        self._real, self._count, self._stub = real, count, stub

    def __getattr__(self, name):
        if self._stub:
            return lambda *args: FAKE
        self._count["lookup"] += 1
        value = getattr(self._real, name)
        return _wrap(value, self._count, False) if callable(value) else value


def _wrap(fn, count, stub):
    def call(*args):
        count["call"] += 1
        count["args"] += len(args)
        return FAKE if stub else fn(*args)
    return call


class patched:
    """Within the block, the GL context's JS entry points count (stub=False) or do nothing."""

    def __init__(self, context, ctx, stub):
        self.context, self.ctx, self.stub = context, ctx, stub
        self.count = {"call": 0, "args": 0, "lookup": 0, "view": 0, "to_js": 0}

    def _counted(self, kind, fn):
        def call(*args, **kwargs):
            self.count[kind] += 1
            return FAKE if self.stub else fn(*args, **kwargs)
        return call

    def __enter__(self):
        ctx, context = self.ctx, self.context
        self.saved_ctx = {k: v for k, v in vars(ctx).items() if isinstance(v, JsProxy) and callable(v)}
        self.saved_ctx["gl"] = ctx.gl
        self.saved_mod = {"heap_view": context.heap_view, "to_js": context.to_js}
        for k, v in self.saved_ctx.items():
            setattr(ctx, k, _wrap(v, self.count, self.stub) if k != "gl" else _GL(v, self.count, self.stub))
        context.heap_view = self._counted("view", self.saved_mod["heap_view"])
        context.to_js = self._counted("to_js", self.saved_mod["to_js"])
        return self.count

    def __exit__(self, *exc):
        for k, v in self.saved_ctx.items():
            setattr(self.ctx, k, v)
        for k, v in self.saved_mod.items():
            setattr(self.context, k, v)
        return False


def _forget_stub_state(ctx, counters):
    """After a stubbed pass: drop what the no-ops 'made', and forget the cached GL state, which
    the stubs updated without GL seeing it (the next draws then set it again for real)."""
    for free in ctx.pool.values():
        free[:] = [t for t in free if t.gl_texture is not FAKE]
    for key in [k for k, p in ctx.programs.items() if p.gl_program is FAKE]:
        del ctx.programs[key]
    ctx.num_textures, ctx.texture_bytes = counters
    ctx.bound.clear()
    ctx.attached = ctx.current_program = ctx.view = None
    for p in ctx.programs.values():
        p.values.clear()
    ctx.gl.activeTexture(ctx.TEXTURE0)
    ctx.active_unit = 0


class _Outputs(list):
    """A run's output tensors (one, or a graph model's several), read and freed together."""

    def data_sync(self):
        for t in self:
            t.data_sync()

    def dispose(self):
        for t in self:
            t.dispose()


def _run(run):
    out = run()
    return _Outputs(out if isinstance(out, (list, tuple)) else [out])


def _issue(wt, run):
    """run(), then draw the outputs the backend left as lazy expressions."""
    outs, backend = _run(run), wt.backend()
    for out in outs:
        handle = out._data.handle
        if getattr(handle, "expr", None) is not None and hasattr(backend, "realize"):
            backend.realize(handle)
    return outs


def _read_texel(ctx, context, outs):
    """readPixels of one texel of each output's texture: blocks until the GPU has written them."""
    for tensor in outs:
        texture = tensor._data.handle.texture
        if texture is not None:
            ctx._attach(texture)
            ctx.read_pixels(0, 0, 1, 1, ctx.RGBA, ctx.FLOAT, context.heap_view(np.empty(4, np.float32)))


def _ms(values):
    return float(np.median(values)) * 1e3


async def profile_workload(wt, w, ctx, context, costs, reps):
    pc = time.perf_counter
    state = webtensor_version(wt, w, inputs(w))
    run, keep = (await state) if inspect.isawaitable(state) else state  # it may load a model
    try:
        out = _run(run)  # warm-up: compiles, uploads
        out.data_sync()
        out.dispose()
        total, issue, wait, trip, readback = [], [], [], [], []
        for _ in range(reps):  # the two kinds of run alternate, so that load hits both alike
            t0 = pc()
            out = _run(run)
            out.data_sync()
            total.append(pc() - t0)
            out.dispose()
            calls0, draws0 = ctx.calls, ctx.draws
            t0 = pc()
            out = _issue(wt, run)
            t1 = pc()
            _read_texel(ctx, context, out)
            t2 = pc()
            _read_texel(ctx, context, out)
            t3 = pc()
            out.data_sync()
            t4 = pc()
            out.dispose()
            issue.append(t1 - t0)
            wait.append(t2 - t1)
            trip.append(t3 - t2)
            readback.append(t4 - t3)
            calls, draws = ctx.calls - calls0, ctx.draws - draws0  # the same each run
        with patched(context, ctx, stub=False) as count:
            out = _issue(wt, run)
        out.data_sync()
        out.dispose()
        python, counters = [], (ctx.num_textures, ctx.texture_bytes)
        try:
            with patched(context, ctx, stub=True):
                for _ in range(reps):
                    t0 = pc()
                    out = _issue(wt, run)
                    python.append(pc() - t0)
                    out.dispose()
        finally:
            for t in keep:
                t.dispose()
            keep = []
            _forget_stub_state(ctx, counters)
    finally:
        for t in keep:
            t.dispose()
    per_arg = (costs["call_7_args"] - costs["call_2_args"]) / 5
    ffi = (count["call"] * costs["call_2_args"] + (count["args"] - 2 * count["call"]) * per_arg
           + count["lookup"] * costs["lookup"] + count["view"] * costs["view"]
           + count["to_js"] * costs["to_js"])
    ms = {"total": _ms(total), "issue": _ms(issue), "gpu_wait": _ms(wait) - _ms(trip),
          "round_trip": _ms(trip), "readback": _ms(readback), "python": _ms(python), "ffi": ffi * 1e3}
    ms["browser_gl"] = ms["issue"] - ms["python"] - ms["ffi"]
    return {"name": w.name, "ops": w.ops, "draws": draws, "gl_calls": calls,
            "crossings": count, "ms": ms}


JS_DRAWS = """(gl, n) => {
  const make = () => {
    const t = gl.createTexture();
    gl.bindTexture(gl.TEXTURE_2D, t);
    gl.texStorage2D(gl.TEXTURE_2D, 1, gl.RGBA32F, 1, 1);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
    return t;
  };
  gl.activeTexture(gl.TEXTURE0);
  const t = [make(), make()];
  gl.viewport(0, 0, 1, 1);
  let us = Infinity;
  for (let trial = 0; trial < 5; trial++) {  // the best of 5: other processes share the CPU
    const start = performance.now();
    for (let i = 0; i < n; i++) {
      gl.bindTexture(gl.TEXTURE_2D, t[i & 1]);
      gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, t[1 - (i & 1)], 0);
      gl.drawArrays(gl.TRIANGLES, 0, 3);
    }
    us = Math.min(us, (performance.now() - start) * 1000 / n);
    gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.FLOAT, new Float32Array(4));  // GPU idle again
  }
  const error = gl.getError();
  gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, null, 0);
  t.forEach((x) => gl.deleteTexture(x));
  return JSON.stringify({us, error});
}"""


def direct_draw_cost(wt, ctx, n=1000):
    """The browser's own cost of a chained elementwise op's GL calls (bindTexture of the
    input, framebufferTexture2D of the output, drawArrays), in a JS loop: no Python, no FFI.
    Drawn with webtensor's add program, made current by one real add."""
    import json

    from benchmarks.workloads import _no_cpu_forward
    x = wt.scalar(0.0)
    y = _no_cpu_forward(wt, lambda: wt.tidy(lambda: wt.add(wt.add(x, 1.0), 1.0)))
    y.data_sync()
    result = json.loads(js.eval(JS_DRAWS)(ctx.gl, n))
    for t in (x, y):
        t.dispose()
    ctx.bound.clear()  # the loop changed bindings, the attachment and the viewport behind the cache
    ctx.active_unit, ctx.attached, ctx.view = 0, None, None
    return result


async def run(wt, workloads, cfg):
    from webtensor.backends.webgl import context
    wt.set_backend("webgl")
    ctx = wt.backend().ctx
    costs = crossing_costs(context)
    bound = ctx.gl.isEnabled
    blend = ctx.gl.BLEND
    result = {"crossing_cost_us": {k: v * 1e6 for k, v in costs.items()},
              "gl_is_enabled_us": _per_call(lambda: bound(blend)) * 1e6,
              "counted_by": "GLContext.calls (GL calls through its state cache) and .draws; "
                            "crossings counted by wrapping the context's JS entry points",
              "workloads": []}
    # an async read splits no differently; a fit (run_async) is many steps, not one issue
    for w in (w for w in workloads if w.read == "sync" and not w.run_async):
        try:
            profiled = await profile_workload(wt, w, ctx, context, costs, cfg["profile_reps"])
            result["workloads"].append(profiled)
        except Exception as e:
            result["workloads"].append({"name": w.name, "error": f"{type(e).__name__}: {e}"})
    try:
        result["js_draw"] = direct_draw_cost(wt, ctx)
    except Exception as e:
        result["js_draw"] = {"error": f"{type(e).__name__}: {e}"}
    return result

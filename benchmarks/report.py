"""Tables (Markdown, readable on a terminal too) and the JSON file from the page's results."""
import json
from pathlib import Path

from benchmarks.workloads import ALL, NUMPY_UPLOAD

RATIOS = (("webtensor/tfjs webgl", "webtensor webgl", "tfjs webgl"),
          ("webtensor cpu/tfjs wasm", "webtensor cpu", "tfjs wasm"),
          ("webtensor/tfjs cpu", "webtensor cpu", "tfjs cpu"))
# the workloads whose webtensor contenders have variants (frame_upload): their own table
VARIANT_RATIOS = tuple((f"{b} direct/{NUMPY_UPLOAD}", f"webtensor {b}", f"webtensor {b}, {NUMPY_UPLOAD}")
                       for b in ("webgl", "cpu"))


def _num(ms):
    return f"{ms:.0f}" if ms >= 100 else f"{ms:.1f}" if ms >= 10 else f"{ms:.2f}"


def _cell(r):
    if r is None:
        return "—"
    if "error" in r:
        return "FAILED"
    return f"{_num(r['median_ms'])} ({_num(r['min_ms'])}–{_num(r['max_ms'])})"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(r) + " |" for r in rows])


def _ratio(res, a, b):
    ra, rb = res.get(a), res.get(b)
    if not ra or not rb or "median_ms" not in ra or "median_ms" not in rb:
        return "—"
    return f"{ra['median_ms'] / rb['median_ms']:.2f}"


def timings(data):
    header = ["workload"] + list(ALL) + [label for label, _, _ in RATIOS]
    rows = []
    for w in data["workloads"]:
        c = w["contenders"]
        rows.append([w["name"]] + [_cell(c.get(k)) for k in ALL] + [_ratio(c, a, b) for _, a, b in RATIOS])
    notes, sharing = [], {}  # a note shared by several workloads (the graph models) is given once
    for w in data["workloads"]:
        sharing.setdefault(w["notes"], []).append(w["name"])
    for w in data["workloads"]:
        if w["ops"]:
            per_op = ", ".join(f"{k} {r['median_ms'] / w['ops'] * 1e3:.1f} µs"
                               for k, r in w["contenders"].items() if "median_ms" in r)
            notes.append(f"{w['name']}, per op: {per_op}")
        if w["notes"] and sharing[w["notes"]][0] == w["name"]:
            notes.append(f"{'; '.join(sharing[w['notes']])}: {w['notes']}")
    return _table(header, rows), notes


def variants(data):
    """The table of the workloads with variant contenders (those not in ALL), or None."""
    ws = [w for w in data["workloads"] if set(w["contenders"]) - set(ALL)]
    if not ws:
        return None
    names = [n for _, a, b in VARIANT_RATIOS for n in (a, b)]
    header = ["workload"] + names + [label for label, _, _ in VARIANT_RATIOS]
    return _table(header, [[w["name"]] + [_cell(w["contenders"].get(k)) for k in names]
                           + [_ratio(w["contenders"], a, b) for _, a, b in VARIANT_RATIOS] for w in ws])


def cold(data):
    header = ["first call, ms"] + list(ALL)
    init = data["init_ms"]
    rows = [["backend start-up"] + [_num(init[k]) if isinstance(init.get(k), (int, float)) else "—"
                                    for k in ALL]]
    for w in data["workloads"]:
        c = w["contenders"]
        rows.append([w["name"]] + [_num(c[k]["first_ms"]) if c.get(k, {}).get("first_ms") is not None
                                   else ("FAILED" if k in c else "—") for k in ALL])
    return _table(header, rows)


def profile(p):
    header = ["workload", "total", "issue", "python", "ffi (crossings)", "browser gl", "gpu wait",
              "round trip", "readback", "draws", "issue per draw"]
    rows = []
    for w in p["workloads"]:
        if "error" in w:
            rows.append([w["name"], "FAILED: " + w["error"]] + [""] * (len(header) - 2))
            continue
        ms, n = w["ms"], w["crossings"]
        crossings = n["call"] + n["lookup"] + n["view"] + n["to_js"]
        rows.append([w["name"], _num(ms["total"]), _num(ms["issue"]), _num(ms["python"]),
                     f"{_num(ms['ffi'])} ({crossings})", _num(ms["browser_gl"]),
                     _num(ms["gpu_wait"]), _num(ms["round_trip"]), _num(ms["readback"]), str(w["draws"]),
                     f"{ms['issue'] / w['draws'] * 1e3:.0f} µs" if w["draws"] else "—"])
    c = p["crossing_cost_us"]
    legend = (f"ms per run, medians. One crossing, measured in this page: a call of a bound JS "
              f"method {c['call_2_args']:.2f} µs (2 args) to {c['call_7_args']:.2f} µs (7 args), "
              f"an attribute lookup {c['lookup']:.2f} µs, a typed-array view of WASM memory "
              f"{c['view']:.2f} µs, to_js of 4 ints {c['to_js']:.2f} µs; a cheap GL call "
              f"(gl.isEnabled, bound) {p['gl_is_enabled_us']:.2f} µs. Browser GL cost of one "
              f"chained elementwise op (bindTexture, framebufferTexture2D, drawArrays) timed in a "
              f"JS loop: {_js_draw(p.get('js_draw', {}))}. "
              "browser gl is a difference of medians taken in separate runs: noise can make it "
              "negative. See benchmarks/profile.py for what each column measures.")
    return _table(header, rows), legend


def _js_draw(r):
    if "us" not in r:
        return "failed: " + r.get("error", "not measured")
    return f"{r['us']:.1f} µs" + (f" (GL error {r['error']})" if r["error"] else "")


def failures(data):
    out = []
    for w in data["workloads"]:
        for k, r in w["contenders"].items():
            if "error" in r:
                out.append(f"{w['name']} / {k}: {r['error']}")
    return out


def render(data):
    m = data["meta"]
    table, notes = timings(data)
    parts = [(f"Chromium {m.get('browser')}, WebGL: {m['webgl'].get('renderer')}; Pyodide {m['pyodide']} "
              f"(NumPy {m['numpy']}), TensorFlow.js {m['tfjs']['version']}, webtensor {m['webtensor']}; "
              f"{m.get('cpus')} CPU cores; commit {m.get('commit')}, {m.get('date')}."),
             ("Median ms (min–max) per run, warm; every run includes a blocking readback of its "
              "output. Ratios: webtensor / tfjs, below 1 means webtensor is faster."), "", table, ""]
    parts += [f"- {n}" for n in notes] + [""]
    vtable = variants(data)
    if vtable:
        parts += [f"Upload paths, median ms (min–max); direct/{NUMPY_UPLOAD} below 1 means from_pixels "
                  "is faster:", "", vtable, ""]
    parts += [cold(data), ""]
    if "profile" in data:
        ptable, legend = profile(data["profile"])
        parts += ["Profile, webtensor webgl:", "", ptable, "", legend, ""]
    fails = failures(data)
    if fails:
        parts += ["FAILED:"] + [f"- {f}" for f in fails]
    return "\n".join(parts)


def write_json(data, path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1))

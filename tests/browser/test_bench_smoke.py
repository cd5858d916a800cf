"""`webtensor bench --smoke --profile`: every workload runs on every contender and gives the
reference's result. Timings are never asserted: this machine's numbers are noise. The smoke set
includes a layers model that tfjs saves and every contender loads, and a small pretrained graph
model, checked against tfjs cpu's outputs."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser


def test_bench_smoke(runtime, tmp_path):  # runtime: Chromium, Pyodide and the wheel are ready
    if not shutil.which("npm"):
        pytest.skip("npm is needed to fetch TensorFlow.js")
    out = tmp_path / "bench.json"
    # `python -m` from this checkout: a `webtensor` on PATH may belong to another one
    result = subprocess.run([sys.executable, "-m", "webtensor.cli", "bench", "--smoke", "--profile",
                             "--json", str(out)], cwd=Path(__file__).resolve().parents[2],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    data = json.loads(out.read_text())
    assert data["workloads"], "no workload ran"
    for w in data["workloads"]:
        for name, r in w["contenders"].items():
            assert "error" not in r, f"{w['name']} / {name}: {r['error']}"
            assert r["checks"] and all(c["ok"] for c in r["checks"]), (w["name"], name, r["checks"])
            assert r["median_ms"] > 0 and r["first_ms"] > 0
    assert {"webtensor webgl", "tfjs webgl"} <= set(data["workloads"][0]["contenders"])
    assert any("saved" in w["params"] for w in data["workloads"]), "no loaded layers model"
    graphs = [w for w in data["workloads"] if w["kind"] == "graph_model"]
    assert graphs, "no graph model in the smoke run"
    for w in graphs:  # every contender but NumPy, checked against tfjs cpu's outputs
        assert set(w["contenders"]) == {"webtensor webgl", "webtensor cpu", "tfjs webgl", "tfjs wasm",
                                        "tfjs cpu"}, w["contenders"].keys()
        assert w["contenders"]["tfjs cpu"]["checks"][0].get("reference"), w["name"]
    for w in data["profile"]["workloads"]:
        assert "error" not in w, f"profile of {w['name']}: {w['error']}"
        assert w["ms"]["total"] > 0, w
    assert "us" in data["profile"]["js_draw"], data["profile"]["js_draw"]
    assert "| matmul 256 |" in result.stdout

"""`webtensor bench`: webtensor (webgl, cpu), TensorFlow.js (webgl, cpu) and NumPy side by
side, interleaved in one headless Chromium page; prints the tables, writes the JSON.

Reuses the `webtensor run` harness (loopback server, Chromium, PyodideSession). TensorFlow.js
comes from the npm cache (benchmarks/tfjs_dist.py) and is injected into the same page.
Exits 1 when a workload fails or gives a wrong result, never because of a timing.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import report, tfjs_dist

HERE = Path(__file__).resolve().parent
PAGE_MODULES = ("__init__.py", "workloads.py", "profile.py")
MODES = {  # reps: [at least, at most] interleaved rounds, within budget_s per workload
    "full": {"reps": [5, 15], "budget_s": 10.0, "warmup": 1, "profile_reps": 7},
    "quick": {"reps": [3, 5], "budget_s": 2.0, "warmup": 1, "profile_reps": 5},
    "smoke": {"reps": [2, 2], "budget_s": 0.0, "warmup": 0, "profile_reps": 2, "smoke": True},
}
INSTALL = """import json, pathlib, sys
root = pathlib.Path('/home/pyodide/benchmarks')
root.mkdir(parents=True, exist_ok=True)
for name, text in json.loads(sys.argv[1]).items():
    (root / name).write_text(text)
"""


def parse(argv):
    p = argparse.ArgumentParser(prog="webtensor bench", description="Benchmark webtensor against "
                                "TensorFlow.js and NumPy, interleaved in one headless Chromium page.")
    p.add_argument("--quick", action="store_true", help="fewer repetitions (3 to 5 rounds)")
    p.add_argument("--smoke", action="store_true",
                   help="2 rounds, no matmul 512/1024: checks that everything runs and is right")
    p.add_argument("--profile", action="store_true",
                   help="also split webtensor webgl's time: Python, FFI crossings, GPU wait")
    p.add_argument("--only", metavar="TEXT", action="append",
                   help="only the workloads whose name contains TEXT (repeat it: those that contain "
                        "any of them; e.g. --only 'graph model' --only loaded)")
    p.add_argument("--json", default="bench-results/latest.json", metavar="PATH",
                   help="where to write the results (default: %(default)s)")
    return p.parse_args(argv)


def _commit():
    """The checkout's commit, with -dirty when it has changes: what the numbers belong to."""
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=HERE, text=True,
                              capture_output=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def run_in_browser(cfg, echo=True):
    from webtensor.host import browser, pyodide_dist, wheel
    from webtensor.host.server import Server
    tfjs = tfjs_dist.ensure()
    tfjs_wasm = tfjs_dist.ensure(package="@tensorflow/tfjs-backend-wasm")
    human = tfjs_dist.ensure(package="@vladmandic/human")  # the graph models: the server's /models/
    dist, built = pyodide_dist.ensure(test_wheels=False), wheel.build()
    sources = {name: (HERE / name).read_text() for name in PAGE_MODULES}
    with Server(dist, built, extra_mounts={"/tfjs-wasm/": tfjs_wasm / "dist"}) as srv, \
            browser.Chromium() as chromium:
        for attempt in range(3):
            try:
                session = browser.PyodideSession(chromium, srv.url, [f"dist/{built.name}"], echo=echo)
                break
            except browser.PyodideError as e:
                if attempt == 2:
                    raise
                # dist/ is shared: another process rebuilding the wheel can cut a download short
                print(f"[bench] Pyodide did not start ({str(e).splitlines()[0][:120]}); again",
                      file=sys.stderr, flush=True)
                built = wheel.build()
        try:
            session.page.add_script_tag(path=str(tfjs / "dist" / "tf.min.js"))
            session.page.add_script_tag(path=str(tfjs_wasm / "dist" / "tf-backend-wasm.min.js"))
            session.page.evaluate(f"() => tf.wasm.setWasmPaths({json.dumps(srv.url + 'tfjs-wasm/')})")
            session.page.add_script_tag(path=str(HERE / "workloads.js"))
            session.run(INSTALL, filename="install_bench.py", argv=[json.dumps(sources)]).check()
            session.run((HERE / "page.py").read_text(), filename="bench_page.py",
                        argv=[json.dumps(cfg)], timeout_s=0).check()
            data = json.loads(session.page.evaluate("() => window.wtBenchResult"))
        finally:
            session.close()
        data["meta"].update(browser=chromium.browser.version, cpus=os.cpu_count(), commit=_commit(),
                            tfjs_integrity=json.loads((tfjs / "integrity.json").read_text()),
                            tfjs_wasm_integrity=json.loads((tfjs_wasm / "integrity.json").read_text()),
                            models_integrity=json.loads((human / "integrity.json").read_text()),
                            date=time.strftime("%Y-%m-%d %H:%M"))
    return data


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    cfg = {**MODES[mode], "mode": mode, "profile": args.profile, "only": args.only}
    started = time.perf_counter()
    data = run_in_browser(cfg)
    data["meta"]["wall_s"] = round(time.perf_counter() - started, 1)
    report.write_json(data, args.json)
    print(report.render(data))
    print(f"\n[bench] {mode} run, {data['meta']['wall_s']} s; results: {args.json}", file=sys.stderr)
    return 1 if report.failures(data) else 0


if __name__ == "__main__":
    sys.exit(main())

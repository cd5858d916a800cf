"""The `webtensor` command: set up the browser runtime, run a script in it, serve the demo.

  webtensor setup                  Chromium (apt-get if missing), Pyodide cache, the wheel
  webtensor run SCRIPT.py [-- ARGS] run SCRIPT in headless Chromium's Pyodide
  webtensor serve                  serve web/ with the local Pyodide and wheel
  webtensor bench [--quick] [--profile] [--json PATH]  benchmarks against TensorFlow.js
"""
import argparse
import sys
import threading
from pathlib import Path


def _prepare(test_wheels=False):
    from .host import pyodide_dist, wheel
    return pyodide_dist.ensure(test_wheels=test_wheels), wheel.build()


def setup(args):
    from .host import browser, paths, pyodide_dist, wheel
    chromium = browser.install_chromium()
    if not chromium:
        print("webtensor setup: could not find or install Chromium (apt-get install chromium)",
              file=sys.stderr)
        return 1
    dist = pyodide_dist.ensure(test_wheels=True)
    built = wheel.build(force=True)
    print(f"chromium: {chromium}\npyodide:  {dist}\nwheel:    {built}")
    try:  # the pretrained models (npm): the examples, graph-model tests and benchmarks use them
        sys.path.insert(0, str(paths.ROOT))  # benchmarks/ is in the checkout, not in the wheel
        from benchmarks import tfjs_dist
        print(f"models:   {tfjs_dist.ensure(package='@vladmandic/human') / 'models'}")
    except (ImportError, RuntimeError, OSError) as e:
        print(f"webtensor setup: the pretrained models are not available ({e})", file=sys.stderr)
    return 0


def run(args):
    from .host.browser import Chromium, PyodideError, PyodideSession
    from .host.server import Server
    script = Path(args.script)
    if not script.is_file():
        print(f"webtensor run: no such file: {script}", file=sys.stderr)
        return 2
    dist, built = _prepare()
    try:
        with Server(dist, built) as srv, Chromium(headed=args.headed) as chromium:
            session = PyodideSession(chromium, srv.url, [f"dist/{built.name}"],
                                     worker=args.worker, echo=True)
            i = session.info
            where = "module worker" if args.worker else "page"
            print(f"[webtensor] Chromium {chromium.browser.version}, Pyodide {i['pyodide']} "
                  f"(Python {i['python']}, NumPy {i['numpy']}) in a {where}; backend: "
                  f"{args.backend or i.get('backend')}", file=sys.stderr, flush=True)
            result = session.run(script.read_text(), filename=script.name, argv=args.args,
                                 backend=args.backend)
            return result.status
    except PyodideError as e:
        print(f"webtensor run: {e}", file=sys.stderr)
        return 1


def serve(args):
    from .host.server import Server
    dist, built = _prepare()
    with Server(dist, built, port=args.port) as srv:
        print(f"Serving web/ at {srv.url}  (Ctrl-C to stop)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


def bench(argv):
    from .host import paths
    sys.path.insert(0, str(paths.ROOT))  # benchmarks/ is in the checkout, not in the wheel
    from benchmarks.run import main as bench_main
    return bench_main(argv)


def lite(args):
    from .host import lite
    site = lite.build()
    print(f"JupyterLite site: {site}")
    if args.serve:
        with lite.LiteServer(site, port=args.port) as srv:
            print(f"Serving it at {srv.notebook_url()}  (Ctrl-C to stop)", flush=True)
            try:
                threading.Event().wait()
            except KeyboardInterrupt:
                pass
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="webtensor", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("setup", help="install Chromium if missing, fetch Pyodide, build the wheel")
    p = sub.add_parser("run", help="run a Python script in headless Chromium's Pyodide")
    p.add_argument("script")
    p.add_argument("--backend", help="webtensor backend to select first (webgl, cpu); "
                                     "default: the library's choice")
    p.add_argument("--headed", action="store_true", help="show the browser window")
    p.add_argument("--worker", action="store_true", help="run in a module Web Worker")
    p = sub.add_parser("serve", help="serve web/ (the demo) and print its URL")
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    sub.add_parser("bench", add_help=False,
                   help="benchmark against TensorFlow.js and NumPy (webtensor bench --help)")
    p = sub.add_parser("lite", help="build the JupyterLite site (needs pip install '.[lite]')")
    p.add_argument("--serve", action="store_true", help="then serve it on loopback")
    p.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # its options belong to benchmarks/run.py
        return bench(argv[1:])
    cut = argv.index("--") if "--" in argv else len(argv)  # what follows goes to the script
    args = parser.parse_args(argv[:cut])
    args.args = argv[cut + 1:]
    return {"setup": setup, "run": run, "serve": serve, "lite": lite}[args.command](args)


if __name__ == "__main__":
    sys.exit(main())

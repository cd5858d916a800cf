"""Runs inside Pyodide: execute a script as `python script.py` would, return its status.

Loaded by boot.mjs into its own namespace; the host calls run_script and info.
"""
import json
import os
import sys
import traceback
from pathlib import Path

from pyodide.code import eval_code_async

WORKDIR = Path("/home/pyodide")


def _webtensor():
    import webtensor
    return webtensor


def _backends(wt):
    lister = getattr(wt, "list_backends", None)
    return list(lister()) if lister else None


def info():
    import numpy
    import pyodide
    result = {"python": sys.version.split()[0], "pyodide": pyodide.__version__,
              "numpy": numpy.__version__}
    try:
        wt = _webtensor()
        result.update(webtensor=getattr(wt, "__version__", "?"),
                      backend=str(wt.get_backend()), backends=_backends(wt))
    except Exception as e:  # still useful for running code that does not import it
        result["webtensor_error"] = f"{type(e).__name__}: {e}"
    return json.dumps(result)


def _select_backend(name):
    wt = _webtensor()
    known = _backends(wt)
    if known is not None and name not in known:
        raise LookupError(f"backend {name!r} is not available in this build of webtensor "
                          f"(registered: {', '.join(known)})")
    try:
        wt.set_backend(name)
    except Exception as e:
        raise LookupError(f"backend {name!r} could not start: {type(e).__name__}: {e}") from None


def _print_error(exc, filename):
    if isinstance(exc, SyntaxError):
        traceback.print_exception(exc, limit=0)
        return
    tb = exc.__traceback__
    while tb and tb.tb_frame.f_code.co_filename != filename:
        tb = tb.tb_next  # hide the harness and Pyodide frames above the script
    traceback.print_exception(type(exc), exc, tb or exc.__traceback__)


def _status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


async def run_script(args_json):
    args = json.loads(args_json)
    os.environ.update(args.get("env") or {})
    path = WORKDIR / Path(args.get("filename") or "script.py").name
    path.write_text(args["source"])  # so tracebacks can show the lines
    filename = str(path)
    sys.argv = [filename, *args.get("argv", [])]
    if str(WORKDIR) not in sys.path:  # so the script can import modules beside it
        sys.path.insert(0, str(WORKDIR))
    scope = {"__name__": "__main__", "__file__": filename, "__builtins__": __builtins__}
    try:
        if args.get("backend"):
            try:
                _select_backend(args["backend"])
            except Exception as e:
                print(f"webtensor: {e}", file=sys.stderr)
                return 2
        await eval_code_async(args["source"], scope, filename=filename, return_mode="none")
        return 0
    except SystemExit as e:
        return _status(e.code)
    except BaseException as e:
        _print_error(e, filename)
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()

"""A loopback-only static server for the page, the Pyodide cache and the built wheel.

URL layout (the pages rely on it):
  /             web/ (the demo)           /pyodide/   the verified Pyodide cache
  /dist/        built wheels              /host/      the runner page and its worker
  /models/      the pretrained graph models (webtensor setup fetches them)
  /tests/       the test suite (only when asked, for running pytest in the page)
  /config.json  where this server keeps Pyodide and the wheel, for web/index.html
  /post/        POST only, with the tests: each request is kept in server.posts
"""
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from . import paths

TYPES = {".mjs": "text/javascript", ".js": "text/javascript", ".wasm": "application/wasm",
         ".whl": "application/octet-stream", ".zip": "application/zip",
         ".json": "application/json", ".py": "text/plain; charset=utf-8"}


class Handler(SimpleHTTPRequestHandler):
    mounts: dict = {}
    config: dict = {}
    posts: list | None = None  # when a list: POSTs to /post/... are kept in it (tests save models there)

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in sorted(self.mounts.items(), key=lambda m: -len(m[0])):
            if path == prefix.rstrip("/") or path.startswith(prefix):
                rest = path[len(prefix):]
                target = (Path(folder) / rest).resolve()
                if target == Path(folder).resolve() or Path(folder).resolve() in target.parents:
                    return str(target)
                break
        return str(Path(self.mounts["/"]) / "__not_found__")

    def do_GET(self):
        if self.path.split("?", 1)[0] == "/config.json":
            body = json.dumps(self.config).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def do_POST(self):
        if self.posts is None or not self.path.startswith("/post/"):
            self.send_error(405, "POST is only taken under /post/, by a test server")
            return
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.posts.append((self.path, self.headers.get("Content-Type", ""), body))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def guess_type(self, path):
        return TYPES.get(Path(path).suffix, None) or super().guess_type(path)

    def end_headers(self):
        # Wheels and test files change between runs; never let the browser keep them.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


class LoopbackServer:
    """Serve folders (URL prefix -> folder) on 127.0.0.1 in a background thread; use as a
    context manager or call close()."""

    def __init__(self, mounts: dict, config: dict | None = None, port=0, keep_posts=False):
        self.posts = [] if keep_posts else None  # (path, content type, body) of each POST
        handler = type("BoundHandler", (Handler,), {"mounts": mounts, "config": config or {},
                                                    "posts": self.posts})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class Server(LoopbackServer):
    """web/, the Pyodide cache, the wheels and the runner page (and the tests, if asked)."""

    def __init__(self, pyodide_dir: Path, wheel: Path | None = None, serve_tests=False,
                 port=0, extra_mounts=None):
        mounts = {"/": paths.WEB, "/pyodide/": pyodide_dir, "/dist/": paths.DIST,
                  "/host/": paths.PAGE, "/models/": paths.PRETRAINED, **(extra_mounts or {})}
        if serve_tests:
            mounts["/tests/"] = paths.TESTS
        config = {"pyodide": "pyodide/", "wheels": [f"dist/{wheel.name}"] if wheel else []}
        super().__init__(mounts, config, port, keep_posts=serve_tests)

"""The host tools without a browser: hash checks, the server's paths and types, the wheel."""
import urllib.error
import urllib.request
import zipfile

import pytest

from webtensor.host import pyodide_dist, wheel
from webtensor.host.server import Server


def test_hash_mismatch_is_refused(tmp_path):
    target = tmp_path / "numpy.whl"
    with pytest.raises(pyodide_dist.DistError, match="sha256 mismatch"):
        pyodide_dist._store(target, b"not numpy", "0" * 64, "a test")
    assert not target.exists()


def test_lock_dependencies_are_followed(tmp_path):
    (tmp_path / "pyodide-lock.json").write_text(
        '{"packages": {"a": {"file_name": "a.whl", "sha256": "1", "depends": ["b"]},'
        ' "b": {"file_name": "b.whl", "sha256": "2", "depends": []},'
        ' "c": {"file_name": "c.whl", "sha256": "3", "depends": []}}}')
    assert sorted(pyodide_dist.lock_entries(tmp_path, ["a"])) == [("a.whl", "1"), ("b.whl", "2")]


def test_server_paths_types_and_confinement(tmp_path):
    (tmp_path / "pyodide.mjs").write_text("export {}")
    (tmp_path / "x.wasm").write_bytes(b"\0asm")
    with Server(tmp_path) as srv:
        def get(path):
            with urllib.request.urlopen(srv.url + path, timeout=10) as r:
                return r.headers["Content-Type"], r.read()
        assert get("pyodide/pyodide.mjs")[0] == "text/javascript"
        assert get("pyodide/x.wasm")[0] == "application/wasm"
        assert b"<title>webtensor" in get("")[1]
        assert get("config.json")[1] == b'{"pyodide": "pyodide/", "wheels": []}'
        with pytest.raises(urllib.error.HTTPError):
            get("pyodide/../../pyproject.toml")
        with pytest.raises(urllib.error.HTTPError):
            get("tests/conftest.py")  # only served when asked for


def test_check_pure_rejects_platform_wheels(tmp_path):
    bad = tmp_path / "webtensor-0.1.0-cp312-cp312-linux_x86_64.whl"
    zipfile.ZipFile(bad, "w").close()
    with pytest.raises(RuntimeError, match="py3-none-any"):
        wheel.check_pure(bad)

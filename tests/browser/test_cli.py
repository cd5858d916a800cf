"""`webtensor run`: a script runs in headless Chromium, prints stream out, status comes back."""
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.browser


def webtensor(*args, timeout=600):
    exe = shutil.which("webtensor")
    cmd = [exe] if exe else [sys.executable, "-m", "webtensor.cli"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def script(tmp_path, runtime):  # runtime: Chromium, Pyodide and the wheel are ready
    def write(source, name="tiny.py"):
        path = tmp_path / name
        path.write_text(source)
        return str(path)
    return write


def test_run_prints_and_exits_zero(script):
    path = script("import sys\nimport webtensor as wt\n"
                  "print('sum', wt.sum(wt.tensor1d([1.0, 2.0, 3.5])).data_sync()[0])\n"
                  "print('argv', sys.argv[1:])\n")
    result = webtensor("run", path, "--backend", "cpu", "--", "a", "-b")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "sum 6.5\nargv ['a', '-b']\n"
    assert "backend: cpu" in result.stderr


def test_run_exception_exits_nonzero_with_traceback(script):
    path = script("print('started')\nraise RuntimeError('model diverged')\n", "crash.py")
    result = webtensor("run", path, "--worker")
    assert result.returncode == 1
    assert result.stdout == "started\n"
    assert 'File "/home/pyodide/crash.py", line 2, in <module>' in result.stderr
    assert "RuntimeError: model diverged" in result.stderr


def test_run_unknown_backend_is_a_clear_error(script):
    result = webtensor("run", script("print('not reached')\n"), "--backend", "tpu")
    assert result.returncode == 2
    assert "tpu" in result.stderr and "not reached" not in result.stdout

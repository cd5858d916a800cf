"""examples/train_classifier.py learns its spirals in CPython and in Pyodide alike."""
import importlib.util
import subprocess
import sys

import pytest

from webtensor.host import paths

EXAMPLE = paths.ROOT / "examples" / "train_classifier.py"


def test_example_in_cpython():
    result = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "held-out accuracy" in result.stdout


@pytest.mark.browser
def test_example_in_pyodide(pyodide):
    # The backend the README's main command gets by default: WebGL where the browser has it.
    backend = "webgl" if importlib.util.find_spec("webtensor.backends.webgl") else "cpu"
    result = pyodide.run(EXAMPLE.read_text(), filename=EXAMPLE.name, backend=backend).check()
    assert result.stdout.startswith(f"backend: {backend};")
    assert "held-out accuracy" in result.stdout

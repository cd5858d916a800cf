"""The examples learn in CPython and in Pyodide alike: examples/train_classifier.py (its
spirals, with an optimizer) and examples/train_cnn.py (shapes in images, with wt.layers);
examples/pretrained_model.py runs pretrained graph models in both."""
import re
import subprocess
import sys

import pytest

from webtensor.host import paths

EXAMPLE = paths.ROOT / "examples" / "train_classifier.py"
CNN = paths.ROOT / "examples" / "train_cnn.py"
PRETRAINED = paths.ROOT / "examples" / "pretrained_model.py"
CNN_ARGS = ["--epochs", "3"]  # short: the shapes are told apart after two or three epochs


def check_cnn(stdout, backend):
    assert stdout.startswith(f"backend: {backend};"), stdout
    progress = re.findall(r"^\d+/\d+ \[=+\] - .*loss: .*$", stdout, re.MULTILINE)
    assert len(progress) == 3, stdout  # fit(verbose=1): one finished line per epoch
    accuracy = re.search(r"held-out accuracy: ([0-9.]+)%", stdout)
    assert accuracy and float(accuracy.group(1)) > 70, stdout


def test_example_in_cpython():
    result = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "held-out accuracy" in result.stdout


def test_cnn_example_in_cpython():
    result = subprocess.run([sys.executable, str(CNN), *CNN_ARGS], capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    check_cnn(result.stdout, "cpu")


@pytest.mark.browser
def test_example_in_pyodide(pyodide):
    # the backend the README's main command gets: the default (the CPU on SwiftShader, as here)
    result = pyodide.run(EXAMPLE.read_text(), filename=EXAMPLE.name).check()
    assert re.match(r"backend: (cpu|webgl);", result.stdout), result.stdout
    assert "held-out accuracy" in result.stdout


@pytest.mark.browser
def test_cnn_example_in_pyodide_on_webgl(pyodide):
    result = pyodide.run(CNN.read_text(), filename=CNN.name, argv=CNN_ARGS, backend="webgl").check()
    check_cnn(result.stdout, "webgl")


def check_pretrained(stdout, backend):
    assert stdout.startswith(f"backend: {backend}"), stdout
    assert re.search(r"^emotion: \w+ [0-9.]+, ", stdout, re.MULTILINE), stdout
    assert re.search(r"^blazeface: [0-9.]+ ms per run", stdout, re.MULTILINE), stdout
    assert stdout.rstrip().endswith("tensors left: 0"), stdout


def test_pretrained_example_in_cpython():
    result = subprocess.run([sys.executable, str(PRETRAINED)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    check_pretrained(result.stdout, "cpu")


@pytest.mark.browser
def test_pretrained_example_in_pyodide(pyodide):
    sys.path.insert(0, str(paths.ROOT))
    from benchmarks import tfjs_dist
    tfjs_dist.ensure(package="@vladmandic/human")  # served at /models/
    result = pyodide.run(PRETRAINED.read_text(), filename=PRETRAINED.name, backend="cpu").check()
    check_pretrained(result.stdout, "cpu")

"""The core test files (tests/test_*.py), run by pytest inside Pyodide, once per backend.

One host test per file and backend, so a failure names both and carries pytest's report
from inside the page: cpu, webgl (every op on the GPU) and webgl+host (as users get it).
"""
import json

import pytest

from webtensor.host import paths, pyodide_dist

pytestmark = pytest.mark.browser

SUITE = "/home/pyodide/suite"  # the tests/ folder is copied to SUITE/tests
TEST_FILES = sorted(p.name for p in paths.TESTS.glob("test_*.py"))
SUPPORT_FILES = sorted(p.name for p in paths.TESTS.glob("*.py") if p.name not in TEST_FILES)

COPY_SUITE = """
import importlib.util, json, micropip, sys
from pathlib import Path
from pyodide.http import pyfetch
import webtensor as wt

await micropip.install({wheels})
folder = Path("{suite}/tests")
folder.mkdir(parents=True, exist_ok=True)
for name in {files}:
    reply = await pyfetch("{base}tests/" + name)
    (folder / name).write_bytes(await reply.bytes())
# A backend counts once its module is in the wheel: from then on its failures are failures.
shipped = [n for n in wt.list_backends()
           if importlib.util.find_spec("webtensor.backends." + n) is not None]
print(json.dumps(shipped))
"""

RUN_FILE = """
import sys, pytest
# Test modules and the conftest read WEBTENSOR_TEST_BACKENDS when imported: forget them.
for name, mod in list(sys.modules.items()):
    if (getattr(mod, "__file__", None) or "").startswith("{suite}/"):
        del sys.modules[name]
sys.exit(pytest.main(["-q", "--tb=short", "-rfE", "-p", "no:cacheprovider",
                      "--rootdir={suite}", "{suite}/tests/{file}"]))
"""


@pytest.fixture(scope="session")
def backends_in_pyodide(pyodide, server):
    wheels = [server.url + "pyodide/" + name for name in pyodide_dist.TEST_WHEELS]
    result = pyodide.run(COPY_SUITE.format(wheels=wheels, suite=SUITE, base=server.url,
                                           files=SUPPORT_FILES + TEST_FILES)).check()
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("backend", ["cpu", "webgl", "webgl+host"])
@pytest.mark.parametrize("test_file", TEST_FILES)
def test_core_file_in_pyodide(pyodide, backends_in_pyodide, test_file, backend):
    if backend.partition("+")[0] not in backends_in_pyodide:
        pytest.skip(f"webtensor has no {backend!r} backend yet (webtensor/backends/{backend})")
    result = pyodide.run(RUN_FILE.format(suite=SUITE, file=test_file),
                         filename=f"pytest_{test_file}",
                         env={"WEBTENSOR_TEST_BACKENDS": backend})
    assert result.status == 0, (f"pytest in Pyodide ({backend}) exited {result.status}:\n"
                                + result.stdout + result.stderr)

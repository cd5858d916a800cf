"""Session fixtures for the browser tests: Chromium, the loopback server, Pyodide.

The set-up installs what it needs itself: Chromium (apt-get, where missing and possible),
the verified Pyodide cache and a freshly built wheel. Without Chromium the browser tests
are skipped with the reason, except under CI, where they must run and so fail instead.
"""
import os

import pytest

from webtensor.host import browser, pyodide_dist, wheel
from webtensor.host.server import Server

# A script that hangs in the page fails its test after this long instead of stalling the run.
os.environ.setdefault("WEBTENSOR_RUN_TIMEOUT", "900")


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: needs Chromium with Pyodide "
                                       "(deselect with -m 'not browser')")


@pytest.fixture(scope="session")
def runtime():
    """(Pyodide folder, wheel), with Chromium known to be there."""
    if not browser.install_chromium():
        reason = ("Chromium is not installed and apt-get could not install it "
                  "(install the `chromium` package or set WEBTENSOR_CHROMIUM)")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return pyodide_dist.ensure(test_wheels=True), wheel.build()


@pytest.fixture(scope="session")
def server(runtime):
    with Server(*runtime, serve_tests=True) as srv:
        yield srv


@pytest.fixture(scope="session")
def chromium(runtime):
    with browser.Chromium() as c:
        yield c


@pytest.fixture(scope="session")
def wheel_urls(runtime):
    return [f"dist/{runtime[1].name}"]


@pytest.fixture(scope="session")
def pyodide(chromium, server, wheel_urls):
    """Pyodide on the page's main thread, with NumPy and webtensor installed."""
    session = browser.PyodideSession(chromium, server.url, wheel_urls)
    yield session
    session.close()

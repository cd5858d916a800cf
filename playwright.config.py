"""Launch settings for the Chromium that runs `webtensor run` and the browser tests.

Read by webtensor/host/browser.py. Playwright's own browser downloads are not used: the
system Chromium (Debian package `chromium`) is launched instead.
"""
import os

# The binary: this environment variable, else the first of these names found on PATH.
EXECUTABLE_ENV = "WEBTENSOR_CHROMIUM"
CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
APT_PACKAGE = "chromium"  # installed with apt-get where missing and possible

# WEBTENSOR_HEADED=1 (or `webtensor run --headed`) shows the window, for debugging.
HEADLESS = os.environ.get("WEBTENSOR_HEADED", "0") in ("", "0")

ARGS = [
    "--no-sandbox",  # needed when running as root (CI)
    # WebGL2 with no GPU: ANGLE on SwiftShader, a CPU implementation of a GPU.
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
    # Offline machines: no background calls home that would fail and retry.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",  # small /dev/shm in containers
]

# Seconds one script may run in the page before the host gives up (0: no limit).
RUN_TIMEOUT_S = int(os.environ.get("WEBTENSOR_RUN_TIMEOUT", "0"))

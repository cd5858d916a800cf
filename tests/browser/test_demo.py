"""web/index.html: the live training demo loads, trains, plots, and shows no error."""
import pytest

from webtensor.host import paths

pytestmark = pytest.mark.browser


def test_demo_page_trains_and_plots(chromium, server):
    page = chromium.new_page()
    problems = []
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    try:
        page.goto(server.url)
        page.wait_for_function("() => window.wtDemo && (wtDemo.done || wtDemo.error)",
                               timeout=600_000, polling=500)
        state = page.evaluate("() => ({...wtDemo})")
        paths.ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(paths.ARTIFACTS / "demo.png"), full_page=True)
        assert state["error"] is None, state["error"]
        assert page.is_hidden("#error")
        assert problems == []
        losses = state["losses"]
        assert len(losses) > 100 and losses[-1] < 0.5 * losses[0], losses[::50]
        assert state["accuracy"] > 0.8
        assert state["backend"] in ("cpu", "webgl")
        assert page.text_content("#status") == "done"
    finally:
        page.close()

"""The runner itself: webtensor imports in Pyodide, and errors come back as they should."""
import pytest

pytestmark = pytest.mark.browser


def test_webgl2_with_float_render_targets(chromium):
    from webtensor.host.browser import webgl_info
    page = chromium.new_page()
    try:
        info = webgl_info(page)
    finally:
        page.close()
    assert info and info["version"].startswith("WebGL 2.0"), info
    assert info["color_buffer_float"], info


def test_webtensor_runs_in_the_page(pyodide):
    assert "webtensor_error" not in pyodide.info, pyodide.info
    result = pyodide.run(
        "import webtensor as wt\n"
        "a = wt.tensor2d([[1.0, 2.0], [3.0, 4.0]])\n"
        "print((a @ a).data_sync().tolist(), wt.get_backend())\n").check()
    assert result.stdout.startswith("[7.0, 10.0, 15.0, 22.0]")


def test_exception_gives_traceback_and_status_1(pyodide):
    result = pyodide.run("def f():\n    raise ValueError('boom')\nprint('before')\nf()\n",
                         filename="fails.py")
    assert result.status == 1
    assert result.stdout == "before\n"
    assert 'File "/home/pyodide/fails.py", line 2, in f' in result.stderr
    assert result.stderr.rstrip().endswith("ValueError: boom")


def test_sys_exit_status_and_argv(pyodide):
    result = pyodide.run("import sys\nprint(sys.argv[1:])\nsys.exit(3)", argv=["-x", "y"])
    assert (result.status, result.stdout) == (3, "['-x', 'y']\n")


def test_unknown_backend_is_a_clear_error(pyodide):
    result = pyodide.run("print('not reached')", backend="no-such-backend")
    assert result.status == 2 and result.stdout == ""
    assert "no-such-backend" in result.stderr

"""Backend selection and the async helpers: set_backend, get_backend, ready, next_frame,
register_backend."""
import pytest

import webtensor as wt
from conftest import assert_close, can_block, run


def test_get_backend_is_the_selected_one(backend):
    assert wt.get_backend() == backend


def test_ready_and_next_frame(backend):
    assert run(wt.ready()) is None
    if not can_block():
        pytest.skip("this event loop cannot be blocked on from synchronous test code")
    x = wt.tensor([1.0, 2.0])
    assert run(wt.next_frame()) is None
    assert_close(x * 2, [2.0, 4.0])


def test_data_after_next_frame(backend):
    async def main():
        x = wt.square(wt.tensor([1.0, 3.0]))
        await wt.next_frame()
        return list(await x.data())
    if not can_block():
        pytest.skip("this event loop cannot be blocked on from synchronous test code")
    assert run(main()) == [1.0, 9.0]


def test_unknown_backend(backend):
    with pytest.raises(ValueError, match="no_such_backend"):
        wt.set_backend("no_such_backend")
    assert wt.get_backend() == backend


def test_backend_whose_factory_fails(backend):
    def factory():
        raise RuntimeError("cannot start")
    wt.register_backend("broken_for_tests", factory, 0)
    with pytest.raises(RuntimeError, match="cannot start"):
        wt.set_backend("broken_for_tests")
    assert wt.get_backend() == backend
    assert_close(wt.tensor([1.0]) + 1, [2.0])


def test_registered_backend_gets_ops_gradients_and_moved_tensors(backend):
    if backend != "cpu" or not hasattr(wt, "backend"):
        pytest.skip("builds a second instance of the CPU backend class")
    wt.register_backend("cpu_copy_for_tests", type(wt.backend()), 0)
    x = wt.tensor([1.0, 2.0])  # made on the fixture's backend
    try:
        wt.set_backend("cpu_copy_for_tests")
        assert wt.get_backend() == "cpu_copy_for_tests"
        assert_close(wt.exp(x), [2.718281828, 7.389056099])
        assert_close(wt.grad(lambda t: wt.sum(t * t))(x), [2.0, 4.0])
        y = wt.tidy(lambda: x * 3)
    finally:
        wt.set_backend(backend)
    assert_close(y + x, [4.0, 8.0])  # and back again


def test_default_passes_over_a_backend_that_is_not_preferred_here():
    from webtensor.backends.cpu import CPUBackend
    from webtensor.engine import Engine

    class Emulated(CPUBackend):  # as WebGL on a software renderer
        preferred = False

    def broken():
        raise RuntimeError("cannot start")

    engine = Engine()
    engine.register_backend("emulated", Emulated, 3)
    engine.register_backend("plain", CPUBackend, 2)
    engine.ensure_backend()
    assert engine.backend_name == "plain"
    engine.set_backend("emulated")  # asked for by name, it is used
    assert engine.backend_name == "emulated"

    alone = Engine()  # with nothing else that starts, the emulated one is the default after all
    alone.register_backend("emulated", Emulated, 3)
    alone.register_backend("broken", broken, 2)
    with pytest.warns(UserWarning, match="broken"):
        alone.ensure_backend()
    assert alone.backend_name == "emulated"

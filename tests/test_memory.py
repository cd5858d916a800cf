"""Memory management: tidy in all its forms, keep, dispose, memory() counters."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, no_leaks


def n_tensors():
    return wt.memory().num_tensors


def test_tidy_disposes_intermediates(backend):
    x = wt.tensor([1.0, 2.0, 3.0])
    before = n_tensors()
    y = wt.tidy(lambda: wt.sum(wt.square(x) * 2))
    assert n_tensors() == before + 1
    assert_close(y, 28.0)
    assert not x.is_disposed


def test_tidy_with_name(backend):
    x = wt.tensor([1.0, 2.0])
    before = n_tensors()
    y = wt.tidy("my scope", lambda: (x + 1) * (x - 1))
    assert n_tensors() == before + 1
    assert_close(y, [0.0, 3.0])


def test_tidy_as_context_manager(backend):
    before = n_tensors()
    with wt.tidy():
        a = wt.ones((3,))
        b = wt.keep(a * 2)
        c = a + b
    assert a.is_disposed and c.is_disposed and not b.is_disposed
    assert n_tensors() == before + 1
    assert_close(b, [2.0, 2.0, 2.0])


def test_tidy_as_decorator(backend):
    x = wt.tensor([1.0, 2.0])

    @wt.tidy()
    def f():
        return wt.exp(x * 0) + x

    before = n_tensors()
    y = f()
    assert n_tensors() == before + 1
    assert_close(y, [2.0, 3.0])
    f().dispose()
    assert n_tensors() == before + 1


def test_tidy_decorates_a_function_with_parameters(backend):
    @wt.tidy
    def f(x, k=2.0):
        return wt.exp(x * 0) * k + x

    x = wt.tensor([1.0, 2.0])
    before = n_tensors()
    y = f(x, k=3.0)
    assert n_tensors() == before + 1
    assert_close(y, [4.0, 5.0])


def test_returned_containers_survive(backend):
    x = wt.tensor([1.0, 2.0])
    before = n_tensors()
    out = wt.tidy(lambda: {"a": x * 1, "b": [x * 2, (x * 3, "not a tensor")], "c": 4})
    assert n_tensors() == before + 3
    assert_close(out["a"], [1.0, 2.0])
    assert_close(out["b"][0], [2.0, 4.0])
    assert_close(out["b"][1][0], [3.0, 6.0])
    assert out["b"][1][1] == "not a tensor" and out["c"] == 4
    wt.dispose(out)
    assert n_tensors() == before


def test_tidy_returns_non_tensors(backend):
    with no_leaks():
        assert wt.tidy(lambda: wt.ones((2,)).sum().data_sync()[0] + 1) == 3.0
        assert wt.tidy(lambda: None) is None


def test_nested_tidy(backend):
    before = n_tensors()

    def outer():
        inner = wt.tidy(lambda: wt.ones((2,)) * 3)
        assert n_tensors() == before + 1
        return inner + 1

    y = wt.tidy(outer)
    assert n_tensors() == before + 1
    assert_close(y, [4.0, 4.0])


def test_keep_inside_tidy(backend):
    kept = []

    def f():
        kept.append(wt.keep(wt.ones((2,)) * 5))
        return None
    before = n_tensors()
    wt.tidy(f)
    assert n_tensors() == before + 1 and not kept[0].is_disposed
    assert_close(kept[0], [5.0, 5.0])


def test_tidy_cleans_up_when_fn_raises(backend):
    before = n_tensors()

    def f():
        wt.ones((3,)) * 2
        raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        wt.tidy(f)
    assert n_tensors() == before


def test_dispose_nested_containers(backend):
    ts = [wt.ones((2,)) for _ in range(4)]
    before = n_tensors()
    wt.dispose([ts[0], {"k": ts[1], "l": (ts[2], 7)}])
    assert [t.is_disposed for t in ts] == [True, True, True, False]
    assert n_tensors() == before - 3
    wt.dispose(ts[3])
    assert ts[3].is_disposed


@pytest.mark.parametrize("shape,dtype,nbytes", [((2, 3), "float32", 24), ((5,), "int32", 20),
                                                ((8,), "bool", 8), ((), "float32", 4),
                                                ((0, 4), "float32", 0)])
def test_memory_counters(backend, shape, dtype, nbytes):
    m0 = wt.memory()
    t = wt.zeros(shape, dtype)
    m1 = wt.memory()
    assert m1.num_tensors == m0.num_tensors + 1
    assert m1.num_bytes == m0.num_bytes + nbytes
    assert m1.num_data_buffers in (m0.num_data_buffers, m0.num_data_buffers + 1)
    if nbytes:
        assert m1.num_data_buffers == m0.num_data_buffers + 1
    t.dispose()
    m2 = wt.memory()
    assert (m2.num_tensors, m2.num_bytes, m2.num_data_buffers) == \
        (m0.num_tensors, m0.num_bytes, m0.num_data_buffers)


def test_reshape_shares_the_data_buffer(backend):
    x = wt.ones((2, 3))
    m0 = wt.memory()
    y = wt.reshape(x, (3, 2))
    m1 = wt.memory()
    assert m1.num_tensors == m0.num_tensors + 1
    assert (m1.num_data_buffers, m1.num_bytes) == (m0.num_data_buffers, m0.num_bytes)
    x.dispose()  # the buffer lives on while y uses it
    assert_close(y, np.ones((3, 2)))
    y.dispose()
    assert wt.memory().num_data_buffers == m0.num_data_buffers - 1


@pytest.mark.parametrize("use,op", [(lambda t: wt.exp(t), "exp"), (lambda t: t + 1, "add"),
                                    (lambda t: t.sum(), "sum"),
                                    (lambda t: wt.matmul(t, t), "matmul"),
                                    (lambda t: wt.concat([t, t]), "concat")])
def test_disposed_tensor_use_names_the_op(backend, use, op):
    t = wt.ones((2, 2))
    t.dispose()
    with no_leaks():
        with pytest.raises(Exception, match="disposed") as info:
            use(t)
    assert op in str(info.value).lower()


@pytest.mark.leakcheck
def test_grad_inside_tidy_leaks_nothing(backend):
    x = wt.tensor([1.0, 2.0, 3.0])
    g = wt.tidy(lambda: wt.grad(lambda t: wt.sum(wt.exp(t) * t))(x))
    assert_close(g, np.exp([1.0, 2, 3]) * (1 + np.array([1.0, 2, 3])), rtol=1e-4)
    wt.dispose([x, g])

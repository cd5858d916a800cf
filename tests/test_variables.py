"""Variables: creation, names, trainable, dtype, assign, and their life across tidy."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, no_leaks


@pytest.fixture
def variables():
    """Collects variables made by a test and disposes them after it (names are global)."""
    made = []
    yield made
    wt.dispose(made)


def test_variable_basics(backend, variables):
    v = wt.variable(wt.tensor([[1.0, 2.0]]))
    variables.append(v)
    assert isinstance(v, wt.Tensor) and isinstance(v, wt.Variable)
    assert v.trainable is True and isinstance(v.name, str) and v.name
    assert v.shape == (1, 2) and v.dtype == "float32"
    assert_close(v, [[1.0, 2.0]])
    assert_close(v * 2 + 1, [[3.0, 5.0]])
    w = wt.variable(wt.tensor([1.0]))
    variables.append(w)
    assert w.name != v.name


def test_name_trainable_dtype(backend, variables):
    v = wt.variable(wt.tensor([1.5, -2.5]), False, "vt_named", "int32")
    variables.append(v)
    assert (v.name, v.trainable, v.dtype) == ("vt_named", False, "int32")
    assert_close(v, np.array([1, -2], np.int32))


def test_duplicate_name_raises_and_dispose_frees_it(backend, variables):
    v = wt.variable(wt.zeros((2,)), name="vt_dup")
    ones = wt.ones((2,))
    with no_leaks():
        with pytest.raises(ValueError, match="vt_dup"):
            wt.variable(ones, name="vt_dup")
    v.dispose()
    v2 = wt.variable(wt.ones((2,)), name="vt_dup")
    variables.append(v2)
    assert_close(v2, [1.0, 1.0])


def test_assign(backend, variables):
    v = wt.variable(wt.tensor([1.0, 2.0, 3.0]))
    variables.append(v)
    before = wt.memory().num_tensors
    v.assign(wt.tensor([4.0, 5.0, 6.0]))
    assert_close(v, [4.0, 5.0, 6.0])
    wt.tidy(lambda: v.assign(v * 10))  # the value made inside tidy must outlive it
    assert_close(v, [40.0, 50.0, 60.0])
    assert wt.memory().num_tensors <= before + 1  # at most the first assigned tensor


@pytest.mark.parametrize("value,fragment", [([1.0, 2.0], "assign"), ([[1.0, 2.0, 3.0]], "3"),
                                            (np.array([1, 2, 3], np.int32), "int32")])
def test_assign_mismatch_raises(backend, variables, value, fragment):
    v = wt.variable(wt.tensor([1.0, 2.0, 3.0]))
    variables.append(v)
    new = wt.tensor(value)
    with no_leaks():
        with pytest.raises(ValueError, match=fragment):
            v.assign(new)
    assert_close(v, [1.0, 2.0, 3.0])  # unchanged


def test_independent_of_initial_value(backend, variables):
    init = wt.tensor([1.0, 2.0])
    v = wt.variable(init)
    variables.append(v)
    init.dispose()
    assert_close(v, [1.0, 2.0])
    v.assign(wt.tensor([3.0, 4.0]))
    assert init.is_disposed


def test_tidy_does_not_dispose_variables(backend, variables):
    def make():
        variables.append(wt.variable(wt.ones((2,)) * 3, name="vt_tidy"))
    before = wt.memory().num_tensors
    wt.tidy(make)
    assert wt.memory().num_tensors == before + 1  # the variable; ones() and the product go
    assert not variables[0].is_disposed
    assert_close(variables[0], [3.0, 3.0])
    with wt.tidy():
        variables.append(wt.variable(wt.ones((2,)), name="vt_inner"))
    assert not variables[1].is_disposed
    assert_close(variables[1], [1.0, 1.0])


def test_variable_in_grad(backend, variables):
    v = wt.variable(wt.tensor([2.0, 3.0]))
    variables.append(v)
    assert_close(wt.grad(lambda t: wt.sum(t * v))(wt.tensor([1.0, 1.0])), [2.0, 3.0])
    assert_close(wt.grad(lambda t: wt.sum(t * t))(v), [4.0, 6.0])

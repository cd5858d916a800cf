"""Every error the spec lists: the message names the op and shows the shapes or the argument,
and a failed op leaks no tensor and changes no state."""
import re

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, no_leaks


def shape_re(*dims):
    """A shape as (2, 3) or [2, 3] or [2,3] in a message; (4,) or [4] for rank 1."""
    return r"[\[(]" + r",\s*".join(map(str, dims)) + (r",?" if len(dims) == 1 else "") + r"[\])]"


def expect_error(fn, exc, *fragments):
    with no_leaks():
        with pytest.raises(exc) as info:
            fn()
    message = str(info.value)
    for fragment in fragments:
        assert re.search(fragment, message, re.IGNORECASE), f"{fragment!r} not in {message!r}"


# id, input shapes (float32 tensors made before the call), call, exception, message fragments
SHAPE_ERRORS = [
    ("add", [(2, 3), (4,)], wt.add, ValueError, ["add", shape_re(2, 3), shape_re(4)]),
    ("mul", [(2, 3), (3, 2)], wt.mul, ValueError, ["mul", shape_re(2, 3), shape_re(3, 2)]),
    ("maximum", [(3,), (4,)], wt.maximum, ValueError, ["maximum", shape_re(3), shape_re(4)]),
    ("operator", [(2, 3), (2,)], lambda a, b: a - b, ValueError,
     ["sub", shape_re(2, 3), shape_re(2)]),
    ("add_n", [(2, 3), (3,)], lambda a, b: wt.add_n([a, b]), ValueError, ["add_n"]),
    ("matmul", [(2, 3), (4, 5)], wt.matmul, ValueError, ["matmul", shape_re(2, 3), shape_re(4, 5)]),
    ("matmul_batch", [(2, 2, 3), (3, 3, 4)], wt.matmul, ValueError, ["matmul"]),
    ("dot", [(3,), (4,)], wt.dot, ValueError, ["dot", shape_re(3), shape_re(4)]),
    ("concat", [(2, 3), (2, 4)], lambda a, b: wt.concat([a, b]), ValueError,
     ["concat", shape_re(2, 3), shape_re(2, 4)]),
    ("stack", [(2, 3), (3, 2)], lambda a, b: wt.stack([a, b]), ValueError,
     ["stack", shape_re(2, 3), shape_re(3, 2)]),
    ("reshape", [(2, 3)], lambda a: wt.reshape(a, (4, 2)), ValueError,
     ["reshape", shape_re(2, 3), shape_re(4, 2)]),
    ("broadcast_to", [(3, 2)], lambda a: wt.broadcast_to(a, (2, 3)), ValueError,
     ["broadcast_to", shape_re(3, 2), shape_re(2, 3)]),
    ("conv2d", [(1, 4, 4, 2), (3, 3, 3, 1)], lambda x, f: wt.conv2d(x, f, 1, "same"), ValueError,
     ["conv2d", shape_re(1, 4, 4, 2), shape_re(3, 3, 3, 1)]),
    ("split", [(2, 5)], lambda a: wt.split(a, 2, 1), ValueError, ["split", "5"]),
    ("slice", [(2, 3)], lambda a: wt.slice(a, [1, 1], [2, 2]), ValueError, ["slice"]),
    ("tile", [(2, 3)], lambda a: wt.tile(a, [2]), ValueError, ["tile"]),
    ("pad", [(2, 3)], lambda a: wt.pad(a, [[1, 1]]), ValueError, ["pad"]),
    ("transpose", [(2, 3)], lambda a: wt.transpose(a, [0, 1, 2]), ValueError, ["transpose"]),
    ("loss", [(2, 3), (3,)], wt.losses.mean_squared_error, ValueError,
     ["mean_squared_error", shape_re(2, 3), shape_re(3)]),
    ("softmax_ce", [(2, 3), (2, 4)], wt.losses.softmax_cross_entropy, ValueError,
     ["softmax_cross_entropy", shape_re(2, 3), shape_re(2, 4)]),
    ("batch_norm", [(2, 3), (4,), (4,)], wt.batch_norm, ValueError, ["batch_norm"]),
]
AXIS_ERRORS = [  # out-of-range axes on a (2, 3) tensor
    ("sum", lambda a: wt.sum(a, 2), "2"),
    ("mean", lambda a: wt.mean(a, -3), "-3"),
    ("max", lambda a: wt.max(a, [0, 5]), "5"),
    ("argmax", lambda a: wt.argmax(a, 2), "2"),
    ("cumsum", lambda a: wt.cumsum(a, 3), "3"),
    ("concat", lambda a: wt.concat([a, a], 2), "2"),
    ("stack", lambda a: wt.stack([a, a], 4), "4"),
    ("unstack", lambda a: wt.unstack(a, 2), "2"),
    ("expand_dims", lambda a: wt.expand_dims(a, 4), "4"),
    ("squeeze", lambda a: wt.squeeze(a, [0]), "0"),
    ("reverse", lambda a: wt.reverse(a, 3), "3"),
    ("softmax", lambda a: wt.softmax(a, 2), "2"),
    ("split", lambda a: wt.split(a, 1, 2), "2"),
]


@pytest.mark.parametrize("name,shapes,fn,exc,fragments", SHAPE_ERRORS,
                         ids=[e[0] for e in SHAPE_ERRORS])
def test_incompatible_shapes(backend, name, shapes, fn, exc, fragments):
    tensors = [wt.ones(s) for s in shapes]
    expect_error(lambda: fn(*tensors), exc, *fragments)


def test_where_shapes(backend):
    c, a, b = wt.tensor([True, False]), wt.ones((3,)), wt.ones((3,))
    expect_error(lambda: wt.where(c, a, b), ValueError, "where", shape_re(2), shape_re(3))


def test_incompatible_shapes_from_python_values_leak_nothing(backend):
    expect_error(lambda: wt.add([[1.0, 2.0, 3.0]], [1.0, 2.0]), ValueError, "add")
    expect_error(lambda: wt.matmul([[1.0, 2.0]], [[1.0, 2.0]]), ValueError, "matmul")


@pytest.mark.parametrize("name,fn,fragment", AXIS_ERRORS, ids=[e[0] for e in AXIS_ERRORS])
def test_axis_out_of_range(backend, name, fn, fragment):
    a = wt.ones((2, 3))
    expect_error(lambda: fn(a), ValueError, name, fragment)


@pytest.mark.parametrize("values", [[[1.0, 2.0], [3.0]], [[1.0, 2.0], [3.0, [4.0, 5.0]]],
                                    [[[1.0], [2.0]], [[3.0]]]], ids=range(3))
def test_ragged_lists(backend, values):
    expect_error(lambda: wt.tensor(values), ValueError, "tensor")


@pytest.mark.parametrize("fn,fragments", [
    (lambda: wt.tensor([1.0, 2.0, 3.0], (2, 2)), ["tensor", shape_re(2, 2), "3"]),
    (lambda: wt.tensor2d([1.0, 2.0, 3.0, 4.0, 5.0], [2, 2]), ["tensor", shape_re(2, 2), "5"]),
    (lambda: wt.tensor(np.zeros(6, np.float32), [4, 2]), ["tensor", shape_re(4, 2), "6"]),
], ids=range(3))
def test_values_shape_size_mismatch(backend, fn, fragments):
    expect_error(fn, ValueError, *fragments)


@pytest.mark.parametrize("fn,fragment", [
    (lambda: wt.tensor([1.0], dtype="float16"), "float16"),
    (lambda: wt.zeros((2,), "uint8"), "uint8"),
    (lambda: wt.ones((2,), "double"), "double"),
    (lambda: wt.tensor(["a", "b"]), "tensor"),
], ids=range(4))
def test_unknown_dtype(backend, fn, fragment):
    expect_error(fn, TypeError, fragment)


def test_cast_to_unknown_dtype(backend):
    a = wt.ones((2,))
    expect_error(lambda: wt.cast(a, "complex64"), TypeError, "cast", "complex64")


def test_logical_ops_need_bool(backend):
    a, b = wt.ones((2,)), wt.ones((2,))
    expect_error(lambda: wt.logical_and(a, b), TypeError, "logical_and", "bool")


def test_minimize_needs_a_scalar_loss(backend):
    v = wt.variable(wt.tensor([1.0, 2.0]))
    opt = wt.train.sgd(0.1)
    expect_error(lambda: opt.minimize(lambda: v * 2), ValueError, "scalar", shape_re(2))
    assert_close(v, [1.0, 2.0])  # no update happened
    opt.minimize(lambda: wt.sum(v * 2))
    assert_close(v, [0.8, 1.8])
    v.dispose()


def test_gradient_of_unused_input(backend):
    x, y = wt.tensor([1.0, 2.0]), wt.tensor([3.0, 4.0])
    expect_error(lambda: wt.grad(lambda t: wt.sum(y * y))(x), ValueError, "grad")
    expect_error(lambda: wt.grads(lambda a, b: wt.sum(b))([x, y]), ValueError, "grad")


def test_disposed_tensor(backend):
    x = wt.tensor([1.0, 2.0])
    x.dispose()
    expect_error(lambda: wt.square(x), Exception, "disposed", "square")
    expect_error(lambda: x.data_sync(), Exception, "disposed")


def test_state_is_clean_after_failures(backend):
    a, b = wt.ones((2, 3)), wt.ones((4,))
    with pytest.raises(ValueError):
        wt.grad(lambda t: wt.sum(wt.add(t, b)))(a)  # fails in the middle of a gradient
    with pytest.raises(ValueError):
        wt.tidy(lambda: wt.exp(a) + b)  # fails inside tidy
    with no_leaks():
        y = wt.tidy(lambda: wt.sum(wt.exp(a) * 2))  # scopes and tapes still work
        g = wt.grad(lambda t: wt.sum(t * t))(a)
        assert_close(y, 12 * np.e, rtol=1e-5)
        assert_close(g, np.full((2, 3), 2.0))
        wt.dispose([y, g])

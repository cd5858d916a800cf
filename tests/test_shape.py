"""Shape and data-movement ops: values for float32/int32/bool, gradients for float32."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, random_ints, uniform

I32 = np.int32
ALL, NUM = ("float32", "int32", "bool"), ("float32", "int32")


def _pad(x, paddings, value=0):
    return np.pad(x, paddings, constant_values=value)


def _split(x, sizes, axis):
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


# id, webtensor function of the input tensors, NumPy reference, input shapes, dtypes
SHAPE_OPS = [
    ("reshape", lambda x: wt.reshape(x, (3, 2)), lambda x: x.reshape(3, 2), [(2, 3)], ALL),
    ("reshape-1", lambda x: wt.reshape(x, [-1, 2]), lambda x: x.reshape(-1, 2), [(2, 3, 2)], ALL),
    ("reshape_scalar", lambda x: wt.reshape(x, ()), lambda x: x.reshape(()), [(1, 1)], ALL),
    ("reshape_empty", lambda x: wt.reshape(x, (3, 0)), lambda x: x.reshape(3, 0), [(0, 3)], ALL),
    ("flatten", wt.flatten, lambda x: x.reshape(-1), [(2, 3, 2)], ALL),
    ("transpose", wt.transpose, lambda x: x.transpose(), [(2, 3, 4)], ALL),
    ("transpose_perm", lambda x: wt.transpose(x, [1, 0, 2]), lambda x: x.transpose(1, 0, 2),
     [(2, 3, 4)], ALL),
    ("expand_dims", wt.expand_dims, lambda x: x[None], [(2, 3)], ALL),
    ("expand_dims1", lambda x: wt.expand_dims(x, 1), lambda x: x[:, None], [(2, 3)], ALL),
    ("expand_dims-1", lambda x: wt.expand_dims(x, -1), lambda x: x[..., None], [(2, 3)], ALL),
    ("squeeze", wt.squeeze, np.squeeze, [(1, 3, 1, 2)], ALL),
    ("squeeze_axis", lambda x: wt.squeeze(x, [2]), lambda x: np.squeeze(x, 2), [(1, 3, 1, 2)],
     ALL),
    ("concat0", lambda *t: wt.concat(list(t)), lambda *a: np.concatenate(a),
     [(2, 3), (1, 3), (0, 3)], ALL),
    ("concat1", lambda *t: wt.concat(list(t), 1), lambda *a: np.concatenate(a, 1),
     [(2, 3), (2, 1), (2, 2)], ALL),
    ("concat-1", lambda *t: wt.concat(list(t), -1), lambda *a: np.concatenate(a, -1),
     [(2, 1, 2), (2, 1, 3)], ALL),
    ("stack", lambda *t: wt.stack(list(t)), lambda *a: np.stack(a), [(2, 3)] * 3, ALL),
    ("stack1", lambda *t: wt.stack(list(t), 1), lambda *a: np.stack(a, 1), [(2, 3)] * 2, ALL),
    ("stack-1", lambda *t: wt.stack(list(t), -1), lambda *a: np.stack(a, -1), [(2, 3)] * 2, ALL),
    ("unstack", wt.unstack, lambda x: list(x), [(3, 2)], ALL),
    ("unstack1", lambda x: wt.unstack(x, 1), lambda x: list(np.moveaxis(x, 1, 0)), [(2, 3, 2)],
     ALL),
    ("split_n", lambda x: wt.split(x, 3, 1), lambda x: np.split(x, 3, 1), [(2, 6)], ALL),
    ("split_sizes", lambda x: wt.split(x, [1, 2, 3], 1), lambda x: _split(x, [1, 2, 3], 1),
     [(2, 6)], ALL),
    ("split_-1", lambda x: wt.split(x, [2, -1, 1], 1), lambda x: _split(x, [2, 3, 1], 1),
     [(2, 6)], ALL),
    ("split_axis0", lambda x: wt.split(x, 2), lambda x: np.split(x, 2), [(4, 3)], ALL),
    ("slice", lambda x: wt.slice(x, [0, 1], [2, 2]), lambda x: x[0:2, 1:3], [(3, 4)], ALL),
    ("slice-1", lambda x: wt.slice(x, [1, 0, 1], [-1, 2, -1]), lambda x: x[1:, 0:2, 1:],
     [(3, 3, 4)], ALL),
    ("slice1d", lambda x: wt.slice(x, 2, 3), lambda x: x[2:5], [(6,)], ALL),
    ("gather", lambda x: wt.gather(x, [2, 0, 2]), lambda x: x[[2, 0, 2]], [(4, 3)], ALL),
    ("gather_axis1", lambda x: wt.gather(x, wt.tensor(np.array([[0, 2], [1, 1]], I32)), 1),
     lambda x: x[:, [[0, 2], [1, 1]]], [(4, 3)], ALL),
    ("tile", lambda x: wt.tile(x, [2, 1]), lambda x: np.tile(x, (2, 1)), [(2, 3)], ALL),
    ("tile3d", lambda x: wt.tile(x, [1, 2, 3]), lambda x: np.tile(x, (1, 2, 3)), [(1, 2, 2)],
     ALL),
    ("pad", lambda x: wt.pad(x, [[1, 0], [2, 1]]), lambda x: _pad(x, [[1, 0], [2, 1]]),
     [(2, 3)], NUM),
    ("pad_value", lambda x: wt.pad(x, [[0, 2], [1, 1]], 3), lambda x: _pad(x, [[0, 2], [1, 1]], 3),
     [(2, 3)], NUM),
    ("reverse_all", wt.reverse, lambda x: np.flip(x), [(2, 3, 2)], ALL),
    ("reverse1", lambda x: wt.reverse(x, 1), lambda x: np.flip(x, 1), [(2, 3, 2)], ALL),
    ("reverse02", lambda x: wt.reverse(x, [0, 2]), lambda x: np.flip(x, (0, 2)), [(2, 3, 2)],
     ALL),
    ("clone", wt.clone, lambda x: x.copy(), [(2, 3)], ALL),
    ("broadcast_to", lambda x: wt.broadcast_to(x, (2, 3, 4)),
     lambda x: np.broadcast_to(x, (2, 3, 4)), [(3, 1)], ALL),
]
IDS = [s[0] for s in SHAPE_OPS]


def make(rng, shape, dtype):
    if dtype == "float32":
        return uniform(rng, shape)
    if dtype == "int32":
        return random_ints(rng, shape)
    return rng.random(shape) > 0.5


def _check(got, expected, dtype):
    if isinstance(expected, list):
        assert isinstance(got, (list, tuple)) and len(got) == len(expected)
        for g, e in zip(got, expected):
            assert_close(g, np.asarray(e), dtype=dtype)
    else:
        assert_close(got, np.asarray(expected), dtype=dtype)


@pytest.mark.parametrize("name,fn,ref,shapes,dtypes", SHAPE_OPS, ids=IDS)
@pytest.mark.parametrize("dtype", ALL)
def test_values(backend, name, fn, ref, shapes, dtypes, dtype):
    if dtype not in dtypes:
        pytest.skip(f"{name} is not defined for {dtype}")
    rng = np.random.default_rng(41)
    xs = [make(rng, s, dtype) for s in shapes]
    _check(fn(*[wt.tensor(x) for x in xs]), ref(*xs), dtype)


@pytest.mark.parametrize("name,fn,ref,shapes,dtypes", SHAPE_OPS, ids=IDS)
def test_grad(backend, name, fn, ref, shapes, dtypes):
    rng = np.random.default_rng(42)
    xs = [uniform(rng, s) for s in shapes]
    check_grad(fn, ref, xs, backend)


def test_gather_repeated_indices_accumulate(backend):
    x = wt.tensor([1.0, 2.0, 3.0])
    g = wt.grad(lambda t: wt.sum(wt.gather(t, [0, 0, 2, 0])))(x)
    assert_close(g, [3.0, 0.0, 1.0])


def test_non_contiguous_inputs(backend):
    x = uniform(np.random.default_rng(43), (4, 3, 2)).transpose(2, 0, 1)[:, ::2]
    assert not x.flags.c_contiguous
    assert_close(wt.reshape(wt.tensor(x), (-1,)), x.reshape(-1))
    assert_close(wt.transpose(wt.tensor(x), [2, 0, 1]), x.transpose(2, 0, 1))
    assert_close(wt.concat([wt.tensor(x), wt.tensor(x)], 2), np.concatenate([x, x], 2))


def test_methods(backend):
    x = wt.tensor(np.arange(6, dtype=np.float32).reshape(2, 3))
    assert_close(x.reshape([3, 2]), np.arange(6.0).reshape(3, 2))
    assert_close(x.transpose(), np.arange(6.0).reshape(2, 3).T)
    assert_close(x.expand_dims(1), np.arange(6.0).reshape(2, 1, 3))
    assert_close(x.flatten(), np.arange(6.0))
    assert_close(x.slice([1, 0], [1, 2]), [[3.0, 4.0]])
    assert_close(x.tile([1, 2]), np.tile(np.arange(6.0).reshape(2, 3), (1, 2)))
    assert_close(x.reverse(1), np.arange(6.0).reshape(2, 3)[:, ::-1])
    assert_close(x.cast("int32"), np.arange(6).reshape(2, 3).astype(np.int32), dtype="int32")


CASTS = [
    ([1.7, -1.7, 2.5, -0.2, 0.0], "float32", "int32", [1, -1, 2, 0, 0]),
    ([0.0, 0.5, -2.0], "float32", "bool", [False, True, True]),
    ([3, -1, 0], "int32", "float32", [3.0, -1.0, 0.0]),
    ([3, -1, 0], "int32", "bool", [True, True, False]),
    ([True, False], "bool", "float32", [1.0, 0.0]),
    ([True, False], "bool", "int32", [1, 0]),
]


@pytest.mark.parametrize("values,src,dst,expected", CASTS, ids=[f"{c[1]}->{c[2]}" for c in CASTS])
def test_cast(backend, values, src, dst, expected):
    x = wt.tensor(values, dtype=src)
    assert x.dtype == src
    assert_close(wt.cast(x, dst), np.array(expected), dtype=dst)


def test_cast_float_grad_passes_through(backend):
    g = wt.grad(lambda t: wt.sum(wt.cast(t, "float32") * 3.0))(wt.tensor([1.0, 2.0]))
    assert_close(g, [3.0, 3.0])

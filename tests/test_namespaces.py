"""tfjs's namespaces as modules of webtensor (wt.linalg, wt.math, wt.signal, wt.spectral,
wt.image, wt.util, wt.losses), a top level holding nothing but the API, and wt.util."""
import importlib
import math
import types

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close
from webtensor._namespace import export

NAMESPACES = ["image", "linalg", "losses", "math", "signal", "spectral", "util"]
# what webtensor's own modules import, or are, that once leaked through `from .ops import *`
NOT_API = """sys asyncio np core creation elementwise indexing nn reduction shape run op as_tensor
    as_pair view constant with_grad broadcast_shapes check_dtype upcast FLOAT LOGICAL TEST getitem""".split()


@pytest.mark.parametrize("name", NAMESPACES)
def test_namespace_is_a_module_of_webtensor(name):
    module = getattr(wt, name)
    assert isinstance(module, types.ModuleType) and module.__name__ == f"webtensor.{name}"
    assert importlib.import_module(f"webtensor.{name}") is module
    assert module.__doc__
    for attr in getattr(module, "__all__", []):
        assert callable(getattr(module, attr)), f"wt.{name}.{attr}"


def test_namespaces_are_not_the_modules_they_shadow():
    from webtensor import linalg
    from webtensor import math as wt_math
    from webtensor.ops import linalg as ops_linalg
    assert wt.math is wt_math and wt.math is not math
    assert linalg is wt.linalg and linalg is not ops_linalg
    assert not hasattr(wt.linalg, "matmul")  # tfjs's tf.linalg has no matMul either


def test_namespace_ops_are_the_ops():
    assert wt.image.resize_bilinear is wt.ops.resize_bilinear is wt.resize_bilinear
    assert wt.losses.mean_squared_error(wt.tensor([1.0]), wt.tensor([3.0])).item() == 4.0
    for name in ("image", "linalg", "math", "signal", "spectral"):
        module = getattr(wt, name)
        for op_name in module.__all__:
            assert getattr(module, op_name) is getattr(wt.ops, op_name)
    # ops written now by others appear in their namespace once webtensor.ops has them
    for name, op_name in [("linalg", "qr"), ("linalg", "band_part"), ("linalg", "gram_schmidt"),
                          ("math", "confusion_matrix"), ("signal", "hann_window"),
                          ("signal", "hamming_window"), ("signal", "frame")]:
        assert (op_name in getattr(wt, name).__all__) == hasattr(wt.ops, op_name), (name, op_name)


def test_export_skips_names_not_defined_yet():
    namespace = {}
    assert export(namespace, "resize_bilinear no_such_op_yet") == ["resize_bilinear"]
    assert namespace == {"resize_bilinear": wt.ops.resize_bilinear}


@pytest.mark.parametrize("name", NOT_API)
def test_top_level_holds_no_internals(name):
    assert not hasattr(wt, name), f"wt.{name} leaks an internal"


def test_top_level_keeps_the_api():
    for name in ("layers", "train", "losses", "callbacks", "initializers", "regularizers",
                 "constraints", "ENGINE", "Tensor", "tidy", "sequential", "input", "tensor6d"):
        assert hasattr(wt, name), name
    assert callable(wt.layers.dense) and callable(wt.train.sgd)
    assert set(wt.ops.__all__) <= set(dir(wt))
    for name in wt.ops.__all__:
        value = getattr(wt.ops, name)
        assert callable(value) and not isinstance(value, types.ModuleType), name


def test_ops_all_is_the_ops():
    exported = set(wt.ops.__all__)
    assert {"add", "matmul", "conv2d", "sum", "tensor", "tensor1d", "reshape", "abs"} <= exported
    assert exported.isdisjoint(NOT_API)


@pytest.mark.leakcheck
def test_tensor1d_takes_dtype_second_as_tfjs(backend):
    t = wt.tensor1d([1, 2, 3], "int32")
    assert t.dtype == "int32" and t.shape == (3,)
    t.dispose()


@pytest.mark.leakcheck
@pytest.mark.parametrize("rank", [5, 6])
def test_tensor5d_tensor6d(backend, rank):
    make = getattr(wt, f"tensor{rank}d")
    values = np.arange(2 ** rank, dtype=np.float32).reshape((2,) * rank)
    t = make(values.ravel().tolist(), [2] * rank)
    assert_close(t, values)
    t.dispose()
    t = make(values.astype(np.int32), None, "float32")
    assert t.dtype == "float32"
    t.dispose()
    with pytest.raises(ValueError, match=f"tensor{rank}d: values must form a rank-{rank} tensor"):
        make([1.0, 2.0])
    with pytest.raises(ValueError, match=f"tensor{rank}d: shape .* must have rank {rank}"):
        make([1.0, 2.0], [2])


# ---------------------------------------------------------------------------- wt.util

def test_util_shapes():
    u = wt.util
    assert u.size_from_shape([]) == 1 and u.size_from_shape([2, 3, 4]) == 24
    assert u.size_from_shape((2, 0)) == 0
    assert u.compute_strides([2, 3, 4]) == [12, 4] and u.compute_strides([5]) == []
    assert u.compute_strides([]) == []
    assert u.infer_from_implicit_shape([2, -1], 6) == [2, 3]
    assert u.infer_from_implicit_shape([2, 3], 6) == [2, 3]
    assert u.infer_from_implicit_shape([-1], 0) == [0]
    for shape, size, message in [([-1, -1], 4, "only have 1 implicit size"),
                                 ([-2, 2], 4, "can not be < 0"),
                                 ([2, 3], 5, "must match the product"),
                                 ([0, -1], 0, "Cannot infer the missing size"),
                                 ([4, -1], 6, "fractional")]:
        with pytest.raises(ValueError, match=message):
            u.infer_from_implicit_shape(shape, size)


def test_util_parse_axis_param():
    u = wt.util
    assert u.parse_axis_param(None, [2, 3, 4]) == [0, 1, 2]
    assert u.parse_axis_param(-1, [2, 3, 4]) == [2]
    assert u.parse_axis_param([0, -2], [2, 3, 4]) == [0, 1]
    assert u.parse_axis_param(np.int64(1), [2, 3]) == [1]
    with pytest.raises(AssertionError, match=r"range \[-2, 2\) but got axis \[2\]"):
        u.parse_axis_param(2, [2, 3])
    with pytest.raises(AssertionError, match="must be integers"):
        u.parse_axis_param(0.5, [2, 3])


def test_util_assert_and_arrays_equal():
    u = wt.util
    u.assert_(True, "never")
    u.assert_(1 == 1, lambda: pytest.fail("the message is made only on failure"))
    with pytest.raises(AssertionError, match="^bad$"):
        u.assert_(False, "bad")
    with pytest.raises(AssertionError, match="^lazy$"):
        u.assert_(0, lambda: "lazy")
    assert u.arrays_equal([1, 2], (1, 2)) and u.arrays_equal([], [])
    assert not u.arrays_equal([1, 2], [1, 2, 3]) and not u.arrays_equal([1], None)
    assert u.arrays_equal(np.array([1, 2]), [1, 2])
    u.assert_shapes_match([2, 3], (2, 3))
    with pytest.raises(AssertionError, match=r"add: Shapes \[2, 3\] and \[3, 2\] must match"):
        u.assert_shapes_match([2, 3], [3, 2], "add:")


def test_util_flatten():
    u = wt.util
    assert u.flatten([[1, [2, 3]], (4,), 5]) == [1, 2, 3, 4, 5]
    assert u.flatten(7) == [7] and u.flatten([]) == []
    assert u.flatten([np.array([[1, 2], [3, 4]]), 5]) == [1, 2, 3, 4, 5]
    kept = np.array([1, 2])
    out = u.flatten([kept, [3]], skip_typed_array=True)
    assert out[0] is kept and out[1:] == [3]
    result = [0]
    assert u.flatten([1], result) is result and result == [0, 1]


def test_util_shuffles():
    u = wt.util
    a = list(range(20))
    u.shuffle(a)
    assert sorted(a) == list(range(20))
    a, b = list(range(10)), [x * 10 for x in range(10)]
    u.shuffle_combo(a, b)
    assert sorted(a) == list(range(10)) and b == [x * 10 for x in a]
    with pytest.raises(ValueError, match="sizes must match"):
        u.shuffle_combo([1, 2], [1])
    indices = u.create_shuffled_indices(16)
    assert indices.dtype == np.uint32 and sorted(indices.tolist()) == list(range(16))
    assert u.create_shuffled_indices(0).size == 0
    empty = []
    u.shuffle(empty)
    assert empty == []


def test_util_dtypes_and_time():
    u = wt.util
    assert u.infer_dtype([1, 2]) == "float32" and u.infer_dtype(np.array([1, 2])) == "int32"
    assert u.infer_dtype([True]) == "bool" and u.infer_dtype(2.5) == "float32"
    assert [u.bytes_per_element(d) for d in ("float32", "int32", "bool", "complex64")] == [4, 4, 1, 8]
    with pytest.raises(ValueError, match="Unknown dtype 'string'"):
        u.bytes_per_element("string")
    t0 = u.now()
    assert isinstance(t0, float) and u.now() >= t0
    assert set(u.__all__) == {n for n in dir(u) if not n.startswith("_") and callable(getattr(u, n))
                              and getattr(u, n).__module__ == "webtensor.util"}

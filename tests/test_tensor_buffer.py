"""TensorBuffer and wt.buffer, Tensor.buffer / buffer_sync / bytes, the as1d ... as5d, as_scalar and
reshape_as shorthands, and to_string / print in tfjs's format (tfjs's own expected strings)."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, run

pytestmark = pytest.mark.leakcheck


def test_buffer_set_get_and_to_tensor(backend):
    b = wt.buffer([2, 3])
    assert (b.shape, b.dtype, b.size, b.rank, b.strides) == ((2, 3), "float32", 6, 2, [3])
    b.set(5, 0, 1)
    b.set(-1.5, 1, 2)
    assert b.get(0, 1) == 5.0 and b.get(1, 2) == -1.5 and b.get(0, 0) == 0.0
    np.testing.assert_array_equal(b.values, [0, 5, 0, 0, 0, -1.5])
    with wt.tidy():
        assert_close(b.to_tensor(), [[0, 5, 0], [0, 0, -1.5]])
        b.values[0] = 7  # values is the buffer's own flat array
        assert_close(b.to_tensor(), [[7, 5, 0], [0, 0, -1.5]])


@pytest.mark.parametrize("shape", [(), (4,), (2, 3), (2, 3, 4), (1, 0, 2)])
def test_buffer_index_and_loc_round_trip(backend, shape):
    b = wt.buffer(shape, "int32", np.arange(int(np.prod(shape)), dtype=np.int32))
    assert b.strides == list(np.cumprod(shape[::-1])[::-1][1:])
    for index, loc in enumerate(np.ndindex(*shape)):
        assert b.loc_to_index(list(loc)) == index
        assert b.index_to_loc(index) == list(loc)
        assert b.get(*loc) == index and isinstance(b.get(*loc), int)
    with wt.tidy():
        assert_close(b.to_tensor(), np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape))


def test_buffer_values_are_copied_and_converted(backend):
    source = np.array([1.0, 0.0, 2.0], np.float32)
    b = wt.buffer([3], "bool", source)
    b.set(False, 0)
    assert source[0] == 1.0 and b.get(0) is False and b.get(2) is True
    assert wt.buffer([2, 2], values=[[1, 2], [3, 4]]).get(1, 0) == 3.0
    with wt.tidy():
        t = wt.tensor([[1, 2], [3, 4]], dtype="int32")
        tb = t.buffer_sync()
        tb.set(9, 0, 0)
        assert_close(t, np.array([[1, 2], [3, 4]], np.int32))  # the tensor does not change
        assert (tb.shape, tb.dtype, tb.get(0, 0), tb.get(1, 1)) == ((2, 2), "int32", 9, 4)
        ab = run(t.buffer())
        assert ab.get(0, 0) == 1 and ab.values.flags.writeable


@pytest.mark.parametrize("make,error,match", [
    (lambda: wt.buffer([2, 2], values=[1.0, 2.0, 3.0]), ValueError, r"buffer: 3 values do not fill shape \(2, 2\)"),
    (lambda: wt.buffer([2], "complex64"), TypeError, "buffer: unknown dtype"),
    (lambda: wt.buffer([-2]), ValueError, "buffer: shape must be a list of non-negative ints"),
    (lambda: wt.buffer([2, 2]).get(1), ValueError, r"TensorBuffer.get: got 1 coordinates for a buffer of rank 2"),
    (lambda: wt.buffer([2, 2]).set(1.0, 0, 2), IndexError,
     "TensorBuffer.set: coordinate 2 is out of range for axis 1"),
    (lambda: wt.buffer([2]).get(-1), IndexError, "TensorBuffer.get: coordinate -1 is out of range"),
])
def test_buffer_errors(backend, make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize("values,dtype,expected", [
    ([1.0, -2.5], "float32", np.array([1.0, -2.5], "<f4").tobytes()),
    ([[1, -2], [3, 65537]], "int32", np.array([1, -2, 3, 65537], "<i4").tobytes()),  # WebGL: exact to 2**24
    ([True, False, True], "bool", b"\x01\x00\x01"),
    ([], "float32", b""),
])
def test_bytes(backend, values, dtype, expected):
    with wt.tidy():
        assert run(wt.tensor(values, dtype=dtype).bytes()) == expected


def test_reshaping_shorthands(backend):
    with wt.tidy():
        x = wt.tensor(np.arange(24.0).reshape(2, 3, 4))
        for name, args in [("as1d", ()), ("as2d", (6, 4)), ("as3d", (4, 3, 2)), ("as4d", (1, 2, 3, 4)),
                           ("as5d", (2, 1, 3, 1, 4))]:
            assert_close(getattr(x, name)(*args), np.arange(24.0).reshape(args or (24,)))
        assert_close(wt.tensor([[3.0]]).as_scalar(), np.array(3.0))
        assert_close(x.reshape_as(wt.zeros([4, 6])), np.arange(24.0).reshape(4, 6))
        assert_close(x.reshape_as(np.zeros((3, 8))), np.arange(24.0).reshape(3, 8))
        assert x.strides == [12, 4] and wt.scalar(1.0).strides == [] and wt.ones([5]).strides == []
        with pytest.raises(ValueError, match=r"as_scalar: .* exactly one element, got shape \(2, 3, 4\)"):
            x.as_scalar()
        with pytest.raises(ValueError, match="reshape: cannot reshape"):
            x.as2d(5, 5)


def test_tensor5d_and_tensor6d(backend):
    with wt.tidy():
        assert_close(wt.tensor5d(list(range(32)), [2, 2, 2, 2, 2], "int32"),
                     np.arange(32, dtype=np.int32).reshape((2,) * 5))
        assert_close(wt.tensor6d([[[[[[1.5]]]]]]), np.full((1,) * 6, 1.5))
        with pytest.raises(ValueError, match="tensor6d: values must form a rank-6 tensor"):
            wt.tensor6d([1.0, 2.0])


T = "Tensor\n"
V = "  dtype: float32\n  rank: {}\n  shape: [{}]\n  values:\n"
STRINGS = [  # tfjs 4.22's tensor_test.ts 'tensor.toString' cases, and the format's corners
    (lambda: wt.scalar(5.0), True, T + V.format(0, "") + "    5"),
    (lambda: wt.scalar(True), False, T + "    true"),
    (lambda: wt.scalar(0.1), False, T + "    0.10000000149011612"),  # a scalar is not rounded
    (lambda: wt.zeros([0, 1]), True, T + V.format(2, "0,1") + "     []"),
    (lambda: wt.zeros([1, 0, 1]), True, T + V.format(3, "1,0,1") + "     [ []]"),
    (lambda: wt.zeros([4]), True, T + V.format(1, "4") + "    [0, 0, 0, 0]"),
    (lambda: wt.tensor([True, False, True]), False, T + "    [true, false, true]"),
    (lambda: wt.zeros([3, 3]), False, T + "    [[0, 0, 0],\n     [0, 0, 0],\n     [0, 0, 0]]"),
    (lambda: wt.zeros([3, 3], "bool"), False,
     T + "    [[false, false, false],\n     [false, false, false],\n     [false, false, false]]"),
    (lambda: wt.zeros([3, 3, 2]), False,
     T + "    [[[0, 0],\n      [0, 0],\n      [0, 0]],\n\n     [[0, 0],\n      [0, 0],\n      [0, 0]],\n\n"
     "     [[0, 0],\n      [0, 0],\n      [0, 0]]]"),
    (lambda: wt.zeros([100]), True, T + V.format(1, "100") + "    [0, 0, 0, ..., 0, 0, 0]"),
    (lambda: wt.zeros([100, 100]), False,
     T + "    [[0, 0, 0, ..., 0, 0, 0],\n" + "     [0, 0, 0, ..., 0, 0, 0],\n" * 2 + "     ...,\n"
     + "     [0, 0, 0, ..., 0, 0, 0],\n" * 2 + "     [0, 0, 0, ..., 0, 0, 0]]"),
    (lambda: wt.tensor([[0.8597712, 3, 0.2740789], [0.6696132, 0.4825962, 2.75], [1.991, 0.0640865, 0.2983858]]),
     True, T + V.format(2, "3,3") + "    [[0.8597712, 3        , 0.2740789],\n"
     "     [0.6696132, 0.4825962, 2.75     ],\n     [1.9910001, 0.0640865, 0.2983858]]"),
    (lambda: wt.tensor([[1.0, 2.0]]), False, T + "     [[1, 2],]"),  # sic: tfjs's one-row form
    (lambda: wt.tensor([1 / 256, -1 / 256, 1e-9, 1e25, float("nan"), -float("inf"), -0.0, 123456789.0]), False,
     T + "    [0.0039063, -0.0039063, 0, 9.999999562023526e+24, NaN, -Infinity, 0, 123456792]"),
    (lambda: wt.tensor([[1, -20], [300, 4]], dtype="int32"), False, T + "    [[1  , -20],\n     [300, 4  ]]"),
]


@pytest.mark.parametrize("make,verbose,expected", STRINGS, ids=range(len(STRINGS)))
def test_to_string_matches_tfjs(backend, make, verbose, expected):
    with wt.tidy():
        assert make().to_string(verbose) == expected


def test_print(backend, capsys):
    with wt.tidy():
        x = wt.tensor([[1.5, 2.0], [3.0, 4.0]])
        x.print()
        wt.print(x, True)
    out = capsys.readouterr().out
    assert out == (T + "    [[1.5, 2],\n     [3  , 4]]\n" + T + V.format(2, "2,2")
                   + "    [[1.5, 2],\n     [3  , 4]]\n")
    with pytest.raises(TypeError, match="print: argument 'x' must be a Tensor, got list"):
        wt.print([1.0])
    x = wt.tensor([1.0])
    x.dispose()
    for method in ("to_string", "buffer_sync"):
        with pytest.raises(ValueError, match=f"{method}: tensor .* is disposed"):
            getattr(x, method)()


def test_tfjs_tensor_methods_are_there(backend):
    for name in ("as1d as2d as3d as4d as5d as_scalar reshape_as buffer buffer_sync bytes print to_string "
                 "strides").split():
        assert hasattr(wt.Tensor, name), name

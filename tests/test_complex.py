"""complex64: wt.complex, wt.real, wt.imag, reading values, memory as tfjs counts it, the ops
taking complex64 tensors (tfjs's, plus neg and the movement ops) against NumPy, gradients, errors."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, expect, run, tol

pytestmark = pytest.mark.leakcheck


def z_of(rng, *shape):
    return (rng.uniform(-2, 2, shape) + 1j * rng.uniform(-2, 2, shape)).astype(np.complex64)


def c_of(z):
    z = np.asarray(z)
    return wt.complex(z.real.astype(np.float32), z.imag.astype(np.float32))


def assert_complex(t, expected, rtol=1e-5, atol=1e-6):
    expected = np.asarray(expected)
    assert t.dtype == "complex64", t.dtype
    assert tuple(t.shape) == expected.shape, f"shape {tuple(t.shape)} != {expected.shape}"
    got = t.numpy()
    assert got.dtype == np.complex64
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol)


# ---------------------------------------------------------------- making and reading

@pytest.mark.parametrize("shape", [(), (1,), (3,), (2, 3), (0,), (2, 0, 3)])
def test_complex_real_imag(backend, shape):
    rng = np.random.default_rng(0)
    re, im = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    with wt.tidy():
        c = wt.complex(re, im)
        assert isinstance(c, wt.Tensor) and c.dtype == "complex64" and c.shape == shape
        assert (c.rank, c.size) == (len(shape), re.size)
        assert_complex(c, re + 1j * im)
        assert_close(wt.real(c), re)
        assert_close(wt.imag(c), im)
        flat = c.data_sync()  # tfjs's dataSync: float32 [re, im, re, im, ...]
        assert flat.dtype == np.float32 and flat.shape == (2 * re.size,)
        np.testing.assert_array_equal(flat, np.stack([re, im], -1).reshape(-1))
        np.testing.assert_array_equal(run(c.data()), flat)
        assert run(c.array()) == c.array_sync() == (re + 1j * im).astype(np.complex64).tolist()
        np.testing.assert_array_equal(np.asarray(c), re + 1j * im)


def test_complex_of_ints_lists_and_reals_of_reals(backend):
    with wt.tidy():
        assert_complex(wt.complex(wt.tensor([1, 2], dtype="int32"), [3.5, -1]), [1 + 3.5j, 2 - 1j])
        assert_complex(wt.complex(2.0, 3.0), np.complex64(2 + 3j))
        assert wt.complex(1.0, 2.0).item() == 1 + 2j
        x = wt.tensor([1, 2], dtype="int32")
        assert_close(wt.real(x), np.float32([1, 2]))  # of a real tensor: itself and zeros (as TF)
        assert_close(wt.imag(x), np.float32([0, 0]))
        assert "1.+2.j" in repr(wt.complex([1.0], [2.0]))


def test_memory_counts_as_tfjs(backend):
    """tfjs's complex64 memory test: a complex tensor is one tensor and one data buffer of no
    bytes of its own; real() and imag() are tensors sharing its parts' buffers."""
    before = wt.memory()
    real1, imag1 = wt.tensor1d([1.0]), wt.tensor1d([2.0])
    m = wt.memory()
    complex1 = wt.complex(real1, imag1)
    after = wt.memory()
    assert (after.num_tensors, after.num_data_buffers, after.num_bytes) == \
        (m.num_tensors + 1, m.num_data_buffers + 1, m.num_bytes)
    complex2 = wt.complex([3.0], [4.0])
    m = wt.memory()
    result = complex1.add(complex2)
    after = wt.memory()
    assert (after.num_tensors, after.num_data_buffers) == (m.num_tensors + 1, m.num_data_buffers + 3)
    assert after.num_bytes == m.num_bytes + 8  # its two new float32 parts (tfjs counts none)
    assert_complex(result, [4 + 6j])
    m = wt.memory()
    real, imag = wt.real(result), wt.imag(result)
    assert wt.memory().num_tensors == m.num_tensors + 2
    assert wt.memory().num_data_buffers == m.num_data_buffers
    result.dispose()  # the parts stay while real and imag use them
    assert wt.memory().num_data_buffers == m.num_data_buffers - 1
    assert_close(real, [4.0])
    assert_close(imag, [6.0])
    wt.dispose([real1, imag1, complex1, complex2, real, imag])
    assert (wt.memory().num_tensors, wt.memory().num_data_buffers, wt.memory().num_bytes) == \
        (before.num_tensors, before.num_data_buffers, before.num_bytes)


def test_tidy_keep_dispose(backend):
    before = wt.memory()
    kept = wt.tidy(lambda: wt.mul(wt.complex([1.0, 2.0], [0.0, 1.0]), 2.0))
    assert_complex(kept, [2, 4 + 2j])
    with wt.tidy():
        c = wt.keep(wt.complex([1.0], [1.0]))
        wt.complex([5.0], [5.0])
    assert not c.is_disposed
    wt.dispose([kept, c])
    assert kept.is_disposed and wt.memory().num_data_buffers == before.num_data_buffers
    with pytest.raises(ValueError, match="disposed"):
        wt.real(c)


# ---------------------------------------------------------------- ops on complex64

BINARY = [("add", np.add), ("sub", np.subtract), ("mul", np.multiply)]


@pytest.mark.parametrize("name,ref", BINARY, ids=[b[0] for b in BINARY])
def test_binary(backend, name, ref):
    rng = np.random.default_rng(1)
    a, b, r = z_of(rng, 2, 3), z_of(rng, 3), rng.uniform(-2, 2, (2, 1)).astype(np.float32)
    op = getattr(wt, name)
    with wt.tidy():
        ca, cb = c_of(a), c_of(b)
        assert_complex(op(ca, cb), ref(a, b), **tol(backend))             # broadcast
        assert_complex(op(ca, wt.tensor(r)), ref(a, r), **tol(backend))   # a real tensor
        assert_complex(op(wt.tensor(r), ca), ref(r, a), **tol(backend))
        assert_complex(op(ca, 2), ref(a, 2), **tol(backend))              # numbers
        assert_complex(op(-1.5, cb), ref(-1.5, b), **tol(backend))
        assert_complex(op(c_of(np.zeros(0, np.complex64)), 1.0), np.zeros(0), **tol(backend))
    with wt.tidy():
        ca, cb = c_of(a), c_of(b)
        assert_complex({"add": ca + cb, "sub": ca - cb, "mul": ca * cb}[name], ref(a, b), **tol(backend))


def test_neg_abs(backend):
    z = np.array([3 + 4j, -1 - 1j, 0, 2j, -5, 1e30 + 1e30j, 1e-30 - 3e-30j, np.inf], np.complex64)
    with wt.tidy():
        c = c_of(z)
        assert_complex(wt.neg(c), -z)
        assert_complex(-c, -z)
        assert_close(wt.abs(c), np.abs(z), **tol(backend, "trans"))  # no overflow nor underflow
        assert_close(abs(c), np.abs(z), **tol(backend, "trans"))


def test_cast_like_and_views(backend):
    z = z_of(np.random.default_rng(2), 2, 3)
    with wt.tidy():
        c = c_of(z)
        assert_close(wt.cast(c, "float32"), z.real)  # the real part, as tfjs
        assert_close(wt.cast(c_of([2.7 + 1j]), "int32"), np.int32([2]))
        assert_complex(wt.zeros_like(c), np.zeros((2, 3)))
        assert_complex(wt.ones_like(c), np.ones((2, 3)))
        assert_complex(wt.clone(c), z)
        assert_complex(wt.reshape(c, [3, 2]), z.reshape(3, 2))
        assert_complex(c.reshape([-1]), z.reshape(-1))
        assert_complex(wt.expand_dims(c, 1), z[:, None])
        assert_complex(wt.squeeze(wt.reshape(c, [1, 2, 1, 3])), z)
        assert_complex(wt.tensor(c), z)


def test_movement_ops(backend):
    rng = np.random.default_rng(3)
    z, w = z_of(rng, 2, 3), z_of(rng, 2, 3)
    with wt.tidy():
        c, d = c_of(z), c_of(w)
        assert_complex(wt.concat([c, d], 1), np.concatenate([z, w], 1))
        assert_complex(wt.concat([c, wt.ones([1, 3])], 0), np.concatenate([z, np.ones((1, 3))], 0))
        assert_complex(wt.concat([c]), z)
        assert_complex(wt.stack([c, d], -1), np.stack([z, w], -1))
        for got, want in zip(wt.unstack(c, 1), np.moveaxis(z, 1, 0)):
            assert_complex(got, want)
        for got, want in zip(wt.split(c, [1, 2], 1), np.split(z, [1], 1)):
            assert_complex(got, want)
        assert_complex(wt.slice(c, [1, 1], [1, -1]), z[1:, 1:])
        assert_complex(c[:, ::-1], z[:, ::-1])
        assert_complex(wt.transpose(c), z.T)
        assert_complex(c.T, z.T)
        assert_complex(wt.reverse(c, -1), z[:, ::-1])
        assert_complex(wt.tile(c, [2, 1]), np.tile(z, (2, 1)))
        assert_complex(wt.broadcast_to(c, [4, 2, 3]), np.broadcast_to(z, (4, 2, 3)))


# ---------------------------------------------------------------- gradients (tfjs has none)

def test_gradients(backend):
    rng = np.random.default_rng(4)
    x, y = rng.uniform(0.5, 2, (2, 3)), rng.uniform(-2, -0.5, (2, 3))
    with wt.tidy():
        check_grad(lambda a, b: wt.abs(wt.complex(a, b)), lambda a, b: np.abs(a + 1j * b), [x, y], backend)
        check_grad(lambda a, b: [wt.real(wt.mul(wt.complex(a, b), wt.complex(b, a))),
                                 wt.imag(wt.sub(wt.complex(a, b), wt.complex(b, b * 2.0)) * a)],
                   lambda a, b: [((a + 1j * b) * (b + 1j * a)).real, ((a + 1j * b) - (b + 2j * b)).imag * a],
                   [x, y], backend)
        check_grad(lambda a, b: wt.abs(wt.transpose(wt.concat([wt.complex(a, b), wt.neg(a)], 1))[1:]),
                   lambda a, b: np.abs(np.concatenate([a + 1j * b, -a], 1).T[1:]), [x, y], backend)
        check_grad(lambda a: wt.cast(wt.complex(a, a) * wt.complex(a, wt.ones_like(a)), "float32"),
                   lambda a: ((a + 1j * a) * (a + 1j)).real, [x], backend)


def test_gradient_for_a_complex_input_and_at_zero(backend):
    z = np.array([3 + 4j, -1j, 0], np.complex64)
    with wt.tidy():
        g = wt.grad(lambda c: wt.sum(wt.abs(c)))(c_of(z))  # d|z|/dre + i d|z|/dim
        assert_complex(g, [0.6 + 0.8j, -1j, 0], **tol(backend))
        g = wt.grad(lambda a: wt.sum(wt.real(wt.complex(a, a) * wt.complex(a, a))))(wt.tensor([1.0, 2.0]))
        assert_close(g, np.float32([0, 0]))  # re((a + ia)^2) = 0


# ---------------------------------------------------------------- errors

def test_errors(backend):
    with wt.tidy():
        c, x = wt.complex([1.0, 2.0], [3.0, 4.0]), wt.tensor([1.0, 2.0])
        expect(lambda: wt.complex([1.0, 2.0], [1.0]), ValueError, "complex", "'real' and 'imag'", "(2,)", "(1,)")
        expect(lambda: wt.complex(c, x), TypeError, "complex", "'real'", "complex64")
        expect(lambda: wt.complex(x, "a"), TypeError, "complex")
        for name in ("exp", "sqrt", "sum", "div", "equal", "maximum", "matmul", "softmax", "gather", "pad"):
            fn = getattr(wt, name)
            args = {"matmul": (wt.reshape(c, [1, 2]), wt.reshape(c, [2, 1])), "gather": (c, [0]),
                    "pad": (c, [[1, 1]])}.get(name, (c,) if name in ("exp", "sqrt", "sum", "softmax") else (c, x))
            expect(lambda: fn(*args), TypeError, name, "complex64")
        expect(lambda: wt.cast(x, "complex64"), TypeError, "cast", "complex64", "wt.complex")
        three = wt.ones([3])
        expect(lambda: wt.add(c, three), ValueError, "add", "(2,)", "(3,)")
        expect(lambda: wt.print(c), TypeError, "to_string", "complex64")
        expect(lambda: wt.add(c, np.array([1j, 2j])), TypeError, "add", "complex")  # values: wt.complex


def test_transpose_conjugate(backend):
    with wt.tidy():
        c = wt.complex(wt.tensor([[1.0, 2.0, 3.0]]), wt.tensor([[4.0, -5.0, 6.0]]))
        np.testing.assert_allclose(wt.transpose(c, conjugate=True).numpy(), np.conj(c.numpy()).T)
        np.testing.assert_allclose(wt.transpose(c).numpy(), c.numpy().T)
        np.testing.assert_allclose(wt.transpose(wt.tensor([[1.0, 2.0]]), conjugate=True).numpy(), [[1.0], [2.0]])

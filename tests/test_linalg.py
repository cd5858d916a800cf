"""matmul (transposes, batched with broadcast batch dims, empty dims), dot, outer."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, tol, uniform


def _matmul(a, b, ta=False, tb=False):
    return np.matmul(np.swapaxes(a, -1, -2) if ta else a, np.swapaxes(b, -1, -2) if tb else b)


# shape of a, shape of b, transpose_a, transpose_b (shapes as stored, before transposing)
MATMUL = [
    ((2, 3), (3, 4), False, False),
    ((3, 2), (3, 4), True, False),
    ((2, 3), (4, 3), False, True),
    ((3, 2), (4, 3), True, True),
    ((1, 5), (5, 1), False, False),
    ((2, 2, 3), (2, 3, 4), False, False),
    ((2, 3, 2), (2, 4, 3), True, True),
    ((1, 2, 3), (4, 3, 2), False, False),  # batch dims broadcast
    ((2, 1, 2, 3), (3, 3, 2), False, False),
    ((0, 3), (3, 4), False, False),
    ((2, 0), (0, 4), False, False),
]


@pytest.mark.parametrize("sa,sb,ta,tb", MATMUL, ids=str)
def test_matmul(backend, sa, sb, ta, tb):
    rng = np.random.default_rng(31)
    a, b = uniform(rng, sa), uniform(rng, sb)
    expected = _matmul(a.astype(np.float64), b.astype(np.float64), ta, tb)
    got = wt.matmul(wt.tensor(a), wt.tensor(b), transpose_a=ta, transpose_b=tb)
    assert_close(got, expected, **tol(backend))
    assert_close(wt.tensor(a).matmul(wt.tensor(b), ta, tb), expected, **tol(backend))


@pytest.mark.parametrize("sa,sb,ta,tb", [m for m in MATMUL if 0 not in m[0] + m[1]], ids=str)
def test_matmul_grad(backend, sa, sb, ta, tb):
    rng = np.random.default_rng(32)
    a, b = uniform(rng, sa), uniform(rng, sb)
    check_grad(lambda x, y: wt.matmul(x, y, ta, tb), lambda x, y: _matmul(x, y, ta, tb),
               [a, b], backend)


def test_matmul_non_contiguous(backend):
    rng = np.random.default_rng(33)
    a, b = uniform(rng, (3, 2)).T, uniform(rng, (4, 3)).T
    assert_close(wt.matmul(wt.tensor(a), wt.tensor(b)), a.astype(np.float64) @ b, **tol(backend))


def test_matmul_larger_accumulation(backend):
    rng = np.random.default_rng(34)
    a, b = uniform(rng, (8, 64)), uniform(rng, (64, 5))
    assert_close(wt.matmul(wt.tensor(a), wt.tensor(b)), a.astype(np.float64) @ b,
                 rtol=1e-3, atol=1e-4)


DOT = [((3,), (3,)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 3), (3, 4))]


@pytest.mark.parametrize("sa,sb", DOT, ids=str)
def test_dot(backend, sa, sb):
    rng = np.random.default_rng(35)
    a, b = uniform(rng, sa), uniform(rng, sb)
    assert_close(wt.dot(wt.tensor(a), wt.tensor(b)), np.dot(a.astype(np.float64), b),
                 **tol(backend))
    assert_close(wt.tensor(a).dot(wt.tensor(b)), np.dot(a.astype(np.float64), b),
                 **tol(backend))
    check_grad(wt.dot, np.dot, [a, b], backend)


def test_outer(backend):
    rng = np.random.default_rng(36)
    a, b = uniform(rng, (3,)), uniform(rng, (4,))
    assert_close(wt.outer(wt.tensor(a), wt.tensor(b)), np.outer(a.astype(np.float64), b),
                 **tol(backend))
    check_grad(wt.outer, np.outer, [a, b], backend)


# ---- tfjs's parameter names: dot(t1, t2), outerProduct(v1, v2); tf.fused.matMul ----
def test_dot_outer_keywords_and_fused_matmul(backend):
    rng = np.random.default_rng(37)
    a, b, m = uniform(rng, (3,)), uniform(rng, (3,)), uniform(rng, (3, 2))
    a64 = a.astype(np.float64)
    assert_close(wt.dot(t1=wt.tensor(a), t2=wt.tensor(m)), a64 @ m, **tol(backend))
    assert_close(wt.tensor(a).dot(t2=wt.tensor(b)), np.float32(a64 @ b), **tol(backend))
    assert_close(wt.outer(v1=wt.tensor(a), v2=wt.tensor(b)), np.outer(a64, b), **tol(backend))
    assert wt.fused.matmul is wt.fused.mat_mul  # tfjs's name, spelt as wt.matmul; mat_mul kept
    got = wt.fused.matmul(wt.tensor(m), wt.tensor(m), transpose_a=True, bias=1.0, activation="relu")
    assert_close(got, np.maximum(m.T.astype(np.float64) @ m + 1.0, 0.0), **tol(backend))


def test_matmul_operand_reused_plain_and_transposed(backend):
    """One buffer as matmul's second operand again and again, plain and transposed: each product
    its own (webgl keeps a laid-out copy per buffer and geometry from the second use on)."""
    rng = np.random.default_rng(7)
    a, b = uniform(rng, (5, 6)), uniform(rng, (6, 6))
    ta, tb = wt.tensor(a), wt.tensor(b)
    for _ in range(3):
        assert_close(wt.matmul(ta, tb), a @ b, **tol(backend))
        assert_close(wt.matmul(ta, tb, transpose_b=True), a @ b.T, **tol(backend))


def test_matmul_operand_layouts_freed_with_their_buffer(backend):
    if backend != "webgl":
        pytest.skip("webgl keeps laid-out copies of matmul operands")
    in_use = lambda: wt.memory().num_textures - wt.memory().num_pooled_textures  # noqa: E731
    rng = np.random.default_rng(8)
    a = wt.tensor(uniform(rng, (16, 16)))  # past the host path's 128 elements
    wt.dispose(wt.matmul(a, a))  # a uploaded (a first use keeps no layout)
    before = in_use()
    b = wt.tensor(uniform(rng, (16, 16)))
    for _ in range(3):
        wt.dispose(wt.matmul(a, b))
    assert in_use() > before + 1  # b's texture and its kept layout
    b.dispose()
    assert in_use() == before
    a.dispose()

"""Binary element-wise ops with NumPy broadcasting, comparisons, logical ops, where, add_n."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, random_ints, tol, uniform


def real(rng, s):
    return uniform(rng, s, -3, 3)


def nonzero(rng, s):
    return f32(rng.uniform(0.5, 2.0, s) * rng.choice([-1, 1], s))


def pos(rng, s):
    return uniform(rng, s, 0.3, 2.5)


# name, NumPy reference, domain of a, domain of b, differentiable, transcendental
BINARY = [
    ("add", np.add, real, real, True, False),
    ("sub", np.subtract, real, real, True, False),
    ("mul", np.multiply, real, real, True, False),
    ("div", np.divide, real, nonzero, True, False),
    ("floor_div", lambda a, b: np.floor(a / b), real, nonzero, False, False),
    ("mod", np.mod, real, nonzero, False, False),  # gradient: test_mod_grad
    ("pow", np.power, pos, real, True, True),
    ("maximum", np.maximum, real, real, True, False),
    ("minimum", np.minimum, real, real, True, False),
    ("squared_difference", lambda a, b: (a - b) ** 2, real, real, True, False),
    ("atan2", np.arctan2, real, nonzero, True, True),
]
SHAPE_PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((3,), (2, 3)), ((2, 1), (1, 3)),
               ((4, 1, 3), (2, 1)), ((), (2, 3)), ((2, 3), ()), ((1,), (5,)),
               ((0, 3), (1, 3)), ((2, 0), (2, 1))]
GRAD_PAIRS = [p for p in SHAPE_PAIRS if 0 not in p[0] + p[1]]
BIN_IDS = [b[0] for b in BINARY]


@pytest.mark.parametrize("name,ref,dom_a,dom_b,diff,trans", BINARY, ids=BIN_IDS)
@pytest.mark.parametrize("sa,sb", SHAPE_PAIRS, ids=str)
def test_values(backend, name, ref, dom_a, dom_b, diff, trans, sa, sb):
    rng = np.random.default_rng(11)
    a, b = dom_a(rng, sa), dom_b(rng, sb)
    expected = ref(a.astype(np.float64), b.astype(np.float64))
    got = getattr(wt, name)(wt.tensor(a), wt.tensor(b))
    assert_close(got, expected, **tol(backend, "trans" if trans else "basic"))


@pytest.mark.parametrize("name,ref,dom_a,dom_b,diff,trans", BINARY, ids=BIN_IDS)
def test_method_and_non_contiguous(backend, name, ref, dom_a, dom_b, diff, trans):
    rng = np.random.default_rng(12)
    a, b = dom_a(rng, (4, 3)).T[:, ::2], dom_b(rng, (2, 3)).T  # strided, transposed views
    assert not (a.flags.c_contiguous or b.flags.c_contiguous)
    expected = ref(a.astype(np.float64), b.astype(np.float64))
    got = getattr(wt.tensor(a), name)(wt.tensor(b))
    assert_close(got, expected, **tol(backend, "trans" if trans else "basic"))


@pytest.mark.parametrize("name,ref,dom_a,dom_b,diff,trans", [b for b in BINARY if b[4]],
                         ids=[b[0] for b in BINARY if b[4]])
@pytest.mark.parametrize("sa,sb", GRAD_PAIRS, ids=str)
def test_grad(backend, name, ref, dom_a, dom_b, diff, trans, sa, sb):
    rng = np.random.default_rng(13)
    a, b = dom_a(rng, sa), dom_b(rng, sb)
    if name in ("maximum", "minimum"):  # keep the two operands apart: no ties
        b = f32(np.where(np.abs(a - b) < 0.1, b + 0.3, b)) if sa == sb else b
    check_grad(getattr(wt, name), ref, [a, b], backend)


@pytest.mark.parametrize("sb", [(2, 3), (3,), ()], ids=str)
def test_mod_grad(backend, sb):
    rng = np.random.default_rng(14)
    b = nonzero(rng, sb)
    quotient = rng.integers(-3, 3, (2, 3)) + rng.uniform(0.2, 0.8, (2, 3))  # off the jumps
    a = f32(np.broadcast_to(b, (2, 3)) * quotient)
    check_grad(wt.mod, np.mod, [a, b], backend)


INT_BINARY = [
    ("add", np.add), ("sub", np.subtract), ("mul", np.multiply),
    ("floor_div", np.floor_divide), ("mod", np.mod), ("maximum", np.maximum),
    ("minimum", np.minimum), ("squared_difference", lambda a, b: (a - b) ** 2),
]


@pytest.mark.parametrize("name,ref", INT_BINARY, ids=[n for n, _ in INT_BINARY])
def test_int32(backend, name, ref):
    rng = np.random.default_rng(15)
    a = random_ints(rng, (2, 3), -9, 10)
    b = random_ints(rng, (3,), 1, 4) * rng.choice([-1, 1], 3).astype(np.int32)
    got = getattr(wt, name)(wt.tensor(a), wt.tensor(b))
    assert_close(got, ref(a, b).astype(np.int32), dtype="int32")


def test_int32_pow(backend):
    a, b = np.array([0, 1, 2, 3, -2], np.int32), np.array([3, 2, 0, 3, 3], np.int32)
    assert_close(wt.pow(wt.tensor(a), wt.tensor(b)), [0, 1, 1, 27, -8], dtype="int32")


def test_mixed_int_float_upcasts(backend):
    got = wt.add(wt.tensor(np.array([1, 2], np.int32)), wt.tensor([0.5, 0.25]))
    assert_close(got, [1.5, 2.25], dtype="float32")


def test_python_scalar_operand(backend):
    x = np.array([[1.0, -2.0], [3.0, 4.5]], np.float32)
    assert_close(wt.mul(wt.tensor(x), 2), x * 2)
    assert_close(wt.sub(3, wt.tensor(x)), 3 - x)


COMPARE = [
    ("equal", np.equal), ("not_equal", np.not_equal), ("less", np.less),
    ("less_equal", np.less_equal), ("greater", np.greater), ("greater_equal", np.greater_equal),
]


@pytest.mark.parametrize("name,ref", COMPARE, ids=[n for n, _ in COMPARE])
@pytest.mark.parametrize("sa,sb", SHAPE_PAIRS[:8], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_compare(backend, name, ref, sa, sb, dtype):
    rng = np.random.default_rng(16)
    a, b = random_ints(rng, sa, -2, 3), random_ints(rng, sb, -2, 3)  # small ints: many ties
    if dtype == "float32":
        a, b = f32(a) * 0.5, f32(b) * 0.5
    got = getattr(wt, name)(wt.tensor(a), wt.tensor(b))
    assert_close(got, ref(a, b), dtype="bool")
    assert_close(getattr(wt.tensor(a), name)(wt.tensor(b)), ref(a, b), dtype="bool")


LOGICAL = [("logical_and", np.logical_and), ("logical_or", np.logical_or),
           ("logical_xor", np.logical_xor)]


@pytest.mark.parametrize("name,ref", LOGICAL, ids=[n for n, _ in LOGICAL])
@pytest.mark.parametrize("sa,sb", [((2, 3), (2, 3)), ((2, 1), (1, 3)), ((), (4,))], ids=str)
def test_logical(backend, name, ref, sa, sb):
    rng = np.random.default_rng(17)
    a, b = rng.random(sa) > 0.5, rng.random(sb) > 0.5
    assert_close(getattr(wt, name)(wt.tensor(a), wt.tensor(b)), ref(a, b), dtype="bool")


def test_logical_not(backend):
    a = np.array([[True, False, True], [False, False, True]])
    assert_close(wt.logical_not(wt.tensor(a)), ~a, dtype="bool")
    assert_close(wt.tensor(a).logical_not(), ~a, dtype="bool")


@pytest.mark.parametrize("sc,sa,sb", [((2, 3), (2, 3), (2, 3)), ((3,), (2, 3), ()),
                                      ((2, 1), (1, 3), (2, 3))], ids=str)
def test_where(backend, sc, sa, sb):
    rng = np.random.default_rng(18)
    c, a, b = rng.random(sc) > 0.5, real(rng, sa), real(rng, sb)
    assert_close(wt.where(wt.tensor(c), wt.tensor(a), wt.tensor(b)), np.where(c, a, b))
    check_grad(lambda x, y: wt.where(wt.tensor(c), x, y), lambda x, y: np.where(c, x, y),
               [a, b], backend)


def test_where_int32(backend):
    c = np.array([True, False, True])
    a, b = np.array([1, 2, 3], np.int32), np.array([-1, -2, -3], np.int32)
    assert_close(wt.where(wt.tensor(c), wt.tensor(a), wt.tensor(b)), [1, -2, 3], dtype="int32")


def test_add_n(backend):
    rng = np.random.default_rng(19)
    xs = [real(rng, (2, 3)) for _ in range(3)]
    assert_close(wt.add_n([wt.tensor(x) for x in xs]), xs[0] + xs[1] + xs[2], **tol(backend))
    check_grad(lambda *ts: wt.add_n(list(ts)), lambda *a: a[0] + a[1] + a[2], xs, backend)
    ints = [random_ints(rng, (4,)) for _ in range(2)]
    assert_close(wt.add_n([wt.tensor(i) for i in ints]), ints[0] + ints[1], dtype="int32")


# ---- tfjs's parameter names: pow(base, exp), prelu(x, alpha) (optable rows' params) ----
def test_pow_and_prelu_take_tfjs_keywords(backend):
    x = np.float32([-2.0, 0.5, 3.0])
    base = np.abs(x) + 0.5
    assert_close(wt.pow(base=wt.tensor(base), exp=2.0), base.astype(np.float64) ** 2, **tol(backend, "trans"))
    assert_close(wt.pow(wt.tensor(base), exp=wt.tensor(x)), base.astype(np.float64) ** x, **tol(backend, "trans"))
    assert_close(wt.tensor(base).pow(exp=3.0), base.astype(np.float64) ** 3, **tol(backend, "trans"))
    assert_close(wt.pow(base=wt.tensor(np.array([2, 3], np.int32)), exp=2), np.array([4, 9], np.int32))
    assert_close(wt.prelu(x=wt.tensor(x), alpha=0.25), np.where(x > 0, x, 0.25 * x), **tol(backend))
    assert_close(wt.tensor(x).prelu(alpha=wt.tensor(np.float32([0.5, 1.0, 2.0]))),
                 np.where(x > 0, x, np.float32([0.5, 1.0, 2.0]) * x), **tol(backend))
    check_grad(lambda b, e: wt.pow(base=b, exp=e), lambda b, e: b ** e, [base, x], backend)
    assert_close(wt.add(a=wt.tensor(x), b=1.0), x + 1)  # the other rows keep (a, b)
    for call in (lambda: wt.pow(a=wt.tensor(x), b=2.0), lambda: wt.prelu(a=wt.tensor(x), b=0.5)):
        with pytest.raises(TypeError, match="unexpected keyword argument 'a'"):
            call()
    assert wt.pow.__doc__ == "Elementwise pow(base, exp) with NumPy broadcasting."

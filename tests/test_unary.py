"""Unary element-wise ops: values against NumPy, gradients against finite differences."""
import math

import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, random_ints, tol, uniform

SELU_ALPHA, SELU_SCALE = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
_erf = np.vectorize(math.erf, otypes=[np.float64])


def real(rng, s):
    return uniform(rng, s, -3, 3, away=[0])


def pos(rng, s):
    return uniform(rng, s, 0.2, 3)


def unit(rng, s):
    return uniform(rng, s, -0.9, 0.9)


def frac(rng, s):  # away from integers and from .5, where floor/ceil/round jump
    part = rng.choice([0.2, 0.3, 0.7, 0.8], s) + rng.uniform(-0.05, 0.05, s)
    return f32(rng.integers(-4, 4, s) + part)


def relu6_dom(rng, s):
    return uniform(rng, s, -3, 8, away=[0, 6], margin=0.2)


def clip_dom(rng, s):
    return uniform(rng, s, -2, 2, away=[-1, 1])


def special(rng, s):
    return f32(rng.choice([np.nan, np.inf, -np.inf, 0.0, 1.5, -2.0], s))


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# name, extra args, NumPy reference (float64), domain, differentiable, transcendental
UNARY = [
    ("neg", (), np.negative, real, True, False),
    ("abs", (), np.abs, real, True, False),
    ("square", (), np.square, real, True, False),
    ("sqrt", (), np.sqrt, pos, True, True),
    ("rsqrt", (), lambda x: 1 / np.sqrt(x), pos, True, True),
    ("exp", (), np.exp, real, True, True),
    ("log", (), np.log, pos, True, True),
    ("log1p", (), np.log1p, lambda r, s: uniform(r, s, -0.5, 3), True, True),
    ("expm1", (), np.expm1, real, True, True),
    ("sin", (), np.sin, real, True, True),
    ("cos", (), np.cos, real, True, True),
    ("tan", (), np.tan, lambda r, s: uniform(r, s, -1.2, 1.2), True, True),
    ("asin", (), np.arcsin, unit, True, True),
    ("acos", (), np.arccos, unit, True, True),
    ("atan", (), np.arctan, real, True, True),
    ("sinh", (), np.sinh, real, True, True),
    ("cosh", (), np.cosh, real, True, True),
    ("tanh", (), np.tanh, real, True, True),
    ("sigmoid", (), sigmoid, real, True, True),
    ("log_sigmoid", (), lambda x: -np.logaddexp(0, -x), real, True, True),
    ("relu", (), lambda x: np.maximum(x, 0), real, True, False),
    ("relu6", (), lambda x: np.clip(x, 0, 6), relu6_dom, True, False),
    ("elu", (), lambda x: np.where(x > 0, x, np.expm1(x)), real, True, True),
    ("selu", (), lambda x: SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * np.expm1(x)),
     real, True, True),
    ("leaky_relu", (0.2,), lambda x: np.where(x > 0, x, 0.2 * x), real, True, False),
    ("softplus", (), lambda x: np.logaddexp(0, x), real, True, True),
    ("sign", (), np.sign, real, True, False),
    ("floor", (), np.floor, frac, True, False),
    ("ceil", (), np.ceil, frac, True, False),
    ("round", (), np.round, frac, True, False),
    ("reciprocal", (), lambda x: 1 / x, real, True, False),
    ("erf", (), _erf, real, True, True),
    ("step", (), lambda x: np.where(x > 0, 1.0, 0.0), real, True, False),
    ("step", (0.3,), lambda x: np.where(x > 0, 1.0, 0.3), real, True, False),
    ("clip_by_value", (-1, 1), lambda x: np.clip(x, -1, 1), clip_dom, True, False),
    ("is_nan", (), np.isnan, special, False, False),
    ("is_inf", (), np.isinf, special, False, False),
    ("is_finite", (), np.isfinite, special, False, False),
]
IDS = [f"{n}{a if a else ''}" for n, a, *_ in UNARY]
SHAPES = [(2, 3), (), (1, 4, 1), (0, 3)]


@pytest.mark.parametrize("name,args,ref,domain,diff,trans", UNARY, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_values(backend, name, args, ref, domain, diff, trans, shape):
    x = domain(np.random.default_rng(len(name)), shape)
    expected = ref(x.astype(np.float64))
    assert_close(getattr(wt, name)(wt.tensor(x), *args), expected,
                 **tol(backend, "trans" if trans else "basic"))


@pytest.mark.parametrize("name,args,ref,domain,diff,trans", UNARY, ids=IDS)
def test_method_and_non_contiguous(backend, name, args, ref, domain, diff, trans):
    x = domain(np.random.default_rng(7), (4, 3)).T  # a transposed, non-contiguous view
    assert not x.flags.c_contiguous
    expected = ref(x.astype(np.float64))
    assert_close(getattr(wt.tensor(x), name)(*args), expected,
                 **tol(backend, "trans" if trans else "basic"))


@pytest.mark.parametrize("name,args,ref,domain,diff,trans",
                         [u for u in UNARY if u[4]], ids=[i for i, u in zip(IDS, UNARY) if u[4]])
def test_grad(backend, name, args, ref, domain, diff, trans):
    x = domain(np.random.default_rng(3), (2, 3))
    check_grad(lambda t: getattr(wt, name)(t, *args), ref, [x], backend)


@pytest.mark.parametrize("name,ref", [
    ("neg", np.negative), ("abs", np.abs), ("square", np.square), ("sign", np.sign),
    ("relu", lambda x: np.maximum(x, 0))])
def test_int32(backend, name, ref):
    x = random_ints(np.random.default_rng(1), (3, 4))
    assert_close(getattr(wt, name)(wt.tensor(x)), ref(x).astype(np.int32), dtype="int32")


def test_round_half_to_even(backend):
    x = wt.tensor([0.5, 1.5, 2.5, -0.5, -1.5, 3.49])
    assert_close(wt.round(x), [0, 2, 2, 0, -2, 3.0])


def test_prelu(backend):
    rng = np.random.default_rng(5)
    x, alpha = real(rng, (2, 3)), uniform(rng, (3,), 0.05, 0.5)

    def ref(x, a):
        return np.where(x > 0, x, a * x)
    assert_close(wt.prelu(wt.tensor(x), wt.tensor(alpha)), ref(x, alpha), **tol(backend))
    assert_close(wt.tensor(x).prelu(wt.tensor(alpha)), ref(x, alpha), **tol(backend))
    check_grad(wt.prelu, ref, [x, alpha], backend)


def test_special_values_propagate(backend):
    x = wt.tensor([np.nan, np.inf, -np.inf])
    assert_close(wt.exp(x), [np.nan, np.inf, 0.0])
    assert_close(wt.abs(x), [np.nan, np.inf, np.inf])

"""The op table (webtensor/optable.py) is the one place an elementwise or reduction op is
defined: every row must reach every backend, the op functions and the Tensor methods, and the
kernel contract must refuse a backend that lacks a kernel."""
import numpy as np
import pytest

import webtensor as wt
from webtensor import optable
from webtensor.backends import base, cpu
from webtensor.backends.webgl import WebGLBackend, codegen

ROWS = {**optable.UNARY, **optable.BINARY}


@pytest.mark.parametrize("name", sorted(ROWS))
def test_every_elementwise_row_reaches_ops_methods_and_backends(name):
    row = ROWS[name]
    assert callable(getattr(wt, name))
    assert callable(getattr(wt.Tensor, name))
    table = cpu.UNARY if row.arity == 1 else cpu.BINARY
    assert table[name] is row.numpy
    assert name in codegen.EXPRESSIONS and codegen.expression(name, False)
    assert row.dtype in (optable.FLOAT, optable.SAME, optable.TEST, optable.LOGICAL)
    if row.dtype == optable.FLOAT:
        assert row.grad is not None, f"{name} is computed in float32 and needs a gradient"


@pytest.mark.parametrize("name", sorted(ROWS))
def test_numpy_function_of_each_row_keeps_its_dtype_rule(name):
    row = ROWS[name]
    if row.dtype == optable.LOGICAL:
        args = [np.array([True, False, True])] * row.arity
    else:
        args = [np.array([0.5, 1.5, 2.0], np.float32)] * row.arity
    with np.errstate(all="ignore"):
        out = np.asarray(row.numpy(*args))
    assert out.shape == (3,)
    assert (out.dtype == np.bool_) == (row.dtype in (optable.TEST, optable.LOGICAL))


@pytest.mark.parametrize("name", sorted(optable.REDUCE))
def test_every_reduction_row_reaches_ops_methods_and_backends(name):
    row = optable.REDUCE[name]
    assert callable(getattr(wt, name)) and callable(getattr(wt.Tensor, name))
    assert cpu.REDUCE[name] is row.numpy
    assert "void main()" in codegen.reduce(name)
    assert len(row.glsl) == 4


def test_backends_implement_the_whole_contract():
    assert not cpu.CPUBackend.__abstractmethods__
    assert not WebGLBackend.__abstractmethods__
    assert {"unary", "binary", "matmul", "strided", "gather"} <= base.Backend.__abstractmethods__


def test_a_backend_missing_a_kernel_fails_when_built_naming_it():
    class NoGather(cpu.CPUBackend):
        gather = base.Backend.gather  # the abstract declaration, not an implementation

    with pytest.raises(TypeError, match="gather"):
        NoGather()
    wt.register_backend("no_gather_for_tests", NoGather, 0)
    before = wt.get_backend()
    with pytest.raises(TypeError, match="gather"):
        wt.set_backend("no_gather_for_tests")
    assert wt.get_backend() == before


def test_kernels_receive_buffers_not_tensors():
    seen = []

    class Recording(cpu.CPUBackend):
        def binary(self, op, a, b, out_shape):
            seen.append((type(a), type(b)))
            return super().binary(op, a, b, out_shape)

    name = f"recording_for_tests_{id(seen)}"  # a fresh instance each run (the engine caches them)
    wt.register_backend(name, Recording, 0)
    before = wt.get_backend()
    try:
        wt.set_backend(name)
        np.testing.assert_allclose(wt.add(wt.tensor([1.0, 2.0]), 1.0).numpy(), [2.0, 3.0])
    finally:
        wt.set_backend(before)
    assert seen == [(base.Buffer, base.Buffer)]

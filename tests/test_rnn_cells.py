"""basic_lstm_cell, multi_rnn_cell and moving_average against NumPy references; gradients of
basic_lstm_cell by finite differences."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, tol, uniform

pytestmark = pytest.mark.leakcheck


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def lstm_ref(forget_bias, kernel, bias, data, c, h):
    i, j, f, o = np.split(np.concatenate([data, h], 1) @ kernel + bias, 4, 1)
    new_c = _sigmoid(i) * np.tanh(j) + c * _sigmoid(forget_bias + f)
    return [new_c, np.tanh(new_c) * _sigmoid(o)]


def _lstm_inputs(rng, batch, n_in, units):
    return [np.float32(1.0), uniform(rng, (n_in + units, 4 * units), -1, 1), uniform(rng, (4 * units,), -1, 1),
            uniform(rng, (batch, n_in)), uniform(rng, (batch, units)), uniform(rng, (batch, units))]


@pytest.mark.parametrize("batch,n_in,units", [(2, 3, 2), (1, 1, 1), (3, 2, 4)])
def test_basic_lstm_cell_values(backend, batch, n_in, units):
    args = _lstm_inputs(np.random.default_rng(batch + n_in), batch, n_in, units)
    with wt.tidy():
        new_c, new_h = wt.basic_lstm_cell(*args)
        expected = lstm_ref(*[a.astype(np.float64) for a in args])
        assert_close(new_c, expected[0], **tol(backend, "trans"))
        assert_close(new_h, expected[1], **tol(backend, "trans"))
        # a Python number as forget_bias, as in tfjs's tests: equal rows give equal states
        same = [np.repeat(a[:1], 2, 0) for a in args[3:]]
        c2, h2 = wt.basic_lstm_cell(0.5, *args[1:3], *same)
        assert np.array_equal(c2.numpy()[0], c2.numpy()[1]) and np.array_equal(h2.numpy()[0], h2.numpy()[1])


def test_basic_lstm_cell_grads(backend):
    args = _lstm_inputs(np.random.default_rng(1), 2, 3, 2)
    args[0] = np.float32(0.7)
    with wt.tidy():
        check_grad(lambda *a: wt.basic_lstm_cell(*a), lstm_ref, args, backend)


@pytest.mark.parametrize("change,match", [
    (lambda a: a.__setitem__(1, a[1][:, :4]), "argument 'lstm_kernel' must have shape"),
    (lambda a: a.__setitem__(2, a[2][:4]), r"argument 'lstm_bias' must have shape \[8\]"),
    (lambda a: a.__setitem__(4, a[4][:1]), "'c' and 'h' \\[batch, units\\]"),
    (lambda a: a.__setitem__(3, a[3][0]), "'data' must be 2-D"),
    (lambda a: a.__setitem__(0, np.ones(2, np.float32)), "argument 'forget_bias' must be a scalar"),
])
def test_basic_lstm_cell_errors(backend, change, match):
    args = _lstm_inputs(np.random.default_rng(0), 2, 3, 2)
    change(args)
    with pytest.raises(ValueError, match="basic_lstm_cell: .*" + match):
        wt.basic_lstm_cell(*args)


def test_multi_rnn_cell_chains_the_cells(backend):
    rng = np.random.default_rng(2)
    sizes = [(3, 4), (4, 2)]  # (input, units) of each layer: layer 2 reads layer 1's h
    weights = [(uniform(rng, (n + u, 4 * u), -1, 1), uniform(rng, (4 * u,), -1, 1)) for n, u in sizes]
    data = uniform(rng, (2, 3))
    c = [uniform(rng, (2, u)) for _, u in sizes]
    h = [uniform(rng, (2, u)) for _, u in sizes]
    with wt.tidy():
        cells = [lambda x, ci, hi, k=k, b=b: wt.basic_lstm_cell(1.0, k, b, x, ci, hi) for k, b in weights]
        new_c, new_h = wt.multi_rnn_cell(cells, data, c, h)
        x = data.astype(np.float64)
        for (k, b), ci, hi, got_c, got_h in zip(weights, c, h, new_c, new_h):
            ref_c, x = lstm_ref(1.0, k, b, x, ci, hi)
            assert_close(got_c, ref_c, **tol(backend, "trans"))
            assert_close(got_h, x, **tol(backend, "trans"))
    with pytest.raises(ValueError, match="multi_rnn_cell: got 2 cells but 1 c and 2 h states"):
        wt.multi_rnn_cell(cells, data, c[:1], h)


def test_moving_average(backend):
    v0, x, y = np.zeros((2, 2), np.float32), np.array([[1.0, 2], [3, 4]]), np.array([[11.0, 12], [13, 14]])
    with wt.tidy():  # tfjs's cases: reference values from TensorFlow's assign_moving_average
        v1 = wt.moving_average(v0, x, 0.6, 1)
        assert_close(v1, x)
        assert_close(wt.moving_average(v1, y, wt.scalar(0.6), wt.scalar(2)), [[7.25, 8.25], [9.25, 10.25]])
        assert_close(wt.moving_average(v0, x, 0.6, zero_debias=False), 0.4 * x)
        assert_close(wt.moving_average(wt.tensor(x), y, 0.9, None, False), x + (y - x) * 0.1)
        assert_close(wt.moving_average(np.zeros(0, np.float32), np.zeros(0, np.float32), 0.5, 3), np.zeros(0))


@pytest.mark.parametrize("args,match", [
    (([1.0, 2.0], [1.0, 2.0], 0.5), "moving_average: argument 'step' is required"),
    (([1.0, 2.0], [1.0], 0.5, 1), "moving_average: arguments 'v' and 'x' must have the same shape"),
    ((np.zeros(2, np.int32), np.zeros(2, np.float32), 0.5, 1), "the same shape and dtype"),
])
def test_moving_average_errors(backend, args, match):
    with pytest.raises(ValueError, match=match):
        wt.moving_average(*args)

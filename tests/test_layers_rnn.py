"""Recurrent layers (simple_rnn, lstm, gru), masking, time_distributed and bidirectional:
forward values against NumPy references written from the equations, gradients against finite
differences, configs, parameter counts, and an LSTM that learns a sequence task."""
import numpy as np
import pytest

import webtensor as wt
from conftest import assert_close, check_grad, f32, no_leaks, numeric_grads, run, to_np, tol

KINDS = ["simple_rnn", "lstm", "gru"]
GATES = {"simple_rnn": 1, "lstm": 4, "gru": 3}


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_hard_sigmoid(x):
    return np.clip(0.2 * x + 0.5, 0.0, 1.0)


def ref_rnn(kind, x, kernel, rec, bias, act=np.tanh, gate=np_hard_sigmoid, go_backwards=False,
            mask=None, h0=None, c0=None):
    """(outputs per processed step [n, t, u], last h, last c) from the cell equations; the gate
    blocks are column slices of the kernels in tfjs's order (LSTM i f c o, GRU z r h)."""
    n, t, _ = x.shape
    u = rec.shape[0]
    h = np.zeros((n, u)) if h0 is None else h0
    c = np.zeros((n, u)) if c0 is None else c0
    block = lambda m, j: m[..., j * u:(j + 1) * u]
    outs = []
    for s in (reversed(range(t)) if go_backwards else range(t)):
        xs = x[:, s]
        if kind == "simple_rnn":
            h_new, c_new = act(xs @ kernel + h @ rec + bias), c
        elif kind == "lstm":
            pre = [xs @ block(kernel, j) + h @ block(rec, j) + block(bias, j) for j in range(4)]
            i, f, o = gate(pre[0]), gate(pre[1]), gate(pre[3])
            c_new = f * c + i * act(pre[2])
            h_new = o * act(c_new)
        else:  # gru, the reset gate before the recurrent product
            z = gate(xs @ block(kernel, 0) + block(bias, 0) + h @ block(rec, 0))
            r = gate(xs @ block(kernel, 1) + block(bias, 1) + h @ block(rec, 1))
            cand = act(xs @ block(kernel, 2) + block(bias, 2) + (r * h) @ block(rec, 2))
            h_new, c_new = z * h + (1 - z) * cand, c
        if mask is not None:  # a masked step keeps the previous state
            keep = mask[:, s:s + 1].astype(bool)
            h_new, c_new = np.where(keep, h_new, h), np.where(keep, c_new, c)
        h, c = h_new, c_new
        outs.append(h)
    return np.stack(outs, 1), h, c


def random_weights(rng, kind, d, u, scale=0.6):
    g = GATES[kind]
    return [f32(rng.normal(0, scale, (d, g * u))), f32(rng.normal(0, scale, (u, g * u))),
            f32(rng.normal(0, scale, g * u))]


def make(kind, **kwargs):
    return getattr(wt.layers, kind)(**kwargs)


def built(kind, ws, d, **kwargs):
    layer = make(kind, **kwargs)
    layer.apply(wt.input(shape=[None, d]))
    layer.set_weights(ws)
    return layer


# ---------------------------------------------------------------- forward values

@pytest.mark.leakcheck
@pytest.mark.parametrize("go_backwards", [False, True])
@pytest.mark.parametrize("kind", KINDS)
def test_forward_matches_numpy_reference(backend, kind, go_backwards):
    rng = np.random.default_rng(1)
    n, t, d, u = 3, 5, 4, 3
    x, ws = f32(rng.normal(size=(n, t, d))), random_weights(rng, kind, d, u)
    seq_ref, last_ref, _ = ref_rnn(kind, x, *ws, go_backwards=go_backwards)
    seq_layer = built(kind, ws, d, units=u, return_sequences=True, go_backwards=go_backwards)
    last_layer = built(kind, ws, d, units=u, go_backwards=go_backwards)
    xt = wt.tensor(x)
    seq, last = seq_layer.apply(xt), last_layer.apply(xt)
    assert_close(seq, seq_ref, **tol(backend, "trans"))  # go_backwards: the reversed sequence
    assert_close(last, last_ref, **tol(backend, "trans"))
    wt.dispose([xt, seq, last])
    seq_layer.dispose()
    last_layer.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_non_default_activations_and_no_bias(backend, kind):
    rng = np.random.default_rng(2)
    n, t, d, u = 2, 4, 3, 2
    x = f32(rng.normal(size=(n, t, d)))
    ws = random_weights(rng, kind, d, u)[:2]
    options = {} if kind == "simple_rnn" else {"recurrent_activation": "sigmoid"}
    layer = built(kind, ws, d, units=u, activation="relu", use_bias=False, **options)
    assert layer.bias is None and len(layer.weights) == 2
    ref = ref_rnn(kind, x, *ws, np.zeros(GATES[kind] * u), act=lambda v: np.maximum(v, 0),
                  gate=np_sigmoid)[1]
    assert_close(layer.apply(x), ref, **tol(backend, "trans"))
    layer.dispose()


@pytest.mark.leakcheck
@pytest.mark.parametrize("kind", KINDS)
def test_return_state_eager_and_symbolic(backend, kind):
    rng = np.random.default_rng(3)
    n, t, d, u = 2, 6, 3, 4
    x, ws = f32(rng.normal(size=(n, t, d))), random_weights(rng, kind, d, u)
    seq_ref, h_ref, c_ref = ref_rnn(kind, x, *ws)
    states_ref = [h_ref, c_ref] if kind == "lstm" else [h_ref]
    inp = wt.input(shape=[t, d])
    layer = make(kind, units=u, return_sequences=True, return_state=True)
    outs = layer.apply(inp)
    assert [o.shape for o in outs] == [[None, t, u]] + [[None, u]] * len(states_ref)
    m = wt.model(inputs=inp, outputs=outs)
    m.set_weights(ws)
    got = m.predict(x)
    assert len(got) == 1 + len(states_ref)
    for g, e in zip(got, [seq_ref] + states_ref):
        assert_close(g, e, **tol(backend, "trans"))
    xt = wt.tensor(x)
    eager = layer.apply(xt)  # the same outputs, as a list, from an eager call
    for g, e in zip(eager, [seq_ref] + states_ref):
        assert_close(g, e, **tol(backend, "trans"))
    last_only = make(kind, units=u, return_state=True)
    assert last_only.apply(inp)[0].shape == [None, u]
    wt.dispose(got + eager + [xt])
    m.dispose()
    last_only.dispose()


@pytest.mark.leakcheck
def test_initial_states_passed_with_the_input(backend):
    rng = np.random.default_rng(4)
    n, t, d, u = 2, 3, 3, 2
    x, ws = f32(rng.normal(size=(n, t, d))), random_weights(rng, "lstm", d, u)
    h0, c0 = f32(rng.normal(size=(n, u))), f32(rng.normal(size=(n, u)))
    layer = built("lstm", ws, d, units=u)
    xt, h0t, c0t = wt.tensor(x), wt.tensor(h0), wt.tensor(c0)
    got = layer.apply([xt, h0t, c0t])
    assert_close(got, ref_rnn("lstm", x, *ws, h0=h0, c0=c0)[1], **tol(backend, "trans"))
    with pytest.raises(ValueError, match="2 state"):
        layer.apply([xt, h0t])
    wt.dispose([xt, h0t, c0t, got])
    layer.dispose()


# ---------------------------------------------------------------- masking

@pytest.mark.leakcheck
@pytest.mark.parametrize("kind", KINDS)
def test_masked_steps_keep_the_previous_state(backend, kind):
    rng = np.random.default_rng(5)
    n, t, d, u = 3, 5, 2, 3
    x = f32(rng.normal(size=(n, t, d)))
    mask = np.ones((n, t), bool)
    mask[0, 3:] = False   # padded at the end
    mask[1, :2] = False   # padded at the start
    mask[2, 2] = False    # a gap
    x[~mask] = -1.0
    ws = random_weights(rng, kind, d, u)
    model = wt.sequential([wt.layers.masking(mask_value=-1.0, input_shape=[t, d]),
                           make(kind, units=u, return_sequences=True)])
    model.set_weights(ws)
    got = model.predict(x)
    seq_ref = ref_rnn(kind, x, *ws, mask=mask)[0]
    assert_close(got, seq_ref, **tol(backend, "trans"))
    values = to_np(got)
    np.testing.assert_array_equal(values[0, 3], values[0, 2])  # held, not recomputed
    np.testing.assert_array_equal(values[1, :2], 0 * values[1, :2])
    assert not np.allclose(seq_ref, ref_rnn(kind, x, *ws)[0], atol=1e-3)  # the mask matters
    masked = wt.layers.masking(mask_value=-1.0)
    with wt.tidy():
        out = masked.apply(x)
        np.testing.assert_array_equal(to_np(out), np.where(mask[..., None], x, 0))
    wt.dispose(got)
    model.dispose()


@pytest.mark.leakcheck
def test_mask_passes_through_stacked_and_wrapped_layers(backend):
    rng = np.random.default_rng(6)
    n, t, d, u = 2, 4, 3, 2
    x = f32(rng.normal(size=(n, t, d)))
    mask = np.array([[1, 1, 1, 0], [1, 0, 1, 1]], bool)
    x[~mask] = 0.0
    w1, w2 = random_weights(rng, "lstm", d, u), random_weights(rng, "gru", u, u)
    wb = random_weights(rng, "simple_rnn", u, u) + random_weights(rng, "simple_rnn", u, u)
    inp = wt.input(shape=[t, d])
    h = wt.layers.masking().apply(inp)
    h = wt.layers.lstm(units=u, return_sequences=True).apply(h)   # passes the mask on
    h = wt.layers.gru(units=u, return_sequences=True).apply(h)
    y = wt.layers.bidirectional(layer=wt.layers.simple_rnn(units=u, return_sequences=True),
                                merge_mode="sum").apply(h)
    m = wt.model(inputs=inp, outputs=y)
    m.set_weights(w1 + w2 + wb)
    s1 = ref_rnn("lstm", x, *w1, mask=mask)[0]
    s2 = ref_rnn("gru", s1, *w2, mask=mask)[0]
    fwd = ref_rnn("simple_rnn", s2, *wb[:3], mask=mask)[0]
    bwd = ref_rnn("simple_rnn", s2, *wb[3:], mask=mask, go_backwards=True)[0][:, ::-1]
    got = m.predict(x)
    assert_close(got, fwd + bwd, **tol(backend, "trans"))
    wt.dispose(got)
    m.dispose()


@pytest.mark.leakcheck
@pytest.mark.parametrize("between", ["dropout", "dense", "activation", "layer_normalization",
                                     "leaky_re_lu"])
def test_mask_passes_through_layers_that_support_masking(backend, between):
    """As tfjs's supportsMasking layers: masking -> (a per-step layer) -> lstm sees the mask."""
    rng = np.random.default_rng(8)
    n, t, d, u = 2, 5, 3, 2
    x = f32(rng.normal(size=(n, t, d)))
    mask = np.array([[1, 1, 1, 0, 0], [1, 0, 1, 1, 1]], bool)
    x[~mask] = 0.0
    middle = {"dropout": lambda: wt.layers.dropout(rate=0.5),
              "dense": lambda: wt.layers.dense(units=d, activation="tanh"),
              "activation": lambda: wt.layers.activation(activation="tanh"),
              "layer_normalization": lambda: wt.layers.layer_normalization(),
              "leaky_re_lu": lambda: wt.layers.leaky_re_lu()}[between]()
    model = wt.sequential([wt.layers.masking(input_shape=[t, d]), middle,
                           wt.layers.lstm(units=u, return_sequences=True)])
    w_lstm = random_weights(rng, "lstm", d, u)
    model.set_weights(middle.get_weights() + w_lstm)
    with wt.tidy():
        h = to_np(middle(wt.tensor(x)))  # the middle layer alone (dropout: inference)
    got = model.predict(x)
    assert_close(got, ref_rnn("lstm", h, *w_lstm, mask=mask)[0], **tol(backend, "trans"))
    values = to_np(got)
    np.testing.assert_array_equal(values[0, 4], values[0, 2])  # held over the padding
    wt.dispose(got)
    model.dispose()


@pytest.mark.leakcheck
def test_masks_combine_in_merge_layers_and_stop_at_layers_without_masking(backend):
    rng = np.random.default_rng(9)
    n, t, d, u = 2, 4, 2, 2
    a, b = f32(rng.normal(size=(n, t, d))), f32(rng.normal(size=(n, t, d)))
    ma = np.array([[1, 1, 1, 0], [1, 1, 1, 1]], bool)
    mb = np.array([[1, 1, 1, 1], [0, 1, 1, 1]], bool)
    a[~ma], b[~mb] = 0.0, 0.0
    w = random_weights(rng, "simple_rnn", d, u)
    w_cat = random_weights(rng, "simple_rnn", 2 * d, u)
    rnns = [wt.layers.simple_rnn(units=u) for _ in range(4)]
    ia, ib = wt.input(shape=[t, d]), wt.input(shape=[t, d])
    xa, xb = wt.layers.masking().apply(ia), wt.layers.masking().apply(ib)
    added = rnns[0].apply(wt.layers.add().apply([xa, xb]))
    joined = rnns[1].apply(wt.layers.concatenate().apply([xa, xb]))
    timed = rnns[2].apply(wt.layers.concatenate(axis=1).apply([xa, xb]))  # masks joined in time
    unmasked = rnns[3].apply(wt.layers.reshape(target_shape=[t, d]).apply(xa))  # reshape drops it
    m = wt.model(inputs=[ia, ib], outputs=[added, joined, timed, unmasked])
    for rnn, ws in zip(rnns, [w, w_cat, w, w]):
        rnn.set_weights(ws)
    both = ma & mb
    outs = m.predict([a, b])
    assert_close(outs[0], ref_rnn("simple_rnn", a + b, *w, mask=both)[1], **tol(backend, "trans"))
    assert_close(outs[1], ref_rnn("simple_rnn", np.concatenate([a, b], -1), *w_cat, mask=both)[1],
                 **tol(backend, "trans"))
    assert_close(outs[2], ref_rnn("simple_rnn", np.concatenate([a, b], 1), *w,
                                  mask=np.concatenate([ma, mb], 1))[1], **tol(backend, "trans"))
    assert_close(outs[3], ref_rnn("simple_rnn", a, *w)[1], **tol(backend, "trans"))
    wt.dispose(outs)
    m.dispose()


# ---------------------------------------------------------------- wrappers

@pytest.mark.leakcheck
@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("return_sequences", [True, False])
def test_bidirectional_merge_modes(backend, merge_mode, return_sequences):
    rng = np.random.default_rng(7)
    n, t, d, u = 2, 4, 3, 2
    x = f32(rng.normal(size=(n, t, d)))
    wf, wb = random_weights(rng, "gru", d, u), random_weights(rng, "gru", d, u)
    fwd_seq, fwd_last, _ = ref_rnn("gru", x, *wf)
    bwd_seq, bwd_last, _ = ref_rnn("gru", x, *wb, go_backwards=True)
    a, b = (fwd_seq, bwd_seq[:, ::-1]) if return_sequences else (fwd_last, bwd_last)
    expected = {"concat": [np.concatenate([a, b], -1)], "sum": [a + b], "mul": [a * b],
                "ave": [(a + b) / 2], None: [a, b]}[merge_mode]
    layer = wt.layers.bidirectional(layer=wt.layers.gru(units=u, return_sequences=return_sequences),
                                    merge_mode=merge_mode)
    sym = layer.apply(wt.input(shape=[t, d]))
    shapes = [s.shape for s in (sym if isinstance(sym, list) else [sym])]
    assert shapes == [[None] + list(e.shape[1:]) for e in expected]
    layer.set_weights(wf + wb)
    xt = wt.tensor(x)
    got = layer.apply(xt)
    got = got if isinstance(got, list) else [got]
    for g, e in zip(got, expected):
        assert_close(g, e, **tol(backend, "trans"))
    assert len(got) == len(expected)
    wt.dispose(got + [xt])
    layer.dispose()


@pytest.mark.leakcheck
def test_bidirectional_return_state(backend):
    rng = np.random.default_rng(8)
    n, t, d, u = 2, 3, 2, 3
    x = f32(rng.normal(size=(n, t, d)))
    wf, wb = random_weights(rng, "lstm", d, u), random_weights(rng, "lstm", d, u)
    _, hf, cf = ref_rnn("lstm", x, *wf)
    _, hb, cb = ref_rnn("lstm", x, *wb, go_backwards=True)
    layer = wt.layers.bidirectional(layer=wt.layers.lstm(units=u, return_state=True))
    sym = layer.apply(wt.input(shape=[t, d]))
    assert [s.shape for s in sym] == [[None, 2 * u]] + [[None, u]] * 4
    assert [w.name.split("/")[:2] for w in layer.weights] == \
        [[layer.name, "forward_" + layer.layer.name]] * 3 + [[layer.name, "backward_" + layer.layer.name]] * 3
    layer.set_weights(wf + wb)
    xt = wt.tensor(x)
    got = layer.apply(xt)
    for g, e in zip(got, [np.concatenate([hf, hb], -1), hf, cf, hb, cb]):
        assert_close(g, e, **tol(backend, "trans"))
    wt.dispose(got + [xt])
    layer.dispose()


@pytest.mark.leakcheck
def test_time_distributed_dense(backend):
    rng = np.random.default_rng(9)
    n, t, d, u = 3, 4, 5, 2
    x = f32(rng.normal(size=(n, t, d)))
    w, b = f32(rng.normal(size=(d, u))), f32(rng.normal(size=u))
    td = wt.layers.time_distributed(layer=wt.layers.dense(units=u, activation="relu"))
    assert td.apply(wt.input(shape=[t, d])).shape == [None, t, u]
    assert td.count_params() == d * u + u and td.weights == td.layer.weights
    td.set_weights([w, b])
    xt = wt.tensor(x)
    got = td.apply(xt)
    assert_close(got, np.maximum(np.einsum("ntd,du->ntu", x, w) + b, 0), **tol(backend))
    wt.dispose([got, xt])
    td.dispose()


# ---------------------------------------------------------------- gradients

@pytest.mark.parametrize("kind", KINDS)
def test_gradients_match_finite_differences(backend, kind):
    rng = np.random.default_rng(10)
    n, t, d, u = 2, 3, 2, 2
    x, ws = f32(rng.normal(size=(n, t, d))), random_weights(rng, kind, d, u, scale=0.8)
    gate = {} if kind == "simple_rnn" else {"recurrent_activation": "sigmoid"}  # smooth for FD
    layer = built(kind, ws, d, units=u, return_sequences=True, go_backwards=kind == "gru", **gate)

    def ref(x64, *w64):
        return ref_rnn(kind, x64, *w64, gate=np_sigmoid, go_backwards=kind == "gru")[0]

    check_grad(lambda xt: layer.apply(xt), lambda x64: ref(x64, *ws), [x], backend)
    # the weights: the tape through every step against float64 differences of the reference
    seed = f32(rng.uniform(-1, 1, (n, t, u)))
    expected = numeric_grads(lambda *w64: float(np.sum(ref(x, *w64) * seed)), ws)
    with no_leaks():
        xt, st = wt.tensor(x), wt.tensor(seed)
        result = wt.variable_grads(lambda: wt.sum(layer.apply(xt) * st), layer.weights)
        for w, e in zip(layer.weights, expected):
            np.testing.assert_allclose(to_np(result.grads[w.name]), e, **tol(backend, "grad"),
                                       err_msg=w.name)
        wt.dispose([xt, st, result.value] + list(result.grads.values()))
    layer.dispose()


# ---------------------------------------------------------------- dropout

def test_dropout_masks_are_shared_across_steps_and_only_in_training(backend):
    n, t, u = 4, 5, 6
    x = f32(np.ones((n, t, u)) * 0.5)
    eye, zero = f32(np.eye(u)), f32(np.zeros((u, u)))
    layer = built("simple_rnn", [eye, zero, f32(np.zeros(u))], u, units=u, activation="linear",
                  return_sequences=True, dropout=0.5)
    assert np.allclose(to_np(layer.apply(x)), 0.5)  # inference: no dropout
    out = to_np(layer(x, training=True))
    assert set(np.unique(out)) <= {0.0, 1.0}        # kept inputs scaled by 1 / (1 - rate)
    assert 0 < np.mean(out == 0) < 1
    np.testing.assert_array_equal(out, np.repeat(out[:, :1], t, 1))  # one mask for all steps
    rec = built("simple_rnn", [eye, eye, f32(np.zeros(u))], u, units=u, activation="linear",
                return_sequences=True, recurrent_dropout=0.5)
    x2 = np.zeros((n, 2, u), np.float32)
    x2[:, 0] = 1.0
    out = to_np(rec(x2, training=True))              # h2 = h1 * recurrent mask
    assert set(np.unique(out[:, 1])) <= {0.0, 2.0} and 0 < np.mean(out[:, 1] == 0) < 1
    assert np.allclose(to_np(rec.apply(x2))[:, 1], 1.0)
    layer.dispose()
    rec.dispose()


# ---------------------------------------------------------------- configs and counts

@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("kind", KINDS)
def test_count_params_formula(backend, kind, use_bias):
    d, u = 7, 5
    layer = make(kind, units=u, use_bias=use_bias)
    layer.apply(wt.input(shape=[3, d]))
    per_gate = d * u + u * u + (u if use_bias else 0)
    assert layer.count_params() == GATES[kind] * per_gate
    assert [list(w.shape) for w in layer.weights][:2] == [[d, GATES[kind] * u], [u, GATES[kind] * u]]
    bi = wt.layers.bidirectional(layer=make(kind, units=u, use_bias=use_bias))
    bi.apply(wt.input(shape=[3, d]))
    assert bi.count_params() == 2 * GATES[kind] * per_gate
    layer.dispose()
    bi.dispose()


@pytest.mark.parametrize("kind", KINDS)
def test_config_round_trip(backend, kind):
    options = {"units": 3, "activation": "relu", "use_bias": False, "dropout": 0.25,
               "recurrent_dropout": 0.5, "return_sequences": True, "return_state": True,
               "go_backwards": True, "kernel_initializer": "glorot_uniform",
               "recurrent_initializer": "identity"}
    if kind != "simple_rnn":
        options["recurrent_activation"] = "sigmoid"
    layer = make(kind, **options)
    config = layer.get_config()
    for key, value in options.items():
        if key not in ("activation", "recurrent_activation") and not key.endswith("initializer"):
            assert config[key] == value, key
    assert config["activation"] == "relu" and config["stateful"] is False
    assert config["recurrent_initializer"]["class_name"] == "Identity"
    clone = type(layer).from_config(config)
    assert type(clone) is type(layer) and clone.get_config() == config
    defaults = make(kind, units=2).get_config()
    assert defaults["kernel_initializer"]["class_name"] == "GlorotNormal"  # tfjs's default
    assert defaults["recurrent_initializer"]["class_name"] == "Orthogonal"
    assert defaults["bias_initializer"]["class_name"] == "Zeros"
    assert defaults["activation"] == "tanh" and defaults["return_sequences"] is False
    if kind != "simple_rnn":
        assert defaults["recurrent_activation"] == "hard_sigmoid"
    else:
        assert "recurrent_activation" not in defaults
    if kind == "lstm":
        assert defaults["unit_forget_bias"] is False
    if kind == "gru":
        assert defaults["reset_after"] is False


def test_wrapper_config_round_trips(backend):
    bi = wt.layers.bidirectional(layer=wt.layers.lstm(units=2, return_sequences=True), merge_mode="mul")
    config = bi.get_config()
    assert config["merge_mode"] == "mul" and config["layer"]["class_name"] == "LSTM"
    assert config["layer"]["config"]["go_backwards"] is False
    clone = wt.layers.Bidirectional.from_config(config)
    assert clone.get_config() == config
    assert clone.forward_layer.go_backwards is False and clone.backward_layer.go_backwards is True
    td = wt.layers.time_distributed(layer=wt.layers.dense(units=3, activation="tanh"))
    config = td.get_config()
    assert config["layer"] == {"class_name": "Dense", "config": td.layer.get_config()}
    assert wt.layers.TimeDistributed.from_config(config).get_config() == config
    masking = wt.layers.masking(mask_value=2.5)
    assert wt.layers.Masking.from_config(masking.get_config()).mask_value == 2.5
    seq = wt.sequential([wt.layers.bidirectional(layer=wt.layers.gru(units=2), input_shape=[4, 3])])
    assert seq.outputs[0].shape == [None, 4]
    seq.dispose()


def test_unit_forget_bias_initializes_the_forget_block_to_one(backend):
    u = 3
    layer = wt.layers.lstm(units=u, unit_forget_bias=True)
    layer.apply(wt.input(shape=[2, 4]))
    np.testing.assert_array_equal(to_np(layer.bias), np.r_[np.zeros(u), np.ones(u), np.zeros(2 * u)])
    assert layer.get_config()["unit_forget_bias"] is True
    layer.dispose()


def test_errors_say_what_is_wrong(backend):
    with pytest.raises(NotImplementedError, match="stateful"):
        wt.layers.lstm(units=2, stateful=True)
    with pytest.raises(NotImplementedError, match="reset_after"):
        wt.layers.gru(units=2, reset_after=True)
    with pytest.raises(ValueError, match="units"):
        wt.layers.simple_rnn(units=0)
    with pytest.raises(ValueError, match=r"\[batch, time, features\]"):
        wt.layers.lstm(units=2).apply(wt.input(shape=[3]))
    with pytest.raises(TypeError, match="recurrent layer"):
        wt.layers.bidirectional(layer=wt.layers.dense(units=2))
    with pytest.raises(ValueError, match="merge_mode"):
        wt.layers.bidirectional(layer=wt.layers.lstm(units=2), merge_mode="max")
    with pytest.raises(ValueError, match="rank >= 3"):
        wt.layers.time_distributed(layer=wt.layers.dense(units=2)).apply(wt.input(shape=[3]))
    layer = wt.layers.gru(units=2)
    layer.apply(wt.input(shape=[3, 4]))
    with pytest.raises(ValueError, match="expected input shape"):
        layer.apply(wt.input(shape=[3, 5]))
    layer.dispose()


# ---------------------------------------------------------------- training

def test_lstm_learns_to_remember_the_first_step(backend):
    """The label is the sign of the first of 6 noisy steps: a model must carry it to the end."""
    rng = np.random.default_rng(11)
    n, t = 256, 6
    x = f32(rng.normal(0, 1, (n, t, 1)))
    y = f32(x[:, :1, 0] > 0)
    model = wt.sequential([wt.layers.lstm(units=8, input_shape=[t, 1]),
                           wt.layers.dense(units=1, activation="sigmoid")])
    model.compile(optimizer=wt.train.adam(0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = run(model.fit(x, y, epochs=25, batch_size=64, verbose=0))
    assert history.history["loss"][-1] < history.history["loss"][0]
    xt = f32(rng.normal(0, 1, (200, t, 1)))
    loss, acc = model.evaluate(xt, f32(xt[:, :1, 0] > 0))
    assert acc.item() > 0.85, acc.item()  # chance is 0.5
    wt.dispose([loss, acc])
    model.optimizer.dispose()
    model.dispose()


def test_regularizers_and_constraints_reach_fit_through_wrappers(backend):
    inner = wt.layers.lstm(units=2, kernel_regularizer="l2", recurrent_constraint="non_neg")
    bi = wt.layers.bidirectional(layer=inner)
    bi.apply(wt.input(shape=[3, 2]))
    assert len(bi.losses) == 2 and len(bi._constrained) == 2  # forward's and backward's
    kernel = to_np(bi.forward_layer.kernel).astype(np.float64)
    with wt.tidy():
        assert np.isclose(bi.losses[0].item(), 0.01 * np.sum(kernel ** 2), rtol=1e-4)
    config = bi.get_config()["layer"]["config"]
    assert config["kernel_regularizer"]["class_name"] == "L1L2"
    assert config["recurrent_constraint"]["class_name"] == "NonNeg"
    bi.dispose()


def test_embedding_mask_zero_masks_the_padding_for_a_recurrent_layer(backend):
    emb = wt.layers.embedding(input_dim=6, output_dim=3, mask_zero=True)
    rnn = wt.layers.lstm(units=2)
    padded = np.array([[3, 1, 4, 0, 0], [2, 5, 0, 0, 0]], np.int32)
    out = rnn(emb(wt.tensor(padded))).numpy()
    for row, length in ((0, 3), (1, 2)):  # each sequence alone, without its padding
        alone = rnn(emb(wt.tensor(padded[row:row + 1, :length]))).numpy()
        assert np.allclose(out[row], alone[0], atol=1e-5), (row, out[row], alone[0])
    assert emb.get_config()["mask_zero"] is True

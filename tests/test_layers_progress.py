"""fit(verbose=1)'s progress display: one finished line per epoch in a log, a bar redrawn in
place on a terminal, one output updated in place in a notebook; verbose=0 shows nothing."""
import io
import re
import sys
import types

import numpy as np
import pytest
from conftest import run

import webtensor as wt
from webtensor.layers import progress
from webtensor.layers.callbacks import ProgressLogger

LINE = re.compile(r"^(\d+)/(\d+) \[(=+)\] - \d+ms((?: - \w+: -?[0-9.]+)+)$")


def make_model():
    model = wt.sequential([wt.layers.dense(units=8, activation="relu", input_shape=[4]),
                           wt.layers.dense(units=2, activation="softmax")])
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def data(n=40):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    labels = (x[:, 0] + x[:, 1] > 0).astype(np.int32)
    return x, np.eye(2, dtype=np.float32)[labels]


def values(text):
    """{'loss': 0.6931, ...} from ' - loss: 0.6931 - acc: 0.5000'."""
    return {k: float(v) for k, v in re.findall(r" - (\w+): (-?[0-9.]+)", text)}


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_log_gets_one_line_per_epoch_matching_history(backend, capsys):
    model = make_model()
    x, y = data()
    history = run(model.fit(x, y, epochs=3, batch_size=8, validation_split=0.2, verbose=1))
    out = capsys.readouterr().out
    assert "\r" not in out
    lines = out.splitlines()
    assert lines[0::2] == ["Epoch 1/3", "Epoch 2/3", "Epoch 3/3"]
    assert len(lines) == 6
    for epoch, text in enumerate(lines[1::2]):
        match = LINE.match(text)
        assert match, text
        assert match.group(1, 2) == ("4", "4")  # 32 training samples in batches of 8
        logged = values(match.group(4))
        assert set(logged) == {"loss", "acc", "val_loss", "val_acc"}
        for key, value in logged.items():
            assert value == pytest.approx(history.history[key][epoch], abs=6e-5), key
    model.dispose()


def test_verbose_0_prints_nothing(backend, capsys):
    model = make_model()
    x, y = data()
    run(model.fit(x, y, epochs=2, batch_size=8, verbose=0))
    assert capsys.readouterr().out == ""
    model.dispose()


def test_terminal_redraws_the_bar_in_place(backend, monkeypatch):
    monkeypatch.setattr(progress, "REDRAW_S", 0.0)
    terminal = Terminal()
    model = make_model()
    x, y = data()
    history = run(model.fit(x, y, epochs=2, batch_size=10, verbose=0,
                            callbacks=[ProgressLogger(progress.Console(terminal))]))
    lines = terminal.getvalue().split("\n")
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and lines[4] == ""
    for epoch, text in enumerate([lines[1], lines[3]]):
        frames = text.split("\r")[1:]
        assert [f.split("/")[0].strip() for f in frames] == ["1", "2", "3", "4"]
        assert frames[0].startswith("1/4 [=======>......")
        final = LINE.match(frames[-1])
        assert final and values(final.group(4))["loss"] == pytest.approx(
            history.history["loss"][epoch], abs=6e-5)
    model.dispose()


def test_notebook_updates_one_output(backend, monkeypatch):
    shown = []

    class Handle:
        def update(self, bundle, raw=False):
            shown.append(bundle)

    def display(bundle, raw=False, display_id=None):
        assert raw and display_id is True
        shown.append(bundle)
        return Handle()

    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    ipython.display = types.ModuleType("IPython.display")
    ipython.display.display = display
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    monkeypatch.setitem(sys.modules, "IPython.display", ipython.display)
    assert progress.in_notebook()

    model = make_model()
    x, y = data()
    history = run(model.fit(x, y, epochs=3, batch_size=8, verbose=1))
    assert 1 <= len(shown) and all(set(b) == {"text/plain", "text/html"} for b in shown)
    final = shown[-1]["text/plain"].splitlines()
    assert final[0] == "Epoch 3/3" and final[1].startswith("5/5 [=====")
    assert values(final[1])["loss"] == pytest.approx(history.history["loss"][-1], abs=6e-5)
    assert "<progress value='3' max='3'>" in shown[-1]["text/html"]
    model.dispose()


def test_no_kernel_is_not_a_notebook(monkeypatch):
    ipython = types.ModuleType("IPython")
    ipython.get_ipython = lambda: None  # IPython imported, no shell (a plain script)
    monkeypatch.setitem(sys.modules, "IPython", ipython)
    assert not progress.in_notebook()
    assert isinstance(progress.default_display(), progress.Console)

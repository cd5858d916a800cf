"""Where fit(verbose=1) shows its progress, as Keras does: `Epoch 3/10`, then
`32/32 [==============================] - 120ms - loss: 0.4123 - acc: 0.8750`.

A console redraws the bar in place (\\r) only on a terminal; any other stream (a log, a pipe,
the browser's console under `webtensor run`) gets each epoch's finished line once. In a
notebook (an IPython kernel: Jupyter, JupyterLite's Pyodide kernel) one output is updated in
place. The bar counts batches without reading the loss: a read per batch would make the
GPU wait, so the loss and metrics appear when the epoch ends."""
import html
import math
import sys
import time

WIDTH = 30          # characters in the bar
REDRAW_S = 0.1      # the most often a terminal's bar is redrawn
UPDATE_S = 0.25     # the most often a notebook's output is updated


def steps(params):
    """The batches in one epoch of this fit, or None where not known before it runs (a
    dataset without batches_per_epoch)."""
    if params.get("steps"):
        return params["steps"]
    n = params.get("samples")
    return max(1, math.ceil(n / (params.get("batch_size") or n or 1))) if n else None


def bar(done, total):
    if done >= total:
        return "=" * WIDTH
    filled = WIDTH * done // total
    return "=" * filled + ">" + "." * (WIDTH - filled - 1)


def duration(ms):
    return f"{ms:.0f}ms" if ms < 10_000 else f"{ms / 1000:.1f}s"


def metrics(logs):
    return " - ".join(f"{k}: {v:.4f}" for k, v in (logs or {}).items() if k not in ("batch", "size"))


def line(done, total, ms, logs=None):
    """`7/32 [======>.....] - 120ms - loss: 0.4123`: the bar line, logs when given."""
    text = f"{done:>{len(str(total))}}/{total} [{bar(done, total)}] - {duration(ms)}"
    values = metrics(logs)
    return f"{text} - {values}" if values else text


def in_notebook():
    """True inside an IPython kernel. IPython is looked up, never imported: a console run
    does not pay for it."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return shell is not None and getattr(shell, "kernel", None) is not None


def default_display():
    return Notebook() if in_notebook() else Console()


class Console:
    """A text stream (stdout by default): the bar redrawn with \\r on a terminal, else only
    each epoch's finished line."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout
        isatty = getattr(self.stream, "isatty", None)
        self.tty = bool(isatty and isatty())
        self.last, self.width = 0.0, 0

    def write(self, text):
        self.stream.write(text)
        self.stream.flush()

    def epoch_begin(self, epoch, epochs):
        self.write(f"Epoch {epoch}/{epochs}\n")
        self.width = 0

    def _draw(self, text, end=""):
        self.write("\r" + text.ljust(self.width) + end)  # spaces cover a longer previous line
        self.width = 0 if end else len(text)

    def update(self, done, total, ms):
        now = time.perf_counter()
        if self.tty and now - self.last >= REDRAW_S:
            self.last = now
            self._draw(line(done, total, ms))

    def epoch_end(self, done, total, ms, logs):
        if self.tty:
            self._draw(line(done, total, ms, logs), "\n")
        else:
            self.write(line(done, total, ms, logs) + "\n")

    def close(self):
        pass


class Notebook:
    """One output, updated in place: bars for the epochs and the batches as HTML <progress>,
    the console's lines as text/plain (for frontends without HTML). During an epoch it also
    shows the line the previous epoch finished with."""

    def __init__(self):
        self.handle, self.last = None, 0.0
        self.epoch = self.epochs = self.completed = 0
        self.done, self.total, self.ms, self.logs, self.previous = 0, 1, 0.0, None, None

    def epoch_begin(self, epoch, epochs):
        self.epoch, self.epochs, self.completed = epoch, epochs, epoch - 1
        self.previous, self.logs = self.logs and line(self.done, self.total, self.ms, self.logs), None

    def update(self, done, total, ms):
        self.done, self.total, self.ms = done, total, ms
        self.show()

    def epoch_end(self, done, total, ms, logs):
        self.done, self.total, self.ms, self.logs, self.completed = done, total, ms, logs, self.epoch
        self.show(force=self.epoch == self.epochs)

    def close(self):
        if self.epoch:  # what the throttle held back
            self.show(force=True)

    def show(self, force=False):
        now = time.perf_counter()
        if not force and self.handle is not None and now - self.last < UPDATE_S:
            return
        self.last = now
        header = f"Epoch {self.epoch}/{self.epochs}"
        current = line(self.done, self.total, self.ms, self.logs)
        lines = [header, current] + ([self.previous] if self.previous and not self.logs else [])
        after_bar = html.escape(current.split("] ", 1)[1])
        rows = [f"{header} <progress value='{self.completed}' max='{self.epochs}'></progress>",
                (f"{self.done}/{self.total} <progress value='{self.done}' max='{self.total}'>"
                 f"</progress> {after_bar}")] + [html.escape(text) for text in lines[2:]]
        bundle = {"text/plain": "\n".join(lines),
                  "text/html": "<div style='font-family: monospace'>" + "<br>".join(rows) + "</div>"}
        if self.handle is None:
            from IPython.display import display
            self.handle = display(bundle, raw=True, display_id=True)
        else:
            self.handle.update(bundle, raw=True)

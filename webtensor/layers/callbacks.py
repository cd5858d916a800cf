"""Callbacks of fit(): hooks at the start and end of training, epochs and batches, each given
a dict of logs (numbers). A hook may be a coroutine; fit awaits it. History, the progress
bar and early stopping are callbacks too."""
import inspect
import math
import time

from . import progress


class Callback:
    def __init__(self):
        self.model, self.params = None, {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass


HOOKS = ("on_train_begin", "on_train_end", "on_epoch_begin", "on_epoch_end", "on_batch_begin",
         "on_batch_end")


class LambdaCallback(Callback):
    """A callback from functions: LambdaCallback(on_epoch_end=fn), or fit(callbacks={...})
    with the hooks' names in snake_case or tfjs's camelCase (onEpochEnd)."""

    def __init__(self, **hooks):
        super().__init__()
        for name, fn in hooks.items():
            snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
            if snake not in HOOKS:
                raise ValueError(f"callbacks: unknown hook {name!r} (valid: {', '.join(HOOKS)})")
            setattr(self, snake, fn)


def overrides(cb, hook):
    return getattr(type(cb), hook, None) is not getattr(Callback, hook) or hook in vars(cb)


class CallbackList:
    """The callbacks of one fit() call, called in order; coroutine results are awaited."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for cb in self.callbacks:
            cb.set_model(model)
            cb.set_params(params)

    def wants(self, hook):
        return any(overrides(cb, hook) for cb in self.callbacks)

    async def call(self, hook, *args):
        for cb in self.callbacks:
            result = getattr(cb, hook)(*args)
            if inspect.isawaitable(result):
                await result


def as_callbacks(callbacks):
    if callbacks is None:
        return []
    if isinstance(callbacks, (Callback, dict)):
        callbacks = [callbacks]
    return [LambdaCallback(**cb) if isinstance(cb, dict) else cb for cb in callbacks]


class History(Callback):
    """What fit() returns: history = {'loss': [per epoch], 'acc': [...], ...} and epoch."""

    def on_train_begin(self, logs=None):
        self.epoch, self.history = [], {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class ProgressLogger(Callback):
    """verbose=1: Keras's progress bar, `Epoch 3/10` then `32/32 [=====] - 120ms - loss: ...`,
    on the console or in a notebook (progress.py; `display` overrides the choice)."""

    def __init__(self, display=None):
        super().__init__()
        self.display = display

    def on_train_begin(self, logs=None):
        self.out, self.steps = self.display or progress.default_display(), progress.steps(self.params)

    def on_epoch_begin(self, epoch, logs=None):
        self.start, self.ran = time.perf_counter(), 0
        self.out.epoch_begin(epoch + 1, self.params.get("epochs"))

    def ms(self):
        return (time.perf_counter() - self.start) * 1000

    # The bar moves at each batch's start, not end: a batch-end hook would make fit read the
    # loss of every batch, and so wait on the GPU.
    def on_batch_begin(self, batch, logs=None):
        self.ran = batch + 1
        if batch:
            self.out.update(batch, max(self.steps or self.ran, batch), self.ms())

    def on_epoch_end(self, epoch, logs=None):
        self.out.epoch_end(self.ran, max(self.steps or self.ran, self.ran), self.ms(), logs)
        if self.params.get("steps") is None and self.params.get("samples") is None:
            self.steps = self.ran  # a dataset's epoch: the next one is likely as long

    def on_train_end(self, logs=None):
        self.out.close()


class EarlyStopping(Callback):
    """Stop fit when `monitor` has not improved by more than min_delta for `patience` epochs
    (tfjs's tf.callbacks.earlyStopping; mode 'auto' maximizes names with 'acc')."""

    def __init__(self, monitor="val_loss", min_delta=0.0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False):
        super().__init__()
        if restore_best_weights:
            raise NotImplementedError("early_stopping: restore_best_weights is not supported (nor in tfjs)")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"early_stopping: mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.monitor, self.patience, self.verbose, self.baseline = monitor, patience, verbose, baseline
        self.maximize = mode == "max" or (mode == "auto" and "acc" in monitor)
        self.min_delta = abs(min_delta) if self.maximize else -abs(min_delta)

    def improved(self, current, best):
        return current - self.min_delta > best if self.maximize else current - self.min_delta < best

    def on_train_begin(self, logs=None):
        self.wait, self.stopped_epoch = 0, 0
        self.best = self.baseline if self.baseline is not None else (-math.inf if self.maximize else math.inf)

    def on_epoch_end(self, epoch, logs=None):
        current = (logs or {}).get(self.monitor)
        if current is None:
            return
        if self.improved(current, self.best):
            self.best, self.wait = current, 0
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            self.model.stop_training = True
            if self.verbose:
                print(f"Epoch {epoch + 1}: early stopping")


def early_stopping(**kwargs):
    return EarlyStopping(**kwargs)


earlyStopping = early_stopping  # tfjs's spelling: tf.callbacks.earlyStopping

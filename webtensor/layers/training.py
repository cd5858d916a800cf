"""compile, fit, evaluate, predict: one training loop for every model kind (tfjs-layers
training.ts). Each batch runs inside tidy; epoch totals stay on the device and are read once
per epoch, so a fit holds a constant number of tensors and does not wait on the GPU per batch."""
import numpy as np

from .. import ops
from ..memory import dispose, keep, tidy
from . import callbacks as cbs
from . import losses, optimizers
from . import metrics as metric_lib
from .base import activity_penalties, single
from .data import batch_ranges, check_samples, check_targets, split, standardize, take


def _leaf_layers(model):
    """The layers of a model and of the models nested in it, each once, models left out."""
    out, seen, stack = [], set(), list(reversed(model.layers))
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, Training):
            stack.extend(reversed(layer.layers))
        else:
            out.append(layer)
    return out


def _per_output(spec, names, what):
    """One entry per output from a single value, a list, or a dict by output name."""
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(f"compile: unknown output(s) {unknown} in {what} (outputs: {names})")
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and what == "loss":
        if len(spec) != len(names):
            raise ValueError(f"compile: {len(spec)} losses for {len(names)} outputs")
        return list(spec)
    return [spec] * len(names)


def _class_weights(spec, names, ys):
    """Per output, a weight per class from fit's class_weight (a dict {class: weight}, a list
    of them or a dict of them by output name), or None. As tfjs, every class in the labels must
    have a weight; a label's class is its argmax (one-hot) or its value ([batch, 1] labels)."""
    if spec is None:
        return None
    if isinstance(spec, dict) and all(isinstance(k, str) for k in spec):
        spec = [spec.get(n) for n in names]
    elif isinstance(spec, dict):
        spec = [spec] + [None] * (len(names) - 1)
    if len(spec) != len(names):
        raise ValueError(f"fit: class_weight has {len(spec)} entries for {len(names)} outputs")
    out = []
    for cw, y, name in zip(spec, ys, names):
        if cw is None:
            out.append(None)
            continue
        labels = y.numpy()
        present = np.unique(labels.argmax(-1) if labels.shape[-1] > 1 else labels.reshape(-1)).astype(int)
        missing = [int(c) for c in present if c not in cw]
        if missing:
            raise ValueError(f"fit: class_weight for {name!r} must contain every class in the training "
                             f"data; class {missing[0]} is in the data but not in class_weight")
        vector = np.zeros(max(max(cw) + 1, int(present.max()) + 1), np.float32)
        for c, w in cw.items():
            vector[int(c)] = w
        out.append(vector)
    return out


def _weighted(losses, y, weights):
    """Per-sample losses times their classes' weights (tfjs's computeWeightedLoss)."""
    classes = ops.argmax(y, -1) if y.shape[-1] > 1 else ops.cast(ops.reshape(y, [-1]), "int32")
    return losses * ops.gather(ops.tensor(weights), classes)


def _check_batch_size(batch_size, what):
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise (ValueError if isinstance(batch_size, int) else TypeError)(
            f"{what}: argument 'batch_size' must be a positive int, got {batch_size!r}")


class Training:
    def __init__(self):
        self._class_weights = None
        self.optimizer, self._owns_optimizer, self.loss_functions = None, False, None
        self.stop_training, self.history, self._fitting = False, None, False

    # ---- compile ----
    def compile(self, optimizer, loss, metrics=None, loss_weights=None):
        if loss is None:
            raise ValueError("compile: argument 'loss' is required: a loss name or function (or one per output)")
        self._dispose_optimizer()
        self.optimizer, self._owns_optimizer = optimizers.get(optimizer)
        self._compile_spec = (loss, metrics)  # for a model file's training config
        names = self.output_names
        self.loss_functions = [losses.get(fn) for fn in _per_output(loss, names, "loss")]
        self.loss_weights = _per_output(loss_weights, names, "loss_weights") if loss_weights is not None \
            else [1.0] * len(names)
        multi = len(names) > 1
        self.metrics_names = ["loss"] + ([f"{n}_loss" for n in names] if multi else [])
        self._metric_fns = []  # (output index, function)
        per_output = _per_output(metrics or [], names, "metrics")
        for i, (spec, loss_fn) in enumerate(zip(per_output, self.loss_functions)):
            for m in (spec if isinstance(spec, (list, tuple)) else [spec] if spec else []):
                name, fn = metric_lib.get(m, loss_fn, self.outputs[i].shape)
                self.metrics_names.append(f"{names[i]}_{name}" if multi else name)
                self._metric_fns.append((i, fn))

    def _dispose_optimizer(self):
        count = 0
        if self.optimizer is not None and self._owns_optimizer:
            count = len(self.optimizer.get_weights())
            self.optimizer.dispose()
        self.optimizer = None
        return count

    def _check_compiled(self, what):
        if self.loss_functions is None:
            raise RuntimeError(f"{self.name}: compile the model before {what}() "
                               "(model.compile(optimizer=..., loss=...))")

    # ---- data ----
    def _inputs(self, x, made, what):
        return standardize(x, self.input_names, f"{what}: x", made, [s.dtype for s in self.inputs])

    def _data(self, x, y, made, what):
        xs = self._inputs(x, made, what)
        ys = standardize(y, self.output_names, f"{what}: y", made, ["float32"] * len(self.outputs))
        expected = []
        for out, fn in zip(self.outputs, self.loss_functions):
            if fn is losses.sparse_categorical_crossentropy:
                expected.append(out.shape[:-1] + [1])
            else:  # a custom loss decides its own target shape
                expected.append(out.shape if fn in losses.LOSSES.values() else None)
        check_targets(ys, expected, self.output_names)
        n = check_samples(xs, ys)
        if n == 0:
            raise ValueError(f"{what}: no samples")
        return xs, ys, n

    # ---- regularizers and constraints ----
    @property
    def losses(self):
        """Every layer's weight-regularization penalties, as scalar tensors made now."""
        return [p for layer in _leaf_layers(self) for p in layer.losses]

    def _apply_constraints(self, weights):
        """Project the constrained weights among `weights` (those just updated), as Keras's
        optimizers do after each step (tfjs 4.22 never applies them in fit)."""
        updated = {id(w) for w in weights}
        for layer in _leaf_layers(self):
            for v, constraint in layer._constrained:
                if id(v) in updated:
                    with tidy():
                        v.assign(constraint(v))

    # ---- one batch ----
    def _outputs_and_logs(self, xs, ys, training, activity=None):
        """Outputs, then [total loss, per-output losses (several outputs), metrics]. In training
        the total includes the regularization penalties (as in tfjs, evaluate's does not); the
        activity penalties go to the list `activity`, which the caller disposes."""
        if training:
            with activity_penalties(activity):
                outs = self.execute(xs, True)
        else:
            outs = self.execute(xs, False)
        weights = self._class_weights if training else None
        per = [ops.mean(fn(y, o) if not weights or weights[i] is None else _weighted(fn(y, o), y, weights[i]))
               for i, (fn, y, o) in enumerate(zip(self.loss_functions, ys, outs))]
        total = per[0] * self.loss_weights[0]
        for value, w in zip(per[1:], self.loss_weights[1:]):
            total = total + value * w
        if training:
            for penalty in self.losses + activity:
                total = total + penalty
        extra = per if len(per) > 1 else []
        extra += [ops.mean(fn(ys[i], outs[i])) for i, fn in self._metric_fns]
        return total, extra

    def _train_batch(self, xs, ys):
        """One optimizer step; the batch's logs as scalar tensors (made before the update)."""
        weights, activity = self.trainable_weights, []
        try:
            if not weights:
                total, extra = self._outputs_and_logs(xs, ys, True, activity)
                return [total] + extra
            extras = []

            def loss_fn():
                total, extra = self._outputs_and_logs(xs, ys, True, activity)
                extras.extend(keep(t) for t in extra)  # the tape's scope would free them
                return total
            total = self.optimizer.minimize(loss_fn, return_cost=True, var_list=weights)
            self._apply_constraints(weights)
            return [total] + extras
        finally:
            dispose(activity)

    def _test_loop(self, xs, ys, n, batch_size):
        """Mean loss and metrics over all samples, as scalar tensors."""
        totals = None
        for start, end in batch_ranges(n, batch_size):
            def step():
                logs = self._outputs_and_logs(take(xs, start, end), take(ys, start, end), False)
                values = [logs[0]] + logs[1]
                return [v * (end - start) for v in values] if totals is None else \
                    [t + v * (end - start) for t, v in zip(totals, values)]
            new = tidy(step)
            dispose(totals)
            totals = new
        result = tidy(lambda: [t / n for t in totals])
        dispose(totals)
        return result

    # ---- public ----
    async def fit(self, x, y, epochs=1, batch_size=32, validation_split=0.0, validation_data=None,
                  shuffle=True, callbacks=None, verbose=1, initial_epoch=0, class_weight=None,
                  sample_weight=None):
        """Train for `epochs`; returns a History. An async function: it yields to the page
        (wt.next_frame) between batches."""
        self._check_compiled("fit")
        _check_batch_size(batch_size, "fit")
        if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 0:
            raise (ValueError if isinstance(epochs, int) else TypeError)(
                f"fit: argument 'epochs' must be a non-negative int, got {epochs!r}")
        if sample_weight is not None:  # as tfjs 4.22
            raise NotImplementedError("fit: sample_weight is not supported yet; class_weight is")
        made = []
        try:
            xs, ys, n = self._data(x, y, made, "fit")
            self._class_weights = _class_weights(class_weight, self.output_names, ys)
            val = None
            if validation_data is not None:
                val = self._data(validation_data[0], validation_data[1], made, "fit (validation_data)")
            elif validation_split:
                if not 0 < validation_split < 1:
                    raise ValueError(f"fit: validation_split must be in (0, 1), got {validation_split}")
                at = int(n * (1 - validation_split))
                if at == 0 or at == n:
                    raise ValueError(f"fit: validation_split {validation_split} of {n} samples leaves "
                                     "no training or no validation samples")
                (xs, vxs), (ys, vys) = split(xs, at, made), split(ys, at, made)
                val, n = (vxs, vys, n - at), at

            def batches():
                order = np.random.permutation(n) if shuffle else None
                for start, end in batch_ranges(n, batch_size):
                    yield (lambda s=start, e=end: (take(xs, s, e, order), take(ys, s, e, order), e - s))
            validate = (lambda: self._test_loop(*val, batch_size)) if val is not None else None
            params = {"epochs": epochs, "initial_epoch": initial_epoch, "samples": n, "batch_size": batch_size,
                      "steps": -(-n // batch_size), "verbose": verbose}
            return await self._train(batches, validate, params, callbacks)
        finally:
            self._class_weights = None
            dispose(made)

    async def fit_dataset(self, dataset, epochs=1, batches_per_epoch=None, validation_data=None,
                          callbacks=None, verbose=1, initial_epoch=0):
        """Train on batches from `dataset` (tfjs's fitDataset): an iterable of (x, y) pairs (or
        {"xs": x, "ys": y} dicts, as tfjs's datasets yield), iterated anew each epoch — a list,
        an object whose __iter__ starts over, or a function returning an iterator (a
        generator function). batches_per_epoch caps an epoch; validation_data is (x, y)
        arrays (a tuple) or another such dataset."""
        self._check_compiled("fit_dataset")
        made, used = [], []  # used: a one-shot iterator already run through

        def batches():
            source = dataset() if callable(dataset) else dataset
            if iter(source) is source:
                if any(source is u for u in used):
                    raise ValueError("fit_dataset: the dataset is a one-shot iterator, exhausted after one "
                                     "epoch; pass a list or a function that returns a new iterator")
                used.append(source)
            for b, item in enumerate(source):
                if batches_per_epoch is not None and b >= batches_per_epoch:
                    break
                yield (lambda item=item: self._batch_of(item, "fit_dataset"))
        try:
            validate = None
            if isinstance(validation_data, tuple) and len(validation_data) == 2:  # (x, y) arrays
                vx, vy, vn = self._data(*validation_data, made, "fit_dataset (validation_data)")
                validate = lambda: self._test_loop(vx, vy, vn, vn)  # noqa: E731
            elif validation_data is not None:
                validate = lambda: self._test_batches(validation_data)  # noqa: E731
            params = {"epochs": epochs, "initial_epoch": initial_epoch, "steps": batches_per_epoch,
                      "verbose": verbose}
            return await self._train(batches, validate, params, callbacks)
        finally:
            dispose(made)

    def _batch_of(self, item, what):
        """(xs, ys, size) from one dataset element; conversions are freed by the caller's tidy."""
        x, y = (item["xs"], item["ys"]) if isinstance(item, dict) else item
        xs, ys, n = self._data(x, y, [], what)
        return xs, ys, n

    def _test_batches(self, dataset):
        """Mean loss and metrics over a dataset's batches, weighted by their sizes."""
        totals, seen = None, 0
        for item in (dataset() if callable(dataset) else dataset):
            def step():
                xs, ys, n = self._batch_of(item, "fit_dataset (validation_data)")
                total, extra = self._outputs_and_logs(xs, ys, False)
                values = [v * n for v in [total] + extra]
                return (values if totals is None else [t + v for t, v in zip(totals, values)]), n
            new, n = tidy(step)
            dispose(totals)
            totals, seen = new, seen + n
        if totals is None:
            raise ValueError("fit_dataset: validation_data gave no batches")
        result = tidy(lambda: [t / seen for t in totals])
        dispose(totals)
        return result

    async def _train(self, batches, validate, params, callbacks):
        """The epochs of fit and fit_dataset: batches() gives each epoch's batches as functions
        returning (xs, ys, size); validate() the validation logs as scalar tensors, or None."""
        if self._fitting:
            raise RuntimeError(f"{self.name}: another fit() call is running on this model")
        from .. import next_frame  # webtensor's __init__ imports this package: late import
        self._fitting = True
        try:
            history = cbs.History()
            verbose = params["verbose"]
            all_cbs = [history] + ([cbs.ProgressLogger()] if verbose == 1 else []) + cbs.as_callbacks(callbacks)
            params = {**params, "metrics": self.metrics_names, "do_validation": validate is not None}
            clist = cbs.CallbackList(all_cbs, self, params)
            batch_logs_wanted = clist.wants("on_batch_end")
            self.stop_training, self.history = False, history
            await clist.call("on_train_begin", {})
            for epoch in range(params["initial_epoch"], params["epochs"]):
                await clist.call("on_epoch_begin", epoch, {})
                totals, seen = None, 0
                for b, load in enumerate(batches()):
                    await clist.call("on_batch_begin", b, {"batch": b})

                    def step():
                        xs, ys, size = load()
                        values = self._train_batch(xs, ys)
                        weighted = [v * size for v in values]
                        sums = weighted if totals is None else [t + w for t, w in zip(totals, weighted)]
                        return sums, values, size
                    new, values, size = tidy(step)
                    dispose(totals)
                    totals, seen = new, seen + size
                    logs = {"batch": b, "size": size}
                    if batch_logs_wanted:  # a read per batch only when a callback asks for it
                        logs.update(zip(self.metrics_names, (float(v) for v in values)))
                    dispose(values)
                    await clist.call("on_batch_end", b, logs)
                    await next_frame()
                    if self.stop_training:
                        break
                if totals is None:
                    raise ValueError(f"{self.name}: an epoch had no batches (an empty dataset?)")
                epoch_logs = {k: float(t) / seen for k, t in zip(self.metrics_names, totals)}
                dispose(totals)
                if validate is not None:
                    vals = validate()
                    epoch_logs.update({"val_" + k: float(t) for k, t in zip(self.metrics_names, vals)})
                    dispose(vals)
                await clist.call("on_epoch_end", epoch, epoch_logs)
                await next_frame()
                if self.stop_training:
                    break
            await clist.call("on_train_end", {})
            return history
        finally:
            self._fitting = False

    def evaluate(self, x, y, batch_size=32, verbose=0):
        """The loss (a scalar tensor), or [loss, metrics...] when there are several."""
        self._check_compiled("evaluate")
        _check_batch_size(batch_size, "evaluate")
        made = []
        try:
            xs, ys, n = self._data(x, y, made, "evaluate")
            return single(self._test_loop(xs, ys, n, batch_size))
        finally:
            dispose(made)

    def predict(self, x, batch_size=32, verbose=0):
        """The outputs for x, computed batch by batch; only the result is left behind."""
        _check_batch_size(batch_size, "predict")
        made = []
        try:
            xs = self._inputs(x, made, "predict")
            n = check_samples(xs, [])
            parts = [tidy(lambda: self.execute(take(xs, s, e), False)) for s, e in batch_ranges(n, batch_size)]
            if len(parts) == 1:
                return single(parts[0])
            result = tidy(lambda: [ops.concat([p[k] for p in parts], 0) for k in range(len(self.outputs))])
            dispose(parts)
            return single(result)
        finally:
            dispose(made)

    def predict_on_batch(self, x):
        made = []
        try:
            return single(tidy(lambda: self.execute(self._inputs(x, made, "predict_on_batch"), False)))
        finally:
            dispose(made)

    def train_on_batch(self, x, y):
        """One optimizer step on (x, y): the loss (and metrics) before the update, as numbers."""
        self._check_compiled("train_on_batch")
        made = []
        try:
            xs, ys, _ = self._data(x, y, made, "train_on_batch")
            values = tidy(lambda: self._train_batch(xs, ys))
            result = [float(v) for v in values]
            dispose(values)
            return single(result)
        finally:
            dispose(made)

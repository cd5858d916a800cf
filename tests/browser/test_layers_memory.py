"""A layers model trained on WebGL holds a constant number of tensors, and a bounded number of
textures, once its optimizer's slots exist and the texture pool has grown to what a step needs:
checked over the last 800 batches of a 1,000-batch fit."""
import pytest

pytestmark = pytest.mark.browser

SCRIPT = """
import numpy as np
import webtensor as wt

wt.set_backend("webgl")
rng = np.random.default_rng(0)
x = rng.normal(size=(1000, 4)).astype(np.float32)
y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 1000)]
xt, yt = wt.tensor(x), wt.tensor(y)
before = wt.memory().num_tensors
model = wt.sequential([wt.layers.dense(units=8, activation="relu", input_shape=[4]),
                       wt.layers.dense(units=3, activation="softmax")])
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
counts = {}


class Counts(wt.callbacks.Callback):
    def on_batch_end(self, batch, logs=None):
        if batch >= 200:  # by then the slots exist and the texture pool has grown to what it needs
            counts[batch] = (wt.memory().num_tensors, wt.memory().num_textures)


history = await model.fit(xt, yt, epochs=1, batch_size=1, verbose=0, shuffle=False,
                          callbacks=[Counts()])  # 1,000 batches
settled = counts[200]
tensors = {t for t, _ in counts.values()}
textures = [n for _, n in counts.values()]
assert tensors == {settled[0]}, sorted(tensors)  # batches 200 to 999: exactly constant
# The pool keeps released textures for reuse; how many a step holds at once varies a little
# with when Python frees what it drew from (seen: one more, once, at batch 66 or 552 of two
# runs). A leak would add one or more every batch.
assert max(textures) - min(textures) <= 2, (min(textures), max(textures))
weights_and_slots = 4 + 2 * 4  # two kernels and biases; adam's two slots per weight
sums = 2  # during fit: the epoch's running sums of the loss and the accuracy
assert settled[0] - before == weights_and_slots + sums, (before, settled)
model.dispose()
assert wt.memory().num_tensors == before, (before, wt.memory().num_tensors)
print("ok", settled, round(history.history["loss"][0], 4))
"""


def test_fit_keeps_tensor_and_texture_counts_on_webgl(pyodide):
    result = pyodide.run(SCRIPT, filename="test_layers_memory.py").check()
    assert result.stdout.startswith("ok"), result.stdout

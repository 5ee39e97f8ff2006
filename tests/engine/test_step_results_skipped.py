"""fit/evaluate skip the per-batch metric results nobody reads, with unchanged numbers and hooks."""

import numpy as np

import kerasbridge as keras


def _data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(96, 4)).astype("float32"), rng.integers(0, 3, size=96)


def _model(cls=keras.Sequential):
    keras.utils.clear_session(free_memory=False)
    keras.utils.set_random_seed(7)
    model = cls([keras.Input((4,)), keras.layers.Dense(5, activation="relu"), keras.layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


class BatchLogReader(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(float(logs["loss"]))


def test_history_and_weights_equal_with_and_without_a_batch_log_reader():
    x, y = _data()
    plain = _model()
    plain_history = plain.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_split=0.25).history
    reader = BatchLogReader()
    reading = _model()
    reading_history = reading.fit(x, y, batch_size=16, epochs=2, verbose=0, validation_split=0.25,
                                  callbacks=[reader]).history
    assert plain_history == reading_history
    assert len(reader.losses) == 2 * 5
    for a, b in zip(plain.get_weights(), reading.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_an_overridden_compute_metrics_still_runs_every_batch():
    calls = []

    class Counting(keras.Sequential):
        def compute_metrics(self, x, y, y_pred, sample_weight=None):
            calls.append(len(y))
            return super().compute_metrics(x, y, y_pred, sample_weight)

    x, y = _data()
    model = _model(Counting)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    model.evaluate(x, y, batch_size=48, verbose=0)
    assert calls == [32, 32, 32, 48, 48]

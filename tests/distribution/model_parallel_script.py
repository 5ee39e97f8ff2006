"""Run by tests/distribution/test_model_parallel.py in a subprocess (not collected by pytest).

Trains one process, then `ModelParallel` over two CPU processes (FSDP2 through Lightning's
ModelParallelStrategy, gloo) on the same data; Lightning's launcher re-runs this file for rank 1.
Rank 0 writes what the test compares to `sys.argv[1]` (an .npz).
"""

import os
import sys

import numpy as np

import kerasbridge as keras
from kerasbridge import layers


def build():
    keras.utils.set_random_seed(7)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(7, activation="tanh"), layers.BatchNormalization(synchronized=True),
                              layers.Dense(3)])
    model.compile(optimizer=keras.optimizers.Adam(0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


class RecordLayout(keras.callbacks.Callback):
    """What the first kernel is while training: its tensor type and this process's slice of it."""

    def on_train_batch_end(self, batch, logs=None):
        value = self.model.layers[0].kernel.value
        local = value.to_local() if hasattr(value, "to_local") else value
        self.seen = (type(value).__name__, tuple(local.shape), tuple(value.shape))


def train(model, x, y, verbose, record=None):
    first = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, validation_data=(x[:32], y[:32]),
                      verbose=verbose, callbacks=[record] if record else None).history
    second = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    return first, second


def flat(model):
    return np.concatenate([w.ravel() for w in model.get_weights()])


def main(out_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = rng.integers(0, 3, size=(64,))
    single = build()
    single_first, single_second = train(single, x, y, verbose=0)
    mesh = keras.distribution.DeviceMesh((2,), ["batch"], devices=["cpu:0", "cpu:1"])
    keras.distribution.set_distribution(keras.distribution.ModelParallel(layout_map=keras.distribution.LayoutMap(mesh)))
    sharded = build()
    record = RecordLayout()
    sharded_first, sharded_second = train(sharded, x, y, verbose=2, record=record)
    evaluated = sharded.evaluate(x, y, batch_size=16, verbose=0)
    predicted = sharded.predict(x, batch_size=16, verbose=0)
    if os.environ.get("LOCAL_RANK", "0") != "0":
        return
    keras.distribution.set_distribution(None)
    np.savez(
        out_path,
        single_weights=flat(single),
        sharded_weights=flat(sharded),
        single_slots=np.concatenate([v.numpy().ravel() for v in single.optimizer.variables]),
        sharded_slots=np.concatenate([v.numpy().ravel() for v in sharded.optimizer.variables]),
        single_history=np.concatenate([single_first[k] for k in sorted(single_first)] + [single_second["loss"]]),
        sharded_history=np.concatenate([sharded_first[k] for k in sorted(sharded_first)]
                                       + [sharded_second["loss"]]),
        single_evaluate=np.array(single.evaluate(x, y, batch_size=16, verbose=0)),
        sharded_evaluate=np.array(evaluated),
        single_predict=single.predict(x, batch_size=16, verbose=0),
        sharded_predict=predicted,
        weight_types=np.array([type(v.value).__name__ for v in sharded.weights]),
        kernel_while_training=np.array([str(item) for item in record.seen]),
    )


if __name__ == "__main__":
    main(sys.argv[1])

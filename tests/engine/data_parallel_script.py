"""Run by tests/engine/test_data_parallel.py in a subprocess (not collected by pytest).

Lightning's DDP launcher re-runs this file for rank 1, so it must be a plain script: it trains
one process, then two CPU processes (DataParallel, gloo) on the same data, and rank 0 writes
what the test compares to `sys.argv[1]` (an .npz).
"""

import os
import sys

import numpy as np

import kerasbridge as keras
from kerasbridge import layers


def build():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input((5,)), layers.Dense(6, activation="tanh"), layers.Dense(3)])
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


def train(model, x, y, verbose):
    first = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, validation_data=(x[:32], y[:32]),
                      verbose=verbose).history
    second = model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0).history
    return first, second


def main(out_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = rng.integers(0, 3, size=(64,))
    single = build()
    single_first, single_second = train(single, x, y, verbose=0)
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=["cpu:0", "cpu:1"]))
    replicated = build()
    replicated_first, replicated_second = train(replicated, x, y, verbose=2)
    evaluated = replicated.evaluate(x, y, batch_size=16, verbose=0)
    predicted = replicated.predict(x, batch_size=16, verbose=0)
    if os.environ.get("LOCAL_RANK", "0") != "0":
        return
    saved = os.path.join(os.path.dirname(out_path), "replicated.keras")
    replicated.save(saved)
    reloaded = keras.saving.load_model(saved)
    keras.distribution.set_distribution(None)
    np.savez(
        out_path,
        single_weights=np.concatenate([w.ravel() for w in single.get_weights()]),
        replicated_weights=np.concatenate([w.ravel() for w in replicated.get_weights()]),
        single_history=np.concatenate([single_first[k] for k in sorted(single_first)] + [single_second["loss"]]),
        replicated_history=np.concatenate([replicated_first[k] for k in sorted(replicated_first)]
                                           + [replicated_second["loss"]]),
        history_keys=np.array(sorted(replicated_first)),
        single_iterations=int(single.optimizer.iterations.numpy()),
        replicated_iterations=int(replicated.optimizer.iterations.numpy()),
        single_evaluate=np.array(single.evaluate(x, y, batch_size=16, verbose=0)),
        replicated_evaluate=np.array(evaluated),
        single_predict=single.predict(x, batch_size=16, verbose=0),
        replicated_predict=predicted,
        reloaded_predict=reloaded.predict(x, batch_size=16, verbose=0),
    )


if __name__ == "__main__":
    main(sys.argv[1])

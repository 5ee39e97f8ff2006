"""compile(steps_per_execution=N): same results as N=1, callbacks once per execution."""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers


def build(steps_per_execution):
    keras.utils.set_random_seed(3)
    keras.backend.clear_session(free_memory=False)
    model = keras.Sequential([keras.Input((4,)), layers.Dense(6, activation="tanh"), layers.Dense(2)])
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse", metrics=["mae"],
                  steps_per_execution=steps_per_execution)
    return model


def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(50, 4)).astype("float32"), rng.normal(size=(50, 2)).astype("float32")


@pytest.mark.parametrize("steps", [2, 3, 8])
def test_results_identical_to_one_step_per_execution(steps):
    x, y = data()
    reference, fused = build(1), build(steps)
    h_ref = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, validation_split=0.2)
    h_fused = fused.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0, validation_split=0.2)
    for key in h_ref.history:
        np.testing.assert_allclose(h_fused.history[key], h_ref.history[key], rtol=1e-6, err_msg=key)
    for a, b in zip(reference.get_weights(), fused.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(reference.predict(x, verbose=0), fused.predict(x, verbose=0))
    np.testing.assert_allclose(reference.evaluate(x, y, verbose=0), fused.evaluate(x, y, verbose=0), rtol=1e-6)
    assert int(fused.optimizer.iterations.numpy()) == int(reference.optimizer.iterations.numpy())


def test_batch_callbacks_fire_once_per_execution_with_last_index():
    x, y = data()
    model = build(3)
    begins, ends = [], []
    callback = keras.callbacks.LambdaCallback(
        on_train_batch_begin=lambda batch, logs: begins.append(batch),
        on_train_batch_end=lambda batch, logs: ends.append(batch),
    )
    model.fit(x[:40], y[:40], batch_size=8, epochs=1, shuffle=False, verbose=0, callbacks=[callback])
    assert begins == [0, 3]
    assert ends == [2, 4]


def test_invalid_value_is_refused():
    model = build(1)
    with pytest.raises(ValueError, match="steps_per_execution"):
        model.compile(optimizer="sgd", loss="mse", steps_per_execution=0)

"""`compile(jit_compile=...)`: Keras's resolution rules, and a compiled fit equal to the eager one."""

import warnings

import numpy as np
import pytest

import kerasbridge as keras


@pytest.fixture(autouse=True)
def _fresh_session():
    keras.utils.clear_session(free_memory=False)


def _model(jit_compile, **compile_kwargs):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((8,)),
        keras.layers.Dense(16, activation="relu"),
        keras.layers.Dropout(0.3),
        keras.layers.Dense(3),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  jit_compile=jit_compile, **compile_kwargs)
    return model


def test_auto_is_eager_on_torch_as_in_keras():
    assert _model("auto").jit_compile is False


def test_run_eagerly_disables_jit_compile_with_keras_warning():
    with pytest.warns(UserWarning, match="`run_eagerly` is True"):
        model = _model(True, run_eagerly=True)
    assert model.jit_compile is False


def test_rejects_a_non_boolean_value():
    with pytest.raises(ValueError, match="jit_compile"):
        _model("yes")


def test_compiled_fit_follows_the_eager_trajectory_with_dropout():
    import torch._dynamo

    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 8)).astype("float32")
    y = rng.integers(0, 3, 64)
    results = {}
    for jit_compile in (False, True):
        torch._dynamo.reset()
        torch._dynamo.utils.counters.clear()
        model = _model(jit_compile)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
            predictions = model.predict(x, batch_size=32, verbose=0)
        compiled_frames = sum(torch._dynamo.utils.counters["frames"].values())
        results[jit_compile] = (history.history, model.get_weights(), predictions, compiled_frames)
    eager, compiled = results[False], results[True]
    assert eager[3] == 0 and compiled[3] > 0  # Dynamo really compiled the step
    np.testing.assert_allclose(compiled[0]["loss"], eager[0]["loss"], rtol=1e-6)
    assert compiled[0]["accuracy"] == eager[0]["accuracy"]
    for got, expected in zip(compiled[1], eager[1]):
        np.testing.assert_allclose(got, expected, atol=1e-6)
    np.testing.assert_allclose(compiled[2], eager[2], atol=1e-5)

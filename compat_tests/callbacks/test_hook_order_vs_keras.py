"""A recording callback sees the same hooks, in the same order, with the same arguments and log
keys (and close log values) in kerasbridge's real fit/evaluate/predict loops as in Keras 3's."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

HOOKS = sorted(name for name in dir(keras.callbacks.Callback) if name.startswith("on_"))


def _recorder(k, seen):
    """A callback overriding every hook, recording (hook, index, logs)."""

    def make(name):
        def hook(self, *args, **kwargs):
            logs = kwargs.get("logs")
            if args and (args[-1] is None or isinstance(args[-1], dict)):
                args, logs = args[:-1], args[-1]
            seen.append((name, *args, dict(logs or {})))

        return hook

    recorder = type("Recorder", (k.callbacks.Callback,), {name: make(name) for name in HOOKS})
    return recorder()


def _model(k):
    k.utils.clear_session(free_memory=False)
    model = k.Sequential([k.Input((3,)), k.layers.Dense(4, activation="relu"), k.layers.Dense(2, activation="softmax")])
    model.compile(k.optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _data():
    rng = np.random.default_rng(3)
    return rng.normal(size=(10, 3)).astype("float32"), np.arange(10) % 2


def _assert_same_calls(ours, theirs):
    assert [call[:-1] for call in ours] == [call[:-1] for call in theirs]
    for mine, other in zip(ours, theirs):
        if mine[0] == "on_predict_batch_end":
            np.testing.assert_allclose(mine[-1]["outputs"], other[-1]["outputs"], atol=1e-5)
            continue
        assert sorted(mine[-1]) == sorted(other[-1]), mine[0]
        for key, value in other[-1].items():
            np.testing.assert_allclose(mine[-1][key], value, atol=2e-5, err_msg=f"{mine[0]} {key}")


def _both(run):
    calls = {}
    theirs = _model(keras)
    ours = _model(kerasbridge)
    ours.set_weights(theirs.get_weights())
    for k, model in ((keras, theirs), (kerasbridge, ours)):
        calls[k.__name__] = []
        run(k, model, _recorder(k, calls[k.__name__]))
    return calls["kerasbridge"], calls["keras"]


FIT_CASES = {
    "validation_data": dict(epochs=2, batch_size=4, validation_data=_data()),
    "no_validation": dict(epochs=2, batch_size=3),
    "validation_freq": dict(epochs=3, batch_size=4, validation_split=0.4, validation_freq=2),
    "steps_per_epoch": dict(epochs=2, batch_size=2, steps_per_epoch=2),
}


@pytest.mark.parametrize("case", sorted(FIT_CASES))
def test_fit_hooks_match_keras(case):
    x, y = _data()

    def run(k, model, recorder):
        model.fit(x, y, shuffle=False, verbose=0, callbacks=[recorder], **FIT_CASES[case])

    ours, theirs = _both(run)
    assert theirs[0][0] == "on_train_begin" and theirs[-1][0] == "on_train_end"
    _assert_same_calls(ours, theirs)


def test_fit_stopped_early_matches_keras():
    x, y = _data()

    def run(k, model, recorder):
        stop = k.callbacks.EarlyStopping(monitor="loss", min_delta=10.0, patience=1)
        model.fit(x, y, epochs=5, batch_size=5, shuffle=False, verbose=0, callbacks=[recorder, stop])

    ours, theirs = _both(run)
    assert sum(call[0] == "on_epoch_end" for call in theirs) == 2
    _assert_same_calls(ours, theirs)


@pytest.mark.parametrize("batch_size", [4, 10])
def test_evaluate_hooks_match_keras(batch_size):
    x, y = _data()

    def run(k, model, recorder):
        model.evaluate(x, y, batch_size=batch_size, verbose=0, callbacks=[recorder])

    ours, theirs = _both(run)
    assert theirs[0][0] == "on_test_begin" and theirs[-1][0] == "on_test_end"
    _assert_same_calls(ours, theirs)


def test_predict_hooks_match_keras():
    x, _ = _data()

    def run(k, model, recorder):
        model.predict(x, batch_size=4, verbose=0, callbacks=[recorder])

    ours, theirs = _both(run)
    assert [call[0] for call in theirs].count("on_predict_batch_end") == 3
    _assert_same_calls(ours, theirs)

"""ReduceLROnPlateau, CSVLogger and EarlyStopping(restore_best_weights) against Keras 3:
driven with identical calls (exact results, exact file text) and on the same real training run
(same weights, same data: stop epoch, learning-rate sequence, CSV rows, final weights)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

SIDES = (keras, kerasbridge)


class FakeOptimizer:
    def __init__(self, learning_rate, name="opt"):
        self.learning_rate = learning_rate
        self.name = name


class FakeModel:
    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)


# -- ReduceLROnPlateau, driven ----------------------------------------------------------------------
PLATEAU_CASES = [
    ({"patience": 1, "factor": 0.5}, [1.0, 1.0, 0.9, 0.9, 0.9, 0.95]),
    ({"patience": 2, "min_delta": 0.1}, [1.0, 0.95, 0.92, 0.85, 0.8, 0.79, 0.78]),
    ({"patience": 1, "cooldown": 2, "factor": 0.5}, [1.0] * 8),
    ({"patience": 0, "min_lr": 0.004, "factor": 0.3}, [1.0] * 5),
    ({"monitor": "val_acc", "mode": "max", "patience": 1, "factor": 0.2}, [0.1, 0.5, 0.5, 0.4, 0.6]),
    ({"patience": 1, "verbose": 1, "factor": 0.5}, [2.0, 3.0, 1.0, 4.0, 5.0]),
    ({"monitor": "loss", "patience": 1, "min_delta": 0.0}, [1.0, 1.0 - 1e-9, 1.0]),
]


@pytest.mark.parametrize(("kwargs", "values"), PLATEAU_CASES)
def test_reduce_lr_on_plateau_matches_keras(kwargs, values, capsys):
    results = {}
    for k in SIDES:
        model = FakeModel()
        callback = k.callbacks.ReduceLROnPlateau(**kwargs)
        callback.set_model(model)
        callback.on_train_begin({})
        trace = []
        for epoch, value in enumerate(values):
            logs = {kwargs.get("monitor", "val_loss"): value}
            callback.on_epoch_end(epoch, logs)
            trace.append((model.optimizer.learning_rate, logs["learning_rate"], callback.wait,
                          callback.cooldown_counter, callback.best))
        results[k.__name__] = (trace, capsys.readouterr().out)
    assert results["kerasbridge"] == results["keras"]


# -- CSVLogger, driven ------------------------------------------------------------------------------
CSV_RUNS = [
    [{"loss": 0.25, "acc": np.float32(0.5), "val_loss": 1.0 / 3.0}, {"loss": 0.125, "val_loss": 2.0, "acc": 1}],
    [{"loss": 1.5}, {"loss": 1.25, "extra": 3.0}],
    [{"loss": 1e-9, "per_class": np.array([0.5, 0.25]), "name": "x,y"}],
]


@pytest.mark.parametrize("separator", [",", ";", "\t"])
@pytest.mark.parametrize("run", range(len(CSV_RUNS)))
def test_csv_logger_file_text_matches_keras(tmp_path, separator, run):
    texts = {}
    for k in SIDES:
        path = tmp_path / f"{k.__name__}.csv"
        for append in (False, True):  # a second fit appends
            logger = k.callbacks.CSVLogger(str(path), separator=separator, append=append)
            logger.on_train_begin({})
            for epoch, logs in enumerate(CSV_RUNS[run]):
                logger.on_epoch_end(epoch, dict(logs))
            logger.on_train_end({})
        texts[k.__name__] = path.read_bytes()
    assert texts["kerasbridge"] == texts["keras"]


# -- real training runs -------------------------------------------------------------------------------
def _data():
    rng = np.random.default_rng(7)
    x = rng.normal(size=(64, 5)).astype("float32")
    y = (x @ np.array([1.0, -2.0, 0.5, 0.0, 1.5], dtype="float32"))[:, None] + 0.1
    return x, y


def _pair(learning_rate):
    models = {}
    for k in SIDES:
        k.utils.clear_session(free_memory=False)
        k.utils.set_random_seed(5)
        model = k.Sequential([k.Input((5,)), k.layers.Dense(8, activation="tanh"), k.layers.Dense(1)])
        model.compile(k.optimizers.SGD(learning_rate, momentum=0.9), "mse", metrics=["mae"])
        models[k.__name__] = model
    models["kerasbridge"].set_weights(models["keras"].get_weights())
    return models


def _fit_both(learning_rate, make_callbacks, epochs=12, **kwargs):
    x, y = _data()
    models, histories, callbacks = _pair(learning_rate), {}, {}
    for k in SIDES:
        callbacks[k.__name__] = make_callbacks(k)
        histories[k.__name__] = models[k.__name__].fit(
            x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0, callbacks=callbacks[k.__name__], **kwargs
        ).history
    return models, histories, callbacks


def test_reduce_lr_on_plateau_learning_rates_match_keras_on_a_real_run():
    models, histories, _ = _fit_both(
        0.05, lambda k: [k.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.05)],
    )
    rates = histories["keras"]["learning_rate"]
    assert len(set(rates)) >= 3  # the rate was lowered at least twice
    assert histories["kerasbridge"]["learning_rate"] == rates
    for a, b in zip(models["kerasbridge"].get_weights(), models["keras"].get_weights()):
        np.testing.assert_allclose(a, b, atol=2e-4)


def test_early_stopping_restore_best_weights_matches_keras_on_a_real_run():
    def make(k):
        return [k.callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)]

    # A rate this large makes the validation loss turn upwards after a few epochs.
    models, histories, callbacks = _fit_both(0.15, make, epochs=30, validation_split=0.25)
    theirs, ours = callbacks["keras"][0], callbacks["kerasbridge"][0]
    assert theirs.stopped_epoch > 0
    assert (ours.stopped_epoch, ours.best_epoch) == (theirs.stopped_epoch, theirs.best_epoch)
    assert len(histories["kerasbridge"]["loss"]) == len(histories["keras"]["loss"])
    for a, b in zip(models["kerasbridge"].get_weights(), models["keras"].get_weights()):
        np.testing.assert_allclose(a, b, atol=2e-4)


def test_csv_logger_rows_match_keras_on_a_real_run(tmp_path):
    def make(k):
        return [k.callbacks.CSVLogger(str(tmp_path / f"{k.__name__}.csv")),
                k.callbacks.ReduceLROnPlateau(monitor="loss", patience=1, min_delta=0.05)]

    _fit_both(0.05, make, epochs=4, validation_split=0.25)
    rows = {k.__name__: (tmp_path / f"{k.__name__}.csv").read_text().splitlines() for k in SIDES}
    assert rows["kerasbridge"][0] == rows["keras"][0]  # header
    assert len(rows["kerasbridge"]) == len(rows["keras"]) == 5
    for mine, theirs in zip(rows["kerasbridge"][1:], rows["keras"][1:]):
        np.testing.assert_allclose([float(v) for v in mine.split(",")], [float(v) for v in theirs.split(",")],
                                   atol=1e-5)


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_matches_keras_on_a_real_run(swap_on_epoch):
    x, y = _data()
    models, histories = {}, {}
    for k in SIDES:
        k.utils.clear_session(free_memory=False)
        k.utils.set_random_seed(5)
        model = k.Sequential([k.Input((5,)), k.layers.Dense(4, activation="tanh"), k.layers.Dense(1)])
        model.compile(k.optimizers.SGD(0.05, use_ema=True, ema_momentum=0.8), "mse")
        if k is kerasbridge:
            model.set_weights(models["keras"].get_weights())
        models[k.__name__] = model
    for k in SIDES:
        histories[k.__name__] = models[k.__name__].fit(
            x, y, epochs=3, batch_size=16, shuffle=False, verbose=0, validation_split=0.25,
            callbacks=[k.callbacks.SwapEMAWeights(swap_on_epoch=swap_on_epoch)],
        ).history
    for key in histories["keras"]:
        np.testing.assert_allclose(histories["kerasbridge"][key], histories["keras"][key], atol=1e-5, err_msg=key)
    for a, b in zip(models["kerasbridge"].get_weights(), models["keras"].get_weights()):
        np.testing.assert_allclose(a, b, atol=2e-4)
    # evaluate() with the callback: the EMA weights are used, then the trained ones come back
    results = {k.__name__: models[k.__name__].evaluate(x, y, verbose=0, callbacks=[k.callbacks.SwapEMAWeights()])
               for k in SIDES}
    np.testing.assert_allclose(results["kerasbridge"], results["keras"], atol=1e-5)

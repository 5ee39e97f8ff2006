"""The progress bar and the callbacks print and decide exactly what Keras 3 does.

Both sides are driven with the same calls under the same fake clock (`time.time`
patched), so the captured text must be identical byte for byte, timing fields
included. One test uses the real clock and masks the timing fields instead.
"""

from __future__ import annotations

import io
import itertools
import math
import os
import re
import sys
import time
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge.callbacks as kb_callbacks  # noqa: E402
from kerasbridge.utils.progbar import Progbar as KbProgbar  # noqa: E402

SIDES = {"keras": keras, "kb": None}


# -- helpers ------------------------------------------------------------------------------------
class FakeOptimizer:
    def __init__(self, learning_rate, name="opt"):
        self.learning_rate = learning_rate
        self.name = name


class FakeModel:
    def __init__(self, learning_rate=0.1):
        self.stop_training = False
        self.optimizer = FakeOptimizer(learning_rate)
        self.weights = [np.zeros(3)]
        self.history = None

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]


def _callbacks_module(side):
    return keras.callbacks if side == "keras" else kb_callbacks


def _progbar_class(side):
    return keras.utils.Progbar if side == "keras" else KbProgbar


def _captured(monkeypatch, fn, clock_step=0.37, stdout=None):
    """Run `fn` under a fresh fake clock and return what it printed."""
    ticks = itertools.count(10_000.0, clock_step)
    monkeypatch.setattr(time, "time", lambda: next(ticks))
    buffer = stdout if stdout is not None else io.StringIO()
    monkeypatch.setattr(sys, "stdout", buffer)
    try:
        result = fn()
    finally:
        monkeypatch.undo()
    return buffer.getvalue(), result


def _both(monkeypatch, drive, **kwargs):
    expected, _ = _captured(monkeypatch, lambda: drive("keras"), **kwargs)
    actual, _ = _captured(monkeypatch, lambda: drive("kb"), **kwargs)
    return expected, actual


# -- Progbar ------------------------------------------------------------------------------------
def _metric_values(step, tensors):
    small = 0.0004 * step
    values = [("loss", 1.0 / step), ("tiny", small), ("neg", -0.3 * step), ("big", 1234.5678 * step)]
    if tensors:
        return [(k, torch.tensor(v, dtype=torch.float32)) for k, v in values]
    return [(k, np.float32(v)) for k, v in values]


@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("target", [7, 1, 100, None])
@pytest.mark.parametrize("clock_step", [0.37, 0.02, 130.0])
def test_progbar_text_matches_keras(monkeypatch, verbose, target, clock_step):
    def drive(side):
        bar = _progbar_class(side)(target, verbose=verbose)
        for step in range(1, 8):
            bar.update(step, _metric_values(step, tensors=False))
        if target is None:
            bar.update(7, _metric_values(7, tensors=False), finalize=True)

    expected, actual = _both(monkeypatch, drive, clock_step=clock_step)
    assert actual == expected


@pytest.mark.parametrize("verbose", [1, 2])
def test_progbar_with_torch_tensors_matches_keras_with_numpy(monkeypatch, verbose):
    def drive(side):
        bar = _progbar_class(side)(5, verbose=verbose)
        for step in range(1, 6):
            bar.update(step, _metric_values(step, tensors=side == "kb"))

    expected, actual = _both(monkeypatch, drive)
    assert actual == expected


@pytest.mark.parametrize(
    "options",
    [{"stateful_metrics": ["loss"]}, {"stateless_metrics": ["tiny"]}, {"width": 7}, {"unit_name": "sample"}],
)
def test_progbar_options_match_keras(monkeypatch, options):
    def drive(side):
        bar = _progbar_class(side)(9, **options)
        bar.update(2, _metric_values(2, tensors=False))
        bar.add(3, _metric_values(3, tensors=False))
        bar.update(5, _metric_values(1, tensors=False))  # repeated step
        bar.add(4, _metric_values(4, tensors=False))

    expected, actual = _both(monkeypatch, drive)
    assert expected
    assert actual == expected


def test_progbar_static_display_matches_keras(monkeypatch):
    def drive(side):
        bar = _progbar_class(side)(4)
        bar._dynamic_display = False  # what Keras does where stdout is no TTY and no "posix"
        for step in range(1, 5):
            bar.update(step, [("loss", 1.0 / step)])

    expected, actual = _both(monkeypatch, drive)
    assert actual == expected
    assert "\r" not in actual


def test_progbar_on_a_tty_matches_keras(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    def drive(side):
        bar = _progbar_class(side)(3)
        for step in range(1, 4):
            bar.update(step, [("loss", 1.0 / step)])

    expected, _ = _captured(monkeypatch, lambda: drive("keras"), stdout=Tty())
    actual, _ = _captured(monkeypatch, lambda: drive("kb"), stdout=Tty())
    assert actual == expected


def _mask_timing(text: str) -> str:
    text = text.replace("\b", "")
    text = re.sub(r"\x1b\[1m(\d+:)*\d+s\x1b\[0m", "<T>", text)  # ETA or elapsed
    text = re.sub(r" - \d+s - ", " - <T> - ", text)  # verbose=2 elapsed
    text = re.sub(r"\d+(s|ms|us)/step", "<S>/step", text)
    return re.sub(r" +(?=[\r\n]|$)", "", text)  # padding that depends on the timing widths


@pytest.mark.parametrize("verbose", [1, 2])
def test_progbar_with_real_clock_matches_keras_after_masking_times(verbose, capsys):
    outputs = []
    for side in ("keras", "kb"):
        bar = _progbar_class(side)(6, verbose=verbose, interval=0.0)
        for step in range(1, 7):
            bar.update(step, [("loss", 0.5 / step), ("acc", 0.1 * step)])
        outputs.append(capsys.readouterr().out)
    expected, actual = map(_mask_timing, outputs)
    assert "<S>/step" in actual
    assert actual == expected


# -- ProgbarLogger ------------------------------------------------------------------------------
def _drive_fit(callback, epochs, steps_run, validation=True):
    callback.on_train_begin({})
    for epoch in range(epochs):
        callback.on_epoch_begin(epoch, {})
        for step in range(steps_run):
            callback.on_train_batch_begin(step, {})
            callback.on_train_batch_end(step, {"accuracy": 0.1 * step, "loss": 1.0 / (step + 1)})
        logs = {"accuracy": 0.5, "loss": 0.0002 * (epoch + 1)}
        if validation:
            callback.on_test_begin({})
            for step in range(2):
                callback.on_test_batch_begin(step, {})
                callback.on_test_batch_end(step, {"loss": 7.0})
            callback.on_test_end({"loss": 0.75})
            logs.update({"val_accuracy": 0.25, "val_loss": 0.75})
        callback.on_epoch_end(epoch, logs)
    callback.on_train_end({})


@pytest.mark.parametrize("verbose", [1, 2, "auto"])
@pytest.mark.parametrize("epochs", [1, 3])
@pytest.mark.parametrize("steps", [4, None])
def test_progbar_logger_fit_matches_keras(monkeypatch, verbose, epochs, steps):
    def drive(side):
        logger = _callbacks_module(side).ProgbarLogger()
        logger.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
        _drive_fit(logger, epochs, steps_run=4)

    expected, actual = _both(monkeypatch, drive)
    assert expected
    assert actual == expected


@pytest.mark.parametrize("verbose", [1, 2])
def test_progbar_logger_evaluate_matches_keras(monkeypatch, verbose):
    def drive(side):
        logger = _callbacks_module(side).ProgbarLogger()
        logger.set_params({"verbose": verbose, "epochs": 1, "steps": 3})
        logger.on_test_begin({})
        for step in range(3):
            logger.on_test_batch_end(step, {"loss": 2.0 - step, "mae": 0.5})
        logger.on_test_end({"loss": 0.0, "mae": 0.5})

    expected, actual = _both(monkeypatch, drive)
    assert expected
    assert actual == expected


@pytest.mark.parametrize("verbose", [1, 2])
@pytest.mark.parametrize("steps", [3, None])
def test_progbar_logger_predict_matches_keras(monkeypatch, verbose, steps):
    def drive(side):
        logger = _callbacks_module(side).ProgbarLogger()
        logger.set_params({"verbose": verbose, "epochs": 1, "steps": steps})
        logger.on_predict_begin({})
        for step in range(3):
            logger.on_predict_batch_end(step, {"outputs": np.ones(2)})
        logger.on_predict_end({})

    expected, actual = _both(monkeypatch, drive)
    assert expected
    assert actual == expected


# -- CallbackList -------------------------------------------------------------------------------
def _recorder(side, seen):
    base = _callbacks_module(side).Callback

    class Recorder(base):
        # Overriding the batch-end hooks also keeps Keras from dispatching them on threads.
        def on_train_batch_end(self, batch, logs=None):
            seen.append(("train", batch, dict(logs)))

        def on_test_batch_end(self, batch, logs=None):
            seen.append(("test", batch, dict(logs)))

        def on_epoch_end(self, epoch, logs=None):
            seen.append(("epoch", epoch, dict(logs)))

    return Recorder()


@pytest.mark.parametrize("verbose", [1, 2])
def test_callback_list_fit_matches_keras(monkeypatch, verbose):
    results = {}

    def drive(side):
        seen = []
        model = FakeModel()
        module = _callbacks_module(side)
        scheduler = module.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
        callbacks = module.CallbackList(
            [_recorder(side, seen), scheduler],
            add_history=True,
            add_progbar=True,
            verbose=verbose,
            epochs=2,
            steps=3,
            model=model,
        )
        _drive_fit(callbacks, epochs=2, steps_run=3)
        results[side] = ([type(cb).__name__ for cb in callbacks.callbacks], seen, model.history.history)

    expected, actual = _both(monkeypatch, drive)
    assert expected
    assert actual == expected
    assert results["kb"] == results["keras"]


def test_callback_list_converts_tensors_like_keras(monkeypatch):
    results = {}

    def drive(side):
        seen = []
        callbacks = _callbacks_module(side).CallbackList([_recorder(side, seen)])
        callbacks.on_train_batch_end(
            0, {"loss": torch.tensor(0.25), "nested": {"b": 2, "a": np.float32(1.5)}}
        )
        results[side] = [
            (kind, batch, [(k, type(v), v) for k, v in logs.items()]) for kind, batch, logs in seen
        ]

    _both(monkeypatch, drive)
    assert results["kb"] == results["keras"]


# -- EarlyStopping ------------------------------------------------------------------------------
EARLY_STOPPING_CASES = [
    ({}, [1.0, 0.9, 0.95]),
    ({"patience": 2}, [1.0, 0.9, 0.95, 0.96, 0.97, 0.5]),
    ({"patience": 1, "min_delta": 0.1}, [1.0, 0.95, 0.7, 0.65, 0.64]),
    ({"patience": 1, "min_delta": -0.05}, [1.0, 1.02, 1.03, 1.2, 1.3]),
    ({"mode": "max", "patience": 1, "monitor": "val_acc"}, [0.1, 0.5, 0.4, 0.3]),
    ({"baseline": 0.5, "patience": 2}, [0.9, 0.95, 0.97, 0.99]),
    ({"baseline": 0.5, "patience": 2}, [0.9, 0.8, 0.4, 0.45, 0.46, 0.47]),
    ({"restore_best_weights": True, "patience": 2, "verbose": 1}, [1.0, 0.2, 0.5, 0.6, 0.7]),
    ({"restore_best_weights": True, "patience": 5, "verbose": 1}, [1.0, 0.2, 0.5]),
    ({"restore_best_weights": True, "baseline": 0.1, "patience": 2, "verbose": 1}, [1.0, 0.5, 0.7, 0.8]),
    ({"start_from_epoch": 2, "verbose": 1}, [1.0, 2.0, 3.0, 3.5, 4.0]),
    ({"verbose": 1}, [0.1, 0.1 - 1e-12, 0.2]),
    ({"monitor": "loss", "verbose": 1}, [5, 4, 4, 3]),
]


def _run_early_stopping(side, kwargs, values):
    model = FakeModel()
    monitor = kwargs.get("monitor", "val_loss")
    callback = _callbacks_module(side).EarlyStopping(**kwargs)
    callback.set_model(model)
    callback.on_train_begin({})
    trace = []
    for epoch, value in enumerate(values):
        model.weights = [np.full(3, float(epoch))]
        callback.on_epoch_end(epoch, {monitor: value, "other": 1.0})
        trace.append((callback.wait, model.stop_training, callback.best, callback.best_epoch))
        if model.stop_training:
            break
    callback.on_train_end({})
    return trace, callback.stopped_epoch, callback.best, model.weights[0].tolist()


@pytest.mark.parametrize(("kwargs", "values"), EARLY_STOPPING_CASES)
def test_early_stopping_matches_keras(monkeypatch, kwargs, values):
    results = {}

    def drive(side):
        results[side] = _run_early_stopping(side, kwargs, values)

    expected, actual = _both(monkeypatch, drive)
    assert actual == expected
    assert results["kb"] == results["keras"]


def test_early_stopping_missing_monitor_warns_like_keras():
    messages = {}
    for side in ("keras", "kb"):
        callback = _callbacks_module(side).EarlyStopping(monitor="val_loss")
        callback.set_model(FakeModel())
        callback.on_train_begin({})
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            callback.on_epoch_end(0, {"loss": 1.0, "acc": 0.5})
        messages[side] = [str(w.message) for w in caught]
    assert messages["kb"] == messages["keras"]


def test_early_stopping_unknown_direction_raises_like_keras():
    messages = {}
    for side in ("keras", "kb"):
        callback = _callbacks_module(side).EarlyStopping(monitor="val_f1")
        callback.set_model(FakeModel())
        callback.on_train_begin({})
        with pytest.raises(ValueError) as error:
            callback.on_epoch_end(0, {"val_f1": 1.0})
        messages[side] = str(error.value)
    assert messages["kb"] == messages["keras"]


# -- LearningRateScheduler ----------------------------------------------------------------------
SCHEDULES = {
    "halve": lambda epoch, lr: lr * 0.5,
    "step": lambda epoch, lr: lr if epoch < 2 else lr * math.exp(-0.1),
    "epoch_only": lambda epoch: 0.01 / (epoch + 1),
    "numpy": lambda epoch, lr: np.float32(lr) * np.float32(0.9),
}


@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("verbose", [0, 1])
def test_learning_rate_scheduler_matches_keras(monkeypatch, name, verbose):
    results = {}

    def drive(side):
        model = FakeModel(learning_rate=0.1)
        callback = _callbacks_module(side).LearningRateScheduler(SCHEDULES[name], verbose=verbose)
        callback.set_model(model)
        rates, epoch_logs = [], []
        for epoch in range(4):
            callback.on_epoch_begin(epoch, {})
            rates.append(model.optimizer.learning_rate)
            logs = {"loss": 1.0}
            callback.on_epoch_end(epoch, logs)
            epoch_logs.append(logs)
        results[side] = (rates, epoch_logs)

    expected, actual = _both(monkeypatch, drive)
    assert actual == expected
    assert results["kb"] == results["keras"]


def test_learning_rate_scheduler_bad_output_raises_like_keras():
    messages = {}
    for side in ("keras", "kb"):
        callback = _callbacks_module(side).LearningRateScheduler(lambda epoch, lr: "fast")
        callback.set_model(FakeModel())
        with pytest.raises(ValueError) as error:
            callback.on_epoch_begin(0, {})
        messages[side] = str(error.value)
    assert messages["kb"] == messages["keras"]


# -- TerminateOnNaN -----------------------------------------------------------------------------
@pytest.mark.parametrize("losses", [[1.0, 0.5], [1.0, math.nan, 0.5], [math.inf], [2.0, -math.inf]])
def test_terminate_on_nan_matches_keras(monkeypatch, losses):
    results = {}

    def drive(side):
        model = FakeModel()
        callback = _callbacks_module(side).TerminateOnNaN()
        callback.set_model(model)
        stopped_at = None
        for batch, loss in enumerate(losses):
            callback.on_train_batch_end(batch, {"loss": loss})
            if model.stop_training:
                stopped_at = batch
                break
        results[side] = stopped_at

    expected, actual = _both(monkeypatch, drive)
    assert actual == expected
    assert results["kb"] == results["keras"]


def test_terminate_on_nan_raise_error_message_matches_keras():
    messages = {}
    for side in ("keras", "kb"):
        callback = _callbacks_module(side).TerminateOnNaN(raise_error=True)
        callback.set_model(FakeModel())
        with pytest.raises(RuntimeError) as error:
            callback.on_train_batch_end(4, {"loss": math.inf})
        messages[side] = str(error.value)
    assert messages["kb"] == messages["keras"]


# -- History ------------------------------------------------------------------------------------
def test_history_matches_keras():
    results = {}
    for side in ("keras", "kb"):
        model = FakeModel()
        history = _callbacks_module(side).History()
        history.set_model(model)
        history.on_train_begin({})
        for epoch in range(3):
            history.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0})
        results[side] = (history.epoch, history.history, model.history is history)
    assert results["kb"] == results["keras"]

"""ReduceLROnPlateau: when it lowers the rate, by how much, and what it logs."""

import numpy as np
import pytest

from kerasbridge.callbacks import ReduceLROnPlateau


def _run(callback, model, values, monitor="val_loss"):
    callback.set_model(model)
    callback.on_train_begin({})
    rates, logged = [], []
    for epoch, value in enumerate(values):
        logs = {monitor: value}
        callback.on_epoch_end(epoch, logs)
        rates.append(model.optimizer.learning_rate)
        logged.append(logs["learning_rate"])
    return rates, logged


def test_reduces_after_patience_epochs_without_improvement(model):
    rates, logged = _run(ReduceLROnPlateau(factor=0.5, patience=2), model, [1.0, 1.0, 1.0, 1.0, 1.0])
    assert rates == [0.1, 0.1, 0.05, 0.05, 0.025]
    assert logged == [0.1, 0.1, 0.1, 0.05, 0.05]  # the rate in use during the epoch


def test_min_delta_is_an_absolute_change(model):
    rates, _ = _run(ReduceLROnPlateau(factor=0.5, patience=1, min_delta=0.1), model, [1.0, 0.95, 0.8])
    assert rates == [0.1, 0.05, 0.05]


def test_cooldown_pauses_counting_after_a_reduction(model):
    rates, _ = _run(ReduceLROnPlateau(factor=0.5, patience=1, cooldown=2), model, [1.0] * 6)
    assert rates == [0.1, 0.05, 0.05, 0.025, 0.025, 0.0125]


def test_min_lr_bounds_the_rate(model):
    rates, _ = _run(ReduceLROnPlateau(factor=0.1, patience=1, min_lr=0.005), model, [1.0] * 4)
    assert rates == [0.1, pytest.approx(0.01), 0.005, 0.005]


def test_max_mode_follows_increases(model):
    rates, _ = _run(ReduceLROnPlateau(monitor="acc", mode="max", factor=0.5, patience=1), model,
                    [0.1, 0.2, 0.2], monitor="acc")
    assert rates == [0.1, 0.1, 0.05]


def test_factor_of_one_or_more_is_rejected():
    with pytest.raises(ValueError, match="factor >= 1.0"):
        ReduceLROnPlateau(factor=1.0)


def test_missing_monitor_warns_and_keeps_the_rate(model):
    callback = ReduceLROnPlateau(patience=0)
    callback.set_model(model)
    callback.on_train_begin({})
    with pytest.warns(UserWarning, match="val_loss"):
        callback.on_epoch_end(0, {"loss": 1.0})
    assert model.optimizer.learning_rate == 0.1


def test_verbose_prints_the_new_rate(model, capsys):
    _run(ReduceLROnPlateau(factor=0.5, patience=1, verbose=1), model, [1.0, 1.0])
    assert "Epoch 2: ReduceLROnPlateau reducing learning rate to 0.05." in capsys.readouterr().out


def test_state_round_trip_for_backups(model):
    first = ReduceLROnPlateau(patience=3)
    _run(first, model, [1.0, 2.0])
    second = ReduceLROnPlateau(patience=3)
    second._kerasbridge_set_state(first._kerasbridge_state())
    assert (second.best, second.wait, second.cooldown_counter) == (1.0, 1, 0)


def test_float32_rate_stops_at_min_lr(model):
    model.optimizer.learning_rate = float(np.float32(0.001))
    rates, _ = _run(ReduceLROnPlateau(factor=0.5, patience=1, min_lr=0.001), model, [1.0, 1.0])
    assert rates[-1] == float(np.float32(0.001))

"""LearningRateScheduler: sets the rate at epoch begin, reports it at epoch end."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from kerasbridge.callbacks import LearningRateScheduler


def _scheduler(model, schedule, verbose=0):
    callback = LearningRateScheduler(schedule, verbose=verbose)
    callback.set_model(model)
    return callback


def test_schedule_receives_epoch_and_current_rate(model):
    calls = []

    def schedule(epoch, lr):
        calls.append((epoch, lr))
        return lr / 2

    _scheduler(model, schedule).on_epoch_begin(3)
    assert calls == [(3, 0.1)]


def test_rate_is_assigned_to_the_optimizer(model):
    _scheduler(model, lambda epoch, lr: lr * 0.5).on_epoch_begin(0)
    assert model.optimizer.learning_rate == pytest.approx(0.05)


def test_one_argument_schedule_is_supported(model):
    _scheduler(model, lambda epoch: 0.01 * (epoch + 1)).on_epoch_begin(1)
    assert model.optimizer.learning_rate == pytest.approx(0.02)


def test_tensor_learning_rate_is_read_as_float(model):
    model.optimizer.learning_rate = torch.tensor(0.5)
    seen = []
    _scheduler(model, lambda epoch, lr: seen.append(lr) or 0.25).on_epoch_begin(0)
    assert seen == [0.5]
    assert isinstance(seen[0], float)


def test_non_float_schedule_output_is_rejected(model):
    with pytest.raises(ValueError, match="should be a float. Got: 1"):
        _scheduler(model, lambda epoch, lr: 1).on_epoch_begin(0)


def test_numpy_float_output_is_accepted(model):
    _scheduler(model, lambda epoch, lr: np.float32(0.5)).on_epoch_begin(0)
    assert model.optimizer.learning_rate == pytest.approx(0.5)


def test_optimizer_without_learning_rate_is_rejected(model):
    model.optimizer = object()
    with pytest.raises(ValueError, match='Optimizer must have a "learning_rate" attribute.'):
        _scheduler(model, lambda epoch, lr: 0.1).on_epoch_begin(0)


def test_verbose_prints_keras_message(model, capsys):
    _scheduler(model, lambda epoch, lr: 0.05, verbose=1).on_epoch_begin(2)
    assert capsys.readouterr().out == "\nEpoch 3: LearningRateScheduler setting learning rate to 0.05.\n"


def test_quiet_by_default(model, capsys):
    _scheduler(model, lambda epoch, lr: 0.05).on_epoch_begin(0)
    assert capsys.readouterr().out == ""


def test_epoch_end_adds_learning_rate_to_logs(model):
    model.optimizer.learning_rate = 0.125
    logs = {"loss": 1.0}
    _scheduler(model, lambda epoch, lr: lr).on_epoch_end(0, logs)
    assert logs == {"loss": 1.0, "learning_rate": 0.125}


def test_every_inner_optimizer_is_scheduled(model):
    class Inner:
        def __init__(self, name):
            self.name = name
            self.learning_rate = 1.0

    class Multi:
        optimizers = [Inner("a"), Inner("b")]

    model.optimizer = Multi()
    callback = _scheduler(model, lambda epoch, lr: lr / 4)
    callback.on_epoch_begin(0)
    logs = {"loss": 0.0}
    callback.on_epoch_end(0, logs)
    assert [o.learning_rate for o in Multi.optimizers] == [0.25, 0.25]
    assert logs == {"loss": 0.0, "learning_rate_a": 0.25, "learning_rate_b": 0.25}

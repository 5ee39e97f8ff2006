"""TerminateOnNaN: stops (or raises) on a non-finite loss."""

from __future__ import annotations

import math

import pytest

from kerasbridge.callbacks import TerminateOnNaN


def _callback(model, **kwargs):
    callback = TerminateOnNaN(**kwargs)
    callback.set_model(model)
    return callback


@pytest.mark.parametrize("loss", [math.nan, math.inf, -math.inf])
def test_non_finite_loss_stops_training(model, loss):
    _callback(model).on_train_batch_end(3, {"loss": loss})
    assert model.stop_training is True


def test_non_finite_loss_prints_keras_message(model, capsys):
    _callback(model).on_train_batch_end(3, {"loss": math.nan})
    assert capsys.readouterr().out == "Batch 3: Invalid loss, terminating training\n"


def test_finite_loss_keeps_training(model, capsys):
    _callback(model).on_train_batch_end(0, {"loss": 0.25})
    assert model.stop_training is False
    assert capsys.readouterr().out == ""


def test_missing_loss_is_ignored(model):
    _callback(model).on_train_batch_end(0, {"accuracy": math.nan})
    assert model.stop_training is False


def test_raise_error_raises_runtime_error(model):
    with pytest.raises(RuntimeError, match=r"NaN or Inf loss encountered at batch 2\. Loss value: nan\."):
        _callback(model, raise_error=True).on_train_batch_end(2, {"loss": math.nan})
    assert model.stop_training is False

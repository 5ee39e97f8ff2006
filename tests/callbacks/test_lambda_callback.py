"""LambdaCallback: functions become hooks."""

from __future__ import annotations

from kerasbridge.callbacks import LambdaCallback
from kerasbridge.callbacks.callback import is_default_hook


def test_named_epoch_hook_is_called_with_epoch_and_logs():
    calls = []
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: calls.append((epoch, logs)))
    callback.on_epoch_end(2, {"loss": 0.1})
    assert calls == [(2, {"loss": 0.1})]


def test_named_train_hooks_take_logs():
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append("begin"), on_train_end=lambda logs: calls.append("end")
    )
    callback.on_train_begin({})
    callback.on_train_end({})
    assert calls == ["begin", "end"]


def test_batch_hook_receives_logs_by_keyword():
    calls = []
    callback = LambdaCallback(on_train_batch_end=lambda batch, logs: calls.append((batch, logs)))
    callback.on_train_batch_end(4, logs={"loss": 1.0})
    assert calls == [(4, {"loss": 1.0})]


def test_other_hooks_can_be_given_by_keyword():
    calls = []
    callback = LambdaCallback(on_test_end=lambda logs: calls.append(logs))
    callback.on_test_end({"loss": 3.0})
    assert calls == [{"loss": 3.0}]


def test_unset_hooks_stay_defaults():
    callback = LambdaCallback(on_epoch_end=lambda epoch, logs: None)
    assert is_default_hook(callback.on_epoch_begin)
    assert not is_default_hook(callback.on_epoch_end)

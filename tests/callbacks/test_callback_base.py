"""Callback: default hooks, legacy aliases, params and model."""

from __future__ import annotations

import pytest

from kerasbridge.callbacks import Callback
from kerasbridge.callbacks.callback import is_default_hook

HOOKS_WITH_INDEX = [
    "on_batch_begin",
    "on_batch_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
]
HOOKS_WITHOUT_INDEX = [
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
]


@pytest.mark.parametrize("hook", HOOKS_WITH_INDEX)
def test_indexed_hooks_are_no_op_defaults(hook):
    callback = Callback()
    assert getattr(callback, hook)(0, logs={"loss": 1.0}) is None
    assert is_default_hook(getattr(callback, hook))


@pytest.mark.parametrize("hook", HOOKS_WITHOUT_INDEX)
def test_run_hooks_are_no_op_defaults(hook):
    callback = Callback()
    assert getattr(callback, hook)(logs={}) is None
    assert is_default_hook(getattr(callback, hook))


def test_overridden_hook_is_not_default():
    class Mine(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    assert not is_default_hook(Mine().on_epoch_end)


def test_train_batch_begin_forwards_to_legacy_on_batch_begin():
    seen = []

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append((batch, logs))

    Legacy().on_train_batch_begin(3, logs={"a": 1.0})
    assert seen == [(3, {"a": 1.0})]


def test_train_batch_end_forwards_to_legacy_on_batch_end():
    seen = []

    class Legacy(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append((batch, logs))

    Legacy().on_train_batch_end(5, logs={"loss": 0.5})
    assert seen == [(5, {"loss": 0.5})]


def test_new_callback_has_no_params_and_no_model():
    callback = Callback()
    assert callback.params is None
    assert callback.model is None


def test_set_params_stores_params():
    callback = Callback()
    callback.set_params({"verbose": 1, "epochs": 2, "steps": 3})
    assert callback.params == {"verbose": 1, "epochs": 2, "steps": 3}


def test_set_model_exposes_model(model):
    callback = Callback()
    callback.set_model(model)
    assert callback.model is model


def test_model_unwraps_distributed_data_parallel(model):
    class DistributedDataParallel:  # same name as torch's wrapper
        def __init__(self, module):
            self.module = module

    callback = Callback()
    callback.set_model(DistributedDataParallel(model))
    assert callback.model is model

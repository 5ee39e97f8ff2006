"""CallbackList: default callbacks, fan-out, log conversion and engine hints."""

from __future__ import annotations

import pytest
import torch

from kerasbridge.callbacks import (
    Callback,
    CallbackList,
    History,
    LambdaCallback,
    LearningRateScheduler,
    ProgbarLogger,
)
from kerasbridge.callbacks.callback import _no_op_default

PARAMS = {"verbose": 1, "epochs": 2, "steps": 3}


class Recorder(Callback):
    """Records every call of the hooks it overrides."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch, logs))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, logs))

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(("train_batch_end", batch, logs))

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append(("test_batch_end", batch, logs))


class EpochOnly(Callback):
    def on_epoch_end(self, epoch, logs=None):
        pass


def test_history_and_progbar_are_appended_in_keras_order():
    user = EpochOnly()
    callbacks = CallbackList([user], add_history=True, add_progbar=True, **PARAMS)
    assert [type(cb) for cb in callbacks.callbacks] == [EpochOnly, History, ProgbarLogger]


def test_defaults_are_not_added_unless_asked():
    assert CallbackList([EpochOnly()]).callbacks[1:] == []


def test_existing_history_and_progbar_are_not_duplicated():
    history, progbar = History(), ProgbarLogger()
    callbacks = CallbackList([progbar, history], add_history=True, add_progbar=True, **PARAMS)
    assert callbacks.callbacks == [progbar, history]


def test_nested_callback_lists_are_flattened():
    a, b, c = EpochOnly(), EpochOnly(), EpochOnly()
    assert CallbackList([a, [b, (c,)]]).callbacks == [a, b, c]


def test_params_reach_every_callback():
    callbacks = CallbackList([EpochOnly()], add_progbar=True, **PARAMS)
    assert all(cb.params == PARAMS for cb in callbacks.callbacks)
    assert callbacks.callbacks[1].target == 3


def test_model_reaches_every_callback_and_gets_history(model):
    callbacks = CallbackList([EpochOnly()], add_history=True, model=model)
    assert all(cb.model is model for cb in callbacks.callbacks)
    assert model.history is callbacks.callbacks[1]


def test_append_configures_the_new_callback(model):
    callbacks = CallbackList([], model=model, **PARAMS)
    recorder = Recorder()
    callbacks.append(recorder)
    callbacks.on_train_batch_end(0, {"loss": 1.0})
    assert recorder.model is model
    assert recorder.params == PARAMS
    assert recorder.calls == [("train_batch_end", 0, {"loss": 1.0})]


def test_epoch_hooks_reach_all_callbacks_in_order():
    order = []
    first = LambdaCallback(on_epoch_end=lambda epoch, logs: order.append("first"))
    second = LambdaCallback(on_epoch_end=lambda epoch, logs: order.append("second"))
    CallbackList([first, second]).on_epoch_end(0, {"loss": 1.0})
    assert order == ["first", "second"]


def test_epoch_begin_gets_an_empty_dict():
    recorder = Recorder()
    CallbackList([recorder]).on_epoch_begin(0)
    assert recorder.calls == [("epoch_begin", 0, {})]


def test_tensor_logs_become_python_floats_for_plain_callbacks():
    recorder = Recorder()
    CallbackList([recorder]).on_train_batch_end(1, {"loss": torch.tensor(0.5)})
    logs = recorder.calls[0][2]
    assert type(logs["loss"]) is float and logs["loss"] == 0.5


def test_logs_are_flattened_and_sorted():
    recorder = Recorder()
    CallbackList([recorder]).on_epoch_end(0, {"z": 1, "a": {"c": 2.0, "b": torch.tensor(3.0)}})
    logs = recorder.calls[0][2]
    assert list(logs) == ["b", "c", "z"]
    assert logs == {"b": 3.0, "c": 2.0, "z": 1.0}


def test_non_scalar_values_are_kept_as_numpy():
    recorder = Recorder()
    CallbackList([recorder]).on_test_batch_end(0, {"outputs": torch.ones(2)})
    assert recorder.calls[0][2]["outputs"].tolist() == [1.0, 1.0]


def test_progbar_alone_receives_tensors_unconverted():
    seen = []

    class Spy(ProgbarLogger):
        def _kerasbridge_accepts_lazy_logs(self, hook):
            return True

        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs)

    value = torch.tensor(0.5)
    CallbackList([Spy()], **PARAMS).on_train_batch_end(0, {"loss": value})
    assert seen[0]["loss"] is value


def test_progbar_gets_floats_when_another_callback_needs_them():
    recorder = Recorder()
    callbacks = CallbackList([recorder], add_progbar=True, verbose=0, epochs=1, steps=3)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_train_batch_end(0, {"loss": torch.tensor(0.5)})
    assert type(recorder.calls[-1][2]["loss"]) is float


def test_batch_hooks_skip_callbacks_that_keep_the_defaults():
    calls = []

    class Quiet(Callback):
        @_no_op_default
        def on_train_batch_end(self, batch, logs=None):
            calls.append(batch)

    CallbackList([Quiet()]).on_train_batch_end(0, {"loss": 1.0})
    assert calls == []


def test_legacy_on_batch_end_listens_to_train_batch_end():
    seen = []

    class Legacy(Callback):
        def on_batch_end(self, batch, logs=None):
            seen.append(batch)

    CallbackList([Legacy()]).on_train_batch_end(7, {})
    assert seen == [7]


def test_epoch_log_changes_by_one_callback_reach_the_next(model):
    scheduler = LearningRateScheduler(lambda epoch, lr: lr)
    callbacks = CallbackList([scheduler], add_history=True, model=model, **PARAMS)
    callbacks.on_train_begin()
    callbacks.on_epoch_begin(0)
    callbacks.on_epoch_end(0, {"loss": 1.0})
    assert model.history.history == {"loss": [1.0], "learning_rate": [0.1]}


def test_needs_batch_logs_is_false_with_only_epoch_callbacks():
    assert CallbackList([EpochOnly()], add_history=True, **PARAMS).needs_batch_logs is False


def test_needs_batch_logs_is_true_with_a_verbose_one_progbar():
    assert CallbackList([], add_progbar=True, **PARAMS).needs_batch_logs is True


def test_needs_batch_logs_is_false_with_a_verbose_two_progbar():
    callbacks = CallbackList([], add_progbar=True, verbose=2, epochs=1, steps=3)
    assert callbacks.needs_batch_logs is False


def test_needs_batch_logs_is_true_with_a_batch_callback():
    assert CallbackList([Recorder()], **PARAMS).needs_batch_logs is True


def test_needs_test_batch_logs_is_false_during_fit_validation():
    callbacks = CallbackList([EpochOnly()], add_progbar=True, **PARAMS)
    assert callbacks.needs_test_batch_logs is True
    callbacks.on_train_begin()
    assert callbacks.needs_test_batch_logs is False


def test_needs_predict_batch_logs_is_false_for_the_progbar():
    assert CallbackList([], add_progbar=True, **PARAMS).needs_predict_batch_logs is False


def test_has_batch_hooks_reports_listeners():
    callbacks = CallbackList([Recorder()])
    assert callbacks.has_batch_hooks("on_train_batch_end") is True
    assert callbacks.has_batch_hooks("on_predict_batch_end") is False


def test_end_without_begin_raises():
    with pytest.raises(ValueError, match="without corresponding"):
        CallbackList([]).on_test_end()


def test_callbacks_added_to_the_list_directly_are_seen_at_begin():
    callbacks = CallbackList([])
    recorder = Recorder()
    callbacks.callbacks.append(recorder)
    callbacks.on_test_begin()
    callbacks.on_test_batch_end(2, {"loss": 1.0})
    assert recorder.calls == [("test_batch_end", 2, {"loss": 1.0})]

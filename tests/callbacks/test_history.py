"""History: records epoch logs and publishes itself on the model."""

from __future__ import annotations

from kerasbridge.callbacks import History


def _trained_history(model, epochs_logs):
    history = History()
    history.set_model(model)
    history.on_train_begin()
    for epoch, logs in enumerate(epochs_logs):
        history.on_epoch_end(epoch, logs)
    return history


def test_history_collects_one_value_per_epoch_per_key(model):
    history = _trained_history(model, [{"loss": 1.0, "val_loss": 2.0}, {"loss": 0.5, "val_loss": 1.5}])
    assert history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}


def test_history_records_epoch_indices(model):
    history = _trained_history(model, [{"loss": 1.0}] * 3)
    assert history.epoch == [0, 1, 2]


def test_history_is_set_on_the_model_at_epoch_end(model):
    history = _trained_history(model, [{"loss": 1.0}])
    assert model.history is history


def test_train_begin_resets_epochs_but_keeps_values(model):
    history = _trained_history(model, [{"loss": 1.0}])
    history.on_train_begin()
    history.on_epoch_end(0, {"loss": 0.5})
    assert history.epoch == [0]
    assert history.history == {"loss": [1.0, 0.5]}


def test_history_accepts_missing_logs(model):
    history = _trained_history(model, [None])
    assert history.history == {}
    assert history.epoch == [0]

"""EarlyStopping: patience, direction, baseline, best weights, warm-up."""

from __future__ import annotations

import numpy as np
import pytest

from kerasbridge.callbacks import EarlyStopping


def _run(model, values, monitor="val_loss", **kwargs):
    """Feed one monitored value per epoch, as fit would; return the callback."""
    callback = EarlyStopping(monitor=monitor, **kwargs)
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        model.weights = [np.full(2, float(epoch))]
        callback.on_epoch_end(epoch, {monitor: value})
        if model.stop_training:
            break
    callback.on_train_end()
    return callback


def test_stops_after_patience_epochs_without_improvement(model):
    callback = _run(model, [1.0, 0.9, 0.95, 0.96, 0.97, 0.5], patience=2)
    assert model.stop_training is True
    assert callback.stopped_epoch == 3


def test_keeps_training_while_improving(model):
    callback = _run(model, [1.0, 0.9, 0.8, 0.7])
    assert model.stop_training is False
    assert callback.stopped_epoch == 0


def test_best_is_the_lowest_loss(model):
    callback = _run(model, [1.0, 0.4, 0.6, 0.7], patience=5)
    assert callback.best == 0.4
    assert callback.best_epoch == 1


def test_wait_counts_epochs_since_improvement(model):
    callback = _run(model, [1.0, 0.4, 0.6, 0.7], patience=5)
    assert callback.wait == 2


def test_zero_patience_stops_at_first_non_improvement(model):
    callback = _run(model, [1.0, 1.0])
    assert callback.stopped_epoch == 1


def test_min_delta_ignores_small_improvements(model):
    callback = _run(model, [1.0, 0.95, 0.92], min_delta=0.1, patience=1)
    assert callback.stopped_epoch == 1


def test_auto_mode_maximises_accuracy_of_compiled_metric(model):
    class Metric:
        name = "accuracy"
        _direction = "up"

    class Container:
        metrics = [Metric()]

    model.metrics = [Container()]
    callback = _run(model, [0.5, 0.6, 0.55], monitor="val_accuracy")
    assert callback.best == 0.6
    assert callback.stopped_epoch == 2


def test_max_mode_maximises(model):
    callback = _run(model, [0.5, 0.6, 0.55], monitor="acc", mode="max")
    assert callback.stopped_epoch == 2


def test_auto_mode_without_known_direction_raises(model):
    with pytest.raises(ValueError, match="isn't able to automatically determine"):
        _run(model, [0.5], monitor="val_accuracy")


def test_unknown_mode_warns_and_falls_back_to_auto():
    with pytest.warns(UserWarning, match="EarlyStopping mode 'sideways' is unknown, fallback to auto mode."):
        callback = EarlyStopping(mode="sideways")
    assert callback.mode == "auto"


def test_missing_monitor_warns_and_is_ignored(model):
    callback = EarlyStopping(monitor="val_loss")
    callback.set_model(model)
    callback.on_train_begin()
    with pytest.warns(UserWarning, match="Available metrics are: loss,acc"):
        callback.on_epoch_end(0, {"loss": 1.0, "acc": 0.5})
    assert callback.best is None


def test_baseline_not_beaten_stops_after_patience(model):
    callback = _run(model, [0.9, 0.95, 0.97, 0.99], baseline=0.5, patience=2)
    assert callback.stopped_epoch == 1


def test_start_from_epoch_skips_warm_up(model):
    callback = _run(model, [1.0, 2.0, 3.0, 3.5], start_from_epoch=2)
    assert callback.best == 3.0
    assert callback.stopped_epoch == 3


def test_restore_best_weights_sets_weights_of_best_epoch(model):
    _run(model, [1.0, 0.2, 0.5, 0.6], patience=2, restore_best_weights=True)
    np.testing.assert_array_equal(model.weights[0], np.full(2, 1.0))


def test_weights_are_kept_without_restore(model):
    _run(model, [1.0, 0.2, 0.5, 0.6], patience=2)
    np.testing.assert_array_equal(model.weights[0], np.full(2, 3.0))


def test_verbose_prints_stop_and_restore_messages(model, capsys):
    _run(model, [1.0, 0.2, 0.5, 0.6], patience=2, restore_best_weights=True, verbose=1)
    assert capsys.readouterr().out == (
        "Epoch 4: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


def test_quiet_by_default(model, capsys):
    _run(model, [1.0, 2.0])
    assert capsys.readouterr().out == ""


def test_comparison_rounds_to_float32_like_keras(model):
    # 0.1 - 1e-12 and 0.1 are the same float32: not an improvement.
    callback = _run(model, [0.1, 0.1 - 1e-12])
    assert callback.best == 0.1
    assert callback.stopped_epoch == 1


def test_train_begin_resets_state_for_reuse(model):
    callback = _run(model, [1.0, 2.0])
    model.stop_training = False
    callback.on_train_begin()
    assert (callback.wait, callback.stopped_epoch, callback.best, callback.best_epoch) == (0, 0, None, 0)

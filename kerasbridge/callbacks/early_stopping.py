"""`EarlyStopping`: stop training when a monitored quantity stops improving."""

from __future__ import annotations

import warnings

import torch

from kerasbridge.backend.config import floatx
from kerasbridge.callbacks.callback import Callback
from kerasbridge.utils import io_utils


def _scalar_tensor(value) -> torch.Tensor:
    """Convert a monitored value the way Keras's `ops` do: Python floats become `floatx`
    (float32 by default), so comparisons round exactly as in Keras."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, bool):
        return torch.as_tensor(value, dtype=torch.bool)
    if isinstance(value, int):
        wide = value < -(2**31) or value >= 2**31
        return torch.as_tensor(value, dtype=torch.int64 if wide else torch.int32)
    if isinstance(value, float):
        return torch.as_tensor(value, dtype=getattr(torch, floatx()))
    return torch.as_tensor(value)


def _less(a, b) -> bool:
    return bool(torch.less(_scalar_tensor(a), _scalar_tensor(b)))


def _greater(a, b) -> bool:
    return bool(torch.greater(_scalar_tensor(a), _scalar_tensor(b)))


def _compiled_metrics(model) -> list:
    """The metrics compiled into `model` (inside its compile-metrics containers)."""
    found = []
    for entry in getattr(model, "metrics", None) or ():
        inner = getattr(entry, "metrics", None)
        if isinstance(inner, (list, tuple)) and entry is not model:
            found.extend(inner)
    return found


class MonitorCallback(Callback):
    """Shared logic of callbacks that watch one logged quantity for improvement.

    Args:
        monitor: Name of the quantity in the epoch logs. Defaults to `"val_loss"`.
        mode: `"min"`, `"max"` or `"auto"` (inferred: `loss` is minimised, a compiled
            metric follows its own direction).
        baseline: Initial best value; `None` means the first value seen.
        min_delta: Smallest change that counts as an improvement.
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{self.__class__.__name__} mode '{mode}' is unknown, fallback to auto mode.",
                stacklevel=2,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        if self.mode == "min":
            self.monitor_op = _less
        elif self.mode == "max":
            self.monitor_op = _greater
        else:
            name = self.monitor.removeprefix("val_")
            if name == "loss":
                self.monitor_op = _less
            for metric in _compiled_metrics(self.model):
                direction = getattr(metric, "_direction", None)
                if getattr(metric, "name", None) == name and direction is not None:
                    self.monitor_op = _greater if direction == "up" else _less
            if self.monitor_op is None:
                raise ValueError(
                    f"{self.__class__.__name__} callback received "
                    f"monitor={self.monitor}, but Keras isn't able to "
                    "automatically determine whether that metric should be "
                    "maximized or minimized. Pass `mode='max'` in order to "
                    "monitor based on the highest metric value, or pass "
                    "`mode='min'` in order to use the lowest value."
                )
        if self.monitor_op is _less:
            # Improvements are then decreases: shift the value down by `min_delta`.
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        if reference_value is None:
            return True
        return self.monitor_op(monitor_value - self.min_delta, reference_value)


class EarlyStopping(MonitorCallback):
    """Stop training when a monitored quantity has stopped improving.

    At the end of every epoch the monitored value is compared with the best so far;
    after `patience` epochs without an improvement of at least `min_delta`,
    `model.stop_training` is set.

    Args:
        monitor: Quantity to monitor. Defaults to `"val_loss"`.
        min_delta: Smallest absolute change counted as an improvement. Defaults to 0.
        patience: Epochs without improvement before stopping. Defaults to 0.
        verbose: 0 (silent) or 1 (print a message when stopping or restoring).
        mode: `"auto"`, `"min"` or `"max"`; `"auto"` infers the direction from the name.
        baseline: Value to beat; the wait is only reset by epochs better than both the
            baseline and the best so far. Defaults to `None`.
        restore_best_weights: At the end of training, restore the weights of the best
            epoch (even if no epoch beat the baseline). Defaults to `False`.
        start_from_epoch: Number of warm-up epochs not monitored. Defaults to 0.

    Attributes:
        best: Best monitored value so far.
        wait: Epochs since the last improvement.
        stopped_epoch: Index of the epoch at which training was stopped (0 if it was not).
        best_epoch: Index of the best epoch.

    Example:

    ```python
    callback = EarlyStopping(monitor="loss", patience=3)
    model.fit(x, y, epochs=10, callbacks=[callback])
    ```
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        # Reset, so one instance can serve several `fit()` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            # Set up late: the model's compiled metrics exist by now.
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Nothing saved yet: the current weights are the best known.
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Patience restarts only when the baseline is beaten too.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            io_utils.print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                io_utils.print_msg(
                    f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` "
                "which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}",
                stacklevel=2,
            )
        return value


__all__ = ["EarlyStopping"]

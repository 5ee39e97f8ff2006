"""`ReduceLROnPlateau`: lower the learning rate when a monitored quantity stops improving."""

from __future__ import annotations

import warnings

import numpy as np

from kerasbridge.callbacks.early_stopping import MonitorCallback
from kerasbridge.callbacks.learning_rate_scheduler import _as_float
from kerasbridge.utils import io_utils


class ReduceLROnPlateau(MonitorCallback):
    """Reduce the learning rate when a metric has stopped improving.

    At the end of every epoch the monitored value is compared with the best so far. After
    `patience` epochs without an improvement of at least `min_delta` (an absolute change),
    the learning rate is multiplied by `factor`, but not below `min_lr`; then `cooldown`
    epochs pass before the wait starts counting again. The learning rate in use is added
    to the epoch's logs as `"learning_rate"`.

    Args:
        monitor: Quantity to monitor. Defaults to `"val_loss"`.
        factor: Factor by which the learning rate is reduced: `new_lr = lr * factor`.
            Must be below 1. Defaults to 0.1.
        patience: Epochs without improvement after which the rate is reduced. Defaults to 10.
        verbose: 0 (quiet) or 1 (print a message at each reduction).
        mode: `"auto"`, `"min"` or `"max"`; `"auto"` infers the direction from the name.
        min_delta: Smallest absolute change counted as an improvement. Defaults to 1e-4.
        cooldown: Epochs to wait after a reduction before resuming normal operation.
        min_lr: Lower bound of the learning rate. Defaults to 0.

    Example:

    ```python
    reduce_lr = ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
    model.fit(x, y, validation_split=0.2, callbacks=[reduce_lr])
    ```
    """

    def __init__(self, monitor="val_loss", factor=0.1, patience=10, verbose=0, mode="auto", min_delta=1e-4,
                 cooldown=0, min_lr=0.0, **kwargs):
        super().__init__(monitor, mode, min_delta=min_delta)
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received factor={factor}")
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def _optimizers(self) -> list:
        optimizer = self.model.optimizer
        return list(optimizer.optimizers) if hasattr(optimizer, "optimizers") else [optimizer]

    def _reduce(self, optimizer, epoch, name="") -> bool:
        old_lr = _as_float(optimizer.learning_rate)
        # The rate is stored in float32: compare with `min_lr` rounded the same way.
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            label = f" {name}" if name else ""
            io_utils.print_msg(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{label} learning rate to {new_lr}.")
        return True

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                logs[f"learning_rate_{inner.name}"] = _as_float(inner.learning_rate)
        else:
            logs["learning_rate"] = _as_float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(list(logs.keys()))}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        named = hasattr(optimizer, "optimizers")
        reduced = False
        for inner in self._optimizers():
            reduced = self._reduce(inner, epoch, inner.name if named else "") or reduced
        if reduced:
            self.cooldown_counter = self.cooldown
            self.wait = 0

    # -- BackupAndRestore ----------------------------------------------------------------------
    def _kerasbridge_state(self) -> dict:
        return {"best": self.best, "wait": self.wait, "cooldown_counter": self.cooldown_counter}

    def _kerasbridge_set_state(self, state: dict) -> None:
        self.best, self.wait, self.cooldown_counter = state["best"], state["wait"], state["cooldown_counter"]


__all__ = ["ReduceLROnPlateau"]

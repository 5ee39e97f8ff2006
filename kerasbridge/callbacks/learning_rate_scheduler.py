"""`LearningRateScheduler`: set the optimizer's learning rate at the start of each epoch."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.callbacks.callback import Callback
from kerasbridge.utils import io_utils
from kerasbridge.utils.progbar import tensor_to_numpy


def _as_float(value) -> float:
    """A learning rate (float, tensor, Variable) as a Python float."""
    if isinstance(value, torch.Tensor):
        return float(tensor_to_numpy(value))
    if hasattr(value, "numpy") and callable(value.numpy):
        return float(np.asarray(value.numpy()))
    return float(value)


class LearningRateScheduler(Callback):
    """Set the learning rate from a schedule at the beginning of every epoch.

    Args:
        schedule: Function `(epoch, lr) -> new_lr`, with the epoch index (0-based) and
            the current learning rate as a float; it must return a float. A function of
            the epoch alone is also accepted.
        verbose: 0 (quiet) or 1 (print a message at each update).

    The rate in use is added to the epoch's logs as `"learning_rate"` (and so appears in
    the `History` and the progress bar).

    Example:

    ```python
    def schedule(epoch, lr):
        return lr if epoch < 10 else lr * 0.9

    model.fit(x, y, epochs=15, callbacks=[LearningRateScheduler(schedule)])
    ```
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _set_rate(self, optimizer, epoch) -> float:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            rate = self.schedule(epoch, _as_float(optimizer.learning_rate))
        except TypeError:
            # Schedules written against the old one-argument API.
            rate = self.schedule(epoch)
        if not isinstance(rate, (float, np.float32, np.float64)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {rate}")
        optimizer.learning_rate = rate
        return rate

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                rate = self._set_rate(inner, epoch)
                if self.verbose > 0:
                    io_utils.print_msg(
                        f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                        f"{inner.name} learning rate to {rate}."
                    )
            return
        rate = self._set_rate(optimizer, epoch)
        if self.verbose > 0:
            io_utils.print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {rate}.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        optimizer = self.model.optimizer
        if hasattr(optimizer, "optimizers"):
            for inner in optimizer.optimizers:
                logs[f"learning_rate_{inner.name}"] = _as_float(inner.learning_rate)
        else:
            logs["learning_rate"] = _as_float(optimizer.learning_rate)


__all__ = ["LearningRateScheduler"]

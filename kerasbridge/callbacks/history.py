"""`History`: records the logs of every epoch; `fit()` returns it."""

from __future__ import annotations

from kerasbridge.callbacks.callback import Callback


class History(Callback):
    """Records each epoch's logs into `history` (a dict of lists, one per metric).

    `fit()` adds one automatically and returns it; it is also set on `model.history`.

    Attributes:
        history: Dict mapping each log key (e.g. `"loss"`, `"val_loss"`) to its values,
            one per epoch.
        epoch: List of the indices of the epochs recorded during the last `fit()`.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        # Point the model at this (now up to date) history.
        self.model.history = self


__all__ = ["History"]

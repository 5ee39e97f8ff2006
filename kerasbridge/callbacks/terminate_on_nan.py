"""`TerminateOnNaN`: stop training as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math

from kerasbridge.callbacks.callback import Callback
from kerasbridge.utils import io_utils


class TerminateOnNaN(Callback):
    """Stop training when a batch's loss is NaN or infinite.

    By default training stops gracefully (`model.stop_training = True`, so every
    callback's `on_train_end` still runs). With `raise_error=True` a `RuntimeError` is
    raised at once instead, skipping the remaining callbacks' cleanup.

    Args:
        raise_error: Raise `RuntimeError` instead of stopping gracefully.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. "
                f"Loss value: {loss}. Terminating training immediately."
            )
        io_utils.print_msg(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True


__all__ = ["TerminateOnNaN"]

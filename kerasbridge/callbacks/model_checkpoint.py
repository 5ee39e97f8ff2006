"""`ModelCheckpoint`: save the model or its weights during training."""

from __future__ import annotations

import os
import tempfile
import warnings

import numpy as np
import torch

from kerasbridge.callbacks.early_stopping import MonitorCallback
from kerasbridge.utils import io_utils

_WEIGHTS_SUFFIXES = (".weights.h5", ".safetensors")
_MODEL_SUFFIXES = (".keras", ".h5")


class ModelCheckpoint(MonitorCallback):
    """Save the model (`.keras`) or its weights (`.weights.h5`) at some frequency.

    `filepath` may hold named formatting options filled from the epoch (1-based, as Keras
    numbers it), the batch (1-based, with an integer `save_freq`) and the logs: with
    `"weights.{epoch:02d}-{val_loss:.2f}.weights.h5"` every checkpoint gets its own file.
    Files are written to a temporary name next to the target and then renamed, so a
    checkpoint on disk is always complete.

    Args:
        filepath: Path of the file to write; it must end in `.keras` (the whole model), or
            in `.weights.h5` (with `save_weights_only=True`; kerasbridge also accepts
            `.safetensors`).
        monitor: Quantity watched by `save_best_only`. Defaults to `"val_loss"`.
        verbose: 0 (quiet) or 1 (print a message for each save).
        save_best_only: Only save when the monitored quantity improved on the best so far
            (with a constant `filepath`, the file is the best model seen).
        save_weights_only: Save only the weights (`model.save_weights`), not the model.
        mode: `"auto"`, `"min"` or `"max"`: whether an improvement is a decrease or an
            increase of `monitor` (`"auto"` infers it from the name).
        save_freq: `"epoch"` (save after every epoch) or an integer `N` (save every `N`
            training batches).
        initial_value_threshold: Initial best value: with `save_best_only`, nothing is saved
            until the monitored quantity beats it.

    Example:

    ```python
    checkpoint = ModelCheckpoint("best.keras", monitor="val_accuracy", mode="max", save_best_only=True)
    model.fit(x, y, epochs=10, validation_split=0.2, callbacks=[checkpoint])
    ```
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False, save_weights_only=False,
                 mode="auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, initial_value_threshold)
        self.verbose = verbose
        self.filepath = os.fspath(filepath)
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = None
        self._current_epoch = 0
        if self.save_freq != "epoch" and not isinstance(self.save_freq, int):
            raise ValueError(
                f"Unrecognized save_freq: {self.save_freq}. Expected save_freq are 'epoch' or integer values"
            )
        if save_weights_only:
            if not self.filepath.endswith(_WEIGHTS_SUFFIXES):
                raise ValueError(
                    "When using `save_weights_only=True` in `ModelCheckpoint`, the filepath provided must end "
                    f"in `.weights.h5` (Keras weights format). Received: filepath={self.filepath}"
                )
        elif not self.filepath.endswith(_MODEL_SUFFIXES):
            raise ValueError(
                f"The filepath provided must end in `.keras` (Keras model format). Received: filepath={self.filepath}"
            )

    # -- hooks ---------------------------------------------------------------------------------
    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save_model(epoch=self._current_epoch, batch=batch, logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.save_freq == "epoch":
            self._save_model(epoch=epoch, batch=None, logs=logs)

    def _kerasbridge_uses_batch_logs(self, hook: str) -> bool:
        # Per-batch logs (a host sync) are only needed when saving every N batches.
        return self.save_freq != "epoch"

    # -- deciding ------------------------------------------------------------------------------
    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            added = batch + 1  # a new epoch
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    def _should_save_model(self, epoch, batch, logs, filepath) -> bool:
        logs = logs or {}
        if not self.save_best_only:
            if self.verbose > 0:
                io_utils.print_msg(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=3)
            return True
        if isinstance(current, (np.ndarray, torch.Tensor)) and len(current.shape) > 0:
            warnings.warn(
                "Can save best model only when `monitor` is a scalar value. "
                f"Received: {current}. Falling back to `save_best_only=False`.",
                stacklevel=3,
            )
            return True
        best_str = "None" if self.best is None else f"{self.best:.5f}"
        if self.monitor_op is None:
            self._set_monitor_op()
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                io_utils.print_msg(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best_str} to {current:.5f}, "
                    f"saving model to {filepath}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            io_utils.print_msg(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best_str}")
        return False

    # -- writing -------------------------------------------------------------------------------
    def _get_file_path(self, epoch, batch, logs) -> str:
        logs = logs or {}
        try:
            if batch is None or "batch" in logs:
                return self.filepath.format(epoch=epoch + 1, **logs)
            return self.filepath.format(epoch=epoch + 1, batch=batch + 1, **logs)
        except KeyError as error:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". Reason: {error}') from None

    def _save_model(self, epoch, batch, logs) -> None:
        filepath = self._get_file_path(epoch, batch, logs)
        if not self._should_save_model(epoch, batch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise OSError(
                "Please specify a non-directory filepath for ModelCheckpoint. "
                f"Filepath used is an existing directory: {filepath}"
            )
        dirname = os.path.dirname(filepath)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        self._write_atomically(filepath)
        if self.verbose > 0:
            io_utils.print_msg(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _write_atomically(self, filepath: str) -> None:
        """Save under a temporary name with the same suffix, then rename over `filepath`."""
        folder, name = os.path.split(os.path.abspath(filepath))
        handle, temporary = tempfile.mkstemp(prefix=".tmp-", suffix=f"-{name}", dir=folder)
        os.close(handle)
        try:
            if self.save_weights_only:
                self.model.save_weights(temporary, overwrite=True)
            else:
                self.model.save(temporary, overwrite=True)
            os.replace(temporary, filepath)
        finally:
            if os.path.exists(temporary):
                os.remove(temporary)

    # -- BackupAndRestore ----------------------------------------------------------------------
    def _kerasbridge_state(self) -> dict:
        return {
            "best": self.best,
            "batches_seen": self._batches_seen_since_last_saving,
            "last_batch_seen": self._last_batch_seen,
        }

    def _kerasbridge_set_state(self, state: dict) -> None:
        self.best = state["best"]
        self._batches_seen_since_last_saving = state["batches_seen"]
        self._last_batch_seen = state["last_batch_seen"]


__all__ = ["ModelCheckpoint"]

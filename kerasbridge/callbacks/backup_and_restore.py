"""`BackupAndRestore`: resume an interrupted `fit()` exactly where its last backup left it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import threading
import warnings

from kerasbridge.callbacks import training_state as ts
from kerasbridge.callbacks.callback import Callback

_FORMAT = "kerasbridge.BackupAndRestore/1"


def _is_chief() -> bool:
    """Only the first process of a distributed run writes (and deletes) backups."""
    import torch.distributed as dist

    return not (dist.is_available() and dist.is_initialized()) or dist.get_rank() == 0


def _default_signals() -> tuple:
    return tuple(getattr(signal, name) for name in ("SIGTERM", "SIGUSR1") if hasattr(signal, name))


class BackupAndRestore(Callback):
    """Back up the training state regularly, and restore it when `fit()` is run again.

    When a job dies in the middle of `fit()` (a crash, `kill -9`, a preempted cluster node),
    running the same script again with the same `backup_dir` restores the last backup and
    continues from there. kerasbridge backs up the complete state: the model's weights and
    other variables (seed generators included), the optimizer's variables (`iterations`,
    learning rate, slots), the epoch and the position in it, the state of the other
    callbacks (`History`, `EarlyStopping`, `ReduceLROnPlateau`, `ModelCheckpoint`,
    `CSVLogger`, `TensorBoard`), the metric accumulators of a half-done epoch and the random
    generators of torch, numpy, Python and kerasbridge. With a fixed seed on the CPU, the
    resumed run ends with bit-for-bit the weights of an uninterrupted run (shuffled or not,
    also after a mid-epoch backup; array inputs and `steps_per_epoch=None` assumed, since
    the state of a user's generator cannot be backed up).

    A backup is one file, `<backup_dir>/latest.ckpt`, written with `torch.save` to a
    temporary file that then replaces the previous backup atomically; it is read back with
    `torch.load(weights_only=True)`. The backup callbacks run after all other callbacks of
    the epoch. The directory is deleted when `fit()` ends normally (`delete_checkpoint`).

    Preemption (SIGTERM, SIGUSR1): while `fit()` runs, these signals make the callback write
    a backup at the end of the current batch and then let the signal take its course
    (the handler that was installed before `fit()` runs, by default the process ends). On
    SLURM, submit with `#SBATCH --requeue` and `#SBATCH --signal=USR1@120`: 120 s before the
    time limit the training process gets SIGUSR1, writes its backup and, inside a SLURM job,
    runs `scontrol requeue $SLURM_JOB_ID` (as Lightning's SLURM auto-requeue does); the
    requeued job runs the same script, which resumes from the backup.

    Args:
        backup_dir: Directory of the backup (created if needed). Use a different directory
            for each training job.
        save_freq: `"epoch"` (back up at the end of every epoch) or an integer `N` (back up
            every `N` training batches; a resumed run then starts in the middle of the epoch).
        double_checkpoint: Keep the previous backup as `latest.ckpt.bkp` and fall back to it
            when the latest one cannot be read.
        delete_checkpoint: Delete `backup_dir` when training ends normally.
        save_on_signal: Install the SIGTERM/SIGUSR1 handlers described above (kerasbridge
            only; only in the main thread).

    Example:

    ```python
    callback = BackupAndRestore(backup_dir="/tmp/backup")
    model.fit(x, y, epochs=10, callbacks=[callback])  # killed during epoch 5 ...
    model.fit(x, y, epochs=10, callbacks=[callback])  # ... continues from the end of epoch 4
    ```
    """

    _kerasbridge_runs_last = True

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False, delete_checkpoint=True, *,
                 save_on_signal=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and (not isinstance(save_freq, int) or isinstance(save_freq, bool)):
            raise ValueError(
                "Invalid value for argument `save_freq`. "
                f"Received: save_freq={save_freq}. "
                "Expected either 'epoch' or an integer value."
            )
        self.backup_dir = str(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self.save_on_signal = save_on_signal
        self._backup_path = os.path.join(self.backup_dir, "latest.ckpt")
        self._previous_backup_path = f"{self._backup_path}.bkp"
        self._callbacks = []
        self._current_epoch = 0
        self._steps_done = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._epoch_start_rng = None
        self._pending_restore = None
        self._pending_metrics = None
        self._rng_at_backup = None
        self._signal_received = None
        self._previous_handlers = {}

    def _kerasbridge_set_callbacks(self, callbacks) -> None:
        """The engine hands over the whole callback list, whose state goes into backups."""
        self._callbacks = callbacks

    # -- fit -----------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise ValueError(
                "To use the BackupAndRestore callback, "
                "you model must be built before you call `fit()`. "
                f"Model {self.model} is unbuilt. You can build it "
                "beforehand by calling it on a batch of data."
            )
        self._current_epoch = 0
        self._steps_done = 0
        self._batches_seen_since_last_saving = 0
        self._last_batch_seen = 0
        self._install_signal_handlers()
        state = self._read_backup()
        if state is not None:
            self._restore(state)

    def on_epoch_begin(self, epoch, logs=None):
        pending, self._pending_restore = self._pending_restore, None
        if pending is not None:
            if pending["steps_done"]:
                ts.restore_rng_state(pending["rng_epoch_start"])
                if not ts.restore_metrics_state(self.model, pending["metrics"]):
                    self._pending_metrics = pending["metrics"]  # built with the first batch
            else:
                ts.restore_rng_state(pending["rng"])
        self._current_epoch = epoch
        self._epoch_start_rng = ts.capture_rng_state()

    def on_train_batch_end(self, batch, logs=None):
        self._steps_done = batch + 1
        if self._signal_received is not None:
            self._save()
            self._terminate(self._signal_received)
        elif self._should_save_on_batch(batch):
            self._save()

    def on_epoch_end(self, epoch, logs=None):
        self._current_epoch = epoch + 1
        self._steps_done = 0
        self._last_batch_seen = 0
        self._epoch_start_rng = None
        if self.save_freq == "epoch":
            self._save()

    def on_train_end(self, logs=None):
        self._restore_signal_handlers()
        if self.delete_checkpoint and _is_chief() and os.path.exists(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    def _should_save_on_batch(self, batch) -> bool:
        if self.save_freq == "epoch":
            return False
        if batch <= self._last_batch_seen:  # a new epoch
            added = batch + 1
        else:
            added = batch - self._last_batch_seen
        self._batches_seen_since_last_saving += added
        self._last_batch_seen = batch
        if self._batches_seen_since_last_saving >= self.save_freq:
            self._batches_seen_since_last_saving = 0
            return True
        return False

    # -- writing and reading -----------------------------------------------------------------
    def _state(self) -> dict:
        mid_epoch = self._steps_done > 0
        others = [cb for cb in self._callbacks if cb is not self]
        return {
            "format": _FORMAT,
            "epoch": self._current_epoch,
            "steps_done": self._steps_done,
            "model": ts.model_state(self.model),
            "optimizer": ts.optimizer_state(getattr(self.model, "optimizer", None)),
            "metrics": ts.metrics_state(self.model) if mid_epoch else None,
            "callbacks": ts.callback_states(others),
            "rng": ts.capture_rng_state(),
            "rng_epoch_start": self._epoch_start_rng if mid_epoch else None,
            "save_counters": [self._batches_seen_since_last_saving, self._last_batch_seen],
        }

    def _save(self) -> None:
        if not _is_chief():
            return
        state = self._state()
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._backup_path):
            os.replace(self._backup_path, self._previous_backup_path)
        ts.atomic_torch_save(state, self._backup_path)

    def _read_backup(self) -> dict | None:
        candidates = [p for p in (self._backup_path, self._previous_backup_path) if os.path.exists(p)]
        error = None
        for path in candidates:
            try:
                state = ts.load_checkpoint(path)
            except Exception as exc:  # a damaged file: try the previous backup
                error = error or exc
                continue
            if not isinstance(state, dict) or state.get("format") != _FORMAT:
                raise ValueError(f"{path} is not a kerasbridge BackupAndRestore backup.")
            return state
        if error is not None:
            raise OSError(f"Could not read the backup in {self.backup_dir}: {error}") from error
        return None

    def _restore(self, state: dict) -> None:
        model = self.model
        ts.restore_model_state(model, state["model"])
        ts.restore_optimizer_state(model, getattr(model, "optimizer", None), state["optimizer"])
        others = [cb for cb in self._callbacks if cb is not self]
        ts.restore_callback_states(others, state["callbacks"])
        self._current_epoch = state["epoch"]
        self._steps_done = state["steps_done"]
        self._rng_at_backup = state["rng"]
        self._batches_seen_since_last_saving, self._last_batch_seen = state["save_counters"]
        self._pending_restore = state
        ts.set_resume_point(model, ts.ResumePoint(state["epoch"], state["steps_done"], self._resume_first_step))

    def _resume_first_step(self, batch) -> None:
        """After a mid-epoch restore, once the steps already done are skipped (`batch` is the last
        of them): the metrics and random state of the moment of the backup come back."""
        pending, self._pending_metrics = self._pending_metrics, None
        if pending is not None and batch is not None:
            ts.build_metrics_from_batch(self.model, batch)
            if not ts.restore_metrics_state(self.model, pending):
                warnings.warn(
                    "BackupAndRestore could not restore the metrics of the interrupted epoch: the model's "
                    "metrics differ from the backed-up ones. They restart from zero.",
                    stacklevel=2,
                )
        ts.restore_rng_state(self._rng_at_backup)

    # -- preemption signals --------------------------------------------------------------------
    def _install_signal_handlers(self) -> None:
        if not self.save_on_signal or threading.current_thread() is not threading.main_thread():
            return
        self._signal_received = None
        for signum in _default_signals():
            if signum not in self._previous_handlers:
                self._previous_handlers[signum] = signal.signal(signum, self._on_signal)

    def _restore_signal_handlers(self) -> None:
        for signum, handler in self._previous_handlers.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        self._previous_handlers = {}

    def _on_signal(self, signum, frame) -> None:
        # Only note it: the backup is written at the end of the batch, between two steps.
        self._signal_received = signum

    def _terminate(self, signum) -> None:
        """After the backup: requeue a SLURM job on SIGUSR1, then let the signal act."""
        self._signal_received = None
        self._restore_signal_handlers()
        if signum == getattr(signal, "SIGUSR1", None) and os.environ.get("SLURM_JOB_ID") and _is_chief():
            requeue_slurm_job(os.environ["SLURM_JOB_ID"])
        signal.raise_signal(signum)


def requeue_slurm_job(job_id: str) -> bool:
    """Run `scontrol requeue <job_id>`; returns whether it succeeded."""
    try:
        result = subprocess.run(["scontrol", "requeue", str(job_id)], capture_output=True, check=False)
    except OSError:
        return False
    return result.returncode == 0


__all__ = ["BackupAndRestore"]

"""The loop side of `BackupAndRestore`: start `fit()` at the backed-up epoch, or mid-epoch.

`BackupAndRestore.on_train_begin` restores the weights, optimizer and callback state and
leaves a `ResumePoint` on the model. `fit()` then

1. starts Lightning at the resumed epoch (`resumed_initial_epoch`), and
2. when the backup was taken mid-epoch, replaces the first `steps_done` training steps of
   that epoch by `SKIPPED_STEP` markers (`skip_done_steps`). The batches are still drawn
   from the data (so a shuffled epoch sees the same permutation and the same batches
   after the skipped ones), but the Lightning module runs no step and calls no callback
   for a marker. Lightning's batch indices, epoch length and validation schedule stay those
   of an uninterrupted epoch.

Backup callbacks run after every other callback (`move_backup_callbacks_last`), so a backup
written at the end of an epoch includes what the other callbacks (History, EarlyStopping,
ReduceLROnPlateau, CSVLogger, ...) did with that epoch, and a restore in `on_train_begin`
comes after all the other callbacks reset themselves.
"""

from __future__ import annotations

import math

from kerasbridge.callbacks.training_state import pop_resume_point


class _SkippedStep:
    """A training step that was already done before the backup; the module ignores it."""

    def __repr__(self) -> str:
        return "SKIPPED_STEP"


SKIPPED_STEP = _SkippedStep()


def is_skipped_step(batch) -> bool:
    return batch is SKIPPED_STEP


class SkipDoneSteps:
    """Wraps the training batches: the first epoch's first `steps` items become `SKIPPED_STEP`.

    Args:
        batches: The iterable handed to Lightning (batches or `BatchGroup`s).
        steps: Number of leading items of the first epoch to skip.
        on_first_step: Called with the last skipped item, right after it was drawn from
            `batches` (before the next one is); it restores the metric accumulators and the
            random state of the moment of the backup.
    """

    def __init__(self, batches, steps: int, on_first_step=None):
        self.batches = batches
        self.steps = int(steps)
        self.on_first_step = on_first_step
        self._first_epoch = True

    @property
    def num_batches(self):
        return self.batches.num_batches

    def __len__(self) -> int:
        return len(self.batches)

    def __iter__(self):
        if not self._first_epoch:
            yield from self.batches
            return
        self._first_epoch = False
        for index, batch in enumerate(self.batches):
            if index < self.steps:
                if index == self.steps - 1 and self.on_first_step is not None:
                    # The state of the backup comes back before the next batch is even drawn,
                    # as the backup was taken before the uninterrupted run drew it.
                    self.on_first_step(batch)
                yield SKIPPED_STEP
                continue
            yield batch


def _is_backup_callback(callback) -> bool:
    return getattr(callback, "_kerasbridge_runs_last", False)


def move_backup_callbacks_last(callback_list) -> None:
    """Put `BackupAndRestore` callbacks at the end of the list and hand them the list."""
    callbacks = callback_list.callbacks
    backups = [cb for cb in callbacks if _is_backup_callback(cb)]
    if not backups:
        return
    callbacks[:] = [cb for cb in callbacks if not _is_backup_callback(cb)] + backups
    for backup in backups:
        backup._kerasbridge_set_callbacks(callbacks)
    callback_list._refresh_listeners()


def resumed_initial_epoch(model, initial_epoch: int):
    """The epoch `fit()` starts at, and how many steps of it to skip (a pending restore wins)."""
    point = pop_resume_point(model)
    if point is None:
        return initial_epoch, None
    return point.epoch, point


def skip_done_steps(batches, point, steps_per_execution: int = 1):
    """`batches`, with the steps already done before a mid-epoch backup skipped."""
    if point is None or not point.steps_done:
        return batches
    steps = math.ceil(point.steps_done / max(int(steps_per_execution), 1))
    return SkipDoneSteps(batches, steps, point.on_first_step)


__all__ = [
    "SKIPPED_STEP",
    "SkipDoneSteps",
    "is_skipped_step",
    "move_backup_callbacks_last",
    "resumed_initial_epoch",
    "skip_done_steps",
]

"""`CSVLogger`: write one CSV row of logs per epoch."""

from __future__ import annotations

import collections
import csv
import os

import numpy as np

from kerasbridge.callbacks.callback import Callback


def _cell(value):
    """A log value as Keras writes it: strings as is, sequences as a quoted list, numbers by `str`."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (isinstance(value, np.ndarray) and value.ndim == 0):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Stream the results of every epoch to a CSV file.

    The first row is the header `epoch` followed by the sorted log keys (with the `val_`
    versions added when no validation ran); each epoch then adds one row, written and
    flushed at the end of the epoch. Values that are lists or arrays are written as a
    quoted `"[a, b]"`.

    Args:
        filename: Path of the CSV file.
        separator: Character that separates the cells. Defaults to `","`.
        append: `True` appends to an existing file (without a second header); `False`
            overwrites it.

    Example:

    ```python
    csv_logger = CSVLogger("training.log")
    model.fit(x, y, callbacks=[csv_logger])
    ```
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as existing:
                    self.append_header = not bool(len(existing.readline()))
            mode = "a"
        else:
            mode = "w"
        self._close()
        self.csv_file = open(self.filename, mode)  # noqa: SIM115 (open for the whole fit)
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs.keys())
            if self.keys and not any(key.startswith("val_") for key in self.keys):
                # Without validation, the `val_` columns still exist (and hold "NA").
                self.keys.extend([f"val_{key}" for key in self.keys])
        if not self.writer:

            class Dialect(csv.excel):
                delimiter = self.sep

            self.writer = csv.DictWriter(self.csv_file, fieldnames=["epoch"] + (self.keys or []), dialect=Dialect)
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()

    # -- BackupAndRestore ----------------------------------------------------------------------
    def _kerasbridge_state(self) -> dict:
        text = ""
        if self.csv_file is not None and os.path.exists(self.filename):
            with open(self.filename, newline="") as current:
                text = current.read()
        return {"keys": self.keys, "text": text, "writer_ready": self.writer is not None}

    def _kerasbridge_set_state(self, state: dict) -> None:
        # The file goes back to its content at the time of the backup (rows written after it
        # are written again by the resumed run).
        self._close()
        with open(self.filename, "w", newline="") as restored:
            restored.write(state["text"])
        self.csv_file = open(self.filename, "a")  # noqa: SIM115
        self.keys = state["keys"]
        self.writer = None
        self.append_header = not state["writer_ready"] and self.append_header


__all__ = ["CSVLogger"]

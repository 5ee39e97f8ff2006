"""`keras.utils.timeseries_dataset_from_array` without TensorFlow: a `PyDataset` of sliding windows."""

from __future__ import annotations

import math

import numpy as np

from kerasbridge.utils.py_dataset import PyDataset


class TimeseriesDataset(PyDataset):
    """Batches of windows `data[s], data[s + r], ..., data[s + (L - 1) r]` (and `targets[s]`), per start `s`.

    Built by `timeseries_dataset_from_array`; `fit`, `evaluate` and `predict` accept it as they
    accept any `PyDataset`, and it can be iterated directly (`for batch in dataset`).

    Args:
        data: The (already `start_index:end_index`-sliced) array of timesteps.
        targets: The matching slice of targets, or `None`.
        start_positions: Start index of every window, in output order.
        sequence_length: Timesteps per window.
        sampling_rate: Step between timesteps inside a window.
        batch_size: Windows per batch; `None` yields single windows.
    """

    def __init__(self, data, targets, start_positions, sequence_length, sampling_rate, batch_size):
        super().__init__()
        self.data = data
        self.targets = targets
        self.start_positions = start_positions
        self.offsets = np.arange(sequence_length) * sampling_rate
        self.batch_size = batch_size

    def __len__(self) -> int:
        if self.batch_size is None:
            return len(self.start_positions)
        return math.ceil(len(self.start_positions) / self.batch_size)

    def __getitem__(self, index):
        if index < 0 or index >= len(self):
            raise IndexError(f"Batch index {index} is out of range for a dataset of {len(self)} batches.")
        if self.batch_size is None:
            starts = self.start_positions[index:index + 1]
        else:
            starts = self.start_positions[index * self.batch_size:(index + 1) * self.batch_size]
        windows = self.data[starts[:, None] + self.offsets]
        if self.batch_size is None:
            windows = windows[0]
        if self.targets is None:
            return windows
        targets = self.targets[starts]
        return windows, (targets[0] if self.batch_size is None else targets)

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

"""`DirectoryDataset`: the batches of files that the `*_dataset_from_directory` utilities return."""

from __future__ import annotations

import math

import numpy as np

from kerasbridge.utils.py_dataset import PyDataset


class DirectoryDataset(PyDataset):
    """Batches of decoded files (and their labels), loaded on demand; what Keras returns as a `tf.data.Dataset`.

    It is a `PyDataset`, so `fit`, `evaluate` and `predict` take it directly, and it can be iterated
    (`for images, labels in dataset`). With `shuffle`, the order of the samples changes every epoch,
    drawn from `numpy.random.RandomState(seed + epoch)`.

    Args:
        file_paths: The files, in the order of the first epoch.
        labels: Encoded labels (one row per file) or `None`.
        load: Function from a path to one decoded sample.
        collate: Function from a list of samples to a batch.
        batch_size: Samples per batch; `None` yields single samples.
        class_names: The class names (`None` without labels).
        shuffle: Whether to reshuffle the samples after every epoch.
        seed: Seed of the reshuffles.

    Attributes:
        class_names: The class names, as in Keras.
        file_paths: The file paths, in the order of the first epoch.
    """

    def __init__(self, file_paths, labels, load, collate, batch_size, class_names, shuffle=False, seed=None):
        super().__init__()
        self.file_paths = list(file_paths)
        self.class_names = class_names
        self._labels = labels
        self._load = load
        self._collate = collate
        self._batch_size = batch_size
        self._shuffle = shuffle
        self._seed = 0 if seed is None else int(seed)
        self._epoch = 0
        self._order = np.arange(len(self.file_paths))

    @property
    def batch_size(self):
        return self._batch_size

    def __len__(self) -> int:
        if self._batch_size is None:
            return len(self.file_paths)
        return math.ceil(len(self.file_paths) / self._batch_size)

    def __getitem__(self, index):
        if index < 0 or index >= len(self):
            raise IndexError(f"Batch index {index} is out of range for a dataset of {len(self)} batches.")
        if self._batch_size is None:
            rows = self._order[index:index + 1]
        else:
            rows = self._order[index * self._batch_size:(index + 1) * self._batch_size]
        samples = [self._load(self.file_paths[row]) for row in rows]
        inputs = samples[0] if self._batch_size is None else self._collate(samples)
        if self._labels is None:
            return inputs
        labels = self._labels[rows]
        return inputs, (labels[0] if self._batch_size is None else labels)

    def on_epoch_end(self) -> None:
        self._epoch += 1
        if self._shuffle:
            self._order = np.random.RandomState(self._seed + self._epoch).permutation(len(self.file_paths))

    def __iter__(self):
        for index in range(len(self)):
            yield self[index]

    def take(self, count: int):
        """The first `count` batches (all with `count=-1`), like `tf.data.Dataset.take`."""
        total = len(self) if count < 0 else min(count, len(self))
        return [self[index] for index in range(total)]

    def prefetch(self, buffer_size=None):
        """Returns the dataset itself: batches are loaded on demand (`PyDataset` workers prefetch them)."""
        return self

    def cache(self, filename=""):
        """Returns the dataset itself (files are read on demand); kept so tf.data-style pipelines run unchanged."""
        return self

    def __repr__(self) -> str:
        return (f"<DirectoryDataset: {len(self.file_paths)} files, batch_size={self._batch_size}, "
                f"class_names={self.class_names}>")

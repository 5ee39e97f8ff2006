"""Batches from Python generators, `PyDataset`s and torch `DataLoader`s/`Dataset`s."""

from __future__ import annotations

import itertools

import torch

from kerasbridge.engine.data_adapters.array_adapter import to_tensor
from kerasbridge.utils import tree


def standardize_batch(batch):
    """A batch as the tuple `(x,)`, `(x, y)` or `(x, y, sample_weight)` of tensors."""
    if isinstance(batch, dict) or not isinstance(batch, (list, tuple)):
        batch = (batch,)
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
            f"found a tuple of {len(batch)} elements."
        )
    return tuple(tree.map_structure(to_tensor, part) for part in batch)


class GeneratorDataAdapter:
    """Batches from a Python generator or iterator; `steps` batches per epoch (all, when `None`)."""

    def __init__(self, generator, steps=None):
        self._iterator = iter(generator)
        self._steps = steps

    @property
    def num_batches(self):
        return self._steps

    def __len__(self) -> int:
        if self._steps is None:
            raise TypeError("The number of batches of a generator is unknown; pass `steps_per_epoch`.")
        return int(self._steps)

    def __iter__(self):
        source = self._iterator if self._steps is None else itertools.islice(self._iterator, self._steps)
        for batch in source:
            yield standardize_batch(batch)


class PyDatasetAdapter:
    """Batches from a `kerasbridge.utils.PyDataset`, with its worker/prefetch settings."""

    def __init__(self, dataset, steps=None, shuffle=False):
        self._dataset = dataset
        self._steps = steps
        self._shuffle = shuffle

    @property
    def num_batches(self):
        if self._steps is not None:
            return int(self._steps)
        return self._dataset.num_batches

    def __len__(self) -> int:
        batches = self.num_batches
        if batches is None:
            raise TypeError("The number of batches of this PyDataset is unknown; pass `steps_per_epoch`.")
        return int(batches)

    def __iter__(self):
        produced = 0
        for batch in self._dataset.iterate(shuffle=self._shuffle):
            if self._steps is not None and produced >= self._steps:
                break
            yield standardize_batch(batch)
            produced += 1
        self._dataset.on_epoch_end()


class TorchDataAdapter:
    """Batches from a torch `DataLoader` (or a `Dataset`, batched with a DataLoader)."""

    def __init__(self, data, batch_size=32, shuffle=False, steps=None):
        if not isinstance(data, torch.utils.data.DataLoader):
            data = torch.utils.data.DataLoader(data, batch_size=batch_size or 32, shuffle=bool(shuffle))
        self._loader = data
        self._steps = steps

    @property
    def num_batches(self):
        if self._steps is not None:
            return int(self._steps)
        try:
            return len(self._loader)
        except TypeError:
            return None

    def __len__(self) -> int:
        batches = self.num_batches
        if batches is None:
            raise TypeError("The number of batches of this DataLoader is unknown; pass `steps_per_epoch`.")
        return int(batches)

    def __iter__(self):
        source = self._loader if self._steps is None else itertools.islice(self._loader, self._steps)
        for batch in source:
            yield standardize_batch(batch)

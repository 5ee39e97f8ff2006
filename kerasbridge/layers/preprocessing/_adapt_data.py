"""How the `adapt()` methods of the preprocessing layers read their data."""

from __future__ import annotations

import numpy as np
import torch


def first_of_pair(batch):
    """The inputs of a batch that may be an `(x, y)` or `(x, y, sample_weight)` tuple."""
    if isinstance(batch, tuple):
        return batch[0]
    return batch


def is_array(data) -> bool:
    """Whether `data` is one array (numpy or torch), as opposed to an iterable of batches."""
    return isinstance(data, (np.ndarray, torch.Tensor))


def iterate_batches(data, steps=None):
    """Yield the batches of `data` (a `PyDataset`, a generator or any iterable of arrays), at most `steps`."""
    if hasattr(data, "__getitem__") and hasattr(data, "num_batches") and not isinstance(data, (list, tuple)):
        batches = (data[i] for i in range(data.num_batches or len(data)))
    else:
        batches = iter(data)
    for index, batch in enumerate(batches):
        if steps is not None and index >= steps:
            break
        yield first_of_pair(batch)

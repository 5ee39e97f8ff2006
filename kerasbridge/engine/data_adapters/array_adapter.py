"""Batches of in-memory arrays (numpy or torch, nested), cut by slicing whole tensors.

Each epoch draws one permutation (when shuffling) and slices every array with index
ranges of it: no per-sample `Dataset.__getitem__` and no collate.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.random import defer_global_draw, flush_global_draws
from kerasbridge.utils import tree


def to_tensor(x):
    """Numpy/torch/array-like -> torch tensor on the CPU; float64 becomes `floatx()` as in Keras."""
    if x is None:
        return None
    if isinstance(x, torch.Tensor):
        tensor = x
    else:
        array = np.asarray(x)
        if array.dtype.kind in "USO":
            return array  # string data (for "string" inputs) stays numpy: torch has no string tensors
        if array.dtype == np.uint32:
            array = array.astype(np.int64)
        tensor = torch.from_numpy(np.ascontiguousarray(array))
    if tensor.dtype == torch.float64:
        tensor = tensor.to(to_torch_dtype(config.floatx()))
    return tensor


def _take(array, index: torch.Tensor):
    """Rows `index` of a torch tensor, or of a numpy array of strings."""
    if isinstance(array, np.ndarray):
        return array[index.numpy()]
    return array.index_select(0, index)


def is_array(x) -> bool:
    return isinstance(x, (np.ndarray, torch.Tensor)) or (
        hasattr(x, "__array__") and hasattr(x, "shape") and not isinstance(x, type)
    )


def can_slice(data) -> bool:
    """Whether every leaf of `data` is an array (or None)."""
    leaves = tree.flatten(data)
    return bool(leaves) and all(x is None or is_array(x) for x in leaves)


def num_samples(data) -> int:
    sizes = {int(x.shape[0]) for x in tree.flatten(data) if x is not None}
    if len(sizes) > 1:
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples. "
            f"Received arrays of sizes {sorted(sizes)}."
        )
    return sizes.pop()


def train_validation_split(arrays, validation_split: float):
    """Split off the last `validation_split` fraction (unshuffled), as Keras does."""
    leaves = tree.flatten(arrays)
    if not all(x is None or is_array(x) for x in leaves):
        unsplittable = [type(x) for x in leaves if x is not None and not is_array(x)]
        raise ValueError(
            "Argument `validation_split` is only supported for tensors or NumPy arrays. "
            f"Found incompatible type in the input: {unsplittable}"
        )
    first = next((x for x in leaves if x is not None), None)
    if first is None:
        return arrays, arrays
    total = int(first.shape[0])
    split_at = int(math.floor(total * (1.0 - validation_split)))
    if split_at in (0, total):
        raise ValueError(
            f"Training data contains {total} samples, which is not sufficient to split it into a validation "
            f"and training set as specified by `validation_split={validation_split}`. Either provide more "
            "data, or a different value for the `validation_split` argument."
        )
    train = tree.map_structure(lambda x: None if x is None else x[:split_at], arrays)
    validation = tree.map_structure(lambda x: None if x is None else x[split_at:], arrays)
    return train, validation


def class_weight_to_sample_weight(y, class_weight: dict) -> torch.Tensor:
    """Per-sample weights from `class_weight` and integer or one-hot targets."""
    labels = y.detach().cpu().numpy() if isinstance(y, torch.Tensor) else np.asarray(y)
    if labels.ndim > 1:
        labels = np.argmax(labels, axis=-1) if labels.shape[-1] != 1 else np.squeeze(labels, axis=-1)
    labels = np.round(labels).astype("int64")
    lookup = np.ones(max(int(labels.max(initial=0)), max(class_weight, default=0)) + 1, dtype=config.floatx())
    for label, weight in class_weight.items():
        lookup[int(label)] = weight
    return torch.from_numpy(lookup[labels])


class ArrayDataAdapter:
    """Iterates `(x, y, sample_weight)` batches of in-memory arrays.

    Args:
        x, y, sample_weight: Arrays or nested structures of arrays with one leading sample axis.
        batch_size: Samples per batch (the last batch may be smaller).
        shuffle: `True` reshuffles every epoch, `"batch"` shuffles the batch order only.
        steps: Optional number of batches per epoch (iteration continues across epochs).
        class_weight: Optional `{class: weight}`, turned into sample weights.
        shard: Optional `(rank, world_size)`: each replica takes `batch_size / world_size`
            consecutive samples of every global batch.
    """

    def __init__(self, x, y=None, sample_weight=None, batch_size=32, shuffle=False, steps=None,
                 class_weight=None, shard=None):
        if class_weight is not None:
            if y is None or tree.is_nested(y):
                raise ValueError("`class_weight` is only supported for models with a single output.")
            if sample_weight is not None:
                raise ValueError(
                    "You cannot `class_weight` and `sample_weight` at the same time."
                )
            sample_weight = class_weight_to_sample_weight(y, class_weight)
        self._data = tree.map_structure(to_tensor, (x, y, sample_weight))
        self._size = num_samples(self._data)
        self.batch_size = int(batch_size or 32)
        self.shuffle = shuffle
        self._steps = steps
        self._shard = shard
        self._position = None

    @property
    def num_batches(self) -> int:
        if self._steps is not None:
            return int(self._steps)
        return max(1, math.ceil(self._size / self.batch_size))

    @property
    def num_samples(self) -> int:
        return self._size

    def __len__(self) -> int:
        return self.num_batches

    def _epoch_order(self) -> torch.Tensor | None:
        return draw_epoch_order(self._size, self.shuffle)

    def _batch_ranges(self):
        starts = list(range(0, self._size, self.batch_size))
        if self.shuffle == "batch":
            starts = [starts[i] for i in torch.randperm(len(starts)).tolist()]
        return [(s, min(s + self.batch_size, self._size)) for s in starts]

    def _slice(self, order, start, end):
        if self._shard is not None:
            rank, world = self._shard
            per_replica = math.ceil((end - start) / world)
            start, end = start + rank * per_replica, min(start + (rank + 1) * per_replica, end)
        if order is None:
            return tree.map_structure(lambda t: None if t is None else t[start:end], self._data)
        index = order[start:end]
        return tree.map_structure(lambda t: None if t is None else _take(t, index), self._data)

    def whole_batch(self):
        """All samples as one batch, in order, with none of an epoch's RNG draws (`train_on_batch` & co.)."""
        return _strip_none(self._slice(None, 0, self._size))

    def __iter__(self):
        if self._steps is None:
            order = self._epoch_order()
            ranges = self._batch_ranges()
            for index, (start, end) in enumerate(ranges):
                if index == len(ranges) - 1:
                    defer_global_draw()  # Keras draws once its last batch is taken
                yield _strip_none(self._slice(order, start, end))
            return
        produced = 0
        while produced < self._steps:
            if self._position is None or not self._position[1]:
                self._position = (self._epoch_order(), self._batch_ranges())
            order, ranges = self._position
            start, end = ranges.pop(0)
            yield _strip_none(self._slice(order, start, end))
            produced += 1


def _draw_seed() -> int:
    return int(torch.empty((), dtype=torch.int64).random_().item())


def draw_epoch_order(size: int, shuffle) -> torch.Tensor | None:
    """An epoch's sample order, drawn from torch's global RNG exactly as Keras's torch backend draws it.

    Keras iterates arrays through a `torch.utils.data.DataLoader`: starting an epoch draws the
    loader's base seed, and a `RandomSampler` (when shuffling) then draws its own seed for a
    `randperm`. Making the same draws gives Keras's shuffle order and leaves the global generator
    where Keras leaves it, so unseeded Dropout masks match too.

    Keras's epoch iterator also opens its next DataLoader iterator as soon as an epoch's last
    batch is taken, which draws another base seed. Lightning prefetches batches ahead of the
    step, so that draw is only counted when the last batch is handed out (`defer_global_draw`)
    and made just before the next iteration's own draws, or at the end of `fit`/`evaluate`/
    `predict`: the last step's Dropout masks still come first, and nothing random runs in
    between (validation is inference), so every training step sees the generator in Keras's state.
    """
    flush_global_draws()
    _draw_seed()
    if shuffle is True:
        generator = torch.Generator()
        generator.manual_seed(_draw_seed())
        return torch.randperm(size, generator=generator)
    return None


def _strip_none(batch):
    x, y, sample_weight = batch
    if sample_weight is None:
        return (x,) if y is None else (x, y)
    return x, y, sample_weight

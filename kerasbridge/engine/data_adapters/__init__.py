"""Turn whatever `fit`/`evaluate`/`predict` received into an iterable of batches."""

from __future__ import annotations

import inspect

import torch

from kerasbridge.engine.data_adapters.array_adapter import (
    ArrayDataAdapter,
    can_slice,
    num_samples,
    train_validation_split,
)
from kerasbridge.engine.data_adapters.iterable_adapter import (
    GeneratorDataAdapter,
    PyDatasetAdapter,
    TorchDataAdapter,
    standardize_batch,
)
from kerasbridge.utils import tree


def _is_generator(x) -> bool:
    return inspect.isgenerator(x) or (hasattr(x, "__next__") and hasattr(x, "__iter__"))


def get_data_adapter(x, y=None, sample_weight=None, batch_size=None, steps_per_epoch=None, shuffle=False,
                     class_weight=None, shard=None):
    """Pick the adapter for `x`: arrays, a generator, a PyDataset or torch data.

    Raises `ValueError` for inconsistent arguments (e.g. `y` with a generator) and for
    arrays whose sample counts differ.
    """
    from kerasbridge.utils.py_dataset import PyDataset

    if isinstance(x, PyDataset) or isinstance(x, (torch.utils.data.DataLoader, torch.utils.data.Dataset)) \
            or _is_generator(x):
        if y is not None:
            raise ValueError(
                f"When providing `x` as a {type(x).__name__}, `y` should not be passed. Instead, the targets "
                f"should be included as part of the {type(x).__name__}."
            )
        if sample_weight is not None:
            raise ValueError(
                f"When providing `x` as a {type(x).__name__}, `sample_weight` should not be passed. Instead, "
                f"the sample weights should be included as part of the {type(x).__name__}."
            )
        if class_weight is not None:
            raise ValueError("`class_weight` is only supported for array inputs.")
        if isinstance(x, PyDataset):
            return PyDatasetAdapter(x, steps=steps_per_epoch, shuffle=shuffle)
        if isinstance(x, (torch.utils.data.DataLoader, torch.utils.data.Dataset)):
            return TorchDataAdapter(x, batch_size=batch_size, shuffle=shuffle, steps=steps_per_epoch)
        return GeneratorDataAdapter(x, steps=steps_per_epoch)
    if x is None:
        raise ValueError("Unrecognized data type: x=None. Expected arrays, a generator, a PyDataset or a DataLoader.")
    if not can_slice((x, y, sample_weight)):
        bad = [type(leaf).__name__ for leaf in tree.flatten((x, y, sample_weight))
               if leaf is not None and not hasattr(leaf, "shape")]
        raise ValueError(
            f"Unrecognized data type: x={x!r:.80} (of type {type(x).__name__}). Expected NumPy arrays, torch "
            f"tensors, nested lists/dicts of them, a generator, a PyDataset or a DataLoader. Offending types: {bad}"
        )
    _check_cardinality(x, y, sample_weight)
    return ArrayDataAdapter(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, steps=steps_per_epoch,
                            class_weight=class_weight, shard=shard)


def _check_cardinality(x, y, sample_weight) -> None:
    sizes = {}
    for label, data in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if data is None:
            continue
        counts = sorted({int(leaf.shape[0]) for leaf in tree.flatten(data) if leaf is not None})
        sizes[label] = counts
    if len({c for counts in sizes.values() for c in counts}) > 1:
        detail = "\n".join(f"'{label}' sizes: {', '.join(map(str, counts))}" for label, counts in sizes.items())
        raise ValueError(
            "Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.\n" + detail
        )


__all__ = [
    "ArrayDataAdapter",
    "GeneratorDataAdapter",
    "PyDatasetAdapter",
    "TorchDataAdapter",
    "get_data_adapter",
    "num_samples",
    "standardize_batch",
    "train_validation_split",
]

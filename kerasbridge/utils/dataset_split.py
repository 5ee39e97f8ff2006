"""`keras.utils.split_dataset` on PyTorch: two `torch.utils.data.Subset`s, as Keras's torch backend returns."""

from __future__ import annotations

import numpy as np


def _check_size(size, side: str, total_length: int) -> None:
    if size is not None and type(size) not in (int, float):
        separator = "" if side == "right" else " "
        raise TypeError(f"Invalid `{side}_size` Type. Expected: int or float or None,{separator}"
                        f"Received: type({side}_size)={type(size)}.{'  ' if side == 'left' else ''}")
    if (type(size) is int and (size <= 0 or size >= total_length)) or (
            type(size) is float and (size <= 0 or size >= 1)):
        raise ValueError(f"`{side}_size` should be either a positive integer smaller than {total_length}, or a float "
                         f"within the range `[0, 1]`. Received: {side}_size={size}")


def split_sizes(left_size, right_size, total_length: int) -> tuple[int, int]:
    """The two split lengths for `left_size`/`right_size` given as counts (int) or fractions (float)."""
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")
    if left_size == 0 and right_size == 0:
        raise ValueError("Both `left_size` and `right_size` are zero. At least one of the split sizes must be non-zero.")
    _check_size(left_size, "left", total_length)
    _check_size(right_size, "right", total_length)
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal to 1.")
    left = round(left_size * total_length) if type(left_size) is float else left_size
    right = round(right_size * total_length) if type(right_size) is float else right_size
    left = total_length - right if left is None else left
    right = total_length - left if right is None else right
    if left + right > total_length:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total_length}. "
                         f"Received: left_size + right_size = {left + right}and total_length = {total_length}")
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total_length}, `left_size`={left} and `right_size`={right}."
                             f"Resulting {side} side dataset split will be empty. Adjust any of the aforementioned "
                             "parameters")
    return int(left), int(right)


def split_dataset(dataset, left_size=None, right_size=None, shuffle=False, seed=None, preferred_backend=None):
    """Split a dataset (array, list/tuple of arrays, or `torch.utils.data.Dataset`) in two.

    As on Keras 3's torch backend, the split is made with `torch.utils.data.random_split`: the two
    parts are `Subset`s; with `shuffle=True` a generator seeded by `seed` draws the order, otherwise
    torch's global generator does (so set `torch.manual_seed` for a reproducible split).

    Args:
        dataset: A NumPy array, a list/tuple of arrays of equal length, or a torch `Dataset`.
        left_size: Count (int) or fraction (float in (0, 1)) of samples for the left part.
        right_size: Count or fraction for the right part; the complement of `left_size` when `None`.
        shuffle: Whether to shuffle with a generator seeded by `seed`.
        seed: Seed for the shuffle.
        preferred_backend: Only `None` or `"torch"` (kerasbridge has no TensorFlow path).

    Returns:
        `(left, right)`, two `torch.utils.data.Subset`s.
    """
    import torch
    from torch.utils.data import Dataset, TensorDataset, random_split

    if preferred_backend not in (None, "torch"):
        raise ValueError(f"kerasbridge splits datasets with torch only. Received: preferred_backend={preferred_backend}")
    if isinstance(dataset, np.ndarray):
        dataset = TensorDataset(torch.from_numpy(dataset))
    elif isinstance(dataset, (list, tuple)):
        dataset = TensorDataset(*(torch.from_numpy(np.asarray(x)) for x in dataset))
    elif not isinstance(dataset, Dataset):
        raise TypeError("The `dataset` argument must be a `torch.utils.data.Dataset` object, or a list/tuple of "
                        f"arrays. Received: dataset={dataset} of type {type(dataset)}")
    left, right = split_sizes(left_size, right_size, len(dataset))
    generator = None
    if shuffle:
        generator = torch.Generator()
        if seed is not None:
            generator.manual_seed(seed)
        else:
            generator.seed()
    return tuple(random_split(dataset, [left, right], generator=generator))

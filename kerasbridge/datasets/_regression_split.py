"""The shuffled train/test split the Boston and California housing loaders share."""

from __future__ import annotations

import numpy as np


def check_test_split(test_split) -> None:
    """Raise `ValueError` unless `0 <= test_split < 1`."""
    if not 0 <= test_split < 1:
        raise ValueError(
            f"Invalid `test_split` argument: {test_split}. It must be between 0 and 1 (exclusive of 1)."
        )


def shuffled_train_test_split(x, y, test_split, seed):
    """`(x_train, y_train), (x_test, y_test)`: rows shuffled by `np.random.RandomState(seed)`, the last
    `test_split` fraction (rounded so the train part is `int(len(x) * (1 - test_split))`) held out."""
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    boundary = int(len(x) * (1 - test_split))
    return (np.array(x[:boundary]), np.array(y[:boundary])), (np.array(x[boundary:]), np.array(y[boundary:]))

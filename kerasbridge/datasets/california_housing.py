"""`keras.datasets.california_housing`: the California housing price regression data (20,640 rows, 8 features)."""

from __future__ import annotations

import numpy as np

from kerasbridge.datasets._fetch import TF_KERAS_DATASETS, fetch_dataset_file
from kerasbridge.datasets._regression_split import check_test_split, shuffled_train_test_split

_ORIGIN = f"{TF_KERAS_DATASETS}california_housing.npz"
_FILE_HASH = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
_SMALL_VERSION_ROWS = 600


def load_data(version="large", path="california_housing.npz", test_split=0.2, seed=113):
    """Load the California housing data: 8 attributes of census block groups and their median house value.

    The `.npz` file is fetched with `kerasbridge.utils.get_file` into `~/.keras/datasets` on first use.

    Args:
        version: `"large"` (every row) or `"small"` (the first 600 rows).
        path: The file name in the cache (relative to `~/.keras/datasets`).
        test_split: Fraction of the (shuffled) rows held out for testing, in `[0, 1)`.
        seed: Seed of the shuffle.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float arrays of shape `(n, 8)` and `(n,)`.

    Raises:
        ValueError: When `test_split` is outside `[0, 1)` or `version` is neither `"large"` nor `"small"`.
    """
    check_test_split(test_split)
    with np.load(fetch_dataset_file(path, _ORIGIN, file_hash=_FILE_HASH), allow_pickle=False) as arrays:
        x, y = arrays["x"], arrays["y"]
    if version == "small":
        x, y = x[:_SMALL_VERSION_ROWS], y[:_SMALL_VERSION_ROWS]
    elif version != "large":
        raise ValueError(f"Argument `version` must be one of 'small', 'large'. Received: version={version}")
    return shuffled_train_test_split(x, y, test_split, seed)

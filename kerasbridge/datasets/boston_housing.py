"""`keras.datasets.boston_housing`: the Boston housing price regression data (506 rows, 13 features)."""

from __future__ import annotations

import numpy as np

from kerasbridge.datasets._fetch import TF_KERAS_DATASETS, fetch_dataset_file
from kerasbridge.datasets._regression_split import check_test_split, shuffled_train_test_split

_ORIGIN = f"{TF_KERAS_DATASETS}boston_housing.npz"
_FILE_HASH = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"


def load_data(path="boston_housing.npz", test_split=0.2, seed=113):
    """Load the Boston housing data: 13 attributes of houses and their median value (k$).

    The `.npz` file is fetched with `kerasbridge.utils.get_file` into `~/.keras/datasets` on first use.

    Args:
        path: The file name in the cache (relative to `~/.keras/datasets`).
        test_split: Fraction of the (shuffled) rows held out for testing, in `[0, 1)`.
        seed: Seed of the shuffle.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: float arrays of shape `(n, 13)` and `(n,)`.

    Raises:
        ValueError: When `test_split` is outside `[0, 1)`.
    """
    check_test_split(test_split)
    with np.load(fetch_dataset_file(path, _ORIGIN, file_hash=_FILE_HASH), allow_pickle=False) as arrays:
        x, y = arrays["x"], arrays["y"]
    return shuffled_train_test_split(x, y, test_split, seed)

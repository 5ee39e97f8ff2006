"""`keras.datasets.mnist`: the MNIST handwritten digits."""

from __future__ import annotations

import numpy as np

from kerasbridge.datasets._fetch import TF_KERAS_DATASETS, fetch_dataset_file

_ORIGIN = f"{TF_KERAS_DATASETS}mnist.npz"
_FILE_HASH = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"


def load_data(path="mnist.npz"):
    """Load MNIST: 60,000 training and 10,000 test grayscale 28x28 images of the digits 0-9.

    The file is fetched with `kerasbridge.utils.get_file` into `~/.keras/datasets` (or
    `$KERAS_HOME/datasets`) on first use; offline, place `mnist.npz` there by hand.

    Args:
        path: The file name in the cache (relative to `~/.keras/datasets`).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 28, 28)` (values 0-255) and
        uint8 labels of shape `(n,)`.
    """
    local_path = fetch_dataset_file(path, _ORIGIN, file_hash=_FILE_HASH)
    with np.load(local_path, allow_pickle=False) as arrays:
        return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])

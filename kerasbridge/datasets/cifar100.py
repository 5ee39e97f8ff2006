"""`keras.datasets.cifar100`: 32x32 colour images in 100 fine (20 coarse) classes."""

from __future__ import annotations

import os

import numpy as np

from kerasbridge.backend import image_data_format
from kerasbridge.datasets._cifar_batches import load_cifar_batch
from kerasbridge.datasets._fetch import fetch_dataset_file

_DIRNAME = "cifar-100-python-target"
_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-100-python.tar.gz"
_FILE_HASH = "85cd44d02ba6437773c5bbd22e183051d648de2e7d6b014e1ef29b855ba677a7"


def load_data(label_mode="fine"):
    """Load CIFAR-100: 50,000 training and 10,000 test 32x32 colour images in 100 classes.

    The archive is fetched with `kerasbridge.utils.get_file` into `~/.keras/datasets` (stored as
    `cifar-100-python-target_archive`, extracted next to it) on first use. Its `train` and `test` files
    are Python pickles: kerasbridge unpickles them (as Keras does, with `encoding="bytes"`) through an
    unpickler that only admits numpy array reconstruction, and unpickles nothing else.

    Args:
        label_mode: `"fine"` (100 classes) or `"coarse"` (20 superclasses).

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 32, 32, 3)` (`(n, 3, 32, 32)`
        when `image_data_format()` is `"channels_first"`) and integer labels of shape `(n, 1)`.
    """
    if label_mode not in ["fine", "coarse"]:
        raise ValueError(f'`label_mode` must be one of `"fine"`, `"coarse"`. Received: label_mode={label_mode}.')
    folder = os.path.join(fetch_dataset_file(_DIRNAME, _ORIGIN, file_hash=_FILE_HASH, extract=True),
                          "cifar-100-python")
    x_train, y_train = load_cifar_batch(os.path.join(folder, "train"), label_key=f"{label_mode}_labels")
    x_test, y_test = load_cifar_batch(os.path.join(folder, "test"), label_key=f"{label_mode}_labels")
    y_train = np.reshape(y_train, (len(y_train), 1))
    y_test = np.reshape(y_test, (len(y_test), 1))
    if image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test, y_test)

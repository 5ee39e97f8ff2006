"""`keras.datasets.cifar10`: 32x32 colour images in 10 classes."""

from __future__ import annotations

import os

import numpy as np

from kerasbridge.backend import image_data_format
from kerasbridge.datasets._cifar_batches import load_cifar_batch
from kerasbridge.datasets._fetch import fetch_dataset_file

_DIRNAME = "cifar-10-batches-py-target"
_ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
_FILE_HASH = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
_TRAIN_BATCHES = 5


def load_data():
    """Load CIFAR-10: 50,000 training and 10,000 test 32x32 colour images in 10 classes.

    The archive is fetched with `kerasbridge.utils.get_file` into `~/.keras/datasets` (stored as
    `cifar-10-batches-py-target_archive`, extracted next to it) on first use. Its batches are Python
    pickles: kerasbridge unpickles them (as Keras does, with `encoding="bytes"`) through an unpickler
    that only admits numpy array reconstruction, and unpickles nothing else.

    Classes: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 32, 32, 3)` (`(n, 3, 32, 32)`
        when `image_data_format()` is `"channels_first"`) and uint8 labels of shape `(n, 1)`.
    """
    folder = os.path.join(fetch_dataset_file(_DIRNAME, _ORIGIN, file_hash=_FILE_HASH, extract=True),
                          "cifar-10-batches-py")
    train = [load_cifar_batch(os.path.join(folder, f"data_batch_{i}")) for i in range(1, _TRAIN_BATCHES + 1)]
    x_train = np.concatenate([images for images, _ in train]).astype("uint8", copy=False)
    y_train = np.concatenate([np.asarray(labels) for _, labels in train]).astype("uint8")
    x_test, y_test = load_cifar_batch(os.path.join(folder, "test_batch"))
    y_train = y_train.reshape(len(y_train), 1)
    y_test = np.reshape(y_test, (len(y_test), 1))
    if image_data_format() == "channels_last":
        x_train = x_train.transpose(0, 2, 3, 1)
        x_test = x_test.transpose(0, 2, 3, 1)
    return (x_train, y_train), (x_test.astype(x_train.dtype), y_test.astype(y_train.dtype))

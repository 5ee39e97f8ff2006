"""`keras.datasets.fashion_mnist`: Zalando's Fashion-MNIST clothing images."""

from __future__ import annotations

import gzip
import os

import numpy as np

from kerasbridge.datasets._fetch import TF_KERAS_DATASETS, fetch_dataset_file

_CACHE_SUBDIR = os.path.join("datasets", "fashion-mnist")
_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


def _read_idx(path, header_bytes):
    with gzip.open(path, "rb") as stream:
        return np.frombuffer(stream.read(), np.uint8, offset=header_bytes)


def load_data():
    """Load Fashion-MNIST: 60,000 training and 10,000 test grayscale 28x28 images of 10 kinds of clothing.

    The four gzipped IDX files are fetched with `kerasbridge.utils.get_file` into
    `~/.keras/datasets/fashion-mnist` on first use; offline, place them there by hand.

    Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag,
    9 Ankle boot.

    Returns:
        `(x_train, y_train), (x_test, y_test)`: uint8 images of shape `(n, 28, 28)` and uint8 labels of
        shape `(n,)`.
    """
    train_labels, train_images, test_labels, test_images = (
        fetch_dataset_file(name, TF_KERAS_DATASETS + name, cache_subdir=_CACHE_SUBDIR) for name in _FILES
    )
    y_train = _read_idx(train_labels, header_bytes=8)
    x_train = _read_idx(train_images, header_bytes=16).reshape(len(y_train), 28, 28)
    y_test = _read_idx(test_labels, header_bytes=8)
    x_test = _read_idx(test_images, header_bytes=16).reshape(len(y_test), 28, 28)
    return (x_train, y_train), (x_test, y_test)

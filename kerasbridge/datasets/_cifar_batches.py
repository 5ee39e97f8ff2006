"""Reading one batch file of the CIFAR-10 / CIFAR-100 "python version" archives."""

from __future__ import annotations

from kerasbridge.datasets._restricted_pickle import load_pickled_dataset_file


def load_cifar_batch(path, label_key="labels"):
    """`(images, labels)` of a CIFAR batch: images `(n, 3, 32, 32)` uint8, labels the batch's list.

    The batch is a Python pickle of a dict with byte-string keys; it is read with
    `pickle`'s `encoding="bytes"` through an unpickler that admits only numpy array reconstruction.
    """
    batch = {key.decode("utf8"): value for key, value in load_pickled_dataset_file(path, encoding="bytes").items()}
    images = batch["data"]
    return images.reshape(images.shape[0], 3, 32, 32), batch[label_key]

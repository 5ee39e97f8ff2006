"""Small stand-ins for the Keras dataset files, written in the exact formats the loaders parse.

Each `write_*` function puts its file(s) where `get_file` looks for them under `<home>/datasets` and
returns the arrays it wrote, so tests can check the loaders against what is really on disk.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import pickle
import struct
import tarfile

import numpy as np


def sha256(path) -> str:
    with open(path, "rb") as stream:
        return hashlib.sha256(stream.read()).hexdigest()


def _datasets_dir(home, subdir="datasets"):
    folder = os.path.join(home, subdir)
    os.makedirs(folder, exist_ok=True)
    return folder


def write_mnist(home, rng, n_train=7, n_test=5):
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    path = os.path.join(_datasets_dir(home), "mnist.npz")
    np.savez(path, **arrays)
    return path, arrays


def _idx_gz(path, array):
    magic = 0x0801 if array.ndim == 1 else 0x0803
    header = struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in array.shape)
    with gzip.open(path, "wb") as stream:
        stream.write(header + array.tobytes())


def write_fashion_mnist(home, rng, n_train=6, n_test=4):
    folder = _datasets_dir(home, os.path.join("datasets", "fashion-mnist"))
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, n_train, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, n_test, dtype=np.uint8),
    }
    _idx_gz(os.path.join(folder, "train-labels-idx1-ubyte.gz"), arrays["y_train"])
    _idx_gz(os.path.join(folder, "train-images-idx3-ubyte.gz"), arrays["x_train"])
    _idx_gz(os.path.join(folder, "t10k-labels-idx1-ubyte.gz"), arrays["y_test"])
    _idx_gz(os.path.join(folder, "t10k-images-idx3-ubyte.gz"), arrays["x_test"])
    return folder, arrays


def _pixels(rng, n):
    # A cheap, well-compressing pattern with a random stripe, so large fake batches stay fast to build.
    data = np.broadcast_to((np.arange(3072) % 251).astype(np.uint8), (n, 3072)).copy()
    data[:, :16] = rng.integers(0, 256, (n, 16), dtype=np.uint8)
    return data


def _add_pickle(tar, name, payload):
    blob = pickle.dumps(payload, protocol=3)  # protocol 2 from Python 3 would need `_codecs`
    info = tarfile.TarInfo(name)
    info.size = len(blob)
    tar.addfile(info, io.BytesIO(blob))


def write_cifar10(home, rng, per_batch=3, n_test=4):
    path = os.path.join(_datasets_dir(home), "cifar-10-batches-py-target_archive")
    batches = []
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, n in [(f"data_batch_{i}", per_batch) for i in range(1, 6)] + [("test_batch", n_test)]:
            batch = {b"batch_label": name.encode(), b"labels": [int(v) for v in rng.integers(0, 10, n)],
                     b"data": _pixels(rng, n), b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
            _add_pickle(tar, f"cifar-10-batches-py/{name}", batch)
            batches.append(batch)
    return path, batches


def write_cifar100(home, rng, n_train=5, n_test=3):
    path = os.path.join(_datasets_dir(home), "cifar-100-python-target_archive")
    parts = {}
    with tarfile.open(path, "w:gz", compresslevel=1) as tar:
        for name, n in (("train", n_train), ("test", n_test)):
            part = {b"batch_label": name.encode(), b"fine_labels": [int(v) for v in rng.integers(0, 100, n)],
                    b"coarse_labels": [int(v) for v in rng.integers(0, 20, n)], b"data": _pixels(rng, n),
                    b"filenames": [f"img_{i}.png".encode() for i in range(n)]}
            _add_pickle(tar, f"cifar-100-python/{name}", part)
            parts[name] = part
    return path, parts


def _ragged(rng, n, vocabulary, max_length):
    sequences = np.empty(n, dtype=object)
    for i in range(n):
        sequences[i] = [int(w) for w in rng.integers(1, vocabulary, rng.integers(1, max_length + 1))]
    return sequences


def write_imdb(home, rng, n_train=12, n_test=10, vocabulary=40, max_length=9):
    arrays = {
        "x_train": _ragged(rng, n_train, vocabulary, max_length),
        "y_train": rng.integers(0, 2, n_train),
        "x_test": _ragged(rng, n_test, vocabulary, max_length),
        "y_test": rng.integers(0, 2, n_test),
    }
    path = os.path.join(_datasets_dir(home), "imdb.npz")
    np.savez(path, **arrays)
    return path, arrays


def write_reuters(home, rng, n=25, vocabulary=50, max_length=9):
    arrays = {"x": _ragged(rng, n, vocabulary, max_length), "y": rng.integers(0, 46, n)}
    path = os.path.join(_datasets_dir(home), "reuters.npz")
    np.savez(path, **arrays)
    return path, arrays


def write_word_index(home, fname, words=("the", "and", "a", "of", "movie")):
    index = {word: i + 1 for i, word in enumerate(words)}
    path = os.path.join(_datasets_dir(home), fname)
    with open(path, "w") as stream:
        json.dump(index, stream)
    return path, index


def write_regression(home, rng, fname, n, features, dtype):
    arrays = {"x": rng.normal(size=(n, features)).astype(dtype), "y": rng.normal(size=n).astype(dtype)}
    path = os.path.join(_datasets_dir(home), fname)
    np.savez(path, **arrays)
    return path, arrays

"""`text_dataset_from_directory`: labelled batches of `.txt` files read from class subdirectories."""

from __future__ import annotations

import functools

import numpy as np

from kerasbridge.utils.dataset_from_directory_dataset import DirectoryDataset
from kerasbridge.utils.dataset_from_directory_index import check_labels_args, prepare_paths


def read_text(path, max_length=None) -> str:
    """The text of a file, cut to its first `max_length` characters when given."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    return text if max_length is None else text[:max_length]


def _string_batch(texts) -> np.ndarray:
    batch = np.empty(len(texts), dtype=object)
    batch[:] = texts
    return batch


def text_dataset_from_directory(
    directory,
    labels="inferred",
    label_mode="int",
    class_names=None,
    batch_size=32,
    max_length=None,
    shuffle=True,
    seed=None,
    validation_split=None,
    subset=None,
    follow_links=False,
    format="tf",
    verbose=True,
):
    """Batches of texts (and labels) from a directory with one subdirectory of `.txt` files per class.

    Files are listed, labelled, shuffled and split exactly as Keras does. Instead of a
    `tf.data.Dataset`, the result is a `DirectoryDataset` (a `PyDataset`) whose batches hold the
    texts as a numpy array of Python strings (as Keras's `format="grain"` gives them), which
    `TextVectorization` and `model.fit` accept.

    Args:
        directory: Root directory; with `labels="inferred"` each subdirectory holds one class.
        labels: `"inferred"`, `None`, or a list of integer labels, one per file in sorted walk order.
        label_mode: `"int"`, `"categorical"` (one-hot), `"binary"` (float `(batch, 1)`) or `None`.
        class_names: Subdirectories to use, in this order (only with `labels="inferred"`).
        batch_size: Texts per batch; `None` yields single texts. Defaults to 32.
        max_length: Keep at most this many characters of each text.
        shuffle: Whether to shuffle the files (and reshuffle every epoch).
        seed: Seed of the shuffles; required with `validation_split` and `shuffle`.
        validation_split: Fraction of the files kept for validation.
        subset: `"training"`, `"validation"` or `"both"` (returns a pair of datasets).
        follow_links: Whether to follow symbolic links.
        format: `"tf"` or `"grain"` (both give a `DirectoryDataset` here).
        verbose: Whether to print the number of files and classes found.

    Returns:
        A `DirectoryDataset` with `class_names` and `file_paths`, or a `[training, validation]`
        pair with `subset="both"`.
    """
    check_labels_args(labels, label_mode, class_names, "text")
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` should be either "tf" or "grain". Received: format={format}')
    seed, class_names, parts = prepare_paths(
        directory, labels, label_mode, class_names, (".txt",), shuffle, seed, validation_split, subset,
        follow_links, verbose,
    )
    load = functools.partial(read_text, max_length=max_length)
    datasets = []
    for name, paths, encoded in parts:
        if not paths:
            which = f"{name} " if subset == "both" else ""
            raise ValueError(f"No {which}text files found in directory {directory}. Allowed format: .txt")
        datasets.append(DirectoryDataset(
            paths, encoded, load, _string_batch, batch_size, class_names,
            shuffle=shuffle and not (subset == "both" and name == "validation"), seed=seed,
        ))
    return datasets if subset == "both" else datasets[0]

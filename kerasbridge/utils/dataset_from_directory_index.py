"""Listing, labelling, shuffling and splitting the files behind the `*_dataset_from_directory` utilities.

The file order, the labels and the training/validation split are the ones Keras computes: classes are
the sorted subdirectory names, files are walked in sorted order, and the global shuffle is
`numpy.random.RandomState(seed).shuffle`, applied to the paths and, with a fresh generator of the same
seed, to the labels.
"""

from __future__ import annotations

import os

import numpy as np

from kerasbridge.utils.io_utils import print_msg


def check_validation_split_arg(validation_split, subset, shuffle, seed) -> None:
    """Raises `ValueError` for inconsistent `validation_split` / `subset` / `seed` arguments."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError(
            "If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make sure "
            "that there is no overlap between the training and validation subset."
        )


def check_labels_args(labels, label_mode, class_names, kind: str) -> None:
    """Validates `labels`, `label_mode` and `class_names` of a `*_dataset_from_directory` call."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError(
                f"`labels` argument should be a list/tuple of integer labels, of the same size as the number of "
                f"{kind} files in the target directory. If you wish to infer the labels from the subdirectory names "
                'in the target directory, pass `labels="inferred"`. If you wish to get a dataset that only contains '
                f"{kind} samples (no labels), pass `labels=None`. Received: labels={labels}"
            )
        if class_names:
            raise ValueError(
                f'You can only pass `class_names` if `labels="inferred"`. Received: labels={labels}, and '
                f"class_names={class_names}"
            )
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError(
            f'`label_mode` argument must be one of "int", "categorical", "binary", or None. '
            f"Received: label_mode={label_mode}"
        )


def _valid_files(directory: str, follow_links: bool, formats: tuple):
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield root, name


def _index_subdirectory(directory: str, follow_links: bool, formats: tuple) -> list[str]:
    """Paths of the matching files under `directory`, relative to its parent (`class/sub/file.png`)."""
    dirname = os.path.basename(directory)
    return [
        os.path.join(dirname, os.path.relpath(os.path.join(root, name), directory))
        for root, name in _valid_files(directory, follow_links, formats)
    ]


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None, follow_links=False,
                    verbose=True):
    """Lists the files of `directory` with their labels, in Keras's order.

    Args:
        directory: The root directory. With `labels="inferred"`, each subdirectory is a class.
        labels: `"inferred"`, `None` (no labels) or a list of one integer label per file
            (in the sorted walk order of the files).
        formats: Allowed file extensions (lower case, with the dot).
        class_names: With `labels="inferred"`, the subdirectories to use, in this order.
        shuffle: Whether to shuffle the files (`numpy.random.RandomState(seed)`).
        seed: Shuffling seed; a random one when `None`.
        follow_links: Whether to follow symbolic links to subdirectories.
        verbose: Whether to print how many files and classes were found.

    Returns:
        `(file_paths, labels, class_names)`: the paths, the integer labels (an int32 array, the
        given list, or `None`) and the class names (`None` without labels).
    """
    if labels == "inferred":
        subdirs = [
            name.rstrip("/") for name in sorted(os.listdir(directory))
            if os.path.isdir(os.path.join(directory, name)) and not name.startswith(".")
        ]
        if class_names is not None:
            if not set(class_names).issubset(set(subdirs)):
                raise ValueError(
                    "The `class_names` passed did not match the names of the subdirectories of the target directory. "
                    f"Expected: {subdirs} (or a subset of it), but received: class_names={class_names}"
                )
            subdirs = class_names
    else:
        subdirs = [""]
        if class_names is not None:
            if labels is None:
                raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be specified.")
            raise ValueError(
                "When argument `labels` is specified, argument `class_names` cannot be specified (the `class_names` "
                "will be the sorted list of labels)."
            )
    class_names = list(subdirs)
    filenames, inferred = [], []
    for index, subdir in enumerate(subdirs):
        found = _index_subdirectory(os.path.join(directory, subdir), follow_links, formats)
        filenames += found
        inferred += [index] * len(found)
    if labels == "inferred":
        labels = np.asarray(inferred, dtype="int32")
    elif labels is None:
        class_names = None
    else:
        if len(labels) != len(filenames):
            raise ValueError(
                f"Expected the lengths of `labels` to match the number of files in the target directory. "
                f"len(labels) is {len(labels)} while we found {len(filenames)} files in directory {directory}."
            )
        class_names = [str(label) for label in sorted(set(labels))]
    if verbose:
        if labels is None:
            print_msg(f"Found {len(filenames)} files.")
        else:
            print_msg(f"Found {len(filenames)} files belonging to {len(class_names)} classes.")
    file_paths = [os.path.join(directory, name) for name in filenames]
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(file_paths)
        if labels is not None:
            if not isinstance(labels, np.ndarray):
                labels = list(labels)
            np.random.RandomState(seed).shuffle(labels)
    return file_paths, labels, class_names


def training_or_validation_split(samples, labels, validation_split, subset):
    """The training (first) or validation (last `validation_split` fraction) part of `samples` and `labels`."""
    if not validation_split:
        return samples, labels
    num_val_samples = int(validation_split * len(samples))
    if subset == "training":
        print_msg(f"Using {len(samples) - num_val_samples} files for training.")
        samples = samples[:-num_val_samples]
        labels = None if labels is None else labels[:-num_val_samples]
    elif subset == "validation":
        print_msg(f"Using {num_val_samples} files for validation.")
        samples = samples[-num_val_samples:]
        labels = None if labels is None else labels[-num_val_samples:]
    else:
        raise ValueError(f'`subset` must be either "training" or "validation", received: {subset}')
    return samples, labels


def encode_labels(labels, label_mode, num_classes) -> np.ndarray | None:
    """Integer labels as Keras hands them out: int32 (`"int"`), one-hot float32 or `(n, 1)` float32 (`"binary"`)."""
    if not label_mode or labels is None:
        return None
    labels = np.asarray(labels)
    if label_mode == "binary":
        return labels.astype("float32").reshape(-1, 1)
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels.astype("int64")]
    return labels.astype("int32")


def prepare_paths(directory, labels, label_mode, class_names, formats, shuffle, seed, validation_split, subset,
                  follow_links, verbose):
    """Index, split and encode: `(seed, class_names, [(paths, encoded_labels), ...])` for one subset or "both"."""
    check_validation_split_arg(validation_split, subset, shuffle, seed)
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    if seed is None:
        seed = np.random.randint(1e6)
    paths, labels, class_names = index_directory(
        directory, labels, formats=formats, class_names=class_names, shuffle=shuffle, seed=seed,
        follow_links=follow_links, verbose=verbose,
    )
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(
            f'When passing `label_mode="binary"`, there must be exactly 2 class_names. Received: class_names={class_names}'
        )
    num_classes = len(class_names) if class_names else 0
    subsets = ["training", "validation"] if subset == "both" else [subset]
    parts = []
    for name in subsets:
        part_paths, part_labels = training_or_validation_split(paths, labels, validation_split, name)
        parts.append((name, part_paths, encode_labels(part_labels, label_mode, num_classes)))
    return seed, class_names, parts

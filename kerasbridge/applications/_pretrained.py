"""Fetching and loading model-zoo weights: Keras's download cache and its legacy (Keras 2) HDF5 files.

The ImageNet weights that Keras publishes for its applications are legacy HDF5 files
(`layer_names` / `weight_names` attributes, matched to the model's layers in order). This module
reads them without Keras; any other file goes to `Model.load_weights`.
"""

from __future__ import annotations

import os

import numpy as np


def fetch_file(fname, origin, file_hash=None, what="the pretrained weights"):
    """Returns the cached copy of `origin`, downloading it into the Keras cache (`models/`) if needed.

    Args:
        fname: File name in the cache.
        origin: The URL Keras downloads it from.
        file_hash: Expected md5/sha256 digest, or `None`.
        what: Human description of the file, for the error message.

    Returns:
        The local path.

    Raises:
        RuntimeError: If the file is not cached and cannot be downloaded (e.g. offline).
    """
    from kerasbridge.utils.file_utils import get_file, keras_home

    try:
        return get_file(fname, origin, cache_subdir="models", file_hash=file_hash)
    except Exception as error:  # urllib errors, hash mismatches, no network
        cache = os.path.join(keras_home(), "models", fname)
        raise RuntimeError(
            f"Could not obtain {what}: '{fname}' is not in the Keras cache ({cache}) and downloading it from "
            f"{origin} failed ({error}). If this machine is offline, download the file elsewhere and copy it to "
            f"{cache}, or pass `weights=None` (random initialization) or `weights=<path to a weights file>`."
        ) from error


def is_legacy_h5_weights(path) -> bool:
    """Whether `path` is a Keras 2 HDF5 weights file (a `layer_names` attribute at its root or in `model_weights`)."""
    path = os.fspath(path)
    if not path.endswith(".h5") or path.endswith(".weights.h5"):
        return False
    import h5py

    with h5py.File(path, "r") as f:
        return "layer_names" in f.attrs or ("model_weights" in f and "layer_names" in f["model_weights"].attrs)


def load_model_weights(model, path) -> None:
    """Loads `path` into `model`: legacy Keras 2 `.h5` files by layer order, anything else by `load_weights`.

    Args:
        model: A built Functional model.
        path: `.h5` (legacy), `.weights.h5`, `.safetensors` or `.keras` file.
    """
    if is_legacy_h5_weights(path):
        load_legacy_h5_weights(model, path)
    else:
        model.load_weights(path)


def _string_list_attribute(group, name):
    """An attribute holding a list of strings, possibly split into `name0`, `name1`, ... chunks."""
    if name in group.attrs:
        values = list(group.attrs[name])
    else:
        values, chunk = [], 0
        while f"{name}{chunk}" in group.attrs:
            values.extend(group.attrs[f"{name}{chunk}"])
            chunk += 1
    return [v.decode("utf8") if hasattr(v, "decode") else str(v) for v in values]


def load_legacy_h5_weights(model, path) -> None:
    """Loads a Keras 2 HDF5 weights file into `model`, matching the layers that own weights in order.

    Each saved layer lists its arrays in `weight_names`; they are assigned to the model layer's
    trainable weights followed by its non-trainable weights (Keras's legacy order).

    Args:
        model: A built model.
        path: The `.h5` file.

    Raises:
        ValueError: If the file's layers or weight shapes do not match the model.
    """
    import h5py

    with h5py.File(os.fspath(path), "r") as f:
        group = f["model_weights"] if "layer_names" not in f.attrs and "model_weights" in f else f
        saved = []
        for layer_name in _string_list_attribute(group, "layer_names"):
            layer_group = group[layer_name]
            weight_names = _string_list_attribute(layer_group, "weight_names")
            if weight_names:
                saved.append((layer_name, [np.asarray(layer_group[w]) for w in weight_names]))
    owners = [layer for layer in model.layers if layer.trainable_weights + layer.non_trainable_weights]
    if len(saved) != len(owners):
        raise ValueError(
            "Layer count mismatch when loading weights from file. "
            f"Model expected {len(owners)} layers, found {len(saved)} saved layers."
        )
    assignments = []
    for index, (layer, (saved_name, values)) in enumerate(zip(owners, saved)):
        variables = layer.trainable_weights + layer.non_trainable_weights
        if len(values) != len(variables):
            raise ValueError(
                f"Weight count mismatch for layer #{index} (named {layer.name} in the current model, {saved_name} "
                f"in the save file). Layer expects {len(variables)} weight(s). Received {len(values)} saved "
                "weight(s)"
            )
        for variable, value in zip(variables, values):
            if tuple(variable.shape) != tuple(value.shape):
                raise ValueError(
                    f"Shape mismatch in layer #{index} (named {layer.name}) for weight {variable.path}. Weight "
                    f"expects shape {tuple(variable.shape)}. Received saved weight with shape {tuple(value.shape)}"
                )
            assignments.append((variable, value))
    for variable, value in assignments:
        variable.assign(value)

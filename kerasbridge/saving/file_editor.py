"""`KerasFileEditor`: inspect and edit the weights of a `.keras` or `.weights.h5` file without building the model."""

from __future__ import annotations

import collections
import io
import json
import math
import os
import pprint
import zipfile

import numpy as np

from kerasbridge.utils.summary_utils import bold_text, highlight_symbol

# Datasets larger than this are refused, as Keras does, so a crafted file cannot exhaust memory.
_MAX_DATASET_BYTES = 1 << 32
_MAX_RANK = 64


class _SpecStore:
    """A write-only weights store that records each variable's shape and dtype in a nested dict."""

    def __init__(self):
        self.spec: dict = {}
        self._path = ""

    def make(self, path: str, metadata=None):
        self._path = path
        return self

    def __setitem__(self, key, value) -> None:
        from kerasbridge.saving.h5_store import _to_numpy

        node = self.spec
        for part in [p for p in self._path.split("/") if p]:
            node = node.setdefault(part, {})
        node[key] = _to_numpy(value)


class KerasFileEditor:
    """Opens a saved model's weights for inspection and surgery (rename, delete, add), then saves them.

    The weights are read into a nested dict `weights_dict` (`{"layers": {"dense": {"0": array, ...}}}`)
    following the file's layout, with each object's `vars` group folded into the object. Edits apply
    to that dict, and `save()` writes it as a new `.weights.h5` file that `model.load_weights` reads.
    Opening the file prints its path (and, for `.keras` archives, the Keras version and date).

    Args:
        filepath: Path of a `.keras` archive or a `.weights.h5` file.

    Example:

    ```python
    editor = keras.saving.KerasFileEditor("model.keras")
    editor.summary()
    editor.rename_object("dense_3", "dense_4")
    editor.delete_weight("dense_4", "1")
    editor.save("edited.weights.h5")
    ```
    """

    def __init__(self, filepath):
        self.filepath = filepath
        self.metadata = None
        self.config = None
        self.model = None
        import rich.console

        self.console = rich.console.Console(highlight=False)
        path = os.fspath(filepath)
        if path.endswith(".keras"):
            from kerasbridge.saving.h5_store import H5IOStore
            from kerasbridge.saving.saving_lib import (
                CONFIG_FILENAME,
                METADATA_FILENAME,
                VARS_FILENAME_H5,
                _read_member,
            )

            with zipfile.ZipFile(path, "r") as archive:
                weights_bytes = _read_member(archive, VARS_FILENAME_H5, path)
                self.config = json.loads(_read_member(archive, CONFIG_FILENAME, path))
                self.metadata = json.loads(_read_member(archive, METADATA_FILENAME, path))
            store = H5IOStore(io.BytesIO(weights_bytes), mode="r", description=f"{path}/{VARS_FILENAME_H5}")
        elif path.endswith(".weights.h5"):
            from kerasbridge.saving.h5_store import H5IOStore

            store = H5IOStore(path, mode="r")
        else:
            raise ValueError(
                f"Invalid filename: expected a `.keras` `.weights.h5` extension. Received: filepath={filepath}"
            )
        try:
            self.weights_dict, self.object_metadata = self._read_group(store, store.h5_file, {}, "")
        finally:
            store.close()
        self.console.print(self._generate_filepath_info(rich_style=True))
        if self.metadata is not None:
            self.console.print(self._generate_metadata_info(rich_style=True))

    # -- reading ---------------------------------------------------------------------------------------
    def _read_group(self, store, group, metadata: dict, inner_path: str):
        """`(weights, metadata)` of an HDF5 group: subgroups become dicts (their `vars` folded in), datasets arrays."""
        import h5py

        if group.attrs:
            metadata[inner_path] = dict(group.attrs.items())
        result = collections.OrderedDict()
        for key in group.keys():
            child_path = f"{inner_path}/{key}"
            value = store._child(group, key)
            if isinstance(value, h5py.Group):
                if len(value) == 0:
                    continue
                if "vars" in value.keys():
                    value = store._child(value, "vars")
                    if not isinstance(value, h5py.Group) or len(value) == 0:
                        continue
                result[key], metadata = self._read_group(store, value, metadata, child_path)
                continue
            if not isinstance(value, h5py.Dataset):
                continue
            dataset = store._safe_dataset(group, key)
            shape = dataset.shape or ()
            if any(dim < 0 for dim in shape) or len(shape) > _MAX_RANK:
                raise ValueError(f"Malformed HDF5 dataset shape {shape} at {child_path} in '{self.filepath}'.")
            size = math.prod(shape) * dataset.dtype.itemsize
            if size > _MAX_DATASET_BYTES:
                raise ValueError(
                    f"HDF5 dataset too large to load safely ({size} bytes; limit is {_MAX_DATASET_BYTES})."
                )
            result[key] = dataset[()]
        return result, metadata

    # -- printing --------------------------------------------------------------------------------------
    def summary(self):
        """Prints the tree of objects and weights (name, shape, dtype) held by the file."""
        self.weights_summary()

    def weights_summary(self):
        """Prints the tree of objects and weights (name, shape, dtype) held by the file."""
        self.console.print("Weights structure")
        self._print_weights_structure(self.weights_dict, prefix="  ")

    def _print_weights_structure(self, weights_dict, is_first=True, prefix=""):
        for index, (key, value) in enumerate(weights_dict.items()):
            is_last = index == len(weights_dict) - 1
            if is_first:
                is_first, connector = False, "> "
            else:
                connector = "└─ " if is_last else "├─ "
            if isinstance(value, dict):
                self.console.print(f"{prefix}{connector}{bold_text(key)}")
                self._print_weights_structure(value, is_first=is_first,
                                              prefix=prefix + ("    " if is_last else "│   "))
            elif hasattr(value, "shape"):
                self.console.print(f"{prefix}{connector}{bold_text(key)}: shape={value.shape}, dtype={value.dtype}")
            else:
                self.console.print(f"{prefix}{connector}{key}: {value}")

    def _generate_filepath_info(self, rich_style=False):
        filepath = f"'{self.filepath}'"
        return f"Keras model file {highlight_symbol(filepath) if rich_style else filepath}"

    def _generate_config_info(self, rich_style=False):
        return pprint.pformat(self.config)

    def _generate_metadata_info(self, rich_style=False):
        version, date = self.metadata["keras_version"], self.metadata["date_saved"]
        if rich_style:
            version, date = highlight_symbol(version), highlight_symbol(date)
        return f"Saved with Keras {version} - date: {date}"

    # -- comparing -------------------------------------------------------------------------------------
    def compare(self, reference_model):
        """Checks that the file's weights fit `reference_model`: same objects, same weight names and shapes.

        Prints every missing object or weight and every shape mismatch, in both directions.

        Returns:
            `{"status": "success" or "error", "error_count": int, "match_count": int}`.
        """
        from kerasbridge.saving.state_walk import save_state

        self.console.print("Running comparison")
        recorder = _SpecStore()
        save_state(reference_model, recorder)
        checked: set = set()
        errors, matches = self._compare(self.weights_dict, recorder.spec, "", "saved file", "reference model", checked,
                                        0, 0)
        more_errors, _ = self._compare(recorder.spec, self.weights_dict, "", "reference model", "saved file", checked,
                                       0, 0)
        errors += more_errors
        self.console.print("─────────────────────")
        if errors == 0:
            self.console.print(
                "[color(28)][bold]Comparison successful:[/] saved file is compatible with the reference model[/]"
            )
            self.console.print(f"    Found {matches} matching weight{'' if matches == 1 else 's'}")
        else:
            self.console.print(
                f"[color(160)][bold]Found {errors} error{'' if errors == 1 else 's'}:[/] "
                "saved file is not compatible with the reference model[/]"
            )
        return {"status": "success" if errors == 0 else "error", "error_count": errors, "match_count": matches}

    def _compare(self, target, reference, inner_path, target_name, reference_name, checked, errors, matches):
        # A nested call starts from the running counts and its totals are added to them, as in Keras, so the
        # counts reported (and returned) are the same numbers Keras gives.
        for key, value in reference.items():
            path = f"{inner_path}/{key}"
            if path in checked:
                continue
            if key not in target:
                errors += 1
                checked.add(path)
                kind = "Object" if isinstance(value, dict) else "Weight"
                self.console.print(
                    f"[color(160)]...{kind} [bold]{path}[/] present in {reference_name}, missing from {target_name}[/]"
                )
                if isinstance(value, dict):
                    self.console.print(f"    In {reference_name}, {path} contains the following keys: {list(value)}")
            elif isinstance(value, dict):
                sub_errors, sub_matches = self._compare(target[key], value, path, target_name, reference_name, checked,
                                                        errors, matches)
                errors, matches = errors + sub_errors, matches + sub_matches
            elif np.shape(target[key]) != np.shape(value):
                errors += 1
                checked.add(path)
                self.console.print(
                    f"[color(160)]...Weight shape mismatch for [bold]{path}[/][/]\n"
                    f"    In {reference_name}: shape={np.shape(value)}\n    In {target_name}: shape={np.shape(target[key])}"
                )
            else:
                matches += 1
        return errors, matches

    # -- editing ---------------------------------------------------------------------------------------
    def _edit_object(self, edit_fn, source_name, target_name=None):
        if target_name is not None and "/" in target_name:
            raise ValueError(
                f"Argument `target_name` should be a leaf name, not a full path name. Received: target_name='{target_name}'"
            )
        if "/" in source_name:
            elements = source_name.split("/")
            node = self.weights_dict
            for element in elements[:-1]:
                if element not in node:
                    raise ValueError(f"Path '{source_name}' not found in model.")
                node = node[element]
            if elements[-1] not in node:
                raise ValueError(f"Path '{source_name}' not found in model.")
            edit_fn(node, source_name=elements[-1], target_name=target_name)
            return
        occurrences = _count_occurrences(self.weights_dict, source_name)
        if occurrences > 1:
            raise ValueError(f"Name '{source_name}' occurs more than once in the model; try passing a complete path")
        if occurrences == 0:
            raise ValueError(
                f"Source name '{source_name}' does not appear in the model. Use `editor.weights_summary()` to list "
                "all objects."
            )
        _apply_where_named(self.weights_dict, source_name, lambda node: edit_fn(node, source_name, target_name))

    def rename_object(self, object_name, new_name):
        """Renames the object `object_name` (a unique name or a full path like `"layers/dense"`) to `new_name`."""

        def rename(node, source_name, target_name):
            node[target_name] = node.pop(source_name)

        self._edit_object(rename, object_name, new_name)

    def delete_object(self, object_name):
        """Removes the object `object_name` (a unique name or a full path) and all its weights."""

        def delete(node, source_name, target_name=None):
            node.pop(source_name)

        self._edit_object(delete, object_name)

    def add_object(self, object_path, weights):
        """Adds an object at `object_path` holding `weights`, a dict like `{"0": array, "1": array}`."""
        _check_weights_dict(weights)
        node = self.weights_dict
        elements = object_path.split("/")
        for element in elements[:-1]:
            if element not in node:
                raise ValueError(f"Path '{'/'.join(elements[:-1])}' not found in model.")
            node = node[element]
        node[elements[-1]] = weights

    def delete_weight(self, object_name, weight_name):
        """Removes the weight `weight_name` (e.g. `"1"`) from the object `object_name`."""

        def delete(node, source_name, target_name=None):
            if weight_name not in node[source_name]:
                raise ValueError(
                    f"Weight {weight_name} not found in object {object_name}. Weights found: {list(node[source_name])}"
                )
            node[source_name].pop(weight_name)

        self._edit_object(delete, object_name)

    def add_weights(self, object_name, weights):
        """Adds (or replaces) weights of the object `object_name`; `weights` maps names (`"0"`, ...) to arrays."""
        _check_weights_dict(weights)

        def add(node, source_name, target_name=None):
            node[source_name].update(weights)

        self._edit_object(add, object_name)

    # -- writing ---------------------------------------------------------------------------------------
    def save(self, filepath):
        """Writes the (edited) weights to `filepath`, a `.weights.h5` file in Keras's layout."""
        from kerasbridge.saving.h5_store import H5IOStore

        filepath = str(filepath)
        if not filepath.endswith(".weights.h5"):
            raise ValueError(f"Invalid `filepath` argument: expected a `.weights.h5` extension. Received: filepath={filepath}")
        store = H5IOStore(filepath, mode="w")
        try:
            _write_group(self.weights_dict, store, "")
        finally:
            store.close()

    def resave_weights(self, filepath):
        """Same as `save(filepath)`."""
        self.save(filepath)


def _check_weights_dict(weights) -> None:
    if not isinstance(weights, dict):
        raise ValueError(
            "Argument `weights` should be a dict where keys are weight names (usually '0', '1', etc.) and values are "
            f"NumPy arrays. Received: type(weights)={type(weights)}"
        )


def _count_occurrences(node: dict, name: str, count: int = 0) -> int:
    """How often `name` is a key in the tree, counted as Keras counts it (each subtree starts from the running count)."""
    for value in node.values():
        if isinstance(value, dict):
            count += _count_occurrences(value, name, count)
    return count + (1 if name in node else 0)


def _apply_where_named(node: dict, name: str, edit) -> None:
    for value in list(node.values()):
        if isinstance(value, dict):
            _apply_where_named(value, name, edit)
    if name in node:
        edit(node)


def _write_group(weights: dict, store, inner_path: str) -> None:
    variables = {}
    for name, value in weights.items():
        if isinstance(value, dict):
            if value:
                _write_group(value, store, os.path.join(inner_path, name))
        else:
            variables[name] = value
    if variables:
        entry = store.make(inner_path)
        for name, value in variables.items():
            entry[name] = value

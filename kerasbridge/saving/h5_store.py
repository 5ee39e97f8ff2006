"""`H5IOStore`: variables in Keras 3's HDF5 layout (`<object path>/vars/<index>`).

Each saveable object (layer, optimizer, model) gets a group `<path>/vars` (or
`vars` at the root) holding its variables as datasets `"0"`, `"1"`, ... and an
attribute `name` with the object's name, exactly as Keras 3's `saving_lib`
writes `model.weights.h5` and `.weights.h5` files. h5py is imported when a
store is opened, never at `import kerasbridge`.
"""

from __future__ import annotations

import io
import math
import os

import numpy as np

# A dataset declaring more than this many bytes must have at least 1/1000 of them on disk.
_BOMB_FLOOR_BYTES = 1 << 32
_BOMB_MAX_EXPANSION = 1000


def _import_h5py():
    try:
        import h5py
    except ImportError as e:  # pragma: no cover - h5py is a dependency
        raise ImportError("h5py must be installed in order to save or load `.h5` weights.") from e
    return h5py


class H5IOStore:
    """A store of numerical variables backed by one HDF5 file.

    `make(path)` (write mode) or `get(path)` (read mode) select the entry of one
    saveable object; the store then behaves like a dict of that object's
    variables (`store["0"] = array`, `store["0"]`, `len(store)`, `store.keys()`).

    Args:
        path_or_io: A file path or a binary file object (e.g. `io.BytesIO`).
        mode: `"r"` or `"w"`.
        description: How to name the file in error messages (defaults to the path).
    """

    def __init__(self, path_or_io, mode: str = "r", description: str | None = None):
        if mode not in ("r", "w"):
            raise ValueError(f"`mode` should be either 'r' or 'w'. Received: {mode}")
        h5py = _import_h5py()
        self.mode = mode
        self.description = description or (
            os.fspath(path_or_io) if isinstance(path_or_io, (str, os.PathLike)) else "<in-memory h5 file>"
        )
        if isinstance(path_or_io, (str, os.PathLike)):
            path_or_io = os.fspath(path_or_io)
        try:
            self.h5_file = h5py.File(path_or_io, mode=mode)
        except OSError as e:
            raise ValueError(
                f"Cannot open '{self.description}' as an HDF5 weights file: the file is truncated, "
                f"corrupt or not an HDF5 file ({e})."
            ) from e
        self._entry_path = None
        self._entry = {}
        self._entry_created = False

    # -- selecting an object's entry ----------------------------------------------------------------
    def make(self, path: str, metadata: dict | None = None):
        """Select (write mode) the entry of the object at `path`; it is created on first write.

        With `metadata`, the group is created at once and the metadata written as attributes.
        """
        if self.mode != "w":
            raise ValueError("`make` is only allowed in write mode.")
        self._entry_path = path
        self._entry = {}
        self._entry_created = False
        if metadata:
            self._create_entry(metadata)
        return self

    def get(self, path: str):
        """Select (read mode) the entry of the object at `path`; empty when the file has none."""
        if self.mode != "r":
            raise ValueError("`get` is only allowed in read mode.")
        self._entry_path = path
        self._entry = {}
        self._entry_created = True
        group_path = f"{path}/vars" if path else "vars"
        if self._has_group(group_path):
            self._entry = self._safe_group(group_path)
        return self

    def has_path(self, path: str) -> bool:
        """Whether the file has a group at `path`."""
        return bool(path) and self._has_group(path)

    def close(self) -> None:
        self.h5_file.close()

    # -- dict interface over the selected entry -----------------------------------------------------
    def __len__(self) -> int:
        return len(self._entry)

    def keys(self):
        return list(self._entry.keys())

    def __contains__(self, key) -> bool:
        return key in self._entry

    def __getitem__(self, key):
        dataset = self._safe_dataset(self._entry, key)
        if dataset.attrs.get("dtype", None) == "bfloat16":
            import ml_dtypes

            return np.array(dataset, dtype=ml_dtypes.bfloat16)
        return np.array(dataset)

    def __setitem__(self, key, value) -> None:
        if self.mode != "w":
            raise ValueError("Setting a value is only allowed in write mode.")
        if not self._entry_created:
            self._create_entry(None)
        value = _to_numpy(value)
        if value.dtype.name == "bfloat16":
            dataset = self._entry.create_dataset(key, data=value)
            dataset.attrs["dtype"] = "bfloat16"
        else:
            self._entry[key] = value

    # -- helpers ------------------------------------------------------------------------------------------
    def _create_entry(self, metadata):
        group = self.h5_file if not self._entry_path else self.h5_file.require_group(self._entry_path)
        self._entry = group.create_group("vars")
        for key, value in (metadata or {}).items():
            self._entry.attrs[key] = value
        self._entry_created = True

    def _has_group(self, path: str) -> bool:
        node = self.h5_file
        for part in path.split("/"):
            if not part or part not in node:
                return False
            node = self._child(node, part)
            if not isinstance(node, _import_h5py().Group):
                return False
        return True

    def _safe_group(self, path: str):
        h5py = _import_h5py()
        node = self.h5_file
        for part in path.split("/"):
            node = self._child(node, part)
            if not isinstance(node, h5py.Group):
                raise ValueError(f"Invalid weights file '{self.description}': '{path}' is not an HDF5 group.")
        return node

    def _child(self, group, name: str):
        h5py = _import_h5py()
        link = group.get(name, default=None, getclass=True, getlink=True)
        if link in (h5py.ExternalLink, h5py.SoftLink):
            raise ValueError(
                f"Refusing to load '{self.description}': it contains an HDF5 {link.__name__} at '{name}', "
                "which could read data from outside the file."
            )
        return group[name]

    def _safe_dataset(self, group, name: str):
        h5py = _import_h5py()
        if name not in group:
            raise KeyError(name)
        dataset = self._child(group, name)
        if not isinstance(dataset, h5py.Dataset):
            raise ValueError(f"Invalid weights file '{self.description}': '{name}' is not an HDF5 dataset.")
        if dataset.external or dataset.is_virtual:
            raise ValueError(
                f"Refusing to load '{self.description}': dataset '{name}' stores its data outside the file."
            )
        declared = math.prod(dataset.shape or ()) * dataset.dtype.itemsize
        stored = dataset.id.get_storage_size()
        if declared > _BOMB_FLOOR_BYTES and declared > _BOMB_MAX_EXPANSION * stored:
            raise ValueError(
                f"Refusing to load '{self.description}': dataset '{name}' declares {declared} bytes but stores "
                f"only {stored}; this looks like a decompression bomb."
            )
        return dataset


def _to_numpy(value) -> np.ndarray:
    import torch

    if hasattr(value, "value") and not isinstance(value, (np.ndarray, torch.Tensor)):
        value = value.value
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu()
        if value.dtype == torch.bfloat16:
            import ml_dtypes

            return value.float().numpy().astype(ml_dtypes.bfloat16)
        return value.numpy()
    return np.asarray(value)


def h5_bytes_store(mode: str, data: bytes | None = None, description: str | None = None):
    """An `H5IOStore` over an in-memory buffer (returns `(store, buffer)`)."""
    buffer = io.BytesIO(data) if data is not None else io.BytesIO()
    return H5IOStore(buffer, mode=mode, description=description), buffer

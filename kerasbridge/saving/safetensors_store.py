"""`SafetensorsIOStore`: variables in a `.safetensors` file, keyed by Keras variable paths.

A variable saved by Keras 3 at `layers/dense/vars/0` in `model.weights.h5` is the
tensor named `"layers/dense/vars/0"` here, so both weights formats describe the
same object tree. The safetensors format holds raw tensors only: loading never
executes code.
"""

from __future__ import annotations

import os

import numpy as np


def _entry_prefix(path: str) -> str:
    return f"{path}/vars/" if path else "vars/"


class SafetensorsIOStore:
    """A store of numerical variables backed by one `.safetensors` file.

    Same interface as `H5IOStore`: `make(path)` / `get(path)` select an object's
    entry, which then behaves like a dict of its variables. Writes are collected in
    memory and written by `close()`.

    Args:
        path: The file path.
        mode: `"r"` or `"w"`.
    """

    def __init__(self, path, mode: str = "r"):
        if mode not in ("r", "w"):
            raise ValueError(f"`mode` should be either 'r' or 'w'. Received: {mode}")
        self.path = os.fspath(path)
        self.mode = mode
        self._tensors: dict = {}
        self._names: dict = {}
        self._prefix = "vars/"
        if mode == "r":
            self._read()

    def _read(self) -> None:
        from safetensors import SafetensorError, safe_open

        try:
            with safe_open(self.path, framework="pt") as f:
                metadata = f.metadata() or {}
                self._tensors = {key: f.get_tensor(key) for key in f.keys()}
        except (SafetensorError, OSError, ValueError) as e:
            raise ValueError(
                f"Cannot read '{self.path}' as a safetensors weights file: the file is truncated, corrupt or "
                f"not in the safetensors format ({e})."
            ) from e
        self._names = {k[len("name:"):]: v for k, v in metadata.items() if k.startswith("name:")}

    # -- selecting an object's entry ----------------------------------------------------------------
    def make(self, path: str, metadata: dict | None = None):
        """Select (write mode) the entry of the object at `path`."""
        if self.mode != "w":
            raise ValueError("`make` is only allowed in write mode.")
        self._prefix = _entry_prefix(path)
        if metadata and "name" in metadata:
            self._names[path] = str(metadata["name"])
        return self

    def get(self, path: str):
        """Select (read mode) the entry of the object at `path`."""
        if self.mode != "r":
            raise ValueError("`get` is only allowed in read mode.")
        self._prefix = _entry_prefix(path)
        return self

    def has_path(self, path: str) -> bool:
        prefix = f"{path}/"
        return any(key.startswith(prefix) for key in self._tensors)

    def close(self) -> None:
        if self.mode != "w":
            return
        from safetensors.torch import save_file

        metadata = {"format": "pt", "layout": "keras.saving_lib"}
        metadata.update({f"name:{path}": name for path, name in self._names.items()})
        save_file(self._tensors, self.path, metadata=metadata)

    # -- dict interface over the selected entry -----------------------------------------------------
    def keys(self) -> list:
        prefix = self._prefix
        return [key[len(prefix):] for key in self._tensors if key.startswith(prefix) and "/" not in key[len(prefix):]]

    def __len__(self) -> int:
        return len(self.keys())

    def __contains__(self, key) -> bool:
        return f"{self._prefix}{key}" in self._tensors

    def __getitem__(self, key):
        import torch

        tensor = self._tensors[f"{self._prefix}{key}"]
        if tensor.dtype == torch.bfloat16:
            import ml_dtypes

            return tensor.float().numpy().astype(ml_dtypes.bfloat16)
        return tensor.numpy()

    def __setitem__(self, key, value) -> None:
        import torch

        if self.mode != "w":
            raise ValueError("Setting a value is only allowed in write mode.")
        if hasattr(value, "value") and not isinstance(value, (np.ndarray, torch.Tensor)):
            value = value.value
        if isinstance(value, torch.Tensor):
            tensor = value.detach().cpu().clone().contiguous()
        else:
            array = np.array(value, order="C", copy=True)
            if array.dtype.name == "bfloat16":
                tensor = torch.from_numpy(array.astype(np.float32)).to(torch.bfloat16)
            else:
                tensor = torch.from_numpy(array)
        self._tensors[f"{self._prefix}{key}"] = tensor

"""Turning the inputs of the string preprocessing layers into numpy arrays.

Strings have no torch dtype, so the string layers work on numpy arrays of Python
`str` objects (bytes are decoded) and return torch tensors of indices.
"""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.device import get_device


def is_string_array(array: np.ndarray) -> bool:
    if array.dtype.kind in ("U", "S"):
        return True
    if array.dtype.kind == "O":
        flat = array.reshape(-1)
        return flat.size == 0 or isinstance(flat[0], (str, bytes))
    return False


def as_array(inputs) -> np.ndarray:
    """A numpy array of `inputs` (torch tensors, numpy arrays, nested lists, scalars)."""
    if isinstance(inputs, torch.Tensor):
        return inputs.detach().cpu().numpy()
    if isinstance(inputs, np.ndarray):
        return inputs
    if hasattr(inputs, "numpy") and not isinstance(inputs, (list, tuple, str, bytes)):
        return np.asarray(inputs.numpy())
    return np.asarray(inputs, dtype=object if _holds_strings(inputs) else None)


def _holds_strings(inputs) -> bool:
    while isinstance(inputs, (list, tuple)) and inputs:
        inputs = inputs[0]
    return isinstance(inputs, (str, bytes))


def as_string_array(inputs, encoding: str = "utf-8") -> np.ndarray:
    """An object array of Python `str` with the shape of `inputs` (bytes decoded with `encoding`)."""
    array = as_array(inputs)
    if array.dtype.kind not in ("U", "S", "O"):
        raise ValueError(
            f"Expected string inputs (lists of str, numpy string arrays). Received an array of dtype {array.dtype}."
        )
    out = np.empty(array.shape, dtype=object)
    flat_in, flat_out = array.reshape(-1), out.reshape(-1)
    for i, value in enumerate(flat_in):
        flat_out[i] = value.decode(encoding) if isinstance(value, bytes) else str(value)
    return out


def map_strings(function, array: np.ndarray) -> np.ndarray:
    """Apply `function` to every element of an object array, keeping its shape."""
    out = np.empty(array.shape, dtype=object)
    flat_in, flat_out = array.reshape(-1), out.reshape(-1)
    for i, value in enumerate(flat_in):
        flat_out[i] = function(value)
    return out


def on_current_device(tensor: torch.Tensor) -> torch.Tensor:
    """Move a result computed on the host to kerasbridge's current device (where the next layers' weights live)."""
    device = get_device()
    return tensor if device in ("cpu", "meta") else tensor.to(device)

"""Helpers shared by the op modules: cheap tensor conversion, dtype names and axis handling.

Torch tensors are used where they are (no copy, no device move); numpy arrays, Python
values and Variables go through `backend.convert_to_tensor`, which places them on the
current device.
"""

from __future__ import annotations

import torch

from kerasbridge.backend import config
from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import _FROM_TORCH, TORCH_DTYPES, result_type, standardize_dtype
from kerasbridge.backend.tensor import convert_to_tensor

__all__ = [
    "canonical_axis",
    "config",
    "dname",
    "get_device",
    "is_int_or_bool",
    "pair_tuple",
    "result_type",
    "standardize_dtype",
    "tensor",
    "to_dtype",
    "torch_dtype",
]


def torch_dtype(dtype) -> torch.dtype:
    """The torch dtype of any dtype spelling (`None` gives `floatx()`)."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return TORCH_DTYPES[standardize_dtype(dtype)]


def tensor(x, dtype=None) -> torch.Tensor:
    """`x` as a torch tensor, optionally cast to `dtype`."""
    if isinstance(x, torch.Tensor):
        if dtype is not None:
            dtype = torch_dtype(dtype)
            if x.dtype != dtype:
                return x.to(dtype)
        return x
    return convert_to_tensor(x, dtype)


def to_dtype(x: torch.Tensor, dtype) -> torch.Tensor:
    """Cast tensor `x` to `dtype` when it differs."""
    dtype = torch_dtype(dtype)
    return x if x.dtype == dtype else x.to(dtype)


def dname(x) -> str:
    """The Keras dtype name of a tensor (or of a dtype)."""
    dtype = getattr(x, "dtype", x)
    name = _FROM_TORCH.get(dtype) if isinstance(dtype, torch.dtype) else None
    return name if name is not None else standardize_dtype(dtype)


def is_int_or_bool(x: torch.Tensor) -> bool:
    """Whether a tensor holds integers or booleans."""
    return not (x.is_floating_point() or x.is_complex())


def canonical_axis(axis: int, ndim: int) -> int:
    """A non-negative axis, validated against `ndim`."""
    if not -ndim <= axis < max(ndim, 1):
        raise ValueError(f"axis {axis} is out of bounds for an array of dimension {ndim}")
    return axis + ndim if axis < 0 else axis


def pair_tuple(value, n: int, name: str) -> tuple:
    """`value` (an int or a sequence of n ints) as a tuple of n ints."""
    if isinstance(value, int):
        return (value,) * n
    value = tuple(value)
    if len(value) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")
    return tuple(int(v) for v in value)

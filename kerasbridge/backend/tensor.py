"""Conversion between Python values, numpy arrays, Variables and torch tensors."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend import config
from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import TORCH_DTYPES, standardize_dtype, to_torch_dtype

_DEVICE_TYPES: dict[str, str] = {}
_TORCH_DTYPE_CACHE = dict(TORCH_DTYPES)


def _device_type(device: str) -> str:
    kind = _DEVICE_TYPES.get(device)
    if kind is None:
        kind = _DEVICE_TYPES[device] = torch.device(device).type
    return kind


def is_tensor(x) -> bool:
    """Whether `x` is a torch tensor."""
    return isinstance(x, torch.Tensor)


def _python_dtype(values) -> str:
    """Keras's promotion for nested Python scalars: bool < int32 < floatx."""
    kinds = set()
    stack = [values]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, (bool, np.bool_)):
            kinds.add("bool")
        elif isinstance(item, (int, np.integer)):
            kinds.add("int")
        elif isinstance(item, (float, np.floating)):
            kinds.add("float")
        elif isinstance(item, complex):
            kinds.add("complex")
        elif hasattr(item, "dtype"):
            kinds.add("float" if standardize_dtype(item.dtype).startswith(("float", "bfloat")) else "int")
        else:
            kinds.add("float")
    if "complex" in kinds:
        return "complex64"
    if "float" in kinds:
        return config.floatx()
    if "int" in kinds:
        return "int32"
    if "bool" in kinds:
        return "bool"
    return config.floatx()


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None) -> torch.Tensor:
    """Convert `x` (tensor, Variable, numpy array, Python scalar or nested list) to a torch tensor.

    Python floats become `floatx()`, Python ints `int32` (`int64` when out of range), numpy
    arrays keep their dtype unless `dtype` is given. Tensors are moved to the current device.
    """
    if sparse:
        raise ValueError("`sparse=True` is not supported with the torch backend.")
    if ragged:
        raise ValueError("`ragged=True` is not supported with the torch backend.")
    if not isinstance(x, torch.Tensor) and hasattr(x, "_keras_variable_value"):
        x = x._keras_variable_value()
    if isinstance(x, torch.Tensor):
        device = get_device()
        if x.device.type != _device_type(device) and device != "meta" and not x.is_meta:
            x = x.to(device)
        if dtype is not None:
            torch_dtype = _TORCH_DTYPE_CACHE.get(dtype) if isinstance(dtype, str) else None
            if torch_dtype is None:
                torch_dtype = to_torch_dtype(dtype)
            if x.dtype != torch_dtype:
                x = x.to(torch_dtype)
        return x
    if isinstance(x, np.floating) and x.ndim == 0 and dtype is None:
        x = float(x)
    if isinstance(x, (bool, int, float, complex)) and not isinstance(x, np.generic):
        if dtype is not None:
            torch_dtype = to_torch_dtype(dtype)
        elif isinstance(x, bool):
            torch_dtype = torch.bool
        elif isinstance(x, int):
            torch_dtype = torch.int64 if not -(2**31) <= x < 2**31 else torch.int32
        elif isinstance(x, float):
            torch_dtype = to_torch_dtype(config.floatx())
        else:
            torch_dtype = torch.complex64
        return torch.as_tensor(x, dtype=torch_dtype, device=get_device())
    if isinstance(x, (list, tuple)):
        if any(isinstance(item, torch.Tensor) or hasattr(item, "_keras_variable_value") for item in x):
            return torch.stack([convert_to_tensor(item, dtype=dtype) for item in x])
        if dtype is None:
            dtype = _python_dtype(x)
        x = np.array(x)
    elif not isinstance(x, np.ndarray):
        x = np.asarray(x)
    if dtype is None:
        dtype = standardize_dtype(x.dtype)
    torch_dtype = to_torch_dtype(dtype)
    if x.dtype == np.uint32:
        x = x.astype(np.int64)
    if not x.flags.writeable or not x.flags.c_contiguous and not x.flags.f_contiguous:
        x = np.array(x)
    return torch.as_tensor(x, dtype=torch_dtype, device=get_device())


def convert_to_numpy(x) -> np.ndarray:
    """Convert a tensor, Variable or array-like to a numpy array (detached, on the host)."""
    if hasattr(x, "_keras_variable_value"):
        x = x._keras_variable_value()
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.dtype == torch.bfloat16:
            x = x.float()
        if x.device.type != "cpu":
            x = x.cpu()
        return x.numpy()
    if isinstance(x, (list, tuple)):
        return np.array([convert_to_numpy(item) for item in x])
    return np.asarray(x)


def cast(x, dtype) -> torch.Tensor:
    """Cast `x` to `dtype`."""
    return convert_to_tensor(x).to(to_torch_dtype(dtype))

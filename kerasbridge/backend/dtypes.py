"""Keras dtype strings and their torch counterparts."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend import config

TORCH_DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "bool": torch.bool,
    "float8_e4m3fn": torch.float8_e4m3fn,
    "float8_e5m2": torch.float8_e5m2,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_FROM_TORCH = {v: k for k, v in TORCH_DTYPES.items()}
_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int64",
    "uint": "uint32",
    "bool_": "bool",
    "boolean": "bool",
}
FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64", "float8_e4m3fn", "float8_e5m2")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")


def standardize_dtype(dtype) -> str:
    """Return the Keras dtype string for a dtype given as string, numpy, torch or Python type.

    `None` resolves to `floatx()`.
    """
    if dtype is None:
        return config.floatx()
    if isinstance(dtype, torch.dtype):
        name = _FROM_TORCH.get(dtype)
        if name is None:
            raise ValueError(f"Invalid dtype: {dtype}")
        return name
    if hasattr(dtype, "name") and not isinstance(dtype, str) and dtype is not bool:
        # numpy dtypes and dtype policies expose `.name`
        name = getattr(dtype, "name")
        if isinstance(name, str) and name in TORCH_DTYPES:
            return name
    if dtype is float:
        return "float32"
    if dtype is int:
        return "int64"
    if dtype is bool:
        return "bool"
    if isinstance(dtype, type) and issubclass(dtype, np.generic):
        dtype = np.dtype(dtype).name
    if hasattr(dtype, "value_dtype") and not isinstance(dtype, str):
        return standardize_dtype(dtype.value_dtype)
    if isinstance(dtype, np.dtype):
        dtype = dtype.name
    if isinstance(dtype, str):
        dtype = _ALIASES.get(dtype, dtype)
        if dtype.startswith("torch."):
            dtype = dtype[len("torch."):]
            dtype = _ALIASES.get(dtype, dtype)
        if dtype in TORCH_DTYPES:
            return dtype
    raise ValueError(f"Invalid dtype: {dtype}")


def to_torch_dtype(dtype) -> torch.dtype:
    """Return the `torch.dtype` for any dtype accepted by `standardize_dtype`."""
    if isinstance(dtype, torch.dtype):
        return dtype
    return TORCH_DTYPES[standardize_dtype(dtype)]


def is_float_dtype(dtype) -> bool:
    """Whether `dtype` is a floating point dtype."""
    return standardize_dtype(dtype) in FLOAT_TYPES


def is_int_dtype(dtype) -> bool:
    """Whether `dtype` is an integer dtype (signed or unsigned)."""
    return standardize_dtype(dtype) in INT_TYPES

"""Dtype helpers shared by the element-wise numpy ops (`numpy_math`, `numpy_logic`, `numpy_special`)."""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import config, tensor

_INT_NAMES = ("int8", "int16", "int32", "uint8", "uint16", "uint32")


def _pair(x1, x2):
    return tensor(x1), tensor(x2)


def _weak_dtype(x):
    return type(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x.dtype


def _scalar_or_tensor(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else tensor(x)


def _floatx():
    return getattr(torch, config.floatx())

"""Small tensor helpers shared by the loss functions (dtype rules as Keras's torch backend)."""

from __future__ import annotations

import functools

import torch

from kerasbridge.backend import convert_to_tensor, floatx, to_torch_dtype
from kerasbridge.backend.dtypes import result_type


def prediction(y_pred) -> torch.Tensor:
    """`y_pred` as a floating tensor (integer or bool predictions become `floatx`)."""
    y_pred = convert_to_tensor(y_pred)
    if not (y_pred.is_floating_point() or y_pred.is_complex()):
        y_pred = y_pred.to(to_torch_dtype(floatx()))
    return y_pred


def labels_like(y_true, y_pred: torch.Tensor) -> torch.Tensor:
    """`y_true` as a tensor with the dtype of `y_pred`."""
    return convert_to_tensor(y_true, dtype=y_pred.dtype)


def mean(x: torch.Tensor, axis=-1) -> torch.Tensor:
    """Mean over `axis`, accumulated in float32 as Keras does for every dtype.

    Floating inputs get their dtype back; integer inputs give float32.
    """
    if x.dtype == torch.float32:
        return torch.mean(x, dim=axis)
    out_dtype = x.dtype if x.is_floating_point() else torch.float32
    return torch.mean(x.to(torch.float32), dim=axis).to(out_dtype)


def promoted(x: torch.Tensor, other) -> torch.dtype:
    """The dtype Keras's promotion gives `x` combined with `other` (a tensor or a Python
    scalar). 64-bit results narrow to 32 bits, as in Keras."""
    other_dtype = other.dtype if isinstance(other, torch.Tensor) else type(other)
    return to_torch_dtype(result_type(x.dtype, other_dtype))


def maximum(x: torch.Tensor, other) -> torch.Tensor:
    """Elementwise maximum in Keras's promoted dtype (`ops.maximum`)."""
    dtype = promoted(x, other)
    return torch.maximum(x.to(dtype), _as_tensor(other, x, dtype))


def minimum(x: torch.Tensor, other) -> torch.Tensor:
    """Elementwise minimum in Keras's promoted dtype (`ops.minimum`)."""
    dtype = promoted(x, other)
    return torch.minimum(x.to(dtype), _as_tensor(other, x, dtype))


def _as_tensor(value, like: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    # A scalar becomes a 0-d tensor (out-of-range values turn into inf, as in Keras; a Python
    # scalar given to `clamp` would raise instead).
    if isinstance(value, torch.Tensor):
        return value.to(dtype)
    return constant(value, like, dtype=dtype)


@functools.lru_cache(maxsize=64)
def _rounded(value: float, dtype_name: str) -> float:
    return float(torch.tensor(value, dtype=to_torch_dtype(dtype_name)).item())


def as_floatx(value: float) -> float:
    """`value` rounded to `floatx` precision (what a Python float becomes as a Keras tensor)."""
    return _rounded(float(value), floatx())


def reduce_sum(x: torch.Tensor, axis=None, keepdims: bool = False) -> torch.Tensor:
    """`torch.sum` that also accepts `axis=None` (all axes) and list axes."""
    if axis is None:
        return torch.sum(x) if not keepdims else torch.sum(x, dim=tuple(range(x.dim())), keepdim=True)
    if isinstance(axis, list):
        axis = tuple(axis)
    return torch.sum(x, dim=axis, keepdim=keepdims)


def constant(value, like: torch.Tensor, dtype=None) -> torch.Tensor:
    """A 0-d tensor holding `value`, on `like`'s device (a fill, not a host-to-device copy)."""
    return torch.full((), value, dtype=dtype or like.dtype, device=like.device)

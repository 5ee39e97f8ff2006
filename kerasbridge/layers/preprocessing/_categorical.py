"""Shared helpers of the preprocessing layers: categorical encoding and output-mode checks."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend.dtypes import to_torch_dtype


def one_hot(indices: torch.Tensor, depth: int, dtype) -> torch.Tensor:
    """One-hot vectors of `indices` on a new last axis; negative indices give all-zero rows."""
    indices = indices.to(torch.int64)
    encoded = F.one_hot(torch.clamp(indices, min=0), depth)
    encoded = torch.where((indices >= 0).unsqueeze(-1), encoded, torch.zeros((), dtype=encoded.dtype))
    return encoded.to(to_torch_dtype(dtype))


def encode_categorical(indices, output_mode: str, depth: int, dtype, count_weights=None) -> torch.Tensor:
    """Encode integer `indices` as Keras's preprocessing layers do.

    Args:
        indices: Integer tensor of category indices.
        output_mode: `"int"`, `"one_hot"`, `"multi_hot"` or `"count"`.
        depth: Number of categories (size of the encoded axis).
        dtype: Output dtype.
        count_weights: Optional weights of each index (`"count"` only).

    Returns:
        `"int"`: the indices cast to `dtype`. `"one_hot"`: a new last axis of
        size `depth` (a trailing axis of size 1 is replaced). `"multi_hot"` and
        `"count"`: axis 1 (axis 0 for rank-1 inputs) is reduced into a last axis
        of size `depth`.
    """
    if output_mode == "int":
        return indices.to(to_torch_dtype(dtype))
    if indices.ndim == 0:
        indices = indices.unsqueeze(-1)
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices.squeeze(-1)
        return one_hot(indices, depth, dtype)
    reduction_axis = 1 if indices.ndim > 1 else 0
    if output_mode == "multi_hot":
        return torch.amax(one_hot(indices.to(torch.int32), depth, dtype), dim=reduction_axis)
    if output_mode == "count":
        if count_weights is not None:
            encoded = one_hot(indices, depth, count_weights.dtype) * count_weights.unsqueeze(-1)
        else:
            encoded = one_hot(indices, depth, dtype)
        return torch.sum(encoded, dim=reduction_axis)
    raise ValueError(
        "Invalid value for argument `output_mode`. Expected one of ('int', 'one_hot', 'multi_hot', 'count'). "
        f"Received: output_mode={output_mode}"
    )


def encoded_shape(input_shape, output_mode: str, depth) -> tuple:
    """The static output shape of `encode_categorical` for inputs of `input_shape`."""
    input_shape = tuple(input_shape)
    if output_mode == "int":
        return input_shape
    if not input_shape:
        return (depth,)
    if output_mode == "one_hot":
        if len(input_shape) > 1 and input_shape[-1] == 1:
            return input_shape[:-1] + (depth,)
        return input_shape + (depth,)
    if len(input_shape) >= 2:
        return (input_shape[0],) + input_shape[2:] + (depth,)
    return (depth,)


def validate_string_arg(value, allowed, caller: str, arg_name: str, allow_none=False, allow_callables=False):
    """Raise a ValueError like Keras's when `value` is not one of `allowed`."""
    if value is None and allow_none:
        return
    if callable(value) and allow_callables:
        return
    if isinstance(value, str) and value in allowed:
        return
    extras = (", or `None`" if allow_none else "") + (", or a callable" if allow_callables else "")
    raise ValueError(
        f"The `{arg_name}` argument of layer {caller} received an invalid value `{value}`. "
        f"Allowed values are: {', '.join(repr(a) for a in allowed)}{extras}."
    )

"""Core ops (`keras.ops.core`): casting, conversion, slicing and scatter; control flow is in `core_flow`."""

from __future__ import annotations

import builtins

import numpy as np
import torch

from kerasbridge.backend import tensor as _backend_tensor
from kerasbridge.ops import core_flow as _flow
from kerasbridge.ops._utils import standardize_dtype, tensor, to_dtype, torch_dtype
from kerasbridge.ops.core_flow import *  # noqa: F403
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.ops.operation import symbolic_op


@symbolic_op
def cast(x, dtype):
    """Cast a tensor to the desired dtype.

    Args:
        x: A tensor or variable.
        dtype: The target type.

    Returns:
        A tensor of the specified `dtype`.
    """
    return tensor(x, standardize_dtype(dtype))


@symbolic_op
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """Convert a NumPy array, Python value or Variable to a torch tensor.

    Args:
        x: A NumPy array, Python array (can be nested) or a backend tensor.
        dtype: The target type. If `None`, the type of `x` is used.
        sparse: Whether to keep sparse tensors (not supported, must be falsy).
        ragged: Whether to keep ragged tensors (not supported, must be falsy).

    Returns:
        A torch tensor of the specified `dtype` on the current device.
    """
    dtype = None if dtype is None else standardize_dtype(dtype)
    return _backend_tensor.convert_to_tensor(x, dtype=dtype, sparse=sparse, ragged=ragged)


def convert_to_numpy(x):
    """Convert a tensor to a NumPy array.

    Args:
        x: A tensor.

    Returns:
        A NumPy array.
    """
    if isinstance(x, KerasTensor):
        return np.array(x)  # raises the KerasTensor's explanatory error
    return _backend_tensor.convert_to_numpy(x)


def is_tensor(x):
    """Whether `x` is a (torch) tensor."""
    return isinstance(x, torch.Tensor)


def shape(x):
    """The shape of `x` as a tuple (with `None` for unknown dims of symbolic tensors).

    Args:
        x: A tensor.

    Returns:
        A tuple of integers or None values.
    """
    return tuple(x.shape)


def dtype(x):
    """The dtype of `x`, as a standardized string."""
    return standardize_dtype(x.dtype)


@symbolic_op
def saturate_cast(x, dtype):
    """Cast `x` to `dtype`, clipping values to the range the target dtype can hold.

    Args:
        x: A tensor.
        dtype: The target dtype.

    Returns:
        A tensor of `dtype`, with out-of-range values saturated.
    """
    dtype = standardize_dtype(dtype)
    x = tensor(x)
    in_dtype = x.dtype
    lo_in, hi_in = _dtype_range(in_dtype)
    lo_out, hi_out = _dtype_range(torch_dtype(dtype))
    lo = torch.tensor(builtins.max(lo_in, lo_out), dtype=in_dtype)
    if lo < lo_out:
        lo = torch.nextafter(lo, torch.zeros((), dtype=in_dtype))
    hi = torch.tensor(builtins.min(hi_in, hi_out), dtype=in_dtype)
    if hi > hi_out:
        hi = torch.nextafter(hi, torch.zeros((), dtype=in_dtype))
    if in_dtype == torch.bool:
        x = x.to(torch.int32)
    lo, hi = lo.to(x.device), hi.to(x.device)
    return to_dtype(torch.clip(x, lo, hi), dtype)


def _dtype_range(dtype: torch.dtype):
    if dtype == torch.bool:
        return 0, 1
    info = torch.finfo(dtype) if dtype.is_floating_point else torch.iinfo(dtype)
    return info.min, info.max


@symbolic_op
def stop_gradient(variable):
    """Stop gradient computation through `variable`.

    Args:
        variable: A tensor or variable.

    Returns:
        The tensor, detached from the autograd graph.
    """
    return tensor(variable).detach()


@symbolic_op
def slice(inputs, start_indices, shape):
    """Return a slice of `inputs` that starts at `start_indices` and has the given `shape`.

    Args:
        inputs: A tensor.
        start_indices: A list/tuple (or tensor) of start indices, one per axis.
        shape: The full shape of the returned slice.

    Returns:
        A tensor of shape `shape`.
    """
    inputs = tensor(inputs)
    if isinstance(start_indices, (list, tuple)) and builtins.all(isinstance(s, int) for s in start_indices):
        return inputs[tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, shape))]
    starts = tensor(start_indices).to(torch.int64)
    result = inputs
    for axis, length in enumerate(shape):
        result = torch.narrow(result, axis, starts[axis], int(length))
    return result


@symbolic_op
def slice_update(inputs, start_indices, updates):
    """Return `inputs` with the block starting at `start_indices` replaced by `updates`.

    Args:
        inputs: A tensor.
        start_indices: A list/tuple (or tensor) of start indices, one per axis.
        updates: The values to write; `updates.shape` gives the size of the block.

    Returns:
        A new tensor.
    """
    inputs = tensor(inputs)
    updates = tensor(updates)
    outputs = inputs.clone()
    if isinstance(start_indices, (list, tuple)) and builtins.all(isinstance(s, int) for s in start_indices):
        block = tuple(builtins.slice(s, s + n) for s, n in zip(start_indices, updates.shape))
        outputs[block] = updates
        return outputs
    starts = tensor(start_indices).to(torch.int64)
    ranges = [torch.arange(n, device=starts.device) + starts[i] for i, n in enumerate(updates.shape)]
    grids = torch.meshgrid(*ranges, indexing="ij")
    outputs.index_put_(tuple(g.reshape(-1) for g in grids), updates.reshape(-1).to(outputs.dtype))
    return outputs


@symbolic_op
def scatter(indices, values, shape):
    """Return a zero tensor of `shape` with `values` added at `indices` (duplicates sum).

    Args:
        indices: An integer tensor of shape `(..., index_depth)`.
        values: The values to scatter, shaped `indices.shape[:-1] + shape[index_depth:]`.
        shape: The shape of the output.

    Returns:
        A tensor of shape `shape` and the dtype of `values`.
    """
    indices = tensor(indices).to(torch.int64)
    values = tensor(values)
    shape = tuple(shape)
    depth = indices.shape[-1]
    out = torch.zeros(shape, dtype=values.dtype, device=values.device)
    indices = indices.reshape(-1, depth)
    values = values.reshape((-1,) + shape[depth:])
    out.index_put_(tuple(indices.T), values, accumulate=True)
    return out


_REDUCTIONS = {"max": "amax", "min": "amin", "mul": "prod"}


@symbolic_op
def scatter_update(inputs, indices, updates, reduction=None):
    """Write (or combine, with `reduction`) `updates` into `inputs` at `indices`.

    Args:
        inputs: A tensor.
        indices: An integer tensor of shape `(N, index_depth)`.
        updates: The values, shaped `(N,) + inputs.shape[index_depth:]`.
        reduction: `None` (replace), `"add"`, `"max"`, `"min"` or `"mul"`.

    Returns:
        A new tensor with the dtype and shape of `inputs`.
    """
    if reduction is not None:
        reduction = reduction.lower()
        if reduction not in ("add", "max", "min", "mul"):
            raise ValueError(
                f"Invalid reduction: {reduction}. Supported values are: None, 'add', 'max', 'min', 'mul'."
            )
    inputs = tensor(inputs)
    indices = tensor(indices).to(torch.int64)
    updates = tensor(updates, inputs.dtype)
    outputs = inputs.clone()
    index = tuple(indices.T)
    if reduction is None:
        outputs[index] = updates
        return outputs
    if reduction == "add":
        return outputs.index_put_(index, updates, accumulate=True)
    depth = indices.shape[-1]
    lead, rest = inputs.shape[:depth], inputs.shape[depth:]
    strides = torch.tensor([int(np.prod(lead[i + 1 :])) for i in range(depth)], device=indices.device)
    flat_index = (indices * strides).sum(-1)
    flat = outputs.reshape(int(np.prod(lead)), -1)
    flat_updates = updates.reshape(flat_index.shape[0], -1)
    flat.scatter_reduce_(0, flat_index[:, None].expand_as(flat_updates), flat_updates, _REDUCTIONS[reduction])
    return flat.reshape(lead + rest)


@symbolic_op
def unstack(x, num=None, axis=0):
    """Split a tensor into a list of tensors along `axis`.

    Args:
        x: The input tensor.
        num: The length of `axis` (optional, checked when given).
        axis: The axis to unstack along.

    Returns:
        A tuple of tensors.
    """
    x = tensor(x)
    if num is not None and x.shape[axis] != num:
        raise ValueError(f"Expected {num} elements along axis {axis}, got shape {tuple(x.shape)}.")
    return x.unbind(axis)


__all__ = sorted([
    *_flow.__all__, "cast", "convert_to_numpy", "convert_to_tensor", "dtype", "is_tensor", "saturate_cast", "scatter",
    "scatter_update", "shape", "slice", "slice_update", "stop_gradient", "unstack",
])

"""Numpy ops that index into tensors: item access, gathers, conditional selection, index conversion."""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import canonical_axis, result_type, tensor, to_dtype
from kerasbridge.ops.operation import symbolic_op


def _unwrap_key(key):
    if isinstance(key, tuple):
        return tuple(_unwrap_key(k) for k in key)
    if hasattr(key, "_keras_variable_value"):
        return key._keras_variable_value()
    if isinstance(key, list) or (hasattr(key, "__array__") and not isinstance(key, torch.Tensor)):
        return tensor(key)
    return key


@symbolic_op
def get_item(x, key):
    """Return `x[key]` (ints, slices, `None`, `Ellipsis`, boolean or integer tensors)."""
    return tensor(x)[_unwrap_key(key)]


@symbolic_op
def take(x, indices, axis=None):
    """Take elements from a tensor along an axis (from the flattened tensor by default).

    Args:
        x: Source tensor.
        indices: The indices of the values to extract (negative indices count from the end).
        axis: The axis over which to select values.

    Returns:
        The corresponding tensor of values.
    """
    x = tensor(x)
    indices = tensor(indices).to(device=x.device, dtype=torch.int64)
    if axis is None:
        x = x.reshape(-1)
        axis = 0
    axis = canonical_axis(axis, x.ndim)
    dim = x.shape[axis]
    indices = torch.where(indices < 0, indices + dim, indices)
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(x.shape[:axis] + indices.shape + x.shape[axis + 1 :])


@symbolic_op
def take_along_axis(x, indices, axis=None):
    """Select values from `x` at the 1-D `indices` along `axis` (of the flattened `x` if None)."""
    x = tensor(x)
    indices = tensor(indices).to(device=x.device, dtype=torch.int64)
    dim = x.numel() if axis is None else x.shape[axis]
    indices = torch.where(indices < 0, indices + dim, indices)
    return torch.take_along_dim(x, indices, dim=axis)


@symbolic_op
def where(condition, x1=None, x2=None):
    """Return elements from `x1` where `condition` holds, from `x2` elsewhere.

    With only `condition`, return the indices of its non-zero elements, stacked.
    """
    if (x1 is None) != (x2 is None):
        raise ValueError("`x1` and `x2` either both should be `None` or both should have non-None value.")
    condition = tensor(condition, "bool")
    if x1 is None:
        return torch.stack(torch.where(condition), dim=0)
    return torch.where(condition, tensor(x1), tensor(x2))


@symbolic_op
def select(condlist, choicelist, default=0):
    """Return elements from `choicelist` where the matching `condlist` entry is first true."""
    if not isinstance(condlist, (list, tuple)) or not isinstance(choicelist, (list, tuple)):
        raise ValueError(
            "condlist and choicelist must be lists. Received: "
            f"type(condlist) = {type(condlist)}, type(choicelist) = {type(choicelist)}"
        )
    if not condlist or not choicelist:
        raise ValueError(
            f"condlist and choicelist must not be empty. Received: condlist = {condlist}, choicelist = {choicelist}"
        )
    out = tensor(default)
    for cond, value in reversed(list(zip(condlist, choicelist))):
        out = torch.where(tensor(cond), tensor(value), out)
    return out


@symbolic_op
def nonzero(x):
    """Return the indices of the non-zero elements, as an int32 tensor of shape `(ndim, N)`."""
    return torch.nonzero(tensor(x)).T.to(torch.int32)


@symbolic_op
def unravel_index(indices, shape):
    """Convert flat indices into a tuple of coordinate tensors for `shape`."""
    indices = tensor(indices)
    dtype = result_type(indices.dtype)
    return tuple(to_dtype(i, dtype) for i in torch.unravel_index(indices, tuple(shape)))


__all__ = ["get_item", "nonzero", "select", "take", "take_along_axis", "unravel_index", "where"]

"""Numpy ops that rearrange tensors: reshapes, transposes, flips, rolls, repeats.

Joining and splitting (`numpy_join`), indexing (`numpy_indexing`) and padding (`numpy_pad`)
live in their own modules and are re-exported here, so every op keeps this import path.
"""

from __future__ import annotations

import builtins
import math
import re

import torch

from kerasbridge.ops import _utils
from kerasbridge.ops._utils import canonical_axis, get_device, tensor
from kerasbridge.ops.numpy_indexing import (  # noqa: F401  (re-exported)
    _unwrap_key,
    get_item,
    nonzero,
    select,
    take,
    take_along_axis,
    unravel_index,
    where,
)
from kerasbridge.ops.numpy_join import (  # noqa: F401  (re-exported)
    _directional_split,
    _split_sizes,
    append,
    array_split,
    concatenate,
    dsplit,
    dstack,
    hsplit,
    hstack,
    meshgrid,
    split,
    stack,
    vsplit,
    vstack,
)
from kerasbridge.ops.numpy_pad import _pad_index, _pad_widths, pad  # noqa: F401  (re-exported)
from kerasbridge.ops.operation import symbolic_op

# -- shape manipulation -------------------------------------------------------------------


@symbolic_op
def reshape(x, newshape):
    """Give a new shape to a tensor without changing its data.

    Args:
        x: Input tensor.
        newshape: The new shape; one dimension may be -1 (inferred).

    Returns:
        The reshaped tensor.
    """
    if not isinstance(newshape, torch.Tensor):
        newshape = tuple(newshape) if hasattr(newshape, "__iter__") else (newshape,)
        if builtins.any(d < -1 for d in newshape if isinstance(d, int)) or list(newshape).count(-1) > 1:
            raise ValueError(
                "Each dimension in `newshape` must be a non-negative integer, or `-1` for a single "
                f"unknown dimension. Received: newshape={newshape}."
            )
    return torch.reshape(tensor(x), newshape)


@symbolic_op
def transpose(x, axes=None):
    """Return a tensor with `axes` permuted (reversed when `axes` is None)."""
    x = tensor(x)
    if axes is None:
        return x.permute(*range(x.ndim - 1, -1, -1))
    return torch.permute(x, tuple(axes))


@symbolic_op
def expand_dims(x, axis):
    """Insert new axes of length 1 at the positions `axis` (an int or a tuple)."""
    x = tensor(x)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out_ndim = x.ndim + len(axes)
    for a in sorted(canonical_axis(a, out_ndim) for a in axes):
        x = torch.unsqueeze(x, a)
    return x


@symbolic_op
def squeeze(x, axis=None):
    """Remove axes of length one from `x` (all of them, or those in `axis`)."""
    x = tensor(x)
    if axis is None:
        return torch.squeeze(x)
    return torch.squeeze(x, dim=tuple(axis) if isinstance(axis, list) else axis)


@symbolic_op
def ravel(x):
    """Return a contiguous flattened tensor."""
    return torch.ravel(tensor(x))


@symbolic_op
def moveaxis(x, source, destination):
    """Move axes of a tensor to new positions."""
    return torch.moveaxis(tensor(x), source, destination)


@symbolic_op
def swapaxes(x, axis1, axis2):
    """Interchange two axes of a tensor."""
    return torch.swapaxes(tensor(x), axis1, axis2)


@symbolic_op
def broadcast_to(x, shape):
    """Broadcast a tensor to a new shape."""
    return torch.broadcast_to(tensor(x), tuple(shape))


def ndim(x):
    """Return the number of dimensions of a tensor."""
    return len(x.shape)


@symbolic_op
def size(x):
    """Return the number of elements in a tensor (an int64 scalar tensor)."""
    return torch.tensor(math.prod(tuple(x.shape)), dtype=torch.int64, device=get_device())


@symbolic_op
def tile(x, repeats):
    """Repeat `x` the number of times given by `repeats` along each axis."""
    if isinstance(repeats, torch.Tensor):
        repeats = tuple(int(r) for r in repeats.tolist())
    elif isinstance(repeats, int):
        repeats = (repeats,)
    return torch.tile(tensor(x), tuple(repeats))


@symbolic_op
def repeat(x, repeats, axis=None):
    """Repeat each element of a tensor after themselves.

    Args:
        x: Input tensor.
        repeats: The number of repetitions for each element (an int or a sequence).
        axis: The axis along which to repeat values (the flattened input by default).

    Returns:
        Output tensor.
    """
    x = tensor(x)
    if isinstance(repeats, int) and axis is not None:
        axis = canonical_axis(axis, x.ndim)
        expanded = x.unsqueeze(axis + 1).expand(*x.shape[: axis + 1], repeats, *x.shape[axis + 1 :])
        return expanded.reshape(*x.shape[:axis], x.shape[axis] * repeats, *x.shape[axis + 1 :])
    if not isinstance(repeats, int):
        repeats = tensor(repeats, "int64").to(x.device)
    return torch.repeat_interleave(x, repeats, dim=axis)


@symbolic_op
def flip(x, axis=None):
    """Reverse the order of elements along the given axes (all by default)."""
    x = tensor(x)
    axes = tuple(range(x.ndim)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
    return torch.flip(x, axes)


@symbolic_op
def fliplr(x):
    """Reverse the order of elements along axis 1."""
    return torch.fliplr(tensor(x))


@symbolic_op
def flipud(x):
    """Reverse the order of elements along axis 0."""
    return torch.flipud(tensor(x))


@symbolic_op
def rot90(array, k=1, axes=(0, 1)):
    """Rotate a tensor by 90 degrees `k` times in the plane given by `axes`."""
    array = tensor(array)
    if array.ndim < 2:
        raise ValueError(f"Input array must have at least 2 dimensions. Received: array.ndim={array.ndim}")
    if len(axes) != 2 or axes[0] == axes[1]:
        raise ValueError(f"Invalid axes: {axes}. Axes must be a tuple of two different dimensions.")
    return torch.rot90(array, k=k, dims=tuple(canonical_axis(a, array.ndim) for a in axes))


@symbolic_op
def roll(x, shift, axis=None):
    """Roll tensor elements along a given axis (of the flattened tensor by default)."""
    return torch.roll(tensor(x), shift, dims=axis)


def _pattern_groups(side: str):
    groups = []
    for token in re.findall(r"\([^)]*\)|[^\s()]+", side.strip()):
        groups.append(token[1:-1].split() if token.startswith("(") else [token])
    return groups


@symbolic_op
def rearrange(tensor, pattern, **axes_lengths):
    """Rearrange the axes of a tensor with an einops-style pattern.

    Args:
        tensor: Input tensor.
        pattern: A pattern like `"b (h w) c -> b h w c"`; parentheses group axes.
        **axes_lengths: Sizes of axes that cannot be inferred, e.g. `h=4`.

    Returns:
        The rearranged tensor.
    """
    x = _utils.tensor(tensor)
    source, target = (_pattern_groups(side) for side in re.split(r"\s*->\s*", pattern))
    if len(source) != x.ndim:
        raise ValueError(f"Pattern {pattern!r} has {len(source)} input axes but the tensor has {x.ndim}.")
    sizes = dict(axes_lengths)
    for group, dim in zip(source, x.shape):
        unknown = [a for a in group if a not in sizes]
        if len(unknown) > 1:
            raise ValueError(f"Could not infer sizes for {unknown} in pattern {pattern!r}.")
        if unknown:
            sizes[unknown[0]] = dim // math.prod(sizes[a] for a in group if a != unknown[0])
    flat_source = [a for group in source for a in group]
    x = x.reshape([sizes[a] for a in flat_source])
    x = x.permute([flat_source.index(a) for group in target for a in group])
    return x.reshape([math.prod(sizes[a] for a in group) for group in target])


__all__ = [
    "append", "array_split", "broadcast_to", "concatenate", "dsplit", "dstack", "expand_dims", "flip",
    "fliplr", "flipud", "get_item", "hsplit", "hstack", "meshgrid", "moveaxis", "ndim", "nonzero", "pad",
    "ravel", "rearrange", "repeat", "reshape", "roll", "rot90", "select", "size", "split", "squeeze", "stack",
    "swapaxes", "take", "take_along_axis", "tile", "transpose", "unravel_index", "vsplit", "vstack",
    "where",
]

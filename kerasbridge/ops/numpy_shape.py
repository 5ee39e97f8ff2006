"""Numpy ops that rearrange tensors: reshapes, transposes, joins, splits, indexing, padding."""

from __future__ import annotations

import builtins
import math
import re

import torch

from kerasbridge.ops import _utils
from kerasbridge.ops._utils import (
    canonical_axis,
    get_device,
    result_type,
    tensor,
    to_dtype,
)
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


# -- joining and splitting ----------------------------------------------------------------


@symbolic_op
def concatenate(xs, axis=0):
    """Join a sequence of tensors along an existing axis."""
    return torch.cat([tensor(x) for x in xs], dim=axis)


@symbolic_op
def stack(x, axis=0):
    """Join a sequence of tensors along a new axis."""
    return torch.stack([tensor(e) for e in x], dim=axis)


@symbolic_op
def hstack(xs):
    """Stack tensors horizontally (column-wise)."""
    return torch.hstack([tensor(x) for x in xs])


@symbolic_op
def vstack(xs):
    """Stack tensors vertically (row-wise)."""
    return torch.vstack([tensor(x) for x in xs])


@symbolic_op
def dstack(xs):
    """Stack tensors depth-wise (along the third axis)."""
    return torch.dstack([tensor(x) for x in xs])


@symbolic_op
def append(x1, x2, axis=None):
    """Append `x2` to the end of `x1` (both flattened when `axis` is None)."""
    x1, x2 = tensor(x1), tensor(x2)
    if axis is None:
        return torch.cat((x1.flatten(), x2.flatten()))
    return torch.cat((x1, x2), dim=axis)


def _split_sizes(indices, dim):
    indices = [int(i) for i in (indices.tolist() if isinstance(indices, torch.Tensor) else indices)]
    bounds = [0] + [builtins.min(builtins.max(i if i >= 0 else i + dim, 0), dim) for i in indices] + [dim]
    return [builtins.max(b - a, 0) for a, b in zip(bounds[:-1], bounds[1:])]


@symbolic_op
def split(x, indices_or_sections, axis=0):
    """Split a tensor into equal sections or at the given indices along `axis`.

    Args:
        x: Input tensor.
        indices_or_sections: The number of equal sections, or the split indices.
        axis: The axis to split along.

    Returns:
        A list of tensors.
    """
    x = tensor(x)
    dim = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if dim % indices_or_sections != 0:
            raise ValueError(
                f"Received indices_or_sections={indices_or_sections} (interpreted as a number of "
                f"sections) and axis={axis}, but input dimension x.shape[{axis}]={dim} is not "
                f"divisible by {indices_or_sections}. Full input shape: x.shape={tuple(x.shape)}"
            )
        if dim == 0:
            return [x.clone() for _ in range(indices_or_sections)]
        return list(torch.split(x, dim // indices_or_sections, dim=axis))
    return list(torch.split(x, _split_sizes(indices_or_sections, dim), dim=axis))


@symbolic_op
def array_split(x, indices_or_sections, axis=0):
    """Split a tensor into `indices_or_sections` nearly equal sub-tensors."""
    if not isinstance(indices_or_sections, int):
        raise TypeError(
            f"Argument `indices_or_sections` must be of type `int`. Received: indices_or_sections={indices_or_sections}"
        )
    if indices_or_sections <= 0:
        raise ValueError(
            f"Argument `indices_or_sections` must be a positive integer. Received: indices_or_sections={indices_or_sections}"
        )
    return list(torch.tensor_split(tensor(x), indices_or_sections, dim=axis))


def _directional_split(torch_fn, name):
    def fn(x, indices_or_sections):
        if not isinstance(indices_or_sections, int):
            indices_or_sections = [int(i) for i in indices_or_sections]
        return list(torch_fn(tensor(x), indices_or_sections))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Split a tensor into multiple sub-tensors ({name[0]}-wise); returns a list."
    return symbolic_op(fn)


hsplit = _directional_split(torch.hsplit, "hsplit")
vsplit = _directional_split(torch.vsplit, "vsplit")
dsplit = _directional_split(torch.dsplit, "dsplit")


@symbolic_op
def meshgrid(*x, indexing="xy"):
    """Coordinate matrices from coordinate vectors (`indexing` is `"xy"` or `"ij"`)."""
    return torch.meshgrid([tensor(v) for v in x], indexing=indexing)


# -- indexing -----------------------------------------------------------------------------


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


# -- padding ------------------------------------------------------------------------------


def _pad_widths(pad_width, ndim):
    if isinstance(pad_width, int):
        widths = [(pad_width, pad_width)]
    elif isinstance(pad_width[0], int):
        widths = [tuple(pad_width)]
    else:
        widths = [tuple(pw) if len(pw) == 2 else (pw[0], pw[0]) for pw in pad_width]
    widths = [(w[0], w[0]) if len(w) == 1 else (int(w[0]), int(w[1])) for w in widths]
    if len(widths) == 1:
        widths = widths * ndim
    if len(widths) != ndim:
        raise ValueError(
            f"`pad_width` must have the same length as `x.shape`. Received: pad_width={pad_width} "
            f"(of length {len(widths)}) and x.shape with {ndim} dims"
        )
    return widths


def _pad_index(n, before, after, mode, device):
    i = torch.arange(-before, n + after, device=device)
    if mode == "edge":
        return i.clamp(0, n - 1)
    if mode == "wrap":
        return i % n
    if mode == "reflect":
        if n == 1:
            return torch.zeros_like(i)
        period = 2 * (n - 1)
        i = i % period
        return torch.where(i >= n, period - i, i)
    period = 2 * n  # symmetric
    i = i % period
    return torch.where(i >= n, period - 1 - i, i)


@symbolic_op
def pad(x, pad_width, mode="constant", constant_values=None):
    """Pad a tensor.

    Args:
        x: Tensor to pad.
        pad_width: `((before_1, after_1), ..., (before_N, after_N))`, or one pair for every axis.
        mode: `"constant"`, `"edge"`, `"reflect"`, `"symmetric"` or `"wrap"`.
        constant_values: The fill value when `mode="constant"`.

    Returns:
        Padded tensor.
    """
    if constant_values is not None and mode != "constant":
        raise ValueError(
            f"Argument `constant_values` can only be provided when `mode == 'constant'`. Received: mode={mode}"
        )
    x = tensor(x)
    widths = _pad_widths(pad_width, x.ndim)
    if mode == "constant":
        flat = []
        for before, after in reversed(widths):
            flat += [before, after]
        value = 0 if constant_values is None else constant_values
        if isinstance(value, torch.Tensor):
            value = value.item()
        return torch.nn.functional.pad(x, flat, mode="constant", value=value)
    if mode not in ("edge", "reflect", "symmetric", "wrap"):
        raise ValueError(f"Unsupported padding mode: {mode}")
    for axis, (before, after) in enumerate(widths):
        if before or after:
            x = torch.index_select(x, axis, _pad_index(x.shape[axis], before, after, mode, x.device))
    return x


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

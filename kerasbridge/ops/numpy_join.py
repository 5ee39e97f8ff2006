"""Numpy ops that join tensors together or split them apart."""

from __future__ import annotations

import builtins

import torch

from kerasbridge.ops._utils import tensor
from kerasbridge.ops.operation import symbolic_op


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


__all__ = [
    "append", "array_split", "concatenate", "dsplit", "dstack", "hsplit", "hstack", "meshgrid", "split", "stack",
    "vsplit", "vstack",
]

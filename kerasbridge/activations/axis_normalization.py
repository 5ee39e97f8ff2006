"""Activations that normalize over an axis: softmax, log-softmax, sparsemax, and the gated linear unit."""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F

from kerasbridge.activations._wrapper import _activation
from kerasbridge.backend.device import get_device


def _over_axes(fn, x, axis):
    """Apply a last-axis normalization `fn` over `axis` (an int, a tuple of ints or `None`)."""
    dtype = x.dtype
    if dtype == torch.float16 and get_device() == "cpu":
        x = x.float()
    if axis is None:
        out = fn(x.reshape(-1), dim=-1).reshape(x.shape)
    else:
        out = fn(x, dim=axis)
    return out.to(dtype)


def _over_tuple_axes(fn, x, axis):
    kept = [i for i in range(x.ndim) if i not in axis]
    moved = x.permute(*kept, *axis)
    out = _over_axes(fn, moved.reshape(*[x.shape[i] for i in kept], -1), -1).reshape(moved.shape)
    order = [*kept, *axis]
    return out.permute(*sorted(range(len(order)), key=order.__getitem__))


@_activation
def softmax(x, axis=-1):
    """Softmax: `exp(x) / sum(exp(x), axis)`.

    The output keeps a reference to its input (`_keras_logits`), which lets
    crossentropy losses work from the logits.

    Args:
        x: Input tensor.
        axis: Axis (int), axes (tuple) or `None` (all axes) to normalize over.
            Defaults to `-1`.
    """
    if isinstance(axis, int) and -x.ndim <= axis < x.ndim and x.shape[axis] == 1:
        warnings.warn(
            f"You are using a softmax over axis {axis} of a tensor of shape {x.shape}. "
            "This axis has size 1. The softmax operation will always return the value 1, "
            "which is likely not what you intended. Did you mean to use a sigmoid instead?",
            stacklevel=3,
        )
    if isinstance(axis, tuple):
        output = _over_tuple_axes(F.softmax, x, axis)
    else:
        output = _over_axes(F.softmax, x, axis)
    output._keras_logits = x
    return output


@_activation
def log_softmax(x, axis=-1):
    """Log-softmax: `x - log(sum(exp(x), axis))`.

    Args:
        x: Input tensor.
        axis: Axis (int), axes (tuple) or `None` (all axes). Defaults to `-1`.
    """
    if isinstance(axis, tuple):
        return _over_tuple_axes(F.log_softmax, x, axis)
    return _over_axes(F.log_softmax, x, axis)


@_activation
def glu(x, axis=-1):
    """Gated linear unit: splits `x` in halves `a, b` along `axis`, returns `a * sigmoid(b)`.

    Args:
        x: Input tensor.
        axis: Axis to split. Defaults to `-1`.
    """
    return F.glu(x, dim=axis)


@_activation
def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of `x` onto the probability simplex along `axis`.

    Args:
        x: Input tensor.
        axis: Axis to normalize over. Defaults to `-1`.
    """
    ordered, _ = torch.sort(x, dim=axis, descending=True)
    cumsum = torch.cumsum(ordered, dim=axis)
    ranks_shape = [1] * x.ndim
    ranks_shape[axis] = -1
    ranks = torch.arange(1, x.size(axis) + 1, device=x.device, dtype=x.dtype).view(ranks_shape)
    support = ordered - (cumsum - 1) / ranks > 0
    k = torch.sum(support, dim=axis, keepdim=True)
    cumsum_in_support = torch.where(support, cumsum, torch.tensor(0.0, device=x.device))
    tau = (torch.sum(cumsum_in_support, dim=axis, keepdim=True) - 1) / k
    return torch.clamp(x - tau, min=0.0)


__all__ = ["glu", "log_softmax", "softmax", "sparsemax"]

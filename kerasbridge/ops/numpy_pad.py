"""The numpy `pad` op: constant, edge, reflect, symmetric and wrap padding."""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import tensor
from kerasbridge.ops.operation import symbolic_op


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


__all__ = ["pad"]

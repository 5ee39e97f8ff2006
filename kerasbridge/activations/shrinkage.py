"""Shrinkage and threshold activations."""

from __future__ import annotations

import torch.nn.functional as F

from kerasbridge.activations._wrapper import _activation


@_activation
def soft_shrink(x, threshold=0.5):
    """Soft shrinkage: `x - threshold` above `threshold`, `x + threshold` below `-threshold`, else 0.

    Args:
        x: Input tensor.
        threshold: Defaults to `0.5`.
    """
    return F.softshrink(x, lambd=threshold)


@_activation
def hard_shrink(x, threshold=0.5):
    """Hard shrinkage: `x` where `abs(x) > threshold`, else 0.

    Args:
        x: Input tensor.
        threshold: Defaults to `0.5`.
    """
    return F.hardshrink(x, lambd=threshold)


@_activation
def tanh_shrink(x):
    """Tanh shrink: `x - tanh(x)`.

    Args:
        x: Input tensor.
    """
    return F.tanhshrink(x)


@_activation
def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, `default_value` elsewhere.

    Args:
        x: Input tensor.
        threshold: The threshold.
        default_value: Value used at or below the threshold.
    """
    return F.threshold(x, threshold=threshold, value=default_value)


__all__ = ["hard_shrink", "soft_shrink", "tanh_shrink", "threshold"]

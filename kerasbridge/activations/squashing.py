"""Squashing activations: the sigmoid and tanh families."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.activations._wrapper import _activation


@_activation
def sigmoid(x):
    """Sigmoid: `1 / (1 + exp(-x))`.

    The output keeps a reference to its input (`_keras_logits`), which lets
    crossentropy losses work from the logits.

    Args:
        x: Input tensor.
    """
    output = F.sigmoid(x)
    output._keras_logits = x
    return output


@_activation
def hard_sigmoid(x):
    """Hard sigmoid: `relu6(x + 3) / 6`.

    Args:
        x: Input tensor.
    """
    return F.hardsigmoid(x)


@_activation
def sparse_sigmoid(x):
    """Sparse sigmoid: 0 for `x <= -1`, `(x + 1) / 2` for `-1 < x < 1`, 1 for `x >= 1`.

    Args:
        x: Input tensor.
    """
    zero = torch.tensor(0.0, device=x.device, dtype=x.dtype)
    one = torch.tensor(1.0, device=x.device, dtype=x.dtype)
    return torch.where(x <= -1, zero, torch.where(x >= 1, one, 0.5 * (x + 1)))


@_activation
def log_sigmoid(x):
    """Log-sigmoid: `log(sigmoid(x))`, computed stably.

    Args:
        x: Input tensor.
    """
    return F.logsigmoid(x)


@_activation
def tanh(x):
    """Hyperbolic tangent.

    Args:
        x: Input tensor.
    """
    return torch.tanh(x)


@_activation
def hard_tanh(x):
    """Hard tanh: `x` clipped to `[-1, 1]`.

    Args:
        x: Input tensor.
    """
    return F.hardtanh(x, min_val=-1.0, max_val=1.0)


__all__ = ["hard_sigmoid", "hard_tanh", "log_sigmoid", "sigmoid", "sparse_sigmoid", "tanh"]

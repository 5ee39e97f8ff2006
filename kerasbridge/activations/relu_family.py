"""Rectifier-like activations: ReLU and its variants, ELUs, softplus, and the smooth gates (GELU, SiLU, Mish)."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.activations._wrapper import _activation
from kerasbridge.backend.device import get_device
from kerasbridge.backend.tensor import convert_to_tensor


@_activation
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with optional leak, ceiling and threshold.

    Computes `max(x, 0)` by default. Otherwise returns `x` for
    `threshold < x < max_value`, `max_value` above it and
    `negative_slope * (x - threshold)` below the threshold.

    Args:
        x: Input tensor.
        negative_slope: Slope below the threshold. Defaults to `0.0`.
        max_value: Optional upper bound of the output.
        threshold: Values below it are damped or zeroed. Defaults to `0.0`.
    """
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            return F.leaky_relu(x, negative_slope=negative_slope)
        negative_part = F.relu(-x + threshold) if threshold != 0 else F.relu(-x)
    clip_max = max_value is not None
    if threshold != 0:
        x = torch.where(x > torch.as_tensor(threshold, dtype=x.dtype, device=x.device), x, 0)
    elif max_value == 6:
        x = F.relu6(x)
        clip_max = False
    else:
        x = F.relu(x)
    if clip_max:
        x = _clip(x, 0.0, max_value)
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


def _clip(x, low, high):
    low = torch.as_tensor(low, dtype=x.dtype, device=x.device)
    high = torch.as_tensor(high, dtype=x.dtype, device=x.device)
    if x.dtype == torch.float16 and get_device() == "cpu":
        return torch.clip(x.float(), low, high).half()
    if x.dtype == torch.bool:
        x = x.int()
    return torch.clip(x, low, high)


@_activation
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x` for `x >= 0`, `negative_slope * x` otherwise.

    Args:
        x: Input tensor.
        negative_slope: Slope for negative inputs. Defaults to `0.2`.
    """
    return F.leaky_relu(x, negative_slope=negative_slope)


@_activation
def relu6(x):
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    Args:
        x: Input tensor.
    """
    return F.relu6(x)


@_activation
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        x: Input tensor.
        alpha: Scale of the negative part. Defaults to `1.0`.
    """
    return F.elu(x, alpha)


@_activation
def selu(x):
    """Scaled exponential linear unit (`scale * elu(x, alpha)` with the SNN constants).

    Args:
        x: Input tensor.
    """
    return F.selu(x)


@_activation
def celu(x, alpha=1.0):
    """Continuously differentiable ELU: `max(x, 0) + min(alpha * (exp(x / alpha) - 1), 0)`.

    Args:
        x: Input tensor.
        alpha: Defaults to `1.0`.
    """
    return F.celu(x, alpha=alpha)


@_activation
def softplus(x):
    """Softplus: `log(exp(x) + 1)`.

    Args:
        x: Input tensor.
    """
    return F.softplus(x)


@_activation
def softsign(x):
    """Softsign: `x / (abs(x) + 1)`.

    Args:
        x: Input tensor.
    """
    return F.softsign(x)


@_activation
def sparse_plus(x):
    """SparsePlus: 0 for `x <= -1`, `(x + 1)**2 / 4` for `-1 < x < 1`, `x` for `x >= 1`.

    Args:
        x: Input tensor.
    """
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, (1 / 4) * (x + 1) ** 2, x))


@_activation
def squareplus(x, b=4):
    """Squareplus: `(x + sqrt(x**2 + b)) / 2`.

    Args:
        x: Input tensor.
        b: Smoothness near 0. Defaults to `4`.
    """
    b = convert_to_tensor(b)
    return (x + torch.sqrt(x**2 + b)) / 2


@_activation
def silu(x):
    """Sigmoid linear unit (swish): `x * sigmoid(x)`.

    Args:
        x: Input tensor.
    """
    return F.silu(x)


swish = silu


@_activation
def gelu(x, approximate=False):
    """Gaussian error linear unit: `x * P(X <= x)` for `X ~ N(0, 1)`.

    Args:
        x: Input tensor.
        approximate: Use the tanh approximation. Defaults to `False`.
    """
    return F.gelu(x, approximate="tanh") if approximate else F.gelu(x)


@_activation
def hard_silu(x):
    """Hard SiLU (hard swish): `x * relu6(x + 3) / 6`.

    Args:
        x: Input tensor.
    """
    return F.hardswish(x)


hard_swish = hard_silu


@_activation
def mish(x):
    """Mish: `x * tanh(softplus(x))`.

    Args:
        x: Input tensor.
    """
    return x * F.tanh(F.softplus(x))


__all__ = ["celu", "elu", "gelu", "hard_silu", "hard_swish", "leaky_relu", "mish", "relu", "relu6", "selu", "silu", "softplus", "softsign", "sparse_plus", "squareplus", "swish"]

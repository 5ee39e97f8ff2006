"""Activation ops of `keras.ops.nn`: relu, gelu, softmax and friends."""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F

from kerasbridge.ops._utils import tensor
from kerasbridge.ops.operation import symbolic_op


def _activation(torch_fn, name, doc):
    def fn(x):
        return torch_fn(tensor(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{doc}\n\n    Args:\n        x: Input tensor.\n\n    Returns:\n        A tensor with the same shape as `x`.\n    "
    return symbolic_op(fn)


relu = _activation(F.relu, "relu", "Rectified linear unit activation: `max(x, 0)`.")
relu6 = _activation(F.relu6, "relu6", "Rectified linear unit activation capped at 6: `min(max(x, 0), 6)`.")
sigmoid = _activation(torch.sigmoid, "sigmoid", "Sigmoid activation: `1 / (1 + exp(-x))`.")
softplus = _activation(F.softplus, "softplus", "Softplus activation: `log(exp(x) + 1)`.")
softsign = _activation(F.softsign, "softsign", "Softsign activation: `x / (abs(x) + 1)`.")
silu = _activation(F.silu, "silu", "Sigmoid linear unit (SiLU / swish): `x * sigmoid(x)`.")
swish = _activation(F.silu, "swish", "Swish activation (same as `silu`): `x * sigmoid(x)`.")
log_sigmoid = _activation(F.logsigmoid, "log_sigmoid", "Logarithm of the sigmoid activation.")
hard_sigmoid = _activation(F.hardsigmoid, "hard_sigmoid", "Hard sigmoid: `relu6(x + 3) / 6`.")
hard_silu = _activation(F.hardswish, "hard_silu", "Hard SiLU: `x * relu6(x + 3) / 6`.")
hard_swish = _activation(F.hardswish, "hard_swish", "Hard swish (same as `hard_silu`): `x * relu6(x + 3) / 6`.")
selu = _activation(F.selu, "selu", "Scaled exponential linear unit activation.")
tanh_shrink = _activation(F.tanhshrink, "tanh_shrink", "Tanh shrink activation: `x - tanh(x)`.")


@symbolic_op
def hard_tanh(x):
    """Hard tanh activation: `clip(x, -1, 1)`."""
    return F.hardtanh(tensor(x), min_val=-1.0, max_val=1.0)


@symbolic_op
def sparse_sigmoid(x):
    """Sparse sigmoid: 0 for `x <= -1`, 1 for `x >= 1`, `(x + 1) / 2` in between."""
    x = tensor(x)
    return torch.where(x <= -1, torch.zeros((), dtype=x.dtype, device=x.device),
                       torch.where(x >= 1, torch.ones((), dtype=x.dtype, device=x.device), 0.5 * (x + 1)))


@symbolic_op
def sparse_plus(x):
    """SparsePlus: 0 for `x <= -1`, `(x + 1)**2 / 4` for `-1 < x < 1`, `x` for `x >= 1`."""
    x = tensor(x)
    return torch.where(x <= -1, torch.zeros_like(x), torch.where(x < 1, 0.25 * (x + 1) ** 2, x))


@symbolic_op
def squareplus(x, b=4):
    """Squareplus activation: `(x + sqrt(x**2 + b)) / 2`."""
    x = tensor(x)
    return (x + torch.sqrt(x**2 + tensor(b))) / 2


@symbolic_op
def soft_shrink(x, threshold=0.5):
    """Soft shrink: `x - threshold` above `threshold`, `x + threshold` below `-threshold`, 0 otherwise."""
    return F.softshrink(tensor(x), lambd=threshold)


@symbolic_op
def hard_shrink(x, threshold=0.5):
    """Hard shrink: `x` where `|x| > threshold`, 0 otherwise."""
    return F.hardshrink(tensor(x), lambd=threshold)


@symbolic_op
def threshold(x, threshold, default_value):
    """Keep `x` where `x > threshold`, replace it with `default_value` elsewhere."""
    return F.threshold(tensor(x), threshold=threshold, value=default_value)


@symbolic_op
def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: `x` for `x >= 0`, `negative_slope * x` otherwise."""
    return F.leaky_relu(tensor(x), negative_slope=negative_slope)


@symbolic_op
def elu(x, alpha=1.0):
    """Exponential linear unit: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise."""
    return F.elu(tensor(x), alpha)


@symbolic_op
def celu(x, alpha=1.0):
    """Continuously-differentiable ELU: `max(x, 0) + alpha * min(0, exp(x / alpha) - 1)`."""
    return F.celu(tensor(x), alpha=alpha)


@symbolic_op
def gelu(x, approximate=True):
    """Gaussian error linear unit, with the tanh approximation by default.

    Args:
        x: Input tensor.
        approximate: Whether to use the tanh approximation.

    Returns:
        A tensor with the same shape as `x`.
    """
    return F.gelu(tensor(x), approximate="tanh" if approximate else "none")


@symbolic_op
def glu(x, axis=-1):
    """Gated linear unit: `a * sigmoid(b)` where `x` is split in halves `a`, `b` along `axis`."""
    return F.glu(tensor(x), dim=axis)


def _softmax_like(torch_fn, x, axis):
    x = tensor(x)
    dtype = x.dtype
    if dtype == torch.float16 and x.device.type == "cpu":
        x = x.float()
    if isinstance(axis, int) and -x.ndim <= axis < x.ndim and x.shape[axis] == 1:
        warnings.warn(
            f"You are using a softmax over axis {axis} of a tensor of shape {tuple(x.shape)}. This axis "
            "has size 1. The softmax operation will always return the value 1, which is likely not "
            "what you intended. Did you mean to use a sigmoid instead?",
            stacklevel=3,
        )
    if axis is None:
        out = torch_fn(x.reshape(-1), dim=-1).reshape(x.shape)
    elif isinstance(axis, (tuple, list)):
        keep = [d for d in range(x.ndim) if d not in axis and d - x.ndim not in axis]
        moved = x.permute(*keep, *axis)
        out = torch_fn(moved.reshape(*[x.shape[d] for d in keep], -1), dim=-1).reshape(moved.shape)
        order = [*keep, *axis]
        out = out.permute(*sorted(range(len(order)), key=order.__getitem__))
    else:
        out = torch_fn(x, dim=axis)
    return out.to(dtype) if out.dtype != dtype else out


@symbolic_op
def softmax(x, axis=-1):
    """Softmax activation: `exp(x) / sum(exp(x))` along `axis` (an int, a tuple or None).

    Args:
        x: Input tensor.
        axis: The axis (or axes) to normalize over; `None` means all axes.

    Returns:
        A tensor with the same shape as `x`.
    """
    return _softmax_like(F.softmax, x, axis)


@symbolic_op
def log_softmax(x, axis=-1):
    """Log-softmax activation: `x - log(sum(exp(x)))` along `axis`.

    Args:
        x: Input tensor.
        axis: The axis (or axes) to normalize over; `None` means all axes.

    Returns:
        A tensor with the same shape as `x`.
    """
    return _softmax_like(F.log_softmax, x, axis)


@symbolic_op
def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of `x` onto the probability simplex along `axis`."""
    logits = tensor(x)
    ordered = torch.sort(logits, dim=axis, descending=True).values
    running = torch.cumsum(ordered, dim=axis)
    ranks = torch.arange(1, logits.shape[axis] + 1, device=logits.device, dtype=logits.dtype)
    shape = [1] * logits.ndim
    shape[axis] = -1
    ranks = ranks.view(shape)
    support = ordered - (running - 1) / ranks > 0
    k = torch.sum(support, dim=axis, keepdim=True)
    tau = (torch.sum(torch.where(support, running, torch.zeros((), device=logits.device)), dim=axis,
                     keepdim=True) - 1) / k
    return torch.clamp(logits - tau, min=0.0)


__all__ = [
    "celu", "elu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "log_sigmoid", "log_softmax", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax",
    "softplus", "softsign", "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish",
    "tanh_shrink", "threshold",
]

"""Activation functions, computed with torch exactly as Keras 3's torch backend does.

Each function takes a tensor (or anything `convert_to_tensor` accepts) and
returns a torch tensor; called on a symbolic `KerasTensor` it records a graph
node instead.
"""

from __future__ import annotations

import functools
import warnings

import torch
import torch.nn.functional as F

from kerasbridge.backend.config import floatx
from kerasbridge.backend.device import get_device
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor


def _activation(fn):
    """Run `fn` on tensors; record a graph node when called on a KerasTensor."""

    @functools.wraps(fn)
    def wrapper(x, *args, **kwargs):
        if not isinstance(x, torch.Tensor):
            from kerasbridge.ops.keras_tensor import KerasTensor

            if isinstance(x, KerasTensor):
                from kerasbridge.ops.operation import FunctionOperation

                return FunctionOperation(fn, fn.__name__)(x, *args, **kwargs)
            x = convert_to_tensor(x)
        return fn(x, *args, **kwargs)

    return wrapper


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
def glu(x, axis=-1):
    """Gated linear unit: splits `x` in halves `a, b` along `axis`, returns `a * sigmoid(b)`.

    Args:
        x: Input tensor.
        axis: Axis to split. Defaults to `-1`.
    """
    return F.glu(x, dim=axis)


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


@_activation
def threshold(x, threshold, default_value):
    """`x` where `x > threshold`, `default_value` elsewhere.

    Args:
        x: Input tensor.
        threshold: The threshold.
        default_value: Value used at or below the threshold.
    """
    return F.threshold(x, threshold=threshold, value=default_value)


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
def sparse_sigmoid(x):
    """Sparse sigmoid: 0 for `x <= -1`, `(x + 1) / 2` for `-1 < x < 1`, 1 for `x >= 1`.

    Args:
        x: Input tensor.
    """
    zero = torch.tensor(0.0, device=x.device, dtype=x.dtype)
    one = torch.tensor(1.0, device=x.device, dtype=x.dtype)
    return torch.where(x <= -1, zero, torch.where(x >= 1, one, 0.5 * (x + 1)))


@_activation
def exponential(x):
    """Exponential: `exp(x)` (integer and boolean inputs are cast to `floatx()` first).

    Args:
        x: Input tensor.
    """
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(to_torch_dtype(floatx()))
    return torch.exp(x)


@_activation
def hard_sigmoid(x):
    """Hard sigmoid: `relu6(x + 3) / 6`.

    Args:
        x: Input tensor.
    """
    return F.hardsigmoid(x)


@_activation
def hard_silu(x):
    """Hard SiLU (hard swish): `x * relu6(x + 3) / 6`.

    Args:
        x: Input tensor.
    """
    return F.hardswish(x)


hard_swish = hard_silu


@_activation
def log_sigmoid(x):
    """Log-sigmoid: `log(sigmoid(x))`, computed stably.

    Args:
        x: Input tensor.
    """
    return F.logsigmoid(x)


def linear(x):
    """Identity activation: returns `x` unchanged.

    Args:
        x: Input tensor.
    """
    return x


@_activation
def mish(x):
    """Mish: `x * tanh(softplus(x))`.

    Args:
        x: Input tensor.
    """
    return x * F.tanh(F.softplus(x))


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

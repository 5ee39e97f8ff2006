"""`keras.ops.nn`: activations, convolutions and pooling, losses, normalization, attention.

Activations live in `nn_activations`, convolutions and pooling in `nn_conv`, losses in
`nn_losses`; this module holds the rest and gathers everything under one namespace, as
`keras.ops.nn` does.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend import config as _config
from kerasbridge.ops._utils import result_type, standardize_dtype, tensor, to_dtype
from kerasbridge.ops.cross_replica import in_multi_process_job, synchronized_moments
from kerasbridge.ops.math import polar  # noqa: F401 - exported by keras.ops.nn too
from kerasbridge.ops.nn_activations import *  # noqa: F403
from kerasbridge.ops.nn_activations import __all__ as _activations_all
from kerasbridge.ops.nn_conv import *  # noqa: F403
from kerasbridge.ops.nn_conv import __all__ as _conv_all
from kerasbridge.ops.nn_losses import *  # noqa: F403
from kerasbridge.ops.nn_losses import __all__ as _losses_all
from kerasbridge.ops.operation import symbolic_op

# -- encodings ----------------------------------------------------------------------------


@symbolic_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False):
    """Convert integer class indices to one-hot vectors (negative indices give all zeros).

    Args:
        x: Integer tensor of class indices.
        num_classes: Number of classes.
        axis: Position of the new class axis.
        dtype: Output dtype (default `floatx`).
        sparse: Must be False.

    Returns:
        A tensor with a new axis of size `num_classes`.
    """
    if sparse:
        raise ValueError("Unsupported value `sparse=True` with torch backend")
    x = tensor(x, "int64")
    out = F.one_hot(torch.clamp(x, min=0), num_classes)
    out = torch.where((x >= 0).unsqueeze(-1), out, torch.zeros((), dtype=out.dtype, device=out.device))
    out = to_dtype(out, standardize_dtype(dtype))
    if axis != -1 and axis != out.ndim:
        out = torch.movedim(out, -1, axis)
    return out


@symbolic_op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs):
    """Encode integer labels as multi-hot vectors (a 1 for each label present in a row).

    Args:
        inputs: Integer tensor of labels, 1-D or batched 2-D.
        num_classes: Number of classes.
        axis: Position of the class axis.
        dtype: Output dtype (default `floatx`).
        sparse: Must be False.

    Returns:
        The multi-hot encoded tensor.
    """
    if num_classes is None and "num_tokens" in kwargs:
        num_classes = kwargs.pop("num_tokens")
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    if sparse:
        raise ValueError("Unsupported value `sparse=True` with torch backend")
    x = tensor(inputs)
    reduction_axis = 1 if x.ndim > 1 else 0
    return torch.amax(one_hot._eager(x.to(torch.int32), num_classes, axis=axis, dtype=dtype), dim=reduction_axis)


# -- normalization ------------------------------------------------------------------------


@symbolic_op
def moments(x, axes, keepdims=False, synchronized=False):
    """Mean and (biased) variance of `x` over `axes`.

    Args:
        x: Input tensor.
        axes: Axes along which to compute the statistics.
        keepdims: Whether to keep the reduced axes with size 1.
        synchronized: In a multi-process (data-parallel) job, compute the
            statistics over the inputs of all processes, differentiably. In a
            single process it changes nothing.

    Returns:
        A tuple `(mean, variance)`.
    """
    x = tensor(x)
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else axes
    half = x.dtype == torch.float16
    if half:
        x = x.float()
    if synchronized and in_multi_process_job():
        mean, variance = synchronized_moments(x, axes if isinstance(axes, tuple) else (axes,))
    else:
        mean = torch.mean(x, dim=axes, keepdim=True)
        variance = torch.mean(torch.square(x), dim=axes, keepdim=True) - torch.square(mean)
    if not keepdims:
        mean, variance = torch.squeeze(mean, axes), torch.squeeze(variance, axes)
    if half:
        limit = torch.finfo(torch.float16).max
        mean = torch.clip(mean, -limit, limit).half()
        variance = torch.clip(variance, -limit, limit).half()
    return mean, variance


@symbolic_op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None, epsilon=1e-3):
    """Normalize `x` by `mean` and `variance`, then scale and shift it, along `axis`.

    Args:
        x: Input tensor.
        mean: 1-D mean, with the size of `x.shape[axis]`.
        variance: 1-D variance.
        axis: The feature axis.
        offset: Optional 1-D offset (beta).
        scale: Optional 1-D scale (gamma).
        epsilon: Small float added to the variance.

    Returns:
        The normalized tensor.
    """
    x, mean, variance = tensor(x), tensor(mean), tensor(variance)
    shape = [1] * x.ndim
    shape[axis] = mean.shape[0]
    inv = torch.rsqrt(variance.reshape(shape) + epsilon)
    if scale is not None:
        inv = inv * tensor(scale).reshape(shape)
    out = (x - mean.reshape(shape)) * inv
    if offset is not None:
        out = out + tensor(offset).reshape(shape)
    return out


@symbolic_op
def normalize(x, axis=-1, order=2, epsilon=None):
    """Normalize `x` to unit norm (of order `order`) along `axis`.

    Args:
        x: Input tensor.
        axis: The axis (or axes) along which to normalize.
        order: The norm order (an int >= 1).
        epsilon: Lower bound for the norm (default `epsilon()`).

    Returns:
        The normalized tensor.
    """
    if not isinstance(order, int) or not order >= 1:
        raise ValueError(f"Argument `order` must be an int >= 1. Received: order={order}")
    x = tensor(x)
    if x.ndim == 0:
        x = x.unsqueeze(0)
    epsilon = _config.epsilon() if epsilon is None else epsilon
    axis = tuple(axis) if isinstance(axis, list) else axis
    if order == 2:
        square_sum = torch.sum(torch.square(x), dim=axis, keepdim=True)
        return x * torch.clamp(torch.rsqrt(square_sum), max=1.0 / epsilon)
    norm = torch.linalg.norm(x, ord=order, dim=axis, keepdim=True)
    return x / torch.clamp(norm, min=epsilon)


def _contiguous_axes(axis) -> bool:
    if isinstance(axis, int):
        return True
    axis = sorted(axis)
    return all(b == a + 1 for a, b in zip(axis[:-1], axis[1:]))


def _normalized_shape(x, axis):
    axes = [axis] if isinstance(axis, int) else sorted(axis)
    return tuple(x.shape[a] for a in axes)


@symbolic_op
def rms_normalization(x, scale=None, axis=-1, epsilon=None):
    """Root-mean-square normalization: `x / sqrt(mean(x**2) + epsilon) * scale`.

    Args:
        x: Input tensor.
        scale: Optional scale tensor.
        axis: The axis (or axes) to normalize over.
        epsilon: Small float added for stability (default `epsilon()`).

    Returns:
        The normalized tensor, in the dtype of `x`.
    """
    epsilon = _config.epsilon() if epsilon is None else epsilon
    x = tensor(x)
    dtype = x.dtype
    x = to_dtype(x, result_type(x.dtype, "float32"))
    scale = None if scale is None else tensor(scale, x.dtype)
    last = axis in (-1, x.ndim - 1) or (not isinstance(axis, int) and _contiguous_axes(axis)
                                        and max(a % x.ndim for a in axis) == x.ndim - 1)
    if last:
        out = F.rms_norm(x, _normalized_shape(x, axis), scale, epsilon)
    else:
        if x.ndim == 0:
            x = x.unsqueeze(0)
        dims = axis if isinstance(axis, int) else tuple(axis)
        out = x * torch.rsqrt(torch.mean(torch.square(x), dim=dims, keepdim=True) + epsilon)
        if scale is not None:
            out = out * scale
    return out.to(dtype)


@symbolic_op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs):
    """Layer normalization: normalize over `axis`, then scale by `gamma` and shift by `beta`.

    Args:
        x: Input tensor.
        gamma: Optional scale tensor.
        beta: Optional offset tensor.
        axis: The axis (or axes) to normalize over.
        epsilon: Small float added to the variance (default `epsilon()`).

    Returns:
        The normalized tensor, in the dtype of `x`.
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    epsilon = _config.epsilon() if epsilon is None else epsilon
    x = tensor(x)
    dtype = x.dtype
    x = to_dtype(x, result_type(x.dtype, "float32"))
    gamma = None if gamma is None else tensor(gamma, x.dtype)
    beta = None if beta is None else tensor(beta, x.dtype)
    axes = sorted(a % x.ndim for a in ([axis] if isinstance(axis, int) else axis))
    shape = [1] * x.ndim
    for a in axes:
        shape[a] = x.shape[a]

    def broadcast(v):
        if v is not None and v.ndim != x.ndim and axes != [x.ndim - 1]:
            return v.reshape(shape)
        return v

    if rms_scaling:
        out = x * torch.rsqrt(torch.var(x, dim=axes, keepdim=True, correction=0) + epsilon)
        if gamma is not None:
            out = out * broadcast(gamma)
    elif _contiguous_axes(axes) and axes[-1] == x.ndim - 1:
        out = F.layer_norm(x, tuple(x.shape[a] for a in axes), gamma, beta, epsilon)
    else:
        mean, variance = moments._eager(x, axes, keepdims=True)
        inv = torch.rsqrt(variance + epsilon)
        gamma, beta = broadcast(gamma), broadcast(beta)
        if gamma is not None:
            inv = inv * gamma
        res = -mean * inv
        if beta is not None:
            res = res + beta
        out = x * inv + res
    return out.to(dtype)


# -- attention ----------------------------------------------------------------------------


def _large_negative(dtype: torch.dtype) -> float:
    return -0.7 * (65500.0 if dtype == torch.float16 else 3.38953e38)


def _flash_available(query, key, value, mask, is_causal) -> bool:
    if query.device.type != "cuda":
        return False
    try:
        from torch.backends.cuda import SDPAParams, can_use_flash_attention

        params = SDPAParams(query, key, value, mask, 0.0, is_causal, False)
        return bool(can_use_flash_attention(params, False))
    except (ImportError, TypeError, RuntimeError):
        return False


@symbolic_op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None):
    """Scaled dot-product attention over `(batch, seq, heads, head_dim)` tensors.

    Args:
        query: Query tensor, shape `(B, T, N, H)`.
        key: Key tensor, shape `(B, S, K, H)`; `N` must be a multiple of `K`.
        value: Value tensor, shape `(B, S, K, H)`.
        bias: Optional additive bias, broadcastable to `(B, N, T, S)`.
        mask: Optional boolean mask (True keeps), broadcastable to `(B, N, T, S)`.
        scale: Scale of the logits (default `1 / sqrt(H)`).
        is_causal: Whether to apply a causal mask.
        flash_attention: Whether to require (True), forbid (False) or allow (None) flash attention.
        attn_logits_soft_cap: Not supported with torch (must be None).

    Returns:
        The attention output, shape `(B, T, N, H)`.
    """
    if attn_logits_soft_cap is not None:
        raise ValueError(
            "attn_logits_soft_cap is only supported for JAX on TPU. Set attn_logits_soft_cap=None when "
            "not using JAX on TPU."
        )
    query, key, value = tensor(query), tensor(key), tensor(value)
    if query.ndim != 4 or key.ndim != 4 or value.ndim != 4:
        raise ValueError(
            "`dot_product_attention` only supports 4D inputs. Received: "
            f"query.shape={tuple(query.shape)}, key.shape={tuple(key.shape)}, value.shape={tuple(value.shape)}."
        )
    if bias is not None and mask is not None:
        raise ValueError("Only one of `bias` and `mask` can be provided. Received both.")
    dtype = result_type(query.dtype, key.dtype, value.dtype)
    query, key, value = to_dtype(query, dtype), to_dtype(key, dtype), to_dtype(value, dtype)
    attn_mask = None
    if mask is not None:
        mask = tensor(mask, "bool")
        if is_causal:
            causal = torch.ones((query.shape[1], key.shape[1]), dtype=torch.bool, device=mask.device).tril()
            mask = torch.logical_and(mask, causal)
        is_causal = False
        attn_mask = torch.where(mask, 0.0, _large_negative(query.dtype)).to(query.dtype)
    if bias is not None:
        attn_mask = tensor(bias, dtype)
    query, key, value = query.transpose(1, 2), key.transpose(1, 2), value.transpose(1, 2)
    heads, kv_heads = query.shape[1], key.shape[1]
    if heads > kv_heads > 1:
        key = torch.repeat_interleave(key, heads // kv_heads, dim=1)
        value = torch.repeat_interleave(value, heads // kv_heads, dim=1)
    if flash_attention is None:
        flash_attention = _flash_available(query, key, value, attn_mask, is_causal)
    elif flash_attention and not _flash_available(query, key, value, attn_mask, is_causal):
        raise RuntimeError(
            "Flash attention is not supported with the provided inputs. Please check the warnings for more details."
        )
    if flash_attention:
        with torch.nn.attention.sdpa_kernel(backends=[torch.nn.attention.SDPBackend.FLASH_ATTENTION]):
            out = F.scaled_dot_product_attention(query, key, value, attn_mask=attn_mask, is_causal=is_causal,
                                                 scale=scale)
    else:
        out = F.scaled_dot_product_attention(
            query.contiguous(), key.contiguous(), value.contiguous(),
            attn_mask=None if attn_mask is None else attn_mask.contiguous(), is_causal=is_causal, scale=scale,
        )
    return out.transpose(1, 2)


__all__ = sorted([
    *_activations_all, *_conv_all, *_losses_all, "batch_normalization", "dot_product_attention",
    "layer_normalization", "moments", "multi_hot", "normalize", "one_hot", "polar", "rms_normalization",
])

"""Convolution ops of `keras.ops.nn` (pooling: `nn_pooling.py`), in Keras's layouts and padding rules.

Kernels use Keras's layout, `spatial_dims + (in_channels, out_channels)` (transposed
convolutions: `spatial_dims + (out_channels, in_channels)`), and inputs default to
`channels_last`. `padding="same"` puts the odd pixel at the end for any stride, as Keras
does; torch's own `"same"` differs for strides > 1, so the padding is computed here.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.ops._spatial import (
    _flat_pad,
    _same_padding,
    _spatial_rank,
    _to_channels_first,
    _to_channels_last,
)
from kerasbridge.ops._utils import pair_tuple, tensor
from kerasbridge.ops.nn_pooling import (  # noqa: F401 - part of this module's names
    adaptive_average_pool,
    adaptive_max_pool,
    average_pool,
    max_pool,
)
from kerasbridge.ops.operation import symbolic_op

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}


_CHANNELS_LAST_FORMAT = {4: torch.channels_last, 5: torch.channels_last_3d}


def _keras_conv_layout(x, kernel):
    """The memory layout Keras's torch backend convolves `channels_last` data in.

    2D/3D: input and kernel in channels-last memory format (the input, a channels-first view of
    channels-last data, usually already is); 1D: a contiguous channels-first input. The layout
    picks the convolution algorithm, so it fixes the rounding of the outputs and gradients.
    """
    memory_format = _CHANNELS_LAST_FORMAT.get(x.ndim)
    if memory_format is None:
        return x.contiguous(), kernel
    return x.contiguous(memory_format=memory_format), kernel.contiguous(memory_format=memory_format)


def _torch_kernel(kernel):
    """Keras kernel `spatial + (a, b)` to torch's `(b, a) + spatial`."""
    return kernel.permute(kernel.ndim - 1, kernel.ndim - 2, *range(kernel.ndim - 2))


def _conv_channels_first(x, kernel, strides, padding, dilation):
    rank = x.ndim - 2
    groups = x.shape[1] // kernel.shape[1]
    if x.shape[1] % kernel.shape[1] != 0:
        raise ValueError(
            f"Input channels ({x.shape[1]}) must be divisible by kernel input channels ({kernel.shape[1]})"
        )
    torch_padding = 0
    if padding == "same":
        pads = _same_padding(x.shape[2:], kernel.shape[2:], strides, dilation)
        if all(a == b for a, b in pads):
            torch_padding = [a for a, _ in pads]
        else:
            x = F.pad(x, _flat_pad(pads))
    elif padding != "valid":
        raise ValueError(f"`padding` must be 'valid' or 'same'. Received: padding={padding}")
    return _CONV[rank](x, kernel, stride=strides, padding=torch_padding, dilation=dilation, groups=groups)


@symbolic_op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """General N-D convolution (1D, 2D or 3D).

    Args:
        inputs: Tensor of rank N+2, `(batch,) + spatial + (channels,)` for `channels_last`.
        kernel: Tensor of rank N+2, `spatial + (in_channels // groups, out_channels)`.
        strides: Int or tuple of N ints.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of N ints.

    Returns:
        A tensor of rank N+2, the result of the convolution.
    """
    data_format = standardize_data_format(data_format)
    x, kernel = tensor(inputs), tensor(kernel)
    rank = _spatial_rank(x, "conv operation")
    strides = pair_tuple(strides, rank, "strides")
    dilation = pair_tuple(dilation_rate, rank, "dilation_rate")
    kernel = _torch_kernel(kernel)
    if data_format == "channels_last":
        x, kernel = _keras_conv_layout(_to_channels_first(x), kernel)
    out = _conv_channels_first(x, kernel, strides, padding.lower(), dilation)
    return _to_channels_last(out) if data_format == "channels_last" else out


def _check_depthwise_channels(x, kernel, data_format):
    channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
    if kernel.shape[-2] != channels:
        raise ValueError(
            "The number of input channels must be evenly divisible by kernel.shape[-2]. Received: "
            f"inputs.shape={tuple(x.shape)}, kernel.shape={tuple(kernel.shape)}"
        )


@symbolic_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D depthwise convolution: each input channel has its own `depth_multiplier` filters.

    Args:
        inputs: Tensor of rank N+2.
        kernel: Tensor of rank N+2, `spatial + (in_channels, depth_multiplier)`.
        strides: Int or tuple of N ints.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of N ints.

    Returns:
        A tensor with `in_channels * depth_multiplier` channels.
    """
    data_format = standardize_data_format(data_format)
    x, kernel = tensor(inputs), tensor(kernel)
    _check_depthwise_channels(x, kernel, data_format)
    kernel = kernel.reshape(*kernel.shape[:-2], 1, kernel.shape[-2] * kernel.shape[-1])
    return conv._eager(x, kernel, strides, padding, data_format, dilation_rate)


@symbolic_op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1):
    """N-D separable convolution: a depthwise convolution followed by a 1x1 convolution.

    Args:
        inputs: Tensor of rank N+2.
        depthwise_kernel: `spatial + (in_channels, depth_multiplier)`.
        pointwise_kernel: `(1,) * N + (in_channels * depth_multiplier, out_channels)`.
        strides: Int or tuple of N ints (for the depthwise step).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of N ints.

    Returns:
        A tensor with `out_channels` channels.
    """
    data_format = standardize_data_format(data_format)
    depthwise = depthwise_conv._eager(inputs, depthwise_kernel, strides, padding, data_format, dilation_rate)
    return conv._eager(depthwise, pointwise_kernel, 1, "valid", data_format, dilation_rate)


def _transpose_pads(kernel_size, stride, dilation, padding, output_padding):
    """Keras/JAX padding `(before, after)` of the dilated input of a transposed convolution."""
    effective = (kernel_size - 1) * dilation + 1
    if padding == "valid":
        if output_padding is None:
            output_padding = max(effective, stride) - effective
        return effective - 1, effective - 1 + output_padding
    if padding != "same":
        raise ValueError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}")
    if output_padding is None:
        total = stride + effective - 2
    else:
        total = effective + effective % 2 - 2 + output_padding
    before = min(total // 2 + total % 2, effective - 1)
    return before, total - before


@symbolic_op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None, data_format=None,
                   dilation_rate=1):
    """N-D transposed convolution (deconvolution).

    Args:
        inputs: Tensor of rank N+2.
        kernel: Tensor of rank N+2, `spatial + (out_channels, in_channels)`.
        strides: Int or tuple of N ints.
        padding: `"valid"` or `"same"`.
        output_padding: Int or tuple of N ints: extra size added at the end of each spatial dim.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: Int or tuple of N ints.

    Returns:
        A tensor of rank N+2.
    """
    data_format = standardize_data_format(data_format)
    x, kernel = tensor(inputs), tensor(kernel)
    rank = _spatial_rank(x, "conv transpose operation")
    strides = pair_tuple(strides, rank, "strides")
    dilation = pair_tuple(dilation_rate, rank, "dilation_rate")
    out_pads = (output_padding,) * rank if output_padding is None or isinstance(output_padding, int) \
        else tuple(output_padding)
    channels = x.shape[-1] if data_format == "channels_last" else x.shape[1]
    if kernel.shape[-1] != channels:
        raise ValueError(
            "The number of input channels must be evenly divisible by kernel.shape[-1]. Received: "
            f"inputs.shape={tuple(x.shape)}, kernel.shape={tuple(kernel.shape)}"
        )
    if data_format == "channels_last":
        x = _to_channels_first(x).contiguous()
    out = _CONV_T[rank](x, _torch_kernel(kernel), stride=strides, dilation=dilation)
    crops = []
    for i in range(rank):
        k = kernel.shape[i]
        before, after = _transpose_pads(k, strides[i], dilation[i], padding.lower(), out_pads[i])
        effective = (k - 1) * dilation[i] + 1
        crops.append((effective - 1 - before, effective - 1 - after))
    index = [slice(None), slice(None)]
    for left, right in crops:
        index.append(slice(max(left, 0), out.shape[len(index)] - max(right, 0)))
    out = out[tuple(index)]
    if any(left < 0 or right < 0 for left, right in crops):
        out = F.pad(out, _flat_pad([(max(-left, 0), max(-right, 0)) for left, right in crops]))
    return _to_channels_last(out) if data_format == "channels_last" else out


# -- pooling ------------------------------------------------------------------------------


@symbolic_op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1):
    """Extract sliding local blocks from a 4-D `(N, C, H, W)` tensor (im2col).

    Returns:
        A tensor of shape `(N, C * kH * kW, L)`.
    """
    if len(x.shape) != 4:
        raise ValueError(f"Input must be a 4D tensor. Received: input.shape={tuple(x.shape)}")
    return F.unfold(tensor(x), kernel_size=kernel_size, dilation=dilation, padding=padding, stride=stride)


@symbolic_op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Combine sliding local blocks `(N, C * kH * kW, L)` into a `(N, C, H, W)` tensor (col2im)."""
    if len(x.shape) != 3:
        raise ValueError(f"Input must be a 3D tensor. Received: input.shape={tuple(x.shape)}")
    return F.fold(tensor(x), output_size=output_size, kernel_size=kernel_size, dilation=dilation,
                  padding=padding, stride=stride)


@symbolic_op
def depth_to_space(x, block_size, data_format="channels_last"):
    """Rearrange depth into `block_size x block_size` spatial blocks (4-D inputs)."""
    data_format = standardize_data_format(data_format)
    if block_size < 2:
        raise ValueError(f"`block_size` must be at least 2. Received: block_size={block_size}")
    x = tensor(x)
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        x = x.reshape(n, h, w, b, b, c // (b * b)).permute(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h * b, w * b, c // (b * b))
    n, c, h, w = x.shape
    x = x.reshape(n, c // (b * b), b, b, h, w).permute(0, 1, 4, 2, 5, 3)
    return x.reshape(n, c // (b * b), h * b, w * b)


@symbolic_op
def space_to_depth(x, block_size, data_format="channels_last"):
    """Rearrange `block_size x block_size` spatial blocks into depth (4-D inputs)."""
    data_format = standardize_data_format(data_format)
    if block_size < 2:
        raise ValueError(f"`block_size` must be at least 2. Received: block_size={block_size}")
    x = tensor(x)
    b = block_size
    if data_format == "channels_last":
        n, h, w, c = x.shape
        x = x.reshape(n, h // b, b, w // b, b, c).permute(0, 1, 3, 2, 4, 5)
        return x.reshape(n, h // b, w // b, c * b * b)
    n, c, h, w = x.shape
    x = x.reshape(n, c, h // b, b, w // b, b).permute(0, 1, 3, 5, 2, 4)
    return x.reshape(n, c * b * b, h // b, w // b)


__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "average_pool", "conv", "conv_transpose", "depth_to_space",
    "depthwise_conv", "fold", "max_pool", "separable_conv", "space_to_depth", "unfold",
]

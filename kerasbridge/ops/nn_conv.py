"""Convolution and pooling ops of `keras.ops.nn`, in Keras's layouts and padding rules.

Kernels use Keras's layout, `spatial_dims + (in_channels, out_channels)` (transposed
convolutions: `spatial_dims + (out_channels, in_channels)`), and inputs default to
`channels_last`. `padding="same"` puts the odd pixel at the end for any stride, as Keras
does; torch's own `"same"` differs for strides > 1, so the padding is computed here.
Average pooling with `"same"` padding excludes the padded cells from each average.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.ops._utils import pair_tuple, tensor
from kerasbridge.ops.operation import symbolic_op

_CONV = {1: F.conv1d, 2: F.conv2d, 3: F.conv3d}
_CONV_T = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}
_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


def _spatial_rank(x, what: str) -> int:
    rank = x.ndim - 2
    if rank not in (1, 2, 3):
        raise ValueError(
            f"Inputs to {what} must have ndim=3, 4 or 5, corresponding to 1D, 2D and 3D inputs. "
            f"Received input shape: {tuple(x.shape)}."
        )
    return rank


def _to_channels_first(x):
    return x.movedim(-1, 1)


def _to_channels_last(x):
    return x.movedim(1, -1)


def _same_padding(sizes, kernel, strides, dilation):
    """Keras 'same' padding per spatial dim: `(before, after)`, the odd pixel after."""
    pads = []
    for n, k, s, d in zip(sizes, kernel, strides, dilation):
        effective = (k - 1) * d + 1
        out = -(-n // s)
        total = max((out - 1) * s + effective - n, 0)
        pads.append((total // 2, total - total // 2))
    return pads


def _flat_pad(pads):
    flat = []
    for before, after in reversed(pads):
        flat += [before, after]
    return flat


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


def _pool_args(x, pool_size, strides, data_format):
    rank = _spatial_rank(x, "pooling op")
    pool_size = pair_tuple(pool_size, rank, "pool_size")
    strides = pool_size if strides is None else pair_tuple(strides, rank, "strides")
    return rank, pool_size, strides, standardize_data_format(data_format)


@symbolic_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Max pooling over the spatial dims.

    Args:
        inputs: Tensor of rank N+2.
        pool_size: Int or tuple of N ints, the pooling window.
        strides: Int or tuple of N ints (defaults to `pool_size`).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The pooled tensor.
    """
    x = tensor(inputs)
    rank, pool_size, strides, data_format = _pool_args(x, pool_size, strides, data_format)
    if data_format == "channels_last":
        # Contiguous channels-first, as Keras pools: the output is then a channels-last *view*, and the
        # layers after it (BatchNormalization's sums) reduce in Keras's memory order, hence its rounding.
        x = _to_channels_first(x).contiguous()
    torch_padding = 0
    if padding.lower() == "same":
        pads = _same_padding(x.shape[2:], pool_size, strides, (1,) * rank)
        if all(a == b for a, b in pads):
            torch_padding = [a for a, _ in pads]
        else:
            x = F.pad(x, _flat_pad(pads), mode="replicate")
    out = _MAX_POOL[rank](x, kernel_size=pool_size, stride=strides, padding=torch_padding)
    return _to_channels_last(out) if data_format == "channels_last" else out


@symbolic_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """Average pooling over the spatial dims; `"same"` padding is excluded from the averages.

    Args:
        inputs: Tensor of rank N+2.
        pool_size: Int or tuple of N ints, the pooling window.
        strides: Int or tuple of N ints (defaults to `pool_size`).
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The pooled tensor.
    """
    x = tensor(inputs)
    rank, pool_size, strides, data_format = _pool_args(x, pool_size, strides, data_format)
    if data_format == "channels_last":
        # Contiguous channels-first, as Keras pools: the output is then a channels-last *view*, and the
        # layers after it (BatchNormalization's sums) reduce in Keras's memory order, hence its rounding.
        x = _to_channels_first(x).contiguous()
    pool = _AVG_POOL[rank]
    if padding.lower() != "same":
        out = pool(x, kernel_size=pool_size, stride=strides, padding=0)
    else:
        pads = _same_padding(x.shape[2:], pool_size, strides, (1,) * rank)
        if all(a == b for a, b in pads):
            out = pool(x, kernel_size=pool_size, stride=strides, padding=[a for a, _ in pads],
                       count_include_pad=False)
        else:
            flat = _flat_pad(pads)
            counts = F.pad(torch.ones((1, 1) + tuple(x.shape[2:]), dtype=x.dtype, device=x.device), flat)
            out = pool(F.pad(x, flat), kernel_size=pool_size, stride=strides) / pool(
                counts, kernel_size=pool_size, stride=strides
            )
    return _to_channels_last(out) if data_format == "channels_last" else out


def _adaptive(table, inputs, output_size, data_format):
    data_format = standardize_data_format(data_format)
    x = tensor(inputs)
    rank = _spatial_rank(x, "adaptive pooling")
    size = output_size if isinstance(output_size, int) and rank == 1 else pair_tuple(output_size, rank, "output_size")
    if data_format == "channels_last":
        x = _to_channels_first(x).contiguous()
    out = table[rank](x, size)
    out = out[0] if isinstance(out, tuple) else out
    return _to_channels_last(out) if data_format == "channels_last" else out


@symbolic_op
def adaptive_average_pool(inputs, output_size, data_format=None):
    """Average pooling to a fixed spatial `output_size` (an int or a tuple)."""
    return _adaptive(_ADAPTIVE_AVG, inputs, output_size, data_format)


@symbolic_op
def adaptive_max_pool(inputs, output_size, data_format=None):
    """Max pooling to a fixed spatial `output_size` (an int or a tuple)."""
    return _adaptive(_ADAPTIVE_MAX, inputs, output_size, data_format)


# -- patches and blocks -------------------------------------------------------------------


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

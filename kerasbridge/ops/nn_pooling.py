"""Pooling ops of `keras.ops.nn`, in Keras's layouts and padding rules.

Inputs default to `channels_last`. `padding="same"` puts the odd pixel at the end for any stride,
as Keras does. Average pooling with `"same"` padding excludes the padded cells from each average.
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
from kerasbridge.ops.operation import symbolic_op

_MAX_POOL = {1: F.max_pool1d, 2: F.max_pool2d, 3: F.max_pool3d}
_AVG_POOL = {1: F.avg_pool1d, 2: F.avg_pool2d, 3: F.avg_pool3d}
_ADAPTIVE_AVG = {1: F.adaptive_avg_pool1d, 2: F.adaptive_avg_pool2d, 3: F.adaptive_avg_pool3d}
_ADAPTIVE_MAX = {1: F.adaptive_max_pool1d, 2: F.adaptive_max_pool2d, 3: F.adaptive_max_pool3d}


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


__all__ = ["adaptive_average_pool", "adaptive_max_pool", "average_pool", "max_pool"]

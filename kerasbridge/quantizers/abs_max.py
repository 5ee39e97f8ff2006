"""Absolute-max (symmetric) and grouped zero-point quantization of tensors."""

from __future__ import annotations

import math

import numpy as np
import torch

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.quantizers.quantizer import Quantizer


def _axes(axis, ndim):
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def _host_tensor(x):
    if isinstance(x, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(x))
    return convert_to_tensor(x).detach().cpu()


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=None, to_numpy=False):
    """Quantize `inputs` symmetrically by their absolute maximum along `axis`.

    `scale = value_range[1] / (max(|inputs|, axis) + epsilon)` and
    `quantized = clip(round(inputs * scale), *value_range)`; dequantize with
    `quantized / scale`.

    Args:
        inputs: Float tensor to quantize.
        axis: Axis or axes reduced to compute the scale (kept with size 1).
        value_range: `(min, max)` of the quantized values.
        dtype: Dtype of the quantized output.
        epsilon: Added to the absolute maximum (default `keras.config.epsilon()`).
        to_numpy: Whether to compute on the host with numpy (saves device memory).

    Returns:
        `(quantized, scale)`; `scale` has the float dtype of `inputs`.
    """
    epsilon = config.epsilon() if epsilon is None else epsilon
    if to_numpy:  # the host copy Keras makes to save device memory; same float32 arithmetic
        inputs = _host_tensor(inputs)
    inputs = convert_to_tensor(inputs)
    axes = _axes(axis, inputs.ndim)
    amax = torch.amax(torch.abs(inputs), dim=axes, keepdim=True)
    scale = torch.div(value_range[1], amax + epsilon).to(inputs.dtype)
    outputs = torch.clip(torch.round(inputs * scale), value_range[0], value_range[1])
    return outputs.to(to_torch_dtype(dtype)), scale


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7), dtype="int8", epsilon=None,
                                             to_numpy=False):
    """Asymmetric quantization of a 2D `(input_dim, output_dim)` tensor in groups of `block_size` rows.

    Each group of rows gets, per column, `scale = (max - min + epsilon) / (qmax - qmin)` and
    `zero_point = clip(round(-min / scale) + qmin, qmin, qmax)`; values become
    `clip(round(x / scale) + zero_point, qmin, qmax)` and dequantize as `(q - zero_point) * scale`.

    Args:
        inputs: Float tensor of shape `(input_dim, output_dim)`.
        block_size: Number of rows per group (the last group is zero-padded).
        value_range: `(qmin, qmax)` of the quantized values.
        dtype: Dtype of the quantized output.
        epsilon: Added to each group's range (default `keras.config.epsilon()`).
        to_numpy: Accepted for Keras compatibility; the computation is the same.

    Returns:
        `(quantized, scale, zero_point)` with `scale`/`zero_point` of shape
        `(ceil(input_dim / block_size), output_dim)`, `zero_point` in int8.
    """
    del to_numpy
    epsilon = config.epsilon() if epsilon is None else epsilon
    inputs = _host_tensor(inputs)
    input_dim, output_dim = inputs.shape
    qmin, qmax = value_range
    n_groups = math.ceil(input_dim / block_size)
    padded = torch.nn.functional.pad(inputs, (0, 0, 0, n_groups * block_size - input_dim))
    grouped = padded.reshape(n_groups, block_size, output_dim)
    min_values = grouped.amin(dim=1)
    max_values = grouped.amax(dim=1)
    scale = (max_values - min_values + epsilon) / (qmax - qmin)
    zero_point = torch.clip(torch.round(-min_values / scale) + qmin, qmin, qmax)
    quantized = torch.round(grouped / scale[:, None, :]) + zero_point[:, None, :]
    quantized = torch.clip(quantized, qmin, qmax).to(to_torch_dtype(dtype))
    quantized = quantized.reshape(n_groups * block_size, output_dim)[:input_dim]
    return quantized, scale.to(inputs.dtype), zero_point.to(torch.int8)


def dequantize_with_sz_map(weights_matrix, scale, zero, g_idx, group_axis=-1):
    """Dequantize `(weights - zero[g]) * scale[g]`, where `g_idx` names each position's group.

    Args:
        weights_matrix: Quantized tensor.
        scale: Per-group scales, the groups along `group_axis`.
        zero: Per-group zero points, the groups along `group_axis`.
        g_idx: 1D tensor giving the group of each position along the grouped dimension.
        group_axis: Axis of `scale`/`zero` indexed by `g_idx`.

    Returns:
        The dequantized tensor, in the dtype of `scale`.
    """
    scale = convert_to_tensor(scale)
    groups = convert_to_tensor(g_idx).to(torch.long)
    scales = torch.index_select(scale, group_axis % scale.ndim, groups)
    zeros = torch.index_select(convert_to_tensor(zero), group_axis % scale.ndim, groups).to(scales.dtype)
    return (convert_to_tensor(weights_matrix).to(scales.dtype) - zeros) * scales


class AbsMaxQuantizer(Quantizer):
    """Quantizer scaling a tensor by its absolute maximum (see `abs_max_quantize`).

    Args:
        axis: Deprecated default reduction axis; pass `axis` to `__call__` instead.
        value_range: `(min, max)` of the quantized values, `(-127, 127)` by default.
        epsilon: Added to the absolute maximum (default `keras.config.epsilon()`).
        output_dtype: Dtype of the quantized values, `"int8"` by default.
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=None, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = value_range
        self.epsilon = config.epsilon() if epsilon is None else epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError(
                "Quantizer with output_dtype='int8' requires value_range to be within the interval [-128, 127]. "
                f"Received: value_range={value_range}"
            )

    def __call__(self, x, axis=None, to_numpy=False):
        """Quantize `x` along `axis` (default: the constructor's axis, else -1); returns `(quantized, scale)`."""
        if axis is None:
            axis = self.axis if self.axis is not None else -1
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon, to_numpy)

    def get_config(self):
        config_dict = {"value_range": self.value_range, "epsilon": self.epsilon, "output_dtype": self.output_dtype}
        if self.axis is not None:
            config_dict["axis"] = self.axis
        return config_dict

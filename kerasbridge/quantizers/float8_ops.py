"""Float8 scaling helpers: delayed scaling from an amax history, and quantize-dequantize."""

from __future__ import annotations

import torch

from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The new float8 scale from the history's maximum `amax` (NVIDIA Transformer Engine's rule).

    `new_scale = amax / dtype_max * 2**margin`, keeping the old `scale` where `amax`
    is zero or not finite.

    Args:
        amax: Maximum absolute value seen.
        scale: Current scale.
        dtype_max: Largest finite value of the float8 dtype.
        margin: Power-of-two head room.

    Returns:
        The new scale.
    """
    amax, scale, dtype_max = (convert_to_tensor(t) for t in (amax, scale, dtype_max))
    inverse = torch.reciprocal(scale)
    factor = dtype_max / amax / (2**margin)
    factor = torch.where(amax > 0.0, factor, inverse)
    factor = torch.where(torch.isfinite(amax), factor, inverse)
    return torch.reciprocal(factor)


def compute_float8_amax_history(x, amax_history):
    """Roll `amax_history` left by one and write `max(|x|)` into its first slot.

    Args:
        x: Tensor whose absolute maximum is recorded.
        amax_history: 1D history of absolute maxima.

    Returns:
        The new history.
    """
    amax_history = convert_to_tensor(amax_history)
    amax = torch.amax(torch.abs(convert_to_tensor(x))).to(amax_history.dtype)
    rolled = torch.roll(amax_history, shifts=-1)
    return torch.cat([amax.reshape(1), rolled[1:]])


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """Round `inputs / scale` to `quantized_dtype` (saturating) and multiply back by `scale`.

    Args:
        inputs: Float tensor.
        scale: Scale (a scalar tensor).
        quantized_dtype: A float8 dtype name such as `"float8_e4m3fn"`.
        compute_dtype: Dtype of the computation and the result.

    Returns:
        The quantized-dequantized tensor in `compute_dtype`.
    """
    compute = to_torch_dtype(compute_dtype)
    target = to_torch_dtype(quantized_dtype)
    limit = float(torch.finfo(target).max)
    scale = convert_to_tensor(scale).to(compute)
    x = torch.clip(convert_to_tensor(inputs).to(compute) / scale, -limit, limit)
    return x.to(target).to(compute) * scale

"""`fake_quant_with_min_max_vars`: quantize-dequantize into `[min, max]` with trainable bounds."""

from __future__ import annotations

import torch

from kerasbridge.backend.tensor import convert_to_tensor


def _nudged_range(min_range, max_range, num_bits, narrow_range):
    compute = torch.promote_types(min_range.dtype, torch.float32)
    min_range, max_range = min_range.to(compute), max_range.to(compute)
    quant_max = (1 << num_bits) - 1
    quant_min = 1 if narrow_range else 0
    span = max_range - min_range
    scale = span / (quant_max - quant_min)
    inv_scale = (quant_max - quant_min) / span
    zero_point = torch.round(torch.clip(quant_min - min_range / scale, quant_min, quant_max))
    return (quant_min - zero_point) * scale, (quant_max - zero_point) * scale, scale, inv_scale


class _FakeQuant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, min_val, max_val, num_bits, narrow_range, axis):
        nudged_min, nudged_max, scale, inv_scale = _nudged_range(min_val, max_val, num_bits, narrow_range)
        quant_zero = torch.floor(-nudged_min * inv_scale + 0.5)
        shifted = torch.clip(x.to(nudged_min.dtype), nudged_min, nudged_max) - nudged_min
        result = (torch.floor(shifted * inv_scale - quant_zero + 0.5) * scale).to(x.dtype)
        ctx.save_for_backward(x, nudged_min, nudged_max)
        ctx.axis, ctx.min_shape, ctx.max_shape = axis, min_val.shape, max_val.shape
        return result

    @staticmethod
    def backward(ctx, upstream):
        x, nudged_min, nudged_max = ctx.saved_tensors
        zero = torch.zeros((), dtype=upstream.dtype, device=upstream.device)
        inside = (x >= nudged_min) & (x <= nudged_max)
        dx = torch.where(inside, upstream, zero)
        reduce = [i for i in range(dx.ndim) if i != ctx.axis]
        grad_min = torch.where(x <= nudged_min, upstream, zero)
        grad_max = torch.where(x >= nudged_max, upstream, zero)
        if ctx.axis is not None:
            grad_min, grad_max = grad_min.sum(dim=reduce), grad_max.sum(dim=reduce)
        else:
            grad_min, grad_max = grad_min.sum(), grad_max.sum()
        return dx, grad_min.reshape(ctx.min_shape), grad_max.reshape(ctx.max_shape), None, None, None


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False, axis=None):
    """Per-tensor or per-channel fake quantization of `inputs` into `[min_vals, max_vals]`.

    Values are clamped to the (nudged) range, quantized to `[0, 2**num_bits - 1]`
    (`[1, ...]` with `narrow_range`) and dequantized. Gradients pass straight
    through inside the range and flow to `min_vals`/`max_vals` for clamped values.

    Args:
        inputs: Float tensor.
        min_vals: Scalar or per-channel minimum.
        max_vals: Scalar or per-channel maximum.
        num_bits: Bit width of the quantization.
        narrow_range: Whether the quantized range starts at 1.
        axis: Channel axis for per-channel ranges; `None` for per-tensor.

    Returns:
        The fake-quantized tensor, in the dtype of `inputs`.
    """
    from kerasbridge.ops.keras_tensor import KerasTensor

    if isinstance(inputs, KerasTensor):
        return KerasTensor(inputs.shape, dtype=inputs.dtype)
    inputs = convert_to_tensor(inputs)
    min_vals = convert_to_tensor(min_vals)
    max_vals = convert_to_tensor(max_vals)
    if axis is not None:
        axis = axis % inputs.ndim
    return _FakeQuant.apply(inputs, min_vals, max_vals, int(num_bits), narrow_range, axis)

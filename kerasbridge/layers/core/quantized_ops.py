"""Tensor routines shared by the quantized `Dense`, `EinsumDense` and `Embedding` forward passes.

The integer kernels of int8/int4 layers are not differentiable: as in Keras, their
forward passes run inside `InputsGradient`, whose backward pass returns only the
gradient of the float inputs, computed from the dequantized kernel. Float8 layers
quantize-dequantize their operands with straight-through gradients; the "gradients"
of their scale and amax-history variables are their next values, which the
optimizer writes over them (`overwrite_with_gradient`).
"""

from __future__ import annotations

import torch

from kerasbridge.quantizers.float8_ops import (
    compute_float8_amax_history,
    compute_float8_scale,
    quantize_and_dequantize,
)

E4M3_MAX = float(torch.finfo(torch.float8_e4m3fn).max)
E5M2_MAX = float(torch.finfo(torch.float8_e5m2).max)


class InputsGradient(torch.autograd.Function):
    """`forward_fn(inputs)` whose gradient is `backward_fn(upstream)` (for inputs only)."""

    @staticmethod
    def forward(ctx, inputs, forward_fn, backward_fn):
        ctx.backward_fn = backward_fn
        return forward_fn(inputs)

    @staticmethod
    def backward(ctx, upstream):
        return ctx.backward_fn(upstream), None, None


def with_inputs_gradient(inputs, forward_fn, backward_fn):
    """Run `forward_fn(inputs)`; the gradient w.r.t. `inputs` is `backward_fn(upstream)`."""
    return InputsGradient.apply(inputs, forward_fn, backward_fn)


def int8_matmul(x, y):
    """Exact product of two int8 tensors as int32 (as Keras's torch backend computes it)."""
    if x.is_cuda:
        if (x.ndim == 2 and y.ndim == 2 and x.shape[0] > 16 and x.shape[1] >= 16 and x.shape[1] % 8 == 0
                and y.shape[0] >= 16 and y.shape[0] % 8 == 0 and y.shape[1] % 8 == 0):
            try:
                return torch._int_mm(x, y)
            except RuntimeError:
                pass
        return torch.matmul(x.float(), y.float()).to(torch.int32)
    return torch.matmul(x.to(torch.int32), y.to(torch.int32))


def int8_einsum(equation, x, y):
    """`einsum` of two int8 tensors, as int32 (float32 accumulation on CUDA, as Keras does)."""
    compute = torch.float32 if x.is_cuda else torch.int32
    return torch.einsum(equation, x.to(compute), y.to(compute)).to(torch.int32)


class _Float8InputsQDQ(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale, amax_history, training, compute_dtype):
        if training:
            ctx.new_scale = compute_float8_scale(torch.amax(amax_history, dim=0), scale, E4M3_MAX)
            ctx.new_history = compute_float8_amax_history(x, amax_history)
        else:
            ctx.new_scale = ctx.new_history = None
        return quantize_and_dequantize(x, scale, "float8_e4m3fn", compute_dtype)

    @staticmethod
    def backward(ctx, upstream):
        return upstream, ctx.new_scale, ctx.new_history, None, None


class _Float8OutputsGradQDQ(torch.autograd.Function):
    @staticmethod
    def forward(ctx, outputs, scale, amax_history, compute_dtype):
        ctx.save_for_backward(scale, amax_history)
        ctx.compute_dtype = compute_dtype
        return outputs.clone()

    @staticmethod
    def backward(ctx, upstream):
        scale, amax_history = ctx.saved_tensors
        new_scale = compute_float8_scale(torch.amax(amax_history, dim=0), scale, E5M2_MAX)
        qdq_upstream = quantize_and_dequantize(upstream, scale, "float8_e5m2", ctx.compute_dtype)
        new_history = compute_float8_amax_history(upstream, amax_history)
        return qdq_upstream, new_scale, new_history, None


def float8_qdq_inputs(x, scale, amax_history, training, compute_dtype):
    """Quantize-dequantize an operand to float8 e4m3 (straight-through gradient; new scale/history as gradients)."""
    return _Float8InputsQDQ.apply(x, scale, amax_history, bool(training), compute_dtype)


def float8_qdq_outputs_gradient(outputs, scale, amax_history, compute_dtype):
    """Identity forward; the backward quantize-dequantizes the gradient to float8 e5m2."""
    return _Float8OutputsGradQDQ.apply(outputs, scale, amax_history, compute_dtype)


def float8_bias(bias, compute_dtype):
    """The bias added by a float8 layer: rounded through bfloat16 when computing in float32 (as Keras)."""
    if compute_dtype == "float32":
        return bias.to(torch.bfloat16).to(bias.dtype)
    return bias

"""Numpy products: matmul, dot, tensordot, einsum, outer, inner, vdot, cross, kron.

As in Keras's torch backend, operands are promoted with `result_type` (so two float64
operands give float32) and integer products are computed in a float type where torch
lacks an integer kernel.
"""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import config, result_type, tensor, to_dtype
from kerasbridge.ops.operation import symbolic_op

_FAST_MATMUL = (torch.float32, torch.bfloat16)


def _float_compute(result: str, device_type: str) -> str:
    compute = result_type(result, float)
    return "float32" if compute == "float16" and device_type == "cpu" else compute


@symbolic_op
def matmul(x1, x2):
    """Matrix product of two tensors.

    Args:
        x1: First tensor.
        x2: Second tensor.

    Returns:
        Output tensor, matrix product of the inputs.
    """
    x1, x2 = tensor(x1), tensor(x2)
    if x1.dtype is x2.dtype and x1.dtype in _FAST_MATMUL:
        return torch.matmul(x1, x2)
    if x1.dtype == torch.int8 and x2.dtype == torch.int8:
        result = "int32"
    else:
        result = result_type(x1.dtype, x2.dtype)
    compute = result
    device_type = x1.device.type
    if compute == "bool":
        compute = config.floatx()
    if device_type == "cpu" and compute == "float16":
        compute = "float32"
    if device_type == "cuda" and "int" in compute:
        compute = config.floatx()
    return to_dtype(torch.matmul(to_dtype(x1, compute), to_dtype(x2, compute)), result)


@symbolic_op
def dot(x1, x2):
    """Dot product of two tensors (a product with a scalar, a matmul otherwise).

    Args:
        x1: First argument.
        x2: Second argument.

    Returns:
        Dot product of `x1` and `x2`.
    """
    x1, x2 = tensor(x1), tensor(x2)
    result = result_type(x1.dtype, x2.dtype)
    compute = _float_compute(result, x1.device.type)
    x1, x2 = to_dtype(x1, compute), to_dtype(x2, compute)
    if x1.ndim == 0 or x2.ndim == 0:
        return to_dtype(torch.multiply(x1, x2), result)
    return to_dtype(torch.matmul(x1, x2), result)


@symbolic_op
def tensordot(x1, x2, axes=2):
    """Compute the tensor dot product along specified axes.

    Args:
        x1: First tensor.
        x2: Second tensor.
        axes: An integer N (sum over the last N axes of `x1` and the first N of `x2`), or a
            pair of axis lists.

    Returns:
        The tensor dot product of the inputs.
    """
    x1, x2 = tensor(x1), tensor(x2)
    result = result_type(x1.dtype, x2.dtype)
    compute = _float_compute(result, x1.device.type)
    if isinstance(axes, (list, tuple)):
        first, second = axes
        first = tuple(first) if isinstance(first, (list, tuple)) else (first,)
        second = tuple(second) if isinstance(second, (list, tuple)) else (second,)
        axes = (first, second)
    return to_dtype(torch.tensordot(to_dtype(x1, compute), to_dtype(x2, compute), dims=axes), result)


@symbolic_op
def einsum(subscripts, *operands, **kwargs):
    """Evaluate the Einstein summation convention on the operands.

    Args:
        subscripts: The subscripts, e.g. `"ij,jk->ik"`.
        *operands: The operands.

    Returns:
        The calculation based on the Einstein summation convention.
    """
    operands = [tensor(x) for x in operands]
    if all(x.dtype == torch.int8 for x in operands):
        compute = config.floatx() if operands[0].device.type == "cuda" else "int32"
        operands = [to_dtype(x, compute) for x in operands]
        return to_dtype(torch.einsum(subscripts, *operands), "int32")
    return torch.einsum(subscripts, *operands)


@symbolic_op
def outer(x1, x2):
    """Compute the outer product of two (flattened) vectors."""
    x1, x2 = tensor(x1), tensor(x2)
    return torch.outer(x1.flatten(), x2.flatten())


def _promoted_float_product(torch_fn, x1, x2):
    x1, x2 = tensor(x1), tensor(x2)
    result = result_type(x1.dtype, x2.dtype)
    compute = _float_compute(result, x1.device.type)
    return to_dtype(torch_fn(to_dtype(x1, compute), to_dtype(x2, compute)), result)


@symbolic_op
def inner(x1, x2):
    """Inner product of two tensors (over their last axes)."""
    return _promoted_float_product(torch.inner, x1, x2)


@symbolic_op
def vdot(x1, x2):
    """Dot product of two 1-D vectors (conjugating the first)."""
    return _promoted_float_product(torch.vdot, x1, x2)


@symbolic_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """Return the cross product of two (arrays of) 3-vectors.

    Args:
        x1: Components of the first vector(s).
        x2: Components of the second vector(s).
        axisa: Must be -1 (use `axis`).
        axisb: Must be -1 (use `axis`).
        axisc: Must be -1 (use `axis`).
        axis: The axis holding the vectors (the last by default).

    Returns:
        Vector cross product(s).
    """
    if axisa != -1 or axisb != -1 or axisc != -1:
        raise ValueError(
            "Torch backend does not support `axisa`, `axisb`, or `axisc`. "
            f"Received: axisa={axisa}, axisb={axisb}, axisc={axisc}. Please use `axis` arg in torch backend."
        )
    x1, x2 = tensor(x1), tensor(x2)
    result = result_type(x1.dtype, x2.dtype)
    compute = result
    device_type = x1.device.type
    if (device_type == "cuda" and compute == "bfloat16") or (device_type == "cpu" and compute == "float16"):
        compute = "float32"
    dim = -1 if axis is None else axis
    return to_dtype(torch.linalg.cross(to_dtype(x1, compute), to_dtype(x2, compute), dim=dim), result)


@symbolic_op
def kron(x1, x2):
    """Kronecker product of two tensors."""
    return torch.kron(tensor(x1), tensor(x2))


@symbolic_op
def slogdet(x):
    """Sign and natural log of the absolute determinant: `(sign, logabsdet)`."""
    return tuple(torch.linalg.slogdet(tensor(x)))


__all__ = ["slogdet", "cross", "dot", "einsum", "inner", "kron", "matmul", "outer", "tensordot", "vdot"]

"""Element-wise numpy comparisons, logical and bitwise ops, and `isclose`/`allclose`."""

from __future__ import annotations

import torch

from kerasbridge.ops._numpy_elementwise import _pair
from kerasbridge.ops._utils import result_type, tensor, to_dtype
from kerasbridge.ops.operation import symbolic_op


def _binary(torch_fn, name, doc):
    def fn(x1, x2):
        return torch_fn(tensor(x1), tensor(x2))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"{doc}\n\n    Args:\n        x1: First input tensor.\n        x2: Second input tensor.\n\n"
        "    Returns:\n        Output tensor.\n    "
    )
    return symbolic_op(fn)


equal = _binary(torch.eq, "equal", "Return `(x1 == x2)` element-wise.")
not_equal = _binary(torch.not_equal, "not_equal", "Return `(x1 != x2)` element-wise.")
less = _binary(torch.less, "less", "Return the truth value of `x1 < x2` element-wise.")
less_equal = _binary(torch.less_equal, "less_equal", "Return the truth value of `x1 <= x2` element-wise.")
greater = _binary(torch.greater, "greater", "Return the truth value of `x1 > x2` element-wise.")
greater_equal = _binary(torch.greater_equal, "greater_equal", "Return the truth value of `x1 >= x2` element-wise.")
logical_and = _binary(torch.logical_and, "logical_and", "Compute the element-wise logical AND.")
logical_or = _binary(torch.logical_or, "logical_or", "Compute the element-wise logical OR.")
logical_xor = _binary(torch.logical_xor, "logical_xor", "Compute the element-wise logical XOR.")
gcd = _binary(torch.gcd, "gcd", "Greatest common divisor of `x1` and `x2`, element-wise.")
lcm = _binary(torch.lcm, "lcm", "Least common multiple of `x1` and `x2`, element-wise.")


@symbolic_op
def bitwise_and(x, y):
    """Compute the bit-wise AND of two integer or boolean tensors, element-wise."""
    return torch.bitwise_and(tensor(x), tensor(y))


@symbolic_op
def bitwise_or(x, y):
    """Compute the bit-wise OR of two integer or boolean tensors, element-wise."""
    return torch.bitwise_or(tensor(x), tensor(y))


@symbolic_op
def bitwise_xor(x, y):
    """Compute the bit-wise XOR of two integer or boolean tensors, element-wise."""
    return torch.bitwise_xor(tensor(x), tensor(y))


def _shift(torch_fn, name, doc):
    def fn(x, y):
        return torch_fn(tensor(x), y if isinstance(y, int) else tensor(y))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{doc}\n\n    Args:\n        x: Input integer tensor.\n        y: Number of bits.\n\n    Returns:\n        Result tensor.\n    "
    return symbolic_op(fn)


bitwise_left_shift = _shift(torch.bitwise_left_shift, "bitwise_left_shift", "Shift the bits of an integer to the left.")
left_shift = _shift(torch.bitwise_left_shift, "left_shift", "Shift the bits of an integer to the left.")
bitwise_right_shift = _shift(torch.bitwise_right_shift, "bitwise_right_shift", "Shift the bits of an integer to the right.")
right_shift = _shift(torch.bitwise_right_shift, "right_shift", "Shift the bits of an integer to the right.")


@symbolic_op
def isclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Return whether two tensors are element-wise almost equal.

    Args:
        x1: First input tensor.
        x2: Second input tensor.
        rtol: Relative tolerance.
        atol: Absolute tolerance.
        equal_nan: Whether NaNs compare equal.

    Returns:
        A boolean tensor.
    """
    x1, x2 = _pair(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype)
    x1, x2 = to_dtype(x1, dtype), to_dtype(x2, dtype)
    if "float" in dtype:
        return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return torch.eq(x1, x2)


@symbolic_op
def allclose(x1, x2, rtol=1e-5, atol=1e-8, equal_nan=False):
    """Whether all elements of two tensors are almost equal (a boolean scalar tensor)."""
    return torch.all(isclose._eager(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


__all__ = [
    "allclose", "bitwise_and", "bitwise_left_shift", "bitwise_or", "bitwise_right_shift", "bitwise_xor", "equal",
    "gcd", "greater", "greater_equal", "isclose", "lcm", "left_shift", "less", "less_equal", "logical_and",
    "logical_or", "logical_xor", "not_equal", "right_shift",
]

"""Element-wise numpy ops: arithmetic and rounding.

Dtypes follow Keras with the torch backend: Python scalars become tensors (int -> int32,
float -> floatx) and mix with tensors under torch's promotion, which agrees with Keras's
for these ops; ops where Keras promotes explicitly use `result_type`.

Comparisons, logical and bitwise ops live in `numpy_logic` and are re-exported here, so
every op keeps this import path.
"""

from __future__ import annotations

import torch

from kerasbridge.ops._numpy_elementwise import (  # noqa: F401  (re-exported)
    _INT_NAMES,
    _floatx,
    _pair,
    _scalar_or_tensor,
    _weak_dtype,
)
from kerasbridge.ops._utils import config, get_device, result_type, tensor, to_dtype
from kerasbridge.ops.numpy_logic import (  # noqa: F401  (re-exported)
    _binary,
    _shift,
    allclose,
    bitwise_and,
    bitwise_left_shift,
    bitwise_or,
    bitwise_right_shift,
    bitwise_xor,
    equal,
    gcd,
    greater,
    greater_equal,
    isclose,
    lcm,
    left_shift,
    less,
    less_equal,
    logical_and,
    logical_or,
    logical_xor,
    not_equal,
    right_shift,
)
from kerasbridge.ops.operation import symbolic_op

# -- arithmetic ---------------------------------------------------------------------------


@symbolic_op
def add(x1, x2):
    """Add arguments element-wise.

    Args:
        x1: First input tensor.
        x2: Second input tensor.

    Returns:
        The tensor containing the element-wise sum of `x1` and `x2`.
    """
    return torch.add(*_pair(x1, x2))


@symbolic_op
def subtract(x1, x2):
    """Subtract arguments element-wise.

    Args:
        x1: First input tensor.
        x2: Second input tensor.

    Returns:
        Output tensor, element-wise difference of `x1` and `x2`.
    """
    x1, x2 = _pair(x1, x2)
    if x1.dtype == torch.bool:
        x1 = x1.to(x2.dtype)
    if x2.dtype == torch.bool:
        x2 = x2.to(x1.dtype)
    return torch.subtract(x1, x2)


@symbolic_op
def multiply(x1, x2):
    """Multiply arguments element-wise.

    Args:
        x1: First input tensor.
        x2: Second input tensor.

    Returns:
        Output tensor, element-wise product of `x1` and `x2`.
    """
    return torch.multiply(*_pair(x1, x2))


@symbolic_op
def divide(x1, x2):
    """Divide arguments element-wise (true division; integers give floats).

    Args:
        x1: Dividend.
        x2: Divisor.

    Returns:
        Output tensor, the quotient `x1/x2`, element-wise.
    """
    return torch.divide(_scalar_or_tensor(x1), _scalar_or_tensor(x2))


@symbolic_op
def true_divide(x1, x2):
    """Alias of `divide`."""
    return torch.divide(_scalar_or_tensor(x1), _scalar_or_tensor(x2))


@symbolic_op
def divide_no_nan(x1, x2):
    """Safe element-wise division which returns 0 where the denominator is 0.

    Args:
        x1: Dividend.
        x2: Divisor.

    Returns:
        The quotient `x1/x2`, with 0 where `x2` is 0.
    """
    dtype = result_type(_weak_dtype(x1), _weak_dtype(x2), float)
    x1, x2 = tensor(x1, dtype), tensor(x2, dtype)
    zero = x2 == 0
    return torch.where(zero, 0, torch.divide(x1, torch.where(zero, torch.ones_like(x2), x2)))


@symbolic_op
def floor_divide(x1, x2):
    """Largest integer smaller or equal to the division of inputs.

    Args:
        x1: Numerator.
        x2: Denominator.

    Returns:
        Output tensor, `y = floor(x1/x2)`.
    """
    x1, x2 = _scalar_or_tensor(x1), _scalar_or_tensor(x2)
    dtype = result_type(_weak_dtype(x1), _weak_dtype(x2))
    return to_dtype(torch.floor_divide(x1, x2), dtype)


@symbolic_op
def mod(x1, x2):
    """Remainder of division, with the sign of the divisor.

    Args:
        x1: First input tensor.
        x2: Second input tensor.

    Returns:
        Output tensor, element-wise remainder of division.
    """
    x1, x2 = _pair(x1, x2)
    if result_type(x1.dtype, x2.dtype) == "bool":
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    return torch.remainder(x1, x2)


@symbolic_op
def fmod(x1, x2):
    """Remainder of division, with the sign of the dividend.

    Args:
        x1: First input tensor.
        x2: Second input tensor.

    Returns:
        Output tensor, element-wise remainder of division.
    """
    x1, x2 = _pair(x1, x2)
    if result_type(x1.dtype, x2.dtype) == "bool":
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    return torch.fmod(x1, x2)


@symbolic_op
def power(x1, x2):
    """First tensor elements raised to powers from second tensor, element-wise.

    Args:
        x1: The bases.
        x2: The exponents.

    Returns:
        Output tensor, the bases in `x1` raised to the exponents in `x2`.
    """
    return torch.pow(*_pair(x1, x2))


@symbolic_op
def negative(x):
    """Numerical negative, element-wise."""
    return torch.negative(tensor(x))


@symbolic_op
def absolute(x):
    """Compute the absolute value element-wise.

    Args:
        x: Input tensor.

    Returns:
        An array containing the absolute value of each element in `x`.
    """
    x = tensor(x)
    return x if x.dtype == torch.bool else torch.abs(x)


@symbolic_op
def abs(x):
    """Shorthand for `absolute`."""
    x = tensor(x)
    return x if x.dtype == torch.bool else torch.abs(x)


@symbolic_op
def fabs(x):
    """Absolute value element-wise, always returning floats."""
    x = tensor(x)
    if x.is_complex():
        raise TypeError(f"fabs does not support complex inputs. Received: x.dtype={x.dtype}")
    return torch.abs(x if x.is_floating_point() else x.to(_floatx()))


@symbolic_op
def square(x):
    """Return the element-wise square of the input."""
    x = tensor(x)
    return torch.square(x.to(torch.int32) if x.dtype == torch.bool else x)


@symbolic_op
def sqrt(x):
    """Return the non-negative square root of a tensor, element-wise."""
    x = tensor(x)
    return torch.sqrt(x.to(_floatx()) if x.dtype == torch.int64 else x)


@symbolic_op
def cbrt(x):
    """Compute the cube root of the input, element-wise."""
    x = tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    elif x.dtype == torch.int64:
        x = x.to(torch.float64)
    return torch.sign(x) * torch.abs(x) ** (1.0 / 3.0)


@symbolic_op
def reciprocal(x):
    """Return the reciprocal of the argument, element-wise."""
    return torch.reciprocal(tensor(x))


@symbolic_op
def sign(x):
    """Return a tensor of the signs of the elements of `x` (-1, 0 or 1)."""
    return torch.sign(tensor(x))


@symbolic_op
def signbit(x):
    """Return `True` where the sign bit of the element is set (less than zero)."""
    return torch.signbit(tensor(x))


@symbolic_op
def maximum(x1, x2):
    """Element-wise maximum of `x1` and `x2`."""
    x1, x2 = _scalar_or_tensor(x1), _scalar_or_tensor(x2)
    dtype = result_type(_weak_dtype(x1), _weak_dtype(x2))
    return torch.maximum(tensor(x1, dtype), tensor(x2, dtype))


@symbolic_op
def minimum(x1, x2):
    """Element-wise minimum of `x1` and `x2`."""
    x1, x2 = _scalar_or_tensor(x1), _scalar_or_tensor(x2)
    dtype = result_type(_weak_dtype(x1), _weak_dtype(x2))
    return torch.minimum(tensor(x1, dtype), tensor(x2, dtype))


@symbolic_op
def fmax(x1, x2):
    """Element-wise maximum, ignoring NaNs."""
    x1, x2 = _scalar_or_tensor(x1), _scalar_or_tensor(x2)
    dtype = result_type(_weak_dtype(x1), _weak_dtype(x2))
    return torch.fmax(tensor(x1, dtype), tensor(x2, dtype))


@symbolic_op
def fmin(x1, x2):
    """Element-wise minimum, ignoring NaNs."""
    x1, x2 = _scalar_or_tensor(x1), _scalar_or_tensor(x2)
    dtype = result_type(_weak_dtype(x1), _weak_dtype(x2))
    return torch.fmin(tensor(x1, dtype), tensor(x2, dtype))


@symbolic_op
def clip(x, x_min, x_max):
    """Clip (limit) the values in a tensor to `[x_min, x_max]`.

    Args:
        x: Input tensor.
        x_min: Minimum value.
        x_max: Maximum value.

    Returns:
        The clipped tensor.
    """
    x = tensor(x)
    x_min, x_max = tensor(x_min), tensor(x_max)
    if x.dtype == torch.float16 and get_device() == "cpu":
        return torch.clip(x.float(), min=x_min, max=x_max).to(torch.float16)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clip(x, min=x_min, max=x_max)


# -- rounding -----------------------------------------------------------------------------


def _rounding_dtype(x):
    return config.floatx() if x.dtype == torch.int64 else result_type(x.dtype, float)


@symbolic_op
def floor(x):
    """Return the floor of the input, element-wise (always a float tensor)."""
    x = tensor(x)
    return torch.floor(to_dtype(x, _rounding_dtype(x)))


@symbolic_op
def ceil(x):
    """Return the ceiling of the input, element-wise (always a float tensor)."""
    x = tensor(x)
    dtype = _rounding_dtype(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    elif x.dtype == torch.float16 and get_device() == "cpu":
        x = x.to(_floatx())
    return to_dtype(torch.ceil(x), dtype)


@symbolic_op
def round(x, decimals=0):
    """Evenly round to the given number of decimals."""
    x = tensor(x)
    if x.dtype != torch.bool and not x.is_floating_point():
        return torch.round(x.to(_floatx()), decimals=decimals).to(x.dtype)
    return torch.round(x, decimals=decimals)


@symbolic_op
def trunc(x):
    """Return the truncated value of the input, element-wise."""
    x = tensor(x)
    return x if x.dtype == torch.bool else torch.trunc(x)


__all__ = [
    "abs", "absolute", "add", "allclose", "bitwise_and", "bitwise_left_shift", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "cbrt", "ceil", "clip", "divide", "divide_no_nan", "equal",
    "fabs", "floor", "floor_divide", "fmax", "fmin", "fmod", "gcd", "greater", "greater_equal", "isclose",
    "lcm", "left_shift", "less", "less_equal", "logical_and", "logical_or", "logical_xor", "maximum",
    "minimum", "mod", "multiply", "negative", "not_equal", "power", "reciprocal", "right_shift", "round",
    "sign", "signbit", "sqrt", "square", "subtract", "true_divide", "trunc",
]

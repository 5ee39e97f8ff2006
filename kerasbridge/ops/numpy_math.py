"""Element-wise numpy ops: arithmetic, rounding, comparisons, logic and bitwise ops.

Dtypes follow Keras with the torch backend: Python scalars become tensors (int -> int32,
float -> floatx) and mix with tensors under torch's promotion, which agrees with Keras's
for these ops; ops where Keras promotes explicitly use `result_type`.
"""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import config, get_device, result_type, tensor, to_dtype
from kerasbridge.ops.operation import symbolic_op

_INT_NAMES = ("int8", "int16", "int32", "uint8", "uint16", "uint32")


def _pair(x1, x2):
    return tensor(x1), tensor(x2)


def _weak_dtype(x):
    return type(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else x.dtype


def _scalar_or_tensor(x):
    return x if isinstance(x, (int, float)) and not isinstance(x, bool) else tensor(x)


def _floatx():
    return getattr(torch, config.floatx())


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


# -- comparisons and logic ----------------------------------------------------------------


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
    "abs", "absolute", "add", "allclose", "bitwise_and", "bitwise_left_shift", "bitwise_or",
    "bitwise_right_shift", "bitwise_xor", "cbrt", "ceil", "clip", "divide", "divide_no_nan", "equal",
    "fabs", "floor", "floor_divide", "fmax", "fmin", "fmod", "gcd", "greater", "greater_equal", "isclose",
    "lcm", "left_shift", "less", "less_equal", "logical_and", "logical_or", "logical_xor", "maximum",
    "minimum", "mod", "multiply", "negative", "not_equal", "power", "reciprocal", "right_shift", "round",
    "sign", "signbit", "sqrt", "square", "subtract", "true_divide", "trunc",
]

"""Element-wise transcendental and special functions (exp, log, trigonometry) and complex parts.

Integer inputs of `exp`-like functions are cast to `floatx` first, as in Keras.
"""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import config, dname, get_device, result_type, tensor, to_dtype
from kerasbridge.ops.numpy_math import _floatx, _pair
from kerasbridge.ops.operation import symbolic_op

_INT_NAMES = ("int8", "int16", "int32", "uint8", "uint16", "uint32")


# -- exponentials, logarithms, trigonometry -----------------------------------------------


def _unary(torch_fn, name, doc, int_to_float=False):
    if int_to_float:

        def fn(x):
            x = tensor(x)
            if not (x.is_floating_point() or x.is_complex()):
                x = x.to(_floatx())
            return torch_fn(x)

    else:

        def fn(x):
            return torch_fn(tensor(x))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"{doc}\n\n    Args:\n        x: Input tensor.\n\n    Returns:\n        Output tensor.\n    "
    return symbolic_op(fn)


exp = _unary(torch.exp, "exp", "Calculate the exponential of all elements in the input tensor.", True)
exp2 = _unary(torch.exp2, "exp2", "Calculate 2 raised to the power of each element.", True)
expm1 = _unary(torch.expm1, "expm1", "Calculate `exp(x) - 1` for all elements in the tensor.", True)
log = _unary(torch.log, "log", "Natural logarithm, element-wise.")
log10 = _unary(torch.log10, "log10", "Return the base 10 logarithm of the input tensor, element-wise.")
log1p = _unary(torch.log1p, "log1p", "Return the natural logarithm of one plus `x`, element-wise.")
log2 = _unary(torch.log2, "log2", "Base-2 logarithm of `x`, element-wise.")
sin = _unary(torch.sin, "sin", "Trigonometric sine, element-wise.")
cos = _unary(torch.cos, "cos", "Cosine, element-wise.")
tan = _unary(torch.tan, "tan", "Compute tangent, element-wise.")
arcsin = _unary(torch.arcsin, "arcsin", "Inverse sine, element-wise.")
arccos = _unary(torch.arccos, "arccos", "Trigonometric inverse cosine, element-wise.")
arctan = _unary(torch.arctan, "arctan", "Trigonometric inverse tangent, element-wise.")
sinh = _unary(torch.sinh, "sinh", "Hyperbolic sine, element-wise.")
cosh = _unary(torch.cosh, "cosh", "Hyperbolic cosine, element-wise.")
tanh = _unary(torch.tanh, "tanh", "Hyperbolic tangent, element-wise.")
arcsinh = _unary(torch.arcsinh, "arcsinh", "Inverse hyperbolic sine, element-wise.")
arccosh = _unary(torch.arccosh, "arccosh", "Inverse hyperbolic cosine, element-wise.")
arctanh = _unary(torch.arctanh, "arctanh", "Inverse hyperbolic tangent, element-wise.")
sinc = _unary(torch.sinc, "sinc", "Normalized sinc function `sin(pi x) / (pi x)`, element-wise.")
isnan = _unary(torch.isnan, "isnan", "Test element-wise for NaN and return result as a boolean tensor.")
isinf = _unary(torch.isinf, "isinf", "Test element-wise for positive or negative infinity.")
isfinite = _unary(torch.isfinite, "isfinite", "Return whether each element is finite (not inf, not NaN).")
isneginf = _unary(torch.isneginf, "isneginf", "Test element-wise for negative infinity.")
isposinf = _unary(torch.isposinf, "isposinf", "Test element-wise for positive infinity.")
isreal = _unary(torch.isreal, "isreal", "Test element-wise whether the input is real.")
logical_not = _unary(torch.logical_not, "logical_not", "Compute the truth value of `NOT x` element-wise.")
bitwise_invert = _unary(torch.bitwise_not, "bitwise_invert", "Compute bit-wise inversion (NOT), element-wise.")
bitwise_not = _unary(torch.bitwise_not, "bitwise_not", "Compute bit-wise inversion (NOT), element-wise.")


@symbolic_op
def deg2rad(x):
    """Convert angles from degrees to radians."""
    x = tensor(x)
    out = torch.deg2rad(x)
    return out.to(torch.float64) if x.dtype == torch.int64 else out


@symbolic_op
def rad2deg(x):
    """Convert angles from radians to degrees."""
    x = tensor(x)
    out = torch.rad2deg(x)
    return out.to(torch.float64) if x.dtype == torch.int64 else out


@symbolic_op
def i0(x):
    """Modified Bessel function of the first kind, order 0, element-wise."""
    x = tensor(x)
    name = dname(x)
    if name in ("int64", "float64"):
        x = x.to(torch.float64)
    elif name not in ("bfloat16", "float16"):
        x = x.to(_floatx())
    return torch.i0(x)


def _float_binary(torch_fn, name, doc):
    def fn(x1, x2):
        x1, x2 = _pair(x1, x2)
        dtype = result_type(x1.dtype, x2.dtype, float)
        if dtype == "float16" and get_device() == "cpu":
            return torch_fn(x1.float(), x2.float()).half()
        return torch_fn(to_dtype(x1, dtype), to_dtype(x2, dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (
        f"{doc}\n\n    Args:\n        x1: First input tensor.\n        x2: Second input tensor.\n\n"
        "    Returns:\n        Output tensor.\n    "
    )
    return symbolic_op(fn)


arctan2 = _float_binary(torch.arctan2, "arctan2", "Element-wise arc tangent of `x1/x2` choosing the quadrant.")
logaddexp = _float_binary(torch.logaddexp, "logaddexp", "Logarithm of the sum of exponentiations of the inputs.")
logaddexp2 = _float_binary(torch.logaddexp2, "logaddexp2", "Base-2 logarithm of the sum of powers of 2.")


def _int_to_float_dtype(dtype: str) -> str:
    if dtype in _INT_NAMES:
        return config.floatx()
    return "float64" if dtype == "int64" else dtype


@symbolic_op
def hypot(x1, x2):
    """Element-wise `sqrt(x1**2 + x2**2)`."""
    x1, x2 = _pair(x1, x2)
    dtype = _int_to_float_dtype(result_type(x1.dtype, x2.dtype))
    return torch.hypot(to_dtype(x1, dtype), to_dtype(x2, dtype))


@symbolic_op
def heaviside(x1, x2):
    """Heaviside step function: 0 where `x1 < 0`, `x2` where `x1 == 0`, 1 where `x1 > 0`."""
    x1, x2 = _pair(x1, x2)
    dtype = _int_to_float_dtype(result_type(x1.dtype, x2.dtype))
    return torch.heaviside(to_dtype(x1, dtype), to_dtype(x2, dtype))


@symbolic_op
def nextafter(x1, x2):
    """Next floating-point value after `x1` towards `x2`, element-wise."""
    x1, x2 = _pair(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype, float)
    return to_dtype(torch.nextafter(x1.to(torch.float64), x2.to(torch.float64)), dtype)


@symbolic_op
def ldexp(x1, x2):
    """Return `x1 * 2**x2`, element-wise (`x2` must hold integers)."""
    x1, x2 = _pair(x1, x2)
    dtype = result_type(x1.dtype, x2.dtype, float)
    if x2.is_floating_point() or x2.is_complex() or x2.dtype == torch.bool:
        raise TypeError(f"ldexp exponent must be an integer type. Received: x2 dtype={x2.dtype}")
    return to_dtype(torch.ldexp(x1, x2), dtype)


@symbolic_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    """Replace NaN with `nan`, and infinities with `posinf`/`neginf` (dtype extremes by default)."""
    return torch.nan_to_num(tensor(x), nan=nan, posinf=posinf, neginf=neginf)


# -- complex ------------------------------------------------------------------------------


def _complex_input(x):
    return x if isinstance(x, torch.Tensor) else tensor(x, getattr(x, "dtype", None))


@symbolic_op
def real(x):
    """Return the real part of the complex argument."""
    return torch.real(_complex_input(x))


@symbolic_op
def imag(x):
    """Return the imaginary part of the complex argument."""
    return torch.imag(_complex_input(x))


@symbolic_op
def conjugate(x):
    """Return the complex conjugate, element-wise."""
    return torch.conj(_complex_input(x)).resolve_conj()


@symbolic_op
def conj(x):
    """Shorthand for `conjugate`."""
    return torch.conj(_complex_input(x)).resolve_conj()


@symbolic_op
def angle(x):
    """Element-wise angle of a complex tensor (0 or pi for reals)."""
    return torch.angle(tensor(x))


__all__ = [
    "angle", "arccos", "arccosh", "arcsin", "arcsinh", "arctan", "arctan2", "arctanh", "bitwise_invert",
    "bitwise_not", "conj", "conjugate", "cos", "cosh", "deg2rad", "exp", "exp2", "expm1", "heaviside",
    "hypot", "i0", "imag", "isfinite", "isinf", "isnan", "isneginf", "isposinf", "isreal", "ldexp", "log",
    "log10", "log1p", "log2", "logaddexp", "logaddexp2", "logical_not", "nan_to_num", "nextafter",
    "rad2deg", "real", "sin", "sinc", "sinh", "tan", "tanh",
]

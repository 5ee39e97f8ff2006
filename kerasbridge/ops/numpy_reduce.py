"""Numpy reductions, cumulative sums and products, sorting and arg-reductions.

Reductions over `axis=None` with `keepdims=True` keep every axis with size 1, as numpy
and Keras's documentation specify.
"""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import canonical_axis, config, dname, result_type, tensor, to_dtype
from kerasbridge.ops.operation import symbolic_op

_SMALL_INTS = ("bool", "uint8", "int8", "int16")


def _axes(axis):
    """`axis` as None, an int or a tuple (lists become tuples)."""
    return tuple(axis) if isinstance(axis, list) else axis


def _empty_axis(axis) -> bool:
    return isinstance(axis, (tuple, list)) and len(axis) == 0


def _floatx():
    return getattr(torch, config.floatx())


@symbolic_op
def sum(x, axis=None, keepdims=False):
    """Sum of a tensor over the given axes.

    Args:
        x: Input tensor.
        axis: Axis or axes along which the sum is computed (all by default).
        keepdims: Whether to keep the reduced axes with size 1.

    Returns:
        Output tensor containing the sum.
    """
    if isinstance(x, (list, tuple)):
        x = torch.stack([tensor(e) for e in x])
    x = tensor(x)
    if _empty_axis(axis):
        return x
    name = dname(x)
    out = torch.sum(x, dim=_axes(axis), keepdim=keepdims)
    return to_dtype(out, "int32" if name in _SMALL_INTS else name)


@symbolic_op
def mean(x, axis=None, keepdims=False):
    """Compute the arithmetic mean along the specified axes (integers give floats).

    Args:
        x: Input tensor.
        axis: Axis or axes along which the means are computed (all by default).
        keepdims: Whether to keep the reduced axes with size 1.

    Returns:
        Output tensor containing the mean values.
    """
    if isinstance(x, (list, tuple)):
        x = torch.stack([tensor(e) for e in x])
    x = tensor(x)
    if _empty_axis(axis):
        return x
    name = dname(x)
    compute = result_type(name, "float32")
    out = torch.mean(to_dtype(x, compute), _axes(axis), keepdims)
    return out if "int" in name or name == "bool" else to_dtype(out, name)


def _extremum(x, axis, keepdims, initial, torch_fn, combine, word):
    x = tensor(x)
    if 0 in x.shape:
        if initial is None:
            raise ValueError(f"Cannot compute the {word} of an empty tensor.")
        shape = (1,) * x.ndim if keepdims else ()
        return torch.full(shape, initial, device=x.device)
    if _empty_axis(axis):
        result = x
    elif axis is None:
        result = torch_fn(x)
        if keepdims:
            result = result.reshape((1,) * x.ndim)
    else:
        result = torch_fn(x, dim=_axes(axis), keepdim=keepdims)
    if initial is not None:
        result = combine(result, torch.full_like(result, initial))
    return result


@symbolic_op
def max(x, axis=None, keepdims=False, initial=None):
    """Return the maximum of a tensor or maximum along an axis.

    Args:
        x: Input tensor.
        axis: Axis or axes along which to operate (all by default).
        keepdims: Whether to keep the reduced axes with size 1.
        initial: The minimum value of an output element.

    Returns:
        Maximum of `x`.
    """
    return _extremum(x, axis, keepdims, initial, torch.amax, torch.maximum, "max")


@symbolic_op
def min(x, axis=None, keepdims=False, initial=None):
    """Return the minimum of a tensor or minimum along an axis.

    Args:
        x: Input tensor.
        axis: Axis or axes along which to operate (all by default).
        keepdims: Whether to keep the reduced axes with size 1.
        initial: The maximum value of an output element.

    Returns:
        Minimum of `x`.
    """
    return _extremum(x, axis, keepdims, initial, torch.amin, torch.minimum, "min")


@symbolic_op
def amax(x, axis=None, keepdims=False):
    """Return the maximum of a tensor or maximum along an axis."""
    return _extremum(x, axis, keepdims, None, torch.amax, None, "max")


@symbolic_op
def amin(x, axis=None, keepdims=False):
    """Return the minimum of a tensor or minimum along an axis."""
    return _extremum(x, axis, keepdims, None, torch.amin, None, "min")


@symbolic_op
def ptp(x, axis=None, keepdims=False):
    """Range of values (maximum - minimum) along an axis."""
    x = tensor(x)
    if _empty_axis(axis):
        return torch.zeros_like(x)
    return amax._eager(x, axis, keepdims) - amin._eager(x, axis, keepdims)


@symbolic_op
def prod(x, axis=None, keepdims=False, dtype=None):
    """Return the product of tensor elements over the given axes.

    Args:
        x: Input tensor.
        axis: Axis or axes along which the product is performed (all by default).
        keepdims: Whether to keep the reduced axes with size 1.
        dtype: Data type of the returned tensor.

    Returns:
        Product of elements of `x` over the given axes.
    """
    x = tensor(x)
    if dtype is None:
        dtype = result_type(x.dtype)
        if dtype in _SMALL_INTS:
            dtype = "int32"
    compute = "float32" if dtype == "float16" and x.device.type == "cpu" else dtype
    torch_compute = getattr(torch, compute)
    if axis is None:
        out = torch.prod(x, dtype=torch_compute)
        return to_dtype(out.reshape((1,) * x.ndim) if keepdims else out, dtype)
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    for a in sorted((canonical_axis(a, x.ndim) for a in axes), reverse=True):
        x = to_dtype(torch.prod(x, dim=a, keepdim=keepdims, dtype=torch_compute), dtype)
    return to_dtype(x, dtype)


@symbolic_op
def var(x, axis=None, keepdims=False):
    """Compute the (biased) variance along the specified axes."""
    x = tensor(x)
    compute = result_type(x.dtype, "float32")
    out_dtype = result_type(x.dtype, float)
    if _empty_axis(axis):
        return torch.zeros_like(x, dtype=getattr(torch, out_dtype))
    out = torch.var(to_dtype(x, compute), dim=_axes(axis), keepdim=keepdims, correction=0)
    return to_dtype(out, out_dtype)


@symbolic_op
def std(x, axis=None, keepdims=False):
    """Compute the (biased) standard deviation along the specified axes."""
    x = tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        x = x.to(torch.float32)
    return torch.std(x, dim=_axes(axis), keepdim=keepdims, correction=0)


@symbolic_op
def average(x, axis=None, weights=None):
    """Compute the weighted average along the specified axis.

    Args:
        x: Input tensor.
        axis: The axis along which to average (all axes by default).
        weights: Weights, either 1-D along `axis` or of the shape of `x`.

    Returns:
        The average along the specified axis.
    """
    x = tensor(x)
    dtypes_ = [x.dtype, float]
    if weights is not None:
        weights = tensor(weights)
        dtypes_.append(weights.dtype)
    dtype = result_type(*dtypes_)
    x = to_dtype(x, dtype)
    if _empty_axis(axis):
        return x
    if weights is None:
        return torch.mean(x, axis)
    weights = to_dtype(weights, dtype)
    if weights.ndim == 1 and x.ndim > 1 and axis is not None:
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    weights = torch.broadcast_to(weights, x.shape)
    return torch.sum(x * weights, dim=axis) / torch.sum(weights, dim=axis)


def _arg_reduce(torch_fn, x, axis, keepdims):
    x = tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch_fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


@symbolic_op
def argmax(x, axis=None, keepdims=False):
    """Return the indices of the maximum values along an axis (int32)."""
    return _arg_reduce(torch.argmax, x, axis, keepdims)


@symbolic_op
def argmin(x, axis=None, keepdims=False):
    """Return the indices of the minimum values along an axis (int32)."""
    return _arg_reduce(torch.argmin, x, axis, keepdims)


@symbolic_op
def argsort(x, axis=-1):
    """Return the (stable) indices that would sort a tensor, as int32."""
    x = tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None:
        x, axis = x.reshape(-1), -1
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


@symbolic_op
def sort(x, axis=-1):
    """Sort the elements of `x` along an axis in ascending order."""
    x = tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dtype == torch.bool and x.device.type == "cuda":
        return torch.sort(x.to(torch.uint8), dim=axis).values.bool()
    return torch.sort(x, dim=axis).values


@symbolic_op
def argpartition(x, kth, axis=-1):
    """Indices that partition `x` around its `kth` element along `axis` (int32).

    The element at position `kth` is the one a sort would put there; smaller elements come
    before it and larger ones after. This implementation returns a full stable argsort.
    """
    x = tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def _cumulative(torch_fn, x, axis, dtype):
    x = tensor(x)
    if axis is None:
        x, axis = x.flatten(), 0
    dtype = result_type(dtype or x.dtype)
    if dtype == "bool":
        dtype = "int32"
    elif dtype == "float16" and x.device.type == "cpu":
        return torch_fn(x, dim=axis, dtype=torch.float32).to(torch.float16)
    return torch_fn(x, dim=axis, dtype=getattr(torch, dtype))


@symbolic_op
def cumsum(x, axis=None, dtype=None):
    """Return the cumulative sum of elements along a given axis (flattened by default)."""
    return _cumulative(torch.cumsum, x, axis, dtype)


@symbolic_op
def cumprod(x, axis=None, dtype=None):
    """Return the cumulative product of elements along a given axis (flattened by default)."""
    return _cumulative(torch.cumprod, x, axis, dtype)


@symbolic_op
def all(x, axis=None, keepdims=False):
    """Test whether all elements along the given axes evaluate to `True`."""
    x = tensor(x)
    if _empty_axis(axis):
        return x.bool()
    return torch.all(x, dim=_axes(axis), keepdim=keepdims).bool()


@symbolic_op
def any(x, axis=None, keepdims=False):
    """Test whether any element along the given axes evaluates to `True`."""
    x = tensor(x)
    if _empty_axis(axis):
        return x.bool()
    return torch.any(x, dim=_axes(axis), keepdim=keepdims).bool()


@symbolic_op
def count_nonzero(x, axis=None):
    """Count the number of non-zero values along `axis` (int32)."""
    x = tensor(x)
    if _empty_axis(axis):
        return torch.ne(x, 0).to(torch.int32)
    return torch.count_nonzero(x, dim=_axes(axis)).to(torch.int32)


@symbolic_op
def trace(x, offset=0, axis1=0, axis2=1):
    """Return the sum along diagonals of the tensor."""
    x = tensor(x)
    name = dname(x)
    dtype = "int32" if name in _SMALL_INTS else name
    return torch.sum(torch.diagonal(x, offset, axis1, axis2), dim=-1, dtype=getattr(torch, dtype))


__all__ = [
    "all", "amax", "amin", "any", "argmax", "argmin", "argpartition", "argsort", "average", "count_nonzero",
    "cumprod", "cumsum", "max", "mean", "min", "prod", "ptp", "sort", "std", "sum", "trace", "var",
]

"""Numpy statistics: quantiles, NaN-aware reductions, counting, searching and unique values."""

from __future__ import annotations

import builtins

import torch

from kerasbridge.ops._utils import canonical_axis, config, dname, result_type, tensor, to_dtype
from kerasbridge.ops.numpy_reduce import (
    _SMALL_INTS,
    _arg_reduce,
    _axes,
    _cumulative,
    _empty_axis,
    _floatx,
    prod,
)
from kerasbridge.ops.operation import symbolic_op

# -- quantiles ----------------------------------------------------------------------------


def _quantile(torch_fn, x, q, axis, method, keepdims):
    x = tensor(x)
    q = tensor(q)
    compute = result_type(x.dtype, "float32")
    out_dtype = result_type(x.dtype, float)
    x = to_dtype(x, compute)
    q = to_dtype(q, x.dtype)
    axes = None if axis is None else [canonical_axis(a, x.ndim) for a in ((axis,) if isinstance(axis, int) else axis)]
    if axes is None:
        y = x.reshape(-1)
    else:
        others = [d for d in range(x.ndim) if d not in axes]
        y = x.permute(others + axes).reshape([x.shape[d] for d in others] + [-1])
    y = torch_fn(y, q, dim=-1, interpolation=method)
    if keepdims:
        if axes is None:
            y = y.reshape(y.shape + (1,) * x.ndim) if q.ndim == 0 else y.reshape(y.shape[:1] + (1,) * x.ndim)
        else:
            for a in sorted(axes):
                y = y.unsqueeze(a + 1 if q.ndim > 0 else a)
    return to_dtype(y, out_dtype)


@symbolic_op
def quantile(x, q, axis=None, method="linear", keepdims=False):
    """Compute the `q`-th quantile(s) of the data along the specified axis.

    Args:
        x: Input tensor.
        q: Probability or sequence of probabilities, in `[0, 1]`.
        axis: Axis or axes along which the quantiles are computed (all by default).
        method: `"linear"`, `"lower"`, `"higher"`, `"midpoint"` or `"nearest"`.
        keepdims: Whether to keep the reduced axes with size 1.

    Returns:
        The quantile(s).
    """
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


@symbolic_op
def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    """Compute the `q`-th quantile(s) along the specified axis, ignoring NaNs."""
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


@symbolic_op
def percentile(x, q, axis=None, method="linear", keepdims=False):
    """Compute the `q`-th percentile(s) (q in `[0, 100]`) along the specified axis."""
    q = tensor(q, config.floatx()) / 100.0
    return _quantile(torch.quantile, x, q, axis, method, keepdims)


@symbolic_op
def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    """Compute the `q`-th percentile(s) along the specified axis, ignoring NaNs."""
    q = tensor(q, config.floatx()) / 100.0
    return _quantile(torch.nanquantile, x, q, axis, method, keepdims)


@symbolic_op
def median(x, axis=None, keepdims=False):
    """Compute the median along the specified axis (even counts average the middle pair)."""
    return _quantile(torch.quantile, x, 0.5, axis, "linear", keepdims)


@symbolic_op
def nanmedian(x, axis=None, keepdims=False):
    """Compute the median along the specified axis, ignoring NaNs."""
    x = tensor(x)
    if _empty_axis(axis):
        return x
    return _quantile(torch.nanquantile, x, 0.5, axis, "linear", keepdims)


# -- NaN-aware reductions -----------------------------------------------------------------


@symbolic_op
def nansum(x, axis=None, keepdims=False):
    """Sum of elements over the given axes, treating NaNs as zero."""
    if isinstance(x, (list, tuple)):
        x = torch.stack([tensor(e) for e in x])
    x = tensor(x)
    name = dname(x)
    dtype = "int32" if name in _SMALL_INTS else name
    if _empty_axis(axis):
        return to_dtype(torch.nan_to_num(x, nan=0), dtype)
    return to_dtype(torch.nansum(x, dim=_axes(axis), keepdim=keepdims), dtype)


@symbolic_op
def nanmean(x, axis=None, keepdims=False):
    """Arithmetic mean along the given axes, ignoring NaNs."""
    x = tensor(x)
    if _empty_axis(axis):
        return x
    return torch.nanmean(to_dtype(x, result_type(x.dtype, float)), dim=_axes(axis), keepdim=keepdims)


@symbolic_op
def nanprod(x, axis=None, keepdims=False):
    """Product of elements over the given axes, treating NaNs as one."""
    x = tensor(x)
    if _empty_axis(axis):
        return torch.nan_to_num(x, nan=1)
    if x.is_floating_point():
        x = torch.where(torch.isnan(x), torch.ones((), dtype=x.dtype, device=x.device), x)
    return prod._eager(x, axis=axis, keepdims=keepdims)


def _nan_extremum(x, axis, keepdims, fill, torch_fn):
    x = tensor(x)
    if not x.is_floating_point():
        return torch_fn(x, dim=_axes(axis), keepdim=keepdims)
    if _empty_axis(axis):
        return x
    nan = torch.isnan(x)
    out = torch_fn(torch.where(nan, fill, x), dim=_axes(axis), keepdim=keepdims)
    return torch.where(nan.all(dim=_axes(axis), keepdim=keepdims), float("nan"), out)


@symbolic_op
def nanmax(x, axis=None, keepdims=False):
    """Maximum along the given axes, ignoring NaNs (NaN where all values are NaN)."""
    return _nan_extremum(x, axis, keepdims, float("-inf"), torch.amax)


@symbolic_op
def nanmin(x, axis=None, keepdims=False):
    """Minimum along the given axes, ignoring NaNs (NaN where all values are NaN)."""
    return _nan_extremum(x, axis, keepdims, float("inf"), torch.amin)


def _nan_arg(x, axis, keepdims, fill, arg_fn):
    x = tensor(x)
    if not x.is_floating_point():
        return _arg_reduce(arg_fn, x, axis, keepdims)
    nan = torch.isnan(x)
    out = _arg_reduce(arg_fn, torch.where(nan, fill, x), axis, keepdims)
    all_nan = nan.all(dim=axis, keepdim=keepdims) if axis is not None else nan.all().reshape(out.shape)
    return torch.where(all_nan, torch.tensor(-1, dtype=torch.int32, device=x.device), out)


@symbolic_op
def nanargmax(x, axis=None, keepdims=False):
    """Indices of the maximum values, ignoring NaNs (-1 where all values are NaN)."""
    return _nan_arg(x, axis, keepdims, float("-inf"), torch.argmax)


@symbolic_op
def nanargmin(x, axis=None, keepdims=False):
    """Indices of the minimum values, ignoring NaNs (-1 where all values are NaN)."""
    return _nan_arg(x, axis, keepdims, float("inf"), torch.argmin)


@symbolic_op
def nanvar(x, axis=None, keepdims=False):
    """Variance along the given axes, ignoring NaNs."""
    x = tensor(x)
    x = to_dtype(x, result_type(x.dtype, float))
    if _empty_axis(axis):
        return torch.where(torch.isnan(x), x, torch.zeros((), dtype=x.dtype, device=x.device))
    axes = _axes(axis)
    center = torch.nanmean(x, dim=axes, keepdim=True)
    valid = ~torch.isnan(x)
    centered = torch.where(valid, x - center, torch.zeros_like(x))
    centered = centered.real**2 + centered.imag**2 if centered.is_complex() else centered.square()
    return centered.sum(dim=axes, keepdim=keepdims) / valid.sum(dim=axes, keepdim=keepdims)


@symbolic_op
def nanstd(x, axis=None, keepdims=False):
    """Standard deviation along the given axes, ignoring NaNs."""
    return torch.sqrt(nanvar._eager(x, axis=axis, keepdims=keepdims))


@symbolic_op
def nancumsum(x, axis=None, dtype=None):
    """Cumulative sum along an axis, treating NaNs as zero."""
    return _cumulative(torch.cumsum, torch.nan_to_num(tensor(x)), axis, dtype)


@symbolic_op
def nancumprod(x, axis=None, dtype=None):
    """Cumulative product along an axis, treating NaNs as one."""
    return _cumulative(torch.cumprod, torch.nan_to_num(tensor(x), nan=1.0), axis, dtype)


# -- counting and searching ---------------------------------------------------------------


@symbolic_op
def bincount(x, weights=None, minlength=0, sparse=False):
    """Count the number of occurrences of each value in a 1-D (or 2-D, row-wise) int tensor.

    Args:
        x: Non-negative integer tensor, 1-D or 2-D.
        weights: Optional weights, same shape as `x`.
        minlength: Minimum number of bins.
        sparse: Must be False.

    Returns:
        The counts (int32), or the weighted sums in the promoted dtype.
    """
    if sparse:
        raise ValueError("Unsupported value `sparse=True` with torch backend")
    x = tensor(x)
    if weights is None:
        dtype = "int32"
    else:
        weights = tensor(weights)
        dtype = result_type(x.dtype, weights.dtype)
    if x.ndim == 2:
        length = builtins.max(minlength, int(x.max()) + 1 if x.numel() else 0)
        rows = [torch.bincount(r, None if weights is None else weights[i], minlength=length) for i, r in enumerate(x)]
        return to_dtype(torch.stack(rows), dtype)
    return to_dtype(torch.bincount(x, weights, minlength), dtype)


@symbolic_op
def histogram(x, bins=10, range=None):
    """Compute the histogram of a 1-D tensor; returns `(counts, bin_edges)`."""
    if not isinstance(bins, int):
        raise TypeError(f"Argument `bins` must be of type `int`. Received: bins={bins}")
    if bins < 0:
        raise ValueError(f"Argument `bins` should be a non-negative integer. Received: bins={bins}")
    if range:
        if len(range) < 2 or not isinstance(range, tuple):
            raise ValueError(f"Argument `range` must be a tuple of two elements. Received: range={range}")
        if range[1] < range[0]:
            raise ValueError(f"The second element of `range` must be greater than the first. Received: range={range}")
    x = tensor(x)
    if x.ndim > 1:
        raise ValueError(f"Input tensor must be 1-dimensional. Received: input.shape={tuple(x.shape)}")
    result = torch.histogram(x, bins=bins, range=range)
    return result.hist, result.bin_edges


@symbolic_op
def searchsorted(sorted_sequence, values, side="left"):
    """Indices where `values` should be inserted into the 1-D `sorted_sequence` to keep order."""
    sorted_sequence, values = tensor(sorted_sequence), tensor(values)
    if sorted_sequence.ndim != 1:
        raise ValueError(
            "`searchsorted` only supports 1-D sorted sequences. You can use `keras.ops.vectorized_map` "
            f"to extend it to N-D sequences. Received: sorted_sequence.shape={tuple(sorted_sequence.shape)}"
        )
    out_int32 = sorted_sequence.shape[0] <= 2**31 - 1
    return torch.searchsorted(sorted_sequence, values, side=side, out_int32=out_int32)


@symbolic_op
def digitize(x, bins):
    """Return the indices of the bins to which each value of `x` belongs (int32)."""
    x, bins = tensor(x), tensor(bins)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.bucketize(x, bins, right=True).to(torch.int32)


@symbolic_op
def isin(x1, x2, assume_unique=False, invert=False):
    """Test element-wise whether each element of `x1` is present in `x2`."""
    x1, x2 = tensor(x1), tensor(x2)
    if result_type(x1.dtype, x2.dtype) == "bool":
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    if x1.dtype == torch.bool:
        x1 = x1.to(x2.dtype)
    if x2.dtype == torch.bool:
        x2 = x2.to(x1.dtype)
    return torch.isin(x1, x2, assume_unique=assume_unique, invert=invert)


@symbolic_op
def unique(x, sorted=True, return_index=False, return_inverse=False, return_counts=False, axis=None,
           size=None, fill_value=None):
    """Find the unique elements of a tensor.

    Args:
        x: Input tensor.
        sorted: Whether to sort the unique elements.
        return_index: Also return the index of the first occurrence of each unique value.
        return_inverse: Also return the indices reconstructing `x` from the unique values.
        return_counts: Also return the number of occurrences of each unique value.
        axis: The axis to operate on (the flattened tensor by default).
        size: If given, pad or truncate the unique values to this length.
        fill_value: The padding value when `size` is larger than the number of unique values.

    Returns:
        The unique values, or a tuple with the requested extra outputs.
    """
    x = tensor(x)
    values, inverse, counts = torch.unique(x, sorted=sorted, return_inverse=True, return_counts=True, dim=axis)
    dim = 0 if axis is None else canonical_axis(axis, x.ndim)
    first = None
    if return_index:
        flat_inverse = inverse.reshape(-1)
        positions = torch.arange(flat_inverse.shape[0], dtype=flat_inverse.dtype, device=x.device)
        first = flat_inverse.new_full((values.shape[dim],), flat_inverse.shape[0])
        first = first.scatter_reduce(0, flat_inverse, positions, reduce="amin", include_self=True)
    if size is not None:
        count = values.shape[dim]
        if count > size:
            values = values.narrow(dim, 0, size)
            counts = counts[:size]
            first = first[:size] if first is not None else None
        elif count < size:
            widths = [0, 0] * values.ndim
            widths[2 * (values.ndim - 1 - dim) + 1] = size - count
            values = torch.nn.functional.pad(values, widths, value=0 if fill_value is None else fill_value)
            counts = torch.nn.functional.pad(counts, (0, size - count), value=0)
            if first is not None:
                first = torch.nn.functional.pad(first, (0, size - count), value=1)
    outputs = [values]
    if return_index:
        outputs.append(first)
    if return_inverse:
        outputs.append(inverse)
    if return_counts:
        outputs.append(counts)
    return outputs[0] if len(outputs) == 1 else tuple(outputs)


@symbolic_op
def corrcoef(x):
    """Return the Pearson correlation coefficients of the rows of `x`."""
    x = tensor(x)
    if x.dtype == torch.bool:
        x = x.to(_floatx())
    elif x.dtype == torch.int64:
        x = x.to(torch.float64)
    return torch.corrcoef(x)


@symbolic_op
def correlate(x1, x2, mode="valid"):
    """Cross-correlation of two 1-D sequences (`mode` is `"valid"`, `"same"` or `"full"`)."""
    x1, x2 = tensor(x1), tensor(x2)
    dtype = result_type(x1.dtype, x2.dtype)
    dtype = "float64" if dtype == "int64" else dtype if dtype in ("bfloat16", "float16", "float64") else "float32"
    x1, x2 = to_dtype(x1, dtype), to_dtype(x2, dtype)
    n1, n2 = x1.shape[-1], x2.shape[-1]
    full = torch.nn.functional.conv1d(x1.reshape(1, 1, -1), x2.reshape(1, 1, -1), padding=n2 - 1).reshape(-1)
    if mode == "valid":
        length = builtins.abs(n1 - n2) + 1
        start = (full.shape[-1] - length) // 2
        full = full[start : start + length]
    elif mode == "same":
        start = (full.shape[-1] - n1) // 2
        full = full[start : start + n1]
    return full


__all__ = [
    "bincount", "corrcoef", "correlate", "digitize", "histogram", "isin", "median", "nanargmax",
    "nanargmin", "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
    "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "quantile", "searchsorted",
    "unique",
]

"""Numpy ops that create tensors: constants, ranges, identities, triangles, windows."""

from __future__ import annotations

import torch

from kerasbridge.ops._utils import (
    canonical_axis,
    config,
    get_device,
    result_type,
    tensor,
    to_dtype,
    torch_dtype,
)
from kerasbridge.ops.keras_tensor import KerasTensor
from kerasbridge.ops.operation import symbolic_op

# -- creation -----------------------------------------------------------------------------


def _shape_tuple(shape):
    return (shape,) if isinstance(shape, int) else tuple(shape)


def ones(shape, dtype=None):
    """Return a new tensor of given shape and type, filled with ones."""
    return torch.ones(_shape_tuple(shape), dtype=torch_dtype(dtype), device=get_device())


def zeros(shape, dtype=None):
    """Return a new tensor of given shape and type, filled with zeros."""
    return torch.zeros(_shape_tuple(shape), dtype=torch_dtype(dtype), device=get_device())


def empty(shape, dtype=None):
    """Return a tensor of given shape and type with uninitialized values."""
    return torch.empty(_shape_tuple(shape), dtype=torch_dtype(dtype), device=get_device())


@symbolic_op
def full(shape, fill_value, dtype=None):
    """Return a new tensor of given shape and type (default `floatx`), filled with `fill_value`."""
    dtype = torch_dtype(dtype)
    shape = _shape_tuple(shape)
    if isinstance(fill_value, (bool, int, float)):
        return torch.full(shape, fill_value, dtype=dtype, device=get_device())
    return torch.broadcast_to(tensor(fill_value, dtype), shape).clone()


@symbolic_op
def ones_like(x, dtype=None):
    """Return a tensor of ones with the same shape and type (or `dtype`) as `x`."""
    x = tensor(x)
    return torch.ones_like(x, dtype=torch_dtype(dtype) if dtype is not None else x.dtype)


@symbolic_op
def zeros_like(x, dtype=None):
    """Return a tensor of zeros with the same shape and type (or `dtype`) as `x`."""
    x = tensor(x)
    return torch.zeros_like(x, dtype=torch_dtype(dtype) if dtype is not None else x.dtype)


@symbolic_op
def empty_like(x, dtype=None):
    """Return an uninitialized tensor with the same shape and type (or `dtype`) as `x`."""
    x = tensor(x)
    return torch.empty_like(x, dtype=torch_dtype(dtype) if dtype is not None else x.dtype)


@symbolic_op
def full_like(x, fill_value, dtype=None):
    """Return a full tensor with the same shape and type (or `dtype`) as `x`."""
    x = tensor(x)
    dtype = torch_dtype(dtype) if dtype is not None else x.dtype
    fill_value = tensor(fill_value, dtype)
    return torch.broadcast_to(fill_value, x.shape).clone()


def eye(N, M=None, k=0, dtype=None):
    """Return a 2-D tensor with ones on the `k`-th diagonal and zeros elsewhere.

    Args:
        N: Number of rows.
        M: Number of columns (defaults to `N`).
        k: Index of the diagonal: 0 (main), positive (upper) or negative (lower).
        dtype: Data type of the returned tensor.

    Returns:
        A tensor of shape `(N, M)`.
    """
    if isinstance(N, float) or getattr(N, "dtype", None) in ("float16", "float32", "float64", "bfloat16"):
        raise TypeError("Argument `N` must be an integer or an integer tensor.")
    if isinstance(M, float):
        raise TypeError("Argument `M` must be an integer, an integer tensor, or `None`.")
    dtype = torch_dtype(dtype)
    M = N if M is None else M
    k = k or 0
    ones_ = torch.ones((N, M), dtype=torch.bool, device=get_device())
    return torch.triu(torch.tril(ones_, k), k).to(dtype)


def identity(n, dtype=None):
    """Return the identity tensor of size `n` (default dtype `floatx`)."""
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    """Return a tensor with ones at and below the `k`-th diagonal and zeros elsewhere."""
    M = M or N
    return torch.tril(torch.ones((N, M), dtype=torch_dtype(dtype), device=get_device()), diagonal=k)


def _python_dtype(value):
    return getattr(value, "dtype", type(value))


@symbolic_op
def arange(start, stop=None, step=None, dtype=None):
    """Return evenly spaced values within a given interval.

    Args:
        start: Start of the interval (or the end when `stop` is omitted).
        stop: End of the interval (exclusive).
        step: Spacing between values (default 1).
        dtype: The output dtype; inferred from the arguments by default.

    Returns:
        A 1-D tensor.
    """
    if dtype is None:
        dtype = result_type(*(_python_dtype(v) for v in (start, stop, step) if v is not None))
    if stop is None:
        start, stop = 0, start
    return torch.arange(start, stop, 1 if step is None else step, dtype=torch_dtype(dtype), device=get_device())


def _space_dtype(start, stop, dtype):
    if dtype is None:
        dtype = result_type(_python_dtype(start), _python_dtype(stop), float)
    return torch_dtype(dtype)


def _interpolate(start, stop, num, dtype):
    start, stop = tensor(start, dtype), tensor(stop, dtype)
    steps = torch.arange(num, dtype=dtype, device=start.device) / (num - 1)
    steps = steps.reshape((num,) + (1,) * start.ndim)
    return start[None] + steps * (stop - start)[None]


@symbolic_op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """Return `num` evenly spaced numbers over `[start, stop]` (or `[start, stop)`).

    Args:
        start: The starting value of the sequence.
        stop: The end value of the sequence.
        num: Number of samples.
        endpoint: Whether `stop` is the last sample.
        retstep: Whether to also return the spacing between samples.
        dtype: The output dtype.
        axis: Must be 0.

    Returns:
        A tensor of evenly spaced numbers (and the step if `retstep`).
    """
    if axis != 0:
        raise ValueError(f"torch.linspace does not support an `axis` argument. Received axis={axis}")
    dtype = _space_dtype(start, stop, dtype)
    step = float("nan")
    if endpoint:
        if num > 1:
            step = (stop - start) / (num - 1)
    else:
        if num > 0:
            step = (stop - start) / num
        if num > 1:
            stop = stop - ((stop - start) / num)
    if hasattr(start, "__len__") and hasattr(stop, "__len__"):
        result = _interpolate(start, stop, num, dtype)
    else:
        result = torch.linspace(start, stop, num, dtype=dtype, device=get_device())
    return (result, step) if retstep is True else result


@symbolic_op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    """Return numbers spaced evenly on a log scale, from `base**start` to `base**stop`."""
    if axis != 0:
        raise ValueError(f"torch.logspace does not support an `axis` argument. Received axis={axis}")
    dtype = _space_dtype(start, stop, dtype)
    if endpoint is False:
        stop = stop - ((stop - start) / num)
    if hasattr(start, "__len__") and hasattr(stop, "__len__"):
        return base ** _interpolate(start, stop, num, dtype)
    compute = torch.float32 if dtype == torch.float16 and get_device() == "cpu" else dtype
    out = torch.logspace(start, stop, num, base=base, dtype=compute, device=get_device())
    return out.to(dtype)


@symbolic_op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    """Return numbers spaced evenly on a log scale (a geometric progression)."""
    if axis != 0:
        raise ValueError(f"torch does not support an `axis` argument for geomspace. Received axis={axis}")
    dtype = _space_dtype(start, stop, dtype)
    start, stop = tensor(start, dtype), tensor(stop, dtype)
    out = logspace._eager(torch.log10(torch.abs(start)), torch.log10(torch.abs(stop)), num=num,
                          endpoint=endpoint, base=10, dtype=dtype)
    return out * torch.sign(start)


@symbolic_op
def array(x, dtype=None):
    """Create a tensor from `x`."""
    return tensor(x, dtype)


@symbolic_op
def copy(x):
    """Return a copy of `x`."""
    return torch.clone(tensor(x))


@symbolic_op
def view(x, dtype=None):
    """Reinterpret the bytes of `x` as `dtype`."""
    return tensor(x).view(dtype=torch_dtype(dtype))


def _window(fn_name):
    def fn(x):
        if isinstance(x, KerasTensor):
            raise TypeError(f"{fn_name} operation does not support symbolic tensors. Received input x = {x}")
        return getattr(torch.signal.windows, "hann" if fn_name == "hanning" else fn_name)(
            int(x), device=get_device()
        )

    fn.__name__ = fn.__qualname__ = fn_name
    fn.__doc__ = f"The {fn_name} window of `x` points (a float32 tensor)."
    return fn


bartlett, blackman, hamming, hanning = (_window(n) for n in ("bartlett", "blackman", "hamming", "hanning"))


def kaiser(x, beta):
    """The Kaiser window of `x` points with shape parameter `beta`."""
    return torch.signal.windows.kaiser(int(x), beta=beta, device=get_device())


# -- diagonals and triangles --------------------------------------------------------------


@symbolic_op
def diag(x, k=0):
    """Extract a diagonal (2-D input) or construct a diagonal tensor (1-D input)."""
    return torch.diag(tensor(x), diagonal=k)


@symbolic_op
def diagflat(x, k=0):
    """Create a 2-D tensor with the flattened input as its `k`-th diagonal."""
    return torch.diagflat(tensor(x), offset=k)


@symbolic_op
def diagonal(x, offset=0, axis1=0, axis2=1):
    """Return the specified diagonals (along the last axis of the output)."""
    x = tensor(x)
    if canonical_axis(axis1, x.ndim) == canonical_axis(axis2, x.ndim):
        raise ValueError(f"`axis1` and `axis2` cannot be the same. Received: axis1={axis1}, axis2={axis2}")
    return torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2)


@symbolic_op
def tril(x, k=0):
    """Return the lower triangle of a tensor (elements above the `k`-th diagonal zeroed)."""
    return torch.tril(tensor(x), diagonal=k)


@symbolic_op
def triu(x, k=0):
    """Return the upper triangle of a tensor (elements below the `k`-th diagonal zeroed)."""
    return torch.triu(tensor(x), diagonal=k)


@symbolic_op
def vander(x, N=None, increasing=False):
    """Generate a Vandermonde matrix from a 1-D tensor."""
    x = tensor(x)
    return to_dtype(torch.vander(x, N=N, increasing=increasing), result_type(x.dtype))


@symbolic_op
def diff(a, n=1, axis=-1):
    """Calculate the `n`-th discrete difference along the given axis."""
    return torch.diff(tensor(a), n=n, dim=axis)


@symbolic_op
def trapezoid(y, x=None, dx=1.0, axis=-1):
    """Integrate along the given axis using the composite trapezoidal rule."""
    y = tensor(y)
    if y.dtype == torch.bool:
        y = y.to(torch_dtype(config.floatx()))
    if x is not None:
        return torch.trapezoid(y, x=tensor(x), dim=axis)
    return torch.trapezoid(y, dx=dx, dim=axis)


__all__ = [
    "arange", "array", "bartlett", "blackman", "copy", "diag", "diagflat", "diagonal", "diff", "empty",
    "empty_like", "eye", "full", "full_like", "geomspace", "hamming", "hanning", "identity", "kaiser",
    "linspace", "logspace", "ones", "ones_like", "trapezoid", "tri", "tril", "triu", "vander", "view",
    "zeros", "zeros_like",
]

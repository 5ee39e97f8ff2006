"""Weight constraints: projections applied to a weight after each update, as in `keras.constraints`."""

from __future__ import annotations

import torch

from kerasbridge.backend import config as backend_config
from kerasbridge.backend import convert_to_tensor, epsilon


def _dims(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def _norms(w: torch.Tensor, axis) -> torch.Tensor:
    """L2 norms of `w` along `axis` (kept as size-1 dims), with Keras's dtype rules."""
    if w.dtype in (torch.bool, torch.uint8, torch.int8, torch.int16):
        w = w.to(torch.int32)
    squares = torch.square(w)
    if axis is None:
        total = torch.sum(squares).to(squares.dtype)
    else:
        total = torch.sum(squares, dim=_dims(axis), keepdim=True).to(squares.dtype)
    if total.dtype == torch.int64:
        total = total.to(getattr(torch, backend_config.floatx()))
    return torch.sqrt(total)


_MAXIMUM_WITH_INT_DTYPES = {torch.bool: torch.int32, torch.int64: torch.int32, torch.float64: torch.float32}


def _clip(x: torch.Tensor, low, high) -> torch.Tensor:
    if x.dtype == torch.float16 and x.device.type == "cpu":
        return torch.clip(x.float(), min=low, max=high).half()
    return torch.clip(x, min=low, max=high)


class Constraint:
    """Base class of weight constraints.

    A constraint is a stateless callable: given a weight, it returns the
    projected weight (e.g. clipped or renormalized). Layers take them as
    `kernel_constraint` and `bias_constraint`. Subclasses override
    `__call__(w)`; the base class returns `w` unchanged.
    """

    def __call__(self, w):
        """Return the projection of weight `w` (unchanged in the base class).

        Args:
            w: The weight tensor or variable.
        """
        return w

    def get_config(self):
        """Return the constraint's constructor arguments as a dict."""
        return {}

    @classmethod
    def from_config(cls, config):
        """Create a constraint from the dict returned by `get_config()`.

        Args:
            config: A Python dict.
        """
        return cls(**config)


class MaxNorm(Constraint):
    """Constrain the norm of the weights incident to each unit to at most `max_value`.

    Args:
        max_value: The maximum norm. Defaults to `2`.
        axis: Integer or list of integers: the axes along which norms are
            computed. For a `Dense` kernel `(input_dim, units)` use `0`; for a
            `Conv2D` kernel `(rows, cols, in, out)` use `[0, 1, 2]`.
    """

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = _clip(norms, 0, self.max_value)
        return w.to(norms.dtype) * (desired / (epsilon() + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class NonNeg(Constraint):
    """Constrain the weights to be non-negative."""

    def __call__(self, w):
        w = convert_to_tensor(w)
        # Keras computes `maximum(w, 0)` with its weak-type promotion: a Python int
        # against a 64-bit (or bool) tensor gives a 32-bit result.
        w = w.to(_MAXIMUM_WITH_INT_DTYPES.get(w.dtype, w.dtype))
        return torch.clamp(w, min=0)


class UnitNorm(Constraint):
    """Constrain the weights incident to each unit to have unit norm.

    Args:
        axis: Integer or list of integers: the axes along which norms are
            computed (see `MaxNorm`).
    """

    def __init__(self, axis=0):
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        return w.to(norms.dtype) / (epsilon() + norms)

    def get_config(self):
        return {"axis": self.axis}


class MinMaxNorm(Constraint):
    """Constrain the norm of the weights incident to each unit to `[min_value, max_value]`.

    Weights are rescaled towards the norm
    `rate * clip(norm, min_value, max_value) + (1 - rate) * norm`.

    Args:
        min_value: The minimum norm. Defaults to `0.0`.
        max_value: The maximum norm. Defaults to `1.0`.
        rate: Enforcement rate: `1.0` (default) enforces strictly, smaller
            values move the norm gradually into the interval.
        axis: Integer or list of integers: the axes along which norms are
            computed (see `MaxNorm`).
    """

    def __init__(self, min_value=0.0, max_value=1.0, rate=1.0, axis=0):
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w):
        w = convert_to_tensor(w)
        norms = _norms(w, self.axis)
        desired = self.rate * _clip(norms, self.min_value, self.max_value) + (1 - self.rate) * norms
        return w.to(norms.dtype) * (desired / (epsilon() + norms))

    def get_config(self):
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }

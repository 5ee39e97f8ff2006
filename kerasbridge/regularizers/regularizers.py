"""Weight and activity regularizers: penalties added to the loss, as in `keras.regularizers`."""

from __future__ import annotations

import math

import torch

from kerasbridge.backend import convert_to_tensor, epsilon


def _as_tensor(x) -> torch.Tensor:
    return convert_to_tensor(x)


def _sum(x: torch.Tensor) -> torch.Tensor:
    """Sum of all elements, keeping Keras's result dtype (torch widens int sums to int64)."""
    dtype = torch.int32 if x.dtype in (torch.bool, torch.uint8, torch.int8, torch.int16) else x.dtype
    return torch.sum(x).to(dtype)


def _factor_like(factor, x: torch.Tensor) -> torch.Tensor:
    """A stored factor (float or tensor) as a tensor of `x`'s dtype and device."""
    return torch.as_tensor(factor, dtype=x.dtype, device=x.device)


class Regularizer:
    """Base class of regularizers.

    A regularizer is called on a weight (or a layer's output) and returns a
    scalar penalty that is added to the model's loss. Layers take them as
    `kernel_regularizer`, `bias_regularizer` and `activity_regularizer`.

    Subclasses implement `__call__(x)` and `get_config()`. Any function taking
    a tensor and returning a scalar can also be used as a regularizer.
    """

    def __call__(self, x):
        """Return the penalty for `x` (the base class returns `0.0`)."""
        return 0.0

    @classmethod
    def from_config(cls, config):
        """Create a regularizer from the dict returned by `get_config()`.

        Args:
            config: A Python dict.
        """
        return cls(**config)

    def get_config(self):
        """Return the regularizer's constructor arguments as a dict."""
        raise NotImplementedError(f"{self} does not implement get_config()")


class L1L2(Regularizer):
    """Regularizer applying both an L1 and an L2 penalty.

    `loss = l1 * sum(abs(x)) + l2 * sum(square(x))`. A factor of `None` means 0.

    Args:
        l1: Float, the L1 factor. Defaults to `0.0`.
        l2: Float, the L2 factor. Defaults to `0.0`.
    """

    def __init__(self, l1=0.0, l2=0.0):
        l1 = 0.0 if l1 is None else l1
        l2 = 0.0 if l2 is None else l2
        self.l1 = validate_float_arg(l1, name="l1")
        self.l2 = validate_float_arg(l2, name="l2")

    def __call__(self, x):
        x = _as_tensor(x)
        regularization = torch.zeros((), dtype=x.dtype, device=x.device)
        if self.l1 != 0.0:
            regularization += _factor_like(self.l1, x) * _sum(torch.abs(x))
        if self.l2 != 0.0:
            regularization += _factor_like(self.l2, x) * _sum(torch.square(x))
        return regularization

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    """Regularizer applying an L1 penalty: `loss = l1 * sum(abs(x))`.

    The factor is stored as a `floatx` tensor, so `get_config()` reports its
    rounded value (e.g. `0.009999999776482582` for `0.01`), as Keras does.

    Args:
        l1: Float, the L1 factor. Defaults to `0.01`.
    """

    def __init__(self, l1=0.01):
        l1 = 0.01 if l1 is None else l1
        l1 = validate_float_arg(l1, name="l1")
        self.l1 = convert_to_tensor(l1)

    def __call__(self, x):
        x = _as_tensor(x)
        return _factor_like(self.l1, x) * _sum(torch.abs(x))

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    """Regularizer applying an L2 penalty: `loss = l2 * sum(square(x))`.

    Args:
        l2: Float, the L2 factor. Defaults to `0.01`.
    """

    def __init__(self, l2=0.01):
        l2 = 0.01 if l2 is None else l2
        self.l2 = validate_float_arg(l2, name="l2")

    def __call__(self, x):
        x = _as_tensor(x)
        return _factor_like(self.l2, x) * _sum(torch.square(x))

    def get_config(self):
        return {"l2": self.l2}


def _l2_normalize(x: torch.Tensor, axis: int) -> torch.Tensor:
    """`x * min(rsqrt(sum(x**2, axis)), 1 / epsilon)`, Keras's L2 normalization."""
    inv_norm = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
    return x * torch.minimum(
        inv_norm, torch.tensor(1.0 / epsilon(), dtype=inv_norm.dtype, device=inv_norm.device)
    )


class OrthogonalRegularizer(Regularizer):
    """Regularizer pushing the rows (or columns) of a rank-2 input to be orthogonal.

    The penalty is `factor * 0.5 * sum(|P - diag(P)|) / num_pairs`, where `P`
    holds the dot products of the L2-normalized rows (or columns) and
    `num_pairs = n * (n - 1) / 2`.

    Args:
        factor: Float, the regularization factor. Defaults to `0.01`.
        mode: `"rows"` (default) or `"columns"`: which vectors to decorrelate.
    """

    def __init__(self, factor=0.01, mode="rows"):
        validate_float_arg(factor, name="factor")
        self.factor = convert_to_tensor(factor)
        if mode not in {"rows", "columns"}:
            raise ValueError(
                'Invalid value for argument `mode`. Expected one of {"rows", "columns"}. '
                f"Received: mode={mode}"
            )
        self.mode = mode

    def __call__(self, inputs):
        inputs = _as_tensor(inputs)
        if len(inputs.shape) != 2:
            raise ValueError(
                f"Inputs to OrthogonalRegularizer must have rank 2. Received: inputs.shape={inputs.shape}"
            )
        if self.mode == "rows":
            inputs = _l2_normalize(inputs, axis=1)
            product = torch.matmul(inputs, inputs.T)
            size = inputs.shape[0]
        else:
            inputs = _l2_normalize(inputs, axis=0)
            product = torch.matmul(inputs.T, inputs)
            size = inputs.shape[1]
        off_diagonal = product * (1.0 - torch.eye(size, dtype=inputs.dtype, device=inputs.device))
        num_pairs = size * (size - 1.0) / 2.0
        factor = self.factor.to(inputs.device)
        return factor * 0.5 * _sum(torch.abs(off_diagonal)) / num_pairs

    def get_config(self):
        return {"factor": float(self.factor), "mode": self.mode}


def validate_float_arg(value, name):
    """Return `value` as a float, or raise `ValueError` if it is not a finite number >= 0."""
    if not isinstance(value, (float, int)) or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative float.Received: {name}={value}"
        )
    return float(value)

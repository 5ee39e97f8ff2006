"""Regression and hinge loss functions: one value per sample (the last axis is reduced)."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from kerasbridge.backend import epsilon, floatx, to_torch_dtype
from kerasbridge.losses._common import constant, labels_like, maximum, mean, minimum, prediction
from kerasbridge.losses.loss import squeeze_or_expand_to_same_rank

__all__ = [
    "categorical_hinge",
    "cosine_similarity",
    "hinge",
    "huber",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "squared_hinge",
]


def _pair(y_true, y_pred):
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def mean_squared_error(y_true, y_pred):
    """Mean over the last axis of `(y_true - y_pred) ** 2`.

    Args:
        y_true: Targets, shape `(batch, d0, ..., dN)`.
        y_pred: Predictions, same shape.

    Returns:
        Tensor of shape `(batch, d0, ..., dN-1)`.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return mean(torch.square(y_true - y_pred))


def mean_absolute_error(y_true, y_pred):
    """Mean over the last axis of `|y_true - y_pred|` (shapes as in `mean_squared_error`)."""
    y_true, y_pred = _pair(y_true, y_pred)
    return mean(torch.abs(y_true - y_pred))


def mean_absolute_percentage_error(y_true, y_pred):
    """`100 * mean(|y_true - y_pred| / max(|y_true|, epsilon))` over the last axis."""
    y_true, y_pred = _pair(y_true, y_pred)
    floor = constant(epsilon(), y_pred)
    ratio = torch.abs((y_true - y_pred) / maximum(torch.abs(y_true), floor))
    return 100.0 * mean(ratio)


def mean_squared_logarithmic_error(y_true, y_pred):
    """Mean over the last axis of `(log(1 + y_pred) - log(1 + y_true)) ** 2`.

    Values below `epsilon()` are raised to it first (the floor is a `floatx` tensor, so the
    computation follows Keras's promotion with `floatx`).
    """
    y_true, y_pred = _pair(y_true, y_pred)
    floor = constant(epsilon(), y_pred, dtype=to_torch_dtype(floatx()))
    log_pred = torch.log(maximum(y_pred, floor) + 1.0)
    log_true = torch.log(maximum(y_true, floor) + 1.0)
    return mean(torch.square(log_pred - log_true))


def _l2_normalize(x: torch.Tensor, axis) -> torch.Tensor:
    if x.dim() == 0:
        x = x.unsqueeze(0)
    squares = torch.sum(torch.square(x), dim=axis, keepdim=True)
    inv_norm = minimum(torch.rsqrt(squares), 1.0 / epsilon())
    return x * inv_norm


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along `axis` (-1 means identical directions).

    A zero vector has similarity 0 with everything.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return -torch.sum(_l2_normalize(y_true, axis) * _l2_normalize(y_pred, axis), dim=axis)


def huber(y_true, y_pred, delta=1.0):
    """Huber loss, averaged over the last axis.

    `0.5 * e ** 2` where `|e| <= delta`, else `delta * |e| - 0.5 * delta ** 2`,
    with `e = y_pred - y_true`.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    delta = constant(delta, y_pred)
    half = constant(0.5, y_pred)
    error = y_pred - y_true
    abs_error = torch.abs(error)
    quadratic = half * torch.square(error)
    linear = delta * abs_error - half * torch.square(delta)
    return mean(torch.where(abs_error <= delta, quadratic, linear))


def log_cosh(y_true, y_pred):
    """Mean over the last axis of `log(cosh(y_pred - y_true))`, computed without overflow."""
    y_true, y_pred = _pair(y_true, y_pred)
    log2 = torch.log(constant(2.0, y_pred, dtype=to_torch_dtype(floatx()))).to(y_pred.dtype)
    error = y_pred - y_true
    return mean(error + F.softplus(error * -2.0) - log2)


def _to_signed_labels(y_true: torch.Tensor) -> torch.Tensor:
    """Map {0, 1} labels to {-1, 1}; any other labels are kept (decided on device)."""
    is_binary = torch.all((y_true == 0) | (y_true == 1))
    return torch.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true, y_pred):
    """Mean over the last axis of `max(1 - y_true * y_pred, 0)`.

    Labels are expected in {-1, 1}; {0, 1} labels are converted.
    """
    y_pred = prediction(y_pred)
    y_true = _to_signed_labels(labels_like(y_true, y_pred))
    return mean(maximum(1.0 - y_true * y_pred, 0.0))


def squared_hinge(y_true, y_pred):
    """Mean over the last axis of `max(1 - y_true * y_pred, 0) ** 2` (labels as in `hinge`)."""
    y_pred = prediction(y_pred)
    y_true = _to_signed_labels(labels_like(y_true, y_pred))
    return mean(torch.square(maximum(1.0 - y_true * y_pred, 0.0)))


def categorical_hinge(y_true, y_pred):
    """`max(neg - pos + 1, 0)` with `pos = sum(y_true * y_pred)`, `neg = max((1 - y_true) * y_pred)`.

    Labels are one-hot, in {0, 1} or {-1, 1}; the last axis is reduced.
    """
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    positive = torch.sum(y_true * y_pred, dim=-1)
    negative = torch.amax((1.0 - y_true) * y_pred, dim=-1)
    return maximum(negative - positive + 1.0, constant(0.0, y_pred))

"""Regression and hinge loss classes, wrapping the functions of `regression`."""

from __future__ import annotations

from kerasbridge.losses.losses import _DEFAULT, _BuiltinLoss
from kerasbridge.losses.regression import (
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    squared_hinge,
)


class MeanSquaredError(_BuiltinLoss):
    """Mean of squared errors, `mean((y_true - y_pred) ** 2)`."""

    def __init__(self, reduction=_DEFAULT, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction, name, dtype)


class MeanAbsoluteError(_BuiltinLoss):
    """Mean of absolute errors, `mean(|y_true - y_pred|)`."""

    def __init__(self, reduction=_DEFAULT, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction, name, dtype)


class MeanAbsolutePercentageError(_BuiltinLoss):
    """`100 * mean(|y_true - y_pred| / |y_true|)` (denominator at least `epsilon()`)."""

    def __init__(self, reduction=_DEFAULT, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction, name, dtype)


class MeanSquaredLogarithmicError(_BuiltinLoss):
    """`mean((log(1 + y_pred) - log(1 + y_true)) ** 2)`."""

    def __init__(self, reduction=_DEFAULT, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction, name, dtype)


class CosineSimilarity(_BuiltinLoss):
    """Negative cosine similarity along `axis` (as Keras, `axis` is not part of the config)."""

    def __init__(self, axis=-1, reduction=_DEFAULT, name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction, name, dtype, axis=axis)


class Huber(_BuiltinLoss):
    """Huber loss: quadratic for errors up to `delta`, linear beyond (`delta` is not in the config,
    as in Keras)."""

    def __init__(self, delta=1.0, reduction=_DEFAULT, name="huber_loss", dtype=None):
        super().__init__(huber, reduction, name, dtype, delta=delta)


class LogCosh(_BuiltinLoss):
    """Mean of `log(cosh(y_pred - y_true))`."""

    def __init__(self, reduction=_DEFAULT, name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction, name, dtype)


# -- hinge -----------------------------------------------------------------------------------


class Hinge(_BuiltinLoss):
    """`mean(max(1 - y_true * y_pred, 0))`; labels in {-1, 1} ({0, 1} are converted)."""

    def __init__(self, reduction=_DEFAULT, name="hinge", dtype=None):
        super().__init__(hinge, reduction, name, dtype)


class SquaredHinge(_BuiltinLoss):
    """`mean(max(1 - y_true * y_pred, 0) ** 2)`; labels in {-1, 1} ({0, 1} are converted)."""

    def __init__(self, reduction=_DEFAULT, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction, name, dtype)


class CategoricalHinge(_BuiltinLoss):
    """`max(neg - pos + 1, 0)` over one-hot labels (see `categorical_hinge`)."""

    def __init__(self, reduction=_DEFAULT, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction, name, dtype)


__all__ = ["CategoricalHinge", "CosineSimilarity", "Hinge", "Huber", "LogCosh", "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError", "MeanSquaredLogarithmicError", "SquaredHinge"]

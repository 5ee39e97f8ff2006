"""Hinge metrics: running means of the hinge losses."""

from __future__ import annotations

from kerasbridge.losses import categorical_hinge, hinge, squared_hinge
from kerasbridge.metrics.regression_metrics import _LossMean


class Hinge(_LossMean):
    """The running mean of `max(1 - y_true · y_pred, 0)` (labels in {-1, 1} or {0, 1}).

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="hinge", dtype=None):
        super().__init__(hinge, name, dtype)


class SquaredHinge(_LossMean):
    """The running mean of `max(1 - y_true · y_pred, 0)²` (labels in {-1, 1} or {0, 1}).

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name, dtype)


class CategoricalHinge(_LossMean):
    """The running mean of `max(0, max((1 - y_true) · y_pred) - sum(y_true · y_pred) + 1)`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name, dtype)

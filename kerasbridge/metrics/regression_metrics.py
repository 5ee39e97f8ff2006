"""Regression metrics: running means of the regression losses, `RootMeanSquaredError`,
`CosineSimilarity` and `R2Score`.
"""

from __future__ import annotations

import torch

from kerasbridge.losses import (
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
)
from kerasbridge.metrics import metrics_utils
from kerasbridge.metrics.metric import Metric
from kerasbridge.metrics.metrics_utils import l2_normalize, squeeze_or_expand_to_same_rank, to_tensor
from kerasbridge.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """Cosine similarity of `y_true` and `y_pred` along `axis` (positive: 1 means aligned)."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return torch.sum(l2_normalize(y_true, axis) * l2_normalize(y_pred, axis), dim=axis)


class _LossMean(MeanMetricWrapper):
    """A running mean of a loss function's per-sample values, to be minimised."""

    def __init__(self, fn, name, dtype):
        super().__init__(fn, name, dtype=dtype)
        self._direction = "down"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class MeanSquaredError(_LossMean):
    """The running mean of the squared error `(y_true - y_pred)²`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name, dtype)


class MeanAbsoluteError(_LossMean):
    """The running mean of the absolute error `|y_true - y_pred|`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype)


class MeanAbsolutePercentageError(_LossMean):
    """The running mean of `100 · |y_true - y_pred| / |y_true|`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(_LossMean):
    """The running mean of `(log(y_true + 1) - log(y_pred + 1))²`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name, dtype)


class LogCoshError(_LossMean):
    """The running mean of `log(cosh(y_pred - y_true))`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(log_cosh, name, dtype)


class RootMeanSquaredError(Mean):
    """The square root of the running mean of `(y_true - y_pred)²`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name, dtype=dtype)
        self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's squared errors; `sample_weight` weighs each sample."""
        y_true = self._tensor(y_true, dtype=self._dtype)
        y_pred = self._tensor(y_pred, dtype=self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return super().update_state(torch.square(y_pred - y_true), sample_weight=sample_weight)

    def result(self):
        return torch.sqrt(super().result())


class CosineSimilarity(MeanMetricWrapper):
    """The running mean of the cosine similarity of `y_true` and `y_pred` along `axis`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        axis: The axis along which the similarity is computed.
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name, dtype=dtype, axis=axis)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class R2Score(Metric):
    """The coefficient of determination `1 - SS_res / SS_tot`, per output or aggregated.

    Inputs are 2-D, `(batch_size, num_outputs)`. The state (`num_samples`, then per-output
    `squared_sum`, `sum`, `residual`, `count`) is created on the first update.

    Args:
        class_aggregation: `"uniform_average"` (mean over outputs, default),
            `"variance_weighted_average"` (weighted by each output's variance) or `None`
            (one score per output).
        num_regressors: Number of independent regressors, for the adjusted R² (0: plain R²).
            The adjustment applies only when `num_regressors < num_samples - 1`.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        valid = (None, "uniform_average", "variance_weighted_average")
        if class_aggregation not in valid:
            raise ValueError(
                f"Invalid value for argument `class_aggregation`. Expected one of {valid}. "
                f"Received: class_aggregation={class_aggregation}"
            )
        if num_regressors < 0:
            raise ValueError(
                f"Invalid value for argument `num_regressors`. Expected a value >= 0. Received: num_regressors={num_regressors}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(shape=(), initializer="zeros", name="num_samples")
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = [y_pred_shape[-1]]
        self.squared_sum = self.add_variable(name="squared_sum", shape=shape, initializer="zeros")
        self.sum = self.add_variable(name="sum", shape=shape, initializer="zeros")
        self.total_mse = self.add_variable(name="residual", shape=shape, initializer="zeros")
        self.count = self.add_variable(name="count", shape=shape, initializer="zeros")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's sums; `sample_weight` weighs each sample (or each output)."""
        y_true = self._tensor(y_true, dtype=self._dtype)
        y_pred = self._tensor(y_pred, dtype=self._dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if sample_weight is None:
            sample_weight = 1
        sample_weight = self._tensor(sample_weight, dtype=self.dtype)
        if sample_weight.dim() == 1:
            sample_weight = sample_weight.unsqueeze(1)
        sample_weight = torch.broadcast_to(sample_weight, y_true.shape).to(y_true.dtype)
        weighted_y_true = y_true * sample_weight
        metrics_utils.accumulate(self.sum, weighted_y_true.sum(0))
        metrics_utils.accumulate(self.squared_sum, (y_true * weighted_y_true).sum(0))
        metrics_utils.accumulate(self.total_mse, (torch.square(y_true - y_pred) * sample_weight).sum(0))
        metrics_utils.accumulate(self.count, sample_weight.sum(0))
        metrics_utils.accumulate(self.num_samples, float(y_true.numel()))

    def result(self):
        total_sum = self.sum.value
        mean = total_sum / self.count.value
        total = self.squared_sum.value - total_sum * mean
        raw_scores = 1 - (self.total_mse.value / total)
        raw_scores = torch.where(torch.isinf(raw_scores), 0.0, raw_scores)
        if self.class_aggregation == "uniform_average":
            score = torch.mean(raw_scores)
        elif self.class_aggregation == "variance_weighted_average":
            score = torch.sum(total * raw_scores) / torch.sum(total)
        else:
            score = raw_scores
        if self.num_regressors != 0:
            # Adjusted R² where it is defined (p < n - 1); the plain score otherwise.
            n = self.num_samples.value.to(torch.float32)
            p = float(self.num_regressors)
            adjusted = 1.0 - ((1.0 - score) * (n - 1.0)) / ((n - p) - 1.0)
            score = torch.where(p < n - 1, adjusted, score)
        return score.detach()

    def get_config(self):
        config = {"class_aggregation": self.class_aggregation, "num_regressors": self.num_regressors}
        return {**super().get_config(), **config}

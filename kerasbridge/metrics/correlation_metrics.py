"""Correlation metrics: `PearsonCorrelation`, `ConcordanceCorrelation` and their functions."""

from __future__ import annotations

import torch

from kerasbridge.backend import config
from kerasbridge.metrics.metrics_utils import squeeze_or_expand_to_same_rank, to_tensor
from kerasbridge.metrics.reduction_metrics import MeanMetricWrapper


def _pair(y_true, y_pred):
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device)
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def pearson_correlation(y_true, y_pred, axis=-1):
    """Pearson correlation coefficient of `y_true` and `y_pred` along `axis`, per sample."""
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = y_true - torch.mean(y_true, dim=axis, keepdim=True)
    y_pred = y_pred - torch.mean(y_pred, dim=axis, keepdim=True)
    y_true = y_true / torch.std(y_true, dim=axis, keepdim=True, correction=0)
    y_pred = y_pred / torch.std(y_pred, dim=axis, keepdim=True, correction=0)
    return torch.mean(y_true * y_pred, dim=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance correlation coefficient of `y_true` and `y_pred` along `axis`, per sample.

    As in Keras 3, the covariance term centres `y_true` on the mean of `y_pred`.
    """
    y_true, y_pred = _pair(y_true, y_pred)
    true_mean = torch.mean(y_true, dim=axis, keepdim=True)
    pred_mean = torch.mean(y_pred, dim=axis, keepdim=True)
    true_var = torch.var(y_true - true_mean, dim=axis, keepdim=True, correction=0)
    pred_var = torch.var(y_pred - pred_mean, dim=axis, keepdim=True, correction=0)
    covar = (y_true - pred_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + torch.square(true_mean - pred_mean)
    return torch.mean(2 * covar / (norm + config.epsilon()), dim=axis)


class PearsonCorrelation(MeanMetricWrapper):
    """The mean, over samples, of the Pearson correlation along `axis`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        axis: The axis along which each correlation is computed.
    """

    def __init__(self, name="pearson_correlation", dtype=None, axis=-1):
        super().__init__(fn=pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}


class ConcordanceCorrelation(MeanMetricWrapper):
    """The mean, over samples, of the concordance correlation along `axis`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        axis: The axis along which each correlation is computed.
    """

    def __init__(self, name="concordance_correlation", dtype=None, axis=-1):
        super().__init__(fn=concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "axis": self.axis}

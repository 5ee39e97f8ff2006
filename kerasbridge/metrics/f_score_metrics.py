"""`FBetaScore` and `F1Score`: harmonic means of precision and recall over classes."""

from __future__ import annotations

import torch

from kerasbridge.backend import config
from kerasbridge.metrics import metrics_utils
from kerasbridge.metrics.metric import Metric


class FBetaScore(Metric):
    """The F-beta score `(1 + β²) · P · R / (β² · P + R)` of multi-class or multi-label predictions.

    Inputs are 2-D, `(batch_size, num_classes)`. State: `true_positives`, `false_positives`,
    `false_negatives` and `intermediate_weights` (the label totals), per class (or summed
    over classes for `average="micro"`), created on the first update.

    Args:
        average: `None` (one score per class), `"micro"` (from the global counts),
            `"macro"` (unweighted mean over classes) or `"weighted"` (mean weighted by support).
        beta: Weight of recall relative to precision (a float > 0).
        threshold: Predictions above it are positive; `None` marks each row's maximum positive.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if average not in (None, "micro", "macro", "weighted"):
            raise ValueError(
                "Invalid `average` argument value. Expected one of: {None, 'micro', 'macro', 'weighted'}. "
                f"Received: average={average}"
            )
        if not isinstance(beta, float):
            raise ValueError(
                f"Invalid `beta` argument value. It should be a Python float. Received: beta={beta} of type '{type(beta)}'"
            )
        if beta <= 0.0:
            raise ValueError(f"Invalid `beta` argument value. It should be > 0. Received: beta={beta}")
        if threshold is not None:
            if not isinstance(threshold, float):
                raise ValueError(
                    "Invalid `threshold` argument value. It should be a Python float. "
                    f"Received: threshold={threshold} of type '{type(threshold)}'"
                )
            if threshold > 1.0 or threshold <= 0.0:
                raise ValueError(
                    f"Invalid `threshold` argument value. It should verify 0 < threshold <= 1. Received: threshold={threshold}"
                )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape):
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "FBetaScore expects 2D inputs with shape (batch_size, output_dim). Received input "
                f"shapes: y_pred.shape={y_pred_shape} and y_true.shape={y_true_shape}."
            )
        shape = (y_pred_shape[-1],) if self.average != "micro" else ()
        for var_name in ("true_positives", "false_positives", "false_negatives", "intermediate_weights"):
            setattr(self, var_name, self.add_variable(shape=shape, initializer="zeros", dtype=self.dtype, name=var_name))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's per-class counts; `sample_weight` weighs each row."""
        y_true = self._tensor(y_true, dtype=self.dtype)
        y_pred = self._tensor(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            row_max = torch.amax(y_pred, dim=-1, keepdim=True)
            y_pred = (y_pred >= row_max) & (torch.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = y_pred.to(y_true.dtype)
        if sample_weight is not None:
            sample_weight = self._tensor(sample_weight, dtype=self.dtype).unsqueeze(1)

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * sample_weight
            return torch.sum(values) if self.axis is None else torch.sum(values, dim=self.axis)

        metrics_utils.accumulate(self.true_positives, weighted_sum(y_pred * y_true))
        metrics_utils.accumulate(self.false_positives, weighted_sum(y_pred * (1 - y_true)))
        metrics_utils.accumulate(self.false_negatives, weighted_sum((1 - y_pred) * y_true))
        metrics_utils.accumulate(self.intermediate_weights, weighted_sum(y_true))

    def result(self):
        eps = config.epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        beta_sq = self.beta**2
        score = precision * recall / (beta_sq * precision + recall + eps) * (1 + beta_sq)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            score = torch.sum(score * (support / (torch.sum(support) + eps)))
        elif self.average is not None:
            score = torch.mean(score)
        return score.detach()

    def get_config(self):
        config = {
            "name": self.name,
            "dtype": self.dtype,
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }
        return {**super().get_config(), **config}


class F1Score(FBetaScore):
    """The F1 score `2 · P · R / (P + R)` (an `FBetaScore` with `beta=1`).

    Args:
        average: `None`, `"micro"`, `"macro"` or `"weighted"` (see `FBetaScore`).
        threshold: Predictions above it are positive; `None` marks each row's maximum positive.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config

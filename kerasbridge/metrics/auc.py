"""`AUC`: area under the ROC or precision-recall curve, by Riemann sum over thresholds."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.metrics import metrics_utils
from kerasbridge.metrics.metric import Metric
from kerasbridge.metrics.metrics_utils import AUCCurve, AUCSummationMethod, ConfusionMatrix, divide_no_nan


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else x


class AUC(Metric):
    """Approximate area under the ROC or PR curve from a confusion matrix per threshold.

    The state is four variables (`true_positives`, `true_negatives`, `false_positives`,
    `false_negatives`) of shape `(num_thresholds,)`, or `(num_thresholds, num_labels)`
    with `multi_label=True`.

    Args:
        num_thresholds: Number of evenly spaced thresholds (> 1), default 200.
        curve: `"ROC"` (default), `"PR"` (precision-recall) or `"PRGAIN"`.
        summation_method: `"interpolation"` (default; Davis & Goadrich interpolation for PR),
            `"minoring"` or `"majoring"`.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        thresholds: Explicit thresholds in `[0, 1]` (overrides `num_thresholds`; `0 - eps` and
            `1 + eps` are added).
        multi_label: Whether the last axis holds separate labels (one curve each, averaged)
            instead of being flattened into one curve.
        num_labels: Number of labels with `multi_label=True`; else inferred on first update.
        label_weights: Weights of the labels in the average (or in the counts when
            `multi_label=False`).
        from_logits: Whether `y_pred` are logits (a sigmoid is applied).
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            self.num_thresholds = len(thresholds) + 2
            thresholds = sorted(thresholds)
            self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(
                np.array([0.0] + thresholds + [1.0])
            )
        else:
            if num_thresholds <= 1:
                raise ValueError(f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds}")
            self.num_thresholds = num_thresholds
            thresholds = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._thresholds_distributed_evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + list(thresholds) + [1.0 + eps])
        self.curve = curve if isinstance(curve, AUCCurve) else AUCCurve.from_str(curve)
        if isinstance(summation_method, AUCSummationMethod):
            self.summation_method = summation_method
        else:
            self.summation_method = AUCSummationMethod.from_str(summation_method)
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.multi_label = multi_label
        self.num_labels = num_labels
        if isinstance(label_weights, dict):  # a serialized tensor, from `get_config()`
            from kerasbridge.saving.serialization_lib import deserialize_keras_object

            label_weights = deserialize_keras_object(label_weights)
        if label_weights is not None:
            self.label_weights = torch.as_tensor(
                np.asarray(_np(label_weights)), dtype=to_torch_dtype(self.dtype), device=self._device
            )
        else:
            self.label_weights = None
        self._from_logits = from_logits
        self._built = False
        if self.multi_label:
            if num_labels:
                self._build([None, num_labels])
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, including the `0 - eps` and `1 + eps` end points."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = [self.num_thresholds, self._num_labels]
        else:
            variable_shape = [self.num_thresholds]
        self._build_input_shape = shape
        for var_name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, var_name, self.add_variable(shape=variable_shape, initializer="zeros", name=var_name))
        self._built = True

    def to(self, device):
        super().to(device)
        if self.label_weights is not None:
            self.label_weights = self.label_weights.to(self._device)
        return self

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's confusion matrices; `sample_weight` weighs each prediction."""
        y_pred = self._tensor(y_pred)
        if not self._built:
            self._build(tuple(y_pred.shape))
        label_weights = None if self.multi_label else self.label_weights
        if self._from_logits:
            y_pred = torch.sigmoid(y_pred)
        metrics_utils.update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=label_weights,
        )

    def _average(self, by_threshold):
        """Sum the per-threshold terms; with `multi_label`, average the per-label areas."""
        if not self.multi_label:
            return torch.sum(by_threshold)
        by_label = torch.sum(by_threshold, dim=0)
        if self.label_weights is None:
            return torch.mean(by_label)
        return divide_no_nan(torch.sum(by_label * self.label_weights), torch.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """PR-AUC with the Davis & Goadrich (2006) interpolation between thresholds."""
        n = self.num_thresholds
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        dtp = tp[: n - 1] - tp[1:]
        p = tp + fp
        dp = p[: n - 1] - p[1:]
        prec_slope = divide_no_nan(dtp, torch.clamp_min(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        safe_p_ratio = torch.where(
            (p[: n - 1] > 0) & (p[1:] > 0),
            divide_no_nan(p[: n - 1], torch.clamp_min(p[1:], 0)),
            torch.ones_like(p[1:]),
        )
        increment = divide_no_nan(
            prec_slope * (dtp + intercept * torch.log(safe_p_ratio)),
            torch.clamp_min(tp[1:] + fn[1:], 0),
        )
        return self._average(increment)

    def result(self):
        if self.curve == AUCCurve.PR and self.summation_method == AUCSummationMethod.INTERPOLATION:
            return self.interpolate_pr_auc().detach()
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == AUCCurve.ROC:
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == AUCCurve.PR:
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:
            scaling = divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scaling * divide_no_nan(fn, tp)
            precision_gain = 1.0 - scaling * divide_no_nan(fp, tp)
            recall_gain = torch.where(tp == 0.0, 0.0, recall_gain)
            precision_gain = torch.where(tp == 0.0, 1.0, precision_gain)
            x, y = torch.clamp_min(recall_gain, 0.0), precision_gain
        n = self.num_thresholds
        if self.summation_method == AUCSummationMethod.INTERPOLATION:
            heights = (y[: n - 1] + y[1:]) / 2.0
        elif self.summation_method == AUCSummationMethod.MINORING:
            heights = torch.minimum(y[: n - 1], y[1:])
        else:
            heights = torch.maximum(y[: n - 1], y[1:])
        return self._average((x[: n - 1] - x[1:]) * heights).detach()

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            "num_thresholds": self.num_thresholds,
            "curve": self.curve.value,
            "summation_method": self.summation_method.value,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return {**super().get_config(), **config}

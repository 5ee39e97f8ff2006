"""Confusion-matrix metrics: true/false positive/negative counts, precision, recall and the
"X at fixed Y" metrics. `AUC` lives in `auc.py`.
"""

from __future__ import annotations

import torch

from kerasbridge.metrics import metrics_utils
from kerasbridge.metrics.metric import Metric
from kerasbridge.metrics.metrics_utils import ConfusionMatrix, divide_no_nan


class _ConfusionMatrixConditionCount(Metric):
    """Counts one cell of the binary confusion matrix, for each threshold.

    Args:
        confusion_matrix_cond: A `ConfusionMatrix` member: the cell to count.
        thresholds: A float or list of floats in `[0, 1]`; predictions above a threshold
            are positive. Defaults to 0.5.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, confusion_matrix_cond, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._confusion_matrix_cond = confusion_matrix_cond
        self.init_thresholds = thresholds
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(
            shape=(len(self.thresholds),), initializer="zeros", name="accumulator"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's counts; `sample_weight` weighs each prediction."""
        metrics_utils.update_confusion_matrix_variables(
            {self._confusion_matrix_cond: self.accumulator},
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.value.detach()
        return value[0].clone() if len(self.thresholds) == 1 else value.clone()

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class FalsePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false positives, per threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]` (default 0.5).
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.FALSE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of false negatives, per threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]` (default 0.5).
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.FALSE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true negatives, per threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]` (default 0.5).
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.TRUE_NEGATIVES, thresholds=thresholds, name=name, dtype=dtype)


class TruePositives(_ConfusionMatrixConditionCount):
    """The (weighted) number of true positives, per threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]` (default 0.5).
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(ConfusionMatrix.TRUE_POSITIVES, thresholds=thresholds, name=name, dtype=dtype)


class _PrecisionRecallBase(Metric):
    """Shared state of `Precision` and `Recall`: true positives plus one error count."""

    _second = None  # (ConfusionMatrix member, variable name)

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else metrics_utils.NEG_INF
        self.thresholds = metrics_utils.parse_init_thresholds(thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = metrics_utils.is_evenly_distributed_thresholds(self.thresholds)
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros", name="true_positives")
        key, var_name = self._second
        setattr(self, var_name, self.add_variable(shape=shape, initializer="zeros", name=var_name))
        self._keys = {ConfusionMatrix.TRUE_POSITIVES: self.true_positives, key: getattr(self, var_name)}

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's counts; `sample_weight` weighs each prediction."""
        metrics_utils.update_confusion_matrix_variables(
            self._keys,
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def _ratio(self, other):
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + other.value).detach()
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        config = {"thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id}
        return {**super().get_config(), **config}


class Precision(_PrecisionRecallBase):
    """The precision `TP / (TP + FP)` of the predictions, per threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]`; predictions above a threshold
            are positive. Defaults to 0.5 (or to "any value" when `top_k` is set).
        top_k: Only the `top_k` highest predictions of each row count as positive.
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    _second = (ConfusionMatrix.FALSE_POSITIVES, "false_positives")

    def result(self):
        return self._ratio(self.false_positives)


class Recall(_PrecisionRecallBase):
    """The recall `TP / (TP + FN)` of the predictions, per threshold.

    Args:
        thresholds: A float or list of floats in `[0, 1]`; predictions above a threshold
            are positive. Defaults to 0.5 (or to "any value" when `top_k` is set).
        top_k: Only the `top_k` highest predictions of each row count as positive.
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    _second = (ConfusionMatrix.FALSE_NEGATIVES, "false_negatives")

    def result(self):
        return self._ratio(self.false_negatives)


class SensitivitySpecificityBase(Metric):
    """Base of the metrics that maximise one rate subject to a floor on another.

    The state is the full confusion matrix at `num_thresholds` evenly spaced thresholds.

    Args:
        value: The floor on the constrained rate, in `[0, 1]`.
        num_thresholds: Number of thresholds (1 means the single threshold 0.5).
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        if num_thresholds <= 0:
            raise ValueError(f"Argument `num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds}")
        self.value = value
        self.class_id = class_id
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._thresholds_distributed_evenly = False
        else:
            inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._thresholds_distributed_evenly = True
        shape = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=shape, initializer="zeros", name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's confusion matrices; `sample_weight` weighs each prediction."""
        metrics_utils.update_confusion_matrix_variables(
            {
                ConfusionMatrix.TRUE_POSITIVES: self.true_positives,
                ConfusionMatrix.TRUE_NEGATIVES: self.true_negatives,
                ConfusionMatrix.FALSE_POSITIVES: self.false_positives,
                ConfusionMatrix.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            thresholds=self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def get_config(self):
        return {**super().get_config(), "class_id": self.class_id}

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "sensitivity": divide_no_nan(tp, tp + fn),
            "specificity": divide_no_nan(tn, tn + fp),
            "precision": divide_no_nan(tp, tp + fp),
        }

    def _find_max_under_constraint(self, constrained, dependent):
        """The largest `dependent` among thresholds where `constrained >= value` (0 if none)."""
        feasible = constrained >= self.value
        return torch.clamp_min(torch.amax(torch.where(feasible, dependent, 0.0)), 0.0).detach()


class SensitivityAtSpecificity(SensitivitySpecificityBase):
    """The best sensitivity (recall) among thresholds whose specificity is >= `specificity`.

    Args:
        specificity: Floor on the specificity, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds (default 200).
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        if specificity < 0 or specificity > 1:
            raise ValueError(f"Argument `specificity` must be in the range [0, 1]. Received: specificity={specificity}")
        self.specificity = specificity
        self.num_thresholds = num_thresholds
        super().__init__(specificity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["specificity"], rates["sensitivity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "specificity": self.specificity}
        return {**super().get_config(), **config}


class SpecificityAtSensitivity(SensitivitySpecificityBase):
    """The best specificity among thresholds whose sensitivity (recall) is >= `sensitivity`.

    Args:
        sensitivity: Floor on the sensitivity, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds (default 200).
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        if sensitivity < 0 or sensitivity > 1:
            raise ValueError(f"Argument `sensitivity` must be in the range [0, 1]. Received: sensitivity={sensitivity}")
        self.sensitivity = sensitivity
        self.num_thresholds = num_thresholds
        super().__init__(sensitivity, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["specificity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "sensitivity": self.sensitivity}
        return {**super().get_config(), **config}


class PrecisionAtRecall(SensitivitySpecificityBase):
    """The best precision among thresholds whose recall is >= `recall`.

    Args:
        recall: Floor on the recall, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds (default 200).
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        if recall < 0 or recall > 1:
            raise ValueError(f"Argument `recall` must be in the range [0, 1]. Received: recall={recall}")
        self.recall = recall
        self.num_thresholds = num_thresholds
        super().__init__(value=recall, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["sensitivity"], rates["precision"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "recall": self.recall}
        return {**super().get_config(), **config}


class RecallAtPrecision(SensitivitySpecificityBase):
    """The best recall among thresholds whose precision is >= `precision`.

    Args:
        precision: Floor on the precision, in `[0, 1]`.
        num_thresholds: Number of evenly spaced thresholds (default 200).
        class_id: Compute the metric for this class only.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        if precision < 0 or precision > 1:
            raise ValueError(f"Argument `precision` must be in the range [0, 1]. Received: precision={precision}")
        self.precision = precision
        self.num_thresholds = num_thresholds
        super().__init__(value=precision, num_thresholds=num_thresholds, class_id=class_id, name=name, dtype=dtype)

    def result(self):
        rates = self._rates()
        return self._find_max_under_constraint(rates["precision"], rates["sensitivity"])

    def get_config(self):
        config = {"num_thresholds": self.num_thresholds, "precision": self.precision}
        return {**super().get_config(), **config}

"""Intersection-over-union metrics for segmentation: `IoU`, `MeanIoU`, `BinaryIoU`, one-hot variants."""

from __future__ import annotations

import warnings

import torch

from kerasbridge.backend import config
from kerasbridge.metrics import metrics_utils
from kerasbridge.metrics.metric import Metric


class _IoUBase(Metric):
    """Accumulates a `(num_classes, num_classes)` confusion matrix (rows: labels).

    Args:
        num_classes: Number of classes.
        name: Name of the metric instance.
        dtype: Dtype of the confusion matrix (default `"int32"`).
        ignore_class: A label value excluded from the counts.
        sparse_y_true: Whether labels are class ids (else one-hot / scores on `axis`).
        sparse_y_pred: Whether predictions are class ids (else scores on `axis`).
        axis: The class axis of non-sparse inputs.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, dtype=dtype or "int")
        self._direction = "up"
        self.num_classes = num_classes
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            name="total_confusion_matrix", shape=(num_classes, num_classes), initializer="zeros", dtype=self.dtype
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Add the batch's confusion matrix; `sample_weight` weighs each element."""
        y_true = self._tensor(y_true)
        y_pred = self._tensor(y_pred)
        if not self.sparse_y_true:
            y_true = torch.argmax(y_true, dim=self.axis).to(torch.int32)
        if not self.sparse_y_pred:
            y_pred = torch.argmax(y_pred, dim=self.axis).to(torch.int32)
        y_true = self._tensor(y_true, dtype=self.dtype).reshape(-1)
        y_pred = self._tensor(y_pred, dtype=self.dtype).reshape(-1)
        if sample_weight is None:
            sample_weight = 1
        elif hasattr(sample_weight, "dtype") and "float" in str(sample_weight.dtype) and "int" in str(self.dtype):
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. This may result in an incorrect "
                "weight due to type casting Consider using integer weights.",
                stacklevel=2,
            )
        sample_weight = self._tensor(sample_weight, dtype=self.dtype)
        if sample_weight.dim() > 1:
            sample_weight = sample_weight.reshape(-1)
        sample_weight = torch.broadcast_to(sample_weight, y_true.shape)
        in_bounds = (y_true >= 0) & (y_true < self.num_classes) & (y_pred >= 0) & (y_pred < self.num_classes)
        if self.ignore_class is not None:
            in_bounds = in_bounds & (y_true != self.ignore_class)
        y_true = torch.where(in_bounds, y_true, 0)
        y_pred = torch.where(in_bounds, y_pred, 0)
        sample_weight = torch.where(in_bounds, sample_weight, 0)
        current = metrics_utils.confusion_matrix(
            y_true, y_pred, self.num_classes, weights=sample_weight, dtype=self.dtype
        )
        metrics_utils.accumulate(self.total_cm, current)


class IoU(_IoUBase):
    """Mean intersection-over-union `TP / (TP + FP + FN)` over the classes `target_class_ids`.

    Classes that never occur (in labels nor predictions) are left out of the mean.

    Args:
        num_classes: Number of classes.
        target_class_ids: The class ids whose IoU is averaged.
        name: Name of the metric instance.
        dtype: Dtype of the confusion matrix (default `"int32"`).
        ignore_class: A label value excluded from the counts.
        sparse_y_true: Whether labels are class ids (else one-hot on `axis`).
        sparse_y_pred: Whether predictions are class ids (else scores on `axis`).
        axis: The class axis of non-sparse inputs.
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_true=True, sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes, ignore_class=ignore_class,
                         sparse_y_true=sparse_y_true, sparse_y_pred=sparse_y_pred, axis=axis, dtype=dtype)
        if max(target_class_ids) >= num_classes:
            raise ValueError(
                f"Target class id {max(target_class_ids)} is out of range, which is [{0}, {num_classes})."
            )
        self.target_class_ids = list(target_class_ids)
        self._target_index_cache = {}

    def _target_index(self, device):
        index = self._target_index_cache.get(device)
        if index is None:
            index = torch.tensor(self.target_class_ids, dtype=torch.long, device=device)
            self._target_index_cache[device] = index
        return index

    def result(self):
        cm = self.total_cm.value
        sum_over_row = cm.sum(0)
        sum_over_col = cm.sum(1)
        true_positives = torch.diagonal(cm)
        denominator = sum_over_row + sum_over_col - true_positives
        index = self._target_index(cm.device)
        true_positives = true_positives[index].to(torch.float32)
        denominator = denominator[index].to(torch.float32)
        valid = denominator > 1e-9
        iou = true_positives / (denominator + config.epsilon())
        iou = torch.where(valid, iou, 0.0)
        return (torch.sum(iou, dim=self.axis) / (valid.to(torch.float32).sum() + config.epsilon())).detach()

    def get_config(self):
        config = {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }
        return {**super().get_config(), **config}


class BinaryIoU(IoU):
    """IoU of binary predictions thresholded at `threshold` (`y_pred >= threshold` is class 1).

    Args:
        target_class_ids: Which of the classes 0 and 1 are averaged (default both).
        threshold: Predictions at or above it are class 1.
        name: Name of the metric instance.
        dtype: Dtype of the confusion matrix (default `"int32"`).
    """

    def __init__(self, target_class_ids=(0, 1), threshold=0.5, name=None, dtype=None):
        super().__init__(num_classes=2, target_class_ids=target_class_ids, name=name, dtype=dtype)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None):
        """Threshold `y_pred`, then add the batch's confusion matrix."""
        y_true = self._tensor(y_true, dtype=self.dtype)
        y_pred = self._tensor(y_pred, dtype="float32")
        y_pred = (y_pred >= self.threshold).to(y_true.dtype)
        return super().update_state(y_true, y_pred, sample_weight)

    def get_config(self):
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self._dtype,
        }


class MeanIoU(IoU):
    """IoU averaged over all `num_classes` classes.

    Args:
        num_classes: Number of classes.
        name: Name of the metric instance.
        dtype: Dtype of the confusion matrix (default `"int32"`).
        ignore_class: A label value excluded from the counts.
        sparse_y_true: Whether labels are class ids (else one-hot on `axis`).
        sparse_y_pred: Whether predictions are class ids (else scores on `axis`).
        axis: The class axis of non-sparse inputs.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_true=True,
                 sparse_y_pred=True, axis=-1):
        super().__init__(name=name, num_classes=num_classes, target_class_ids=list(range(num_classes)),
                         axis=axis, dtype=dtype, ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotIoU(IoU):
    """`IoU` for one-hot labels (and, by default, score predictions): both are argmax-ed on `axis`.

    Args:
        num_classes: Number of classes.
        target_class_ids: The class ids whose IoU is averaged.
        name: Name of the metric instance.
        dtype: Dtype of the confusion matrix (default `"int32"`).
        ignore_class: A label value excluded from the counts.
        sparse_y_pred: Whether predictions are class ids (else scores on `axis`).
        axis: The class axis.
    """

    def __init__(self, num_classes, target_class_ids, name=None, dtype=None, ignore_class=None,
                 sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, target_class_ids=target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class OneHotMeanIoU(MeanIoU):
    """`MeanIoU` for one-hot labels (and, by default, score predictions).

    Args:
        num_classes: Number of classes.
        name: Name of the metric instance.
        dtype: Dtype of the confusion matrix (default `"int32"`).
        ignore_class: A label value excluded from the counts.
        sparse_y_pred: Whether predictions are class ids (else scores on `axis`).
        axis: The class axis.
    """

    def __init__(self, num_classes, name=None, dtype=None, ignore_class=None, sparse_y_pred=False, axis=-1):
        super().__init__(num_classes=num_classes, axis=axis, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred)

    def get_config(self):
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self._dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }

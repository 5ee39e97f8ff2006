"""Accuracy metrics and their per-sample functions (`binary_accuracy`, `top_k_categorical_accuracy`...)."""

from __future__ import annotations

import torch

from kerasbridge.backend import config
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.metrics.metrics_utils import float_scalar, squeeze_or_expand_to_same_rank, to_tensor
from kerasbridge.metrics.reduction_metrics import MeanMetricWrapper


def _floatx():
    return to_torch_dtype(config.floatx())


def _argmax(x):
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.argmax(x, dim=-1).to(torch.int32)


def accuracy(y_true, y_pred):
    """1.0 where `y_true == y_pred`, else 0.0."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return torch.eq(y_true, y_pred).to(_floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where `y_true` equals `y_pred > threshold`, else 0.0."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, device=y_pred.device)
    if not isinstance(threshold, torch.Tensor):
        threshold = float_scalar(threshold) if type(threshold) is float else threshold
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = torch.gt(y_pred, threshold).to(y_true.dtype)
    return torch.eq(y_true, y_pred).to(_floatx())


def categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of `y_pred` is the argmax of the one-hot `y_true`, else 0.0."""
    y_pred = to_tensor(y_pred)
    y_true = _argmax(to_tensor(y_true, device=y_pred.device)).to(y_pred.dtype)
    original_shape = y_true.shape
    reshape_matches = y_true.dim() == y_pred.dim()
    if reshape_matches:
        y_true = torch.squeeze(y_true, -1)
    y_pred = _argmax(y_pred).to(y_true.dtype)
    matches = torch.eq(y_true, y_pred).to(_floatx())
    return matches.reshape(original_shape) if reshape_matches else matches


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the argmax of `y_pred` equals the integer label `y_true`, else 0.0."""
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device)
    original_shape = y_true.shape
    reshape_matches = y_true.dim() == y_pred.dim() and y_true.shape[-1] == 1
    if reshape_matches:
        y_true = torch.squeeze(y_true, -1)
    if y_pred.dtype != torch.bool and y_true.is_floating_point():
        # The class indices straight to the float dtype: the same values as through int32.
        y_pred = torch.argmax(y_pred, dim=-1).to(y_true.dtype)
    else:
        y_pred = _argmax(y_pred).to(y_true.dtype)
    matches = torch.eq(y_true, y_pred).to(_floatx())
    if reshape_matches:
        matches = matches.reshape(original_shape)
    if matches.dim() > 1 and matches.shape[-1] == 1:
        matches = torch.squeeze(matches, -1)
    return matches


def _in_top_k(targets, predictions, k):
    """Whether each target's score is at least the `k`-th largest score of its row."""
    top_values = torch.topk(predictions, k).values
    target_values = torch.take_along_dim(predictions, targets.long()[:, None], dim=-1)
    return torch.any(target_values >= top_values, dim=-1)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot `y_true`'s class is among the `k` highest scores of `y_pred`."""
    y_pred = to_tensor(y_pred)
    y_true = _argmax(to_tensor(y_true, dtype=y_pred.dtype, device=y_pred.device))
    original_shape = y_true.shape
    if y_pred.dim() > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    reshape_matches = y_true.dim() > 1
    if reshape_matches:
        y_true = y_true.reshape(-1)
    matches = _in_top_k(y_true, y_pred, k).to(_floatx())
    return matches.reshape(original_shape) if reshape_matches else matches


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label `y_true` is among the `k` highest scores of `y_pred`.

    Args:
        y_true: Integer labels.
        y_pred: Scores, or (with `from_sorted_ids=True`) class ids sorted by decreasing score.
        k: How many top entries count as a hit.
        from_sorted_ids: Whether `y_pred` already holds the sorted class ids.
    """
    y_pred = to_tensor(y_pred)
    y_true = to_tensor(y_true, dtype=y_pred.dtype if from_sorted_ids else "int32", device=y_pred.device)
    original_shape = y_true.shape
    if y_pred.dim() > 2:
        y_pred = y_pred.reshape(-1, y_pred.shape[-1])
    reshape_matches = y_true.dim() > 1
    if reshape_matches:
        y_true = y_true.reshape(-1)
    if from_sorted_ids:
        matches = torch.any(torch.eq(y_true.unsqueeze(1), y_pred[:, :k]), dim=1)
    else:
        matches = _in_top_k(y_true, y_pred, k)
    matches = matches.to(_floatx())
    return matches.reshape(original_shape) if reshape_matches else matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels (the mean of `accuracy`).

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryAccuracy(MeanMetricWrapper):
    """How often `y_pred > threshold` matches the binary labels.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        threshold: Predictions above it count as 1.
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (argmax) matches the one-hot label.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the predicted class (argmax) matches the integer label.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the `k` highest-scored classes.

    Args:
        k: Number of top predictions considered.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(fn=top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k
        self._direction = "up"

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype, "k": self.k}


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the `k` highest-scored classes.

    Args:
        k: Number of top predictions considered.
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        from_sorted_ids: Whether `y_pred` holds class ids sorted by decreasing score
            (only its first `k` columns are read) instead of scores.
    """

    def __init__(self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False):
        super().__init__(
            fn=sparse_top_k_categorical_accuracy, name=name, dtype=dtype, k=k, from_sorted_ids=from_sorted_ids
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
        self._direction = "up"

    def get_config(self):
        config = {"name": self.name, "dtype": self.dtype, "k": self.k}
        if self.from_sorted_ids:
            config["from_sorted_ids"] = True
        return config

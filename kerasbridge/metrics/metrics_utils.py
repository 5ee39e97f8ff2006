"""Tensor helpers shared by the metrics: input conversion, rank alignment, thresholds and
confusion-matrix accumulation. Everything here is pure torch and never reads values back
to the host, so it can run inside a training step.
"""

from __future__ import annotations

import functools
from enum import Enum

import numpy as np
import torch

from kerasbridge.backend import config
from kerasbridge.backend.device import device_scope
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.backend.tensor import convert_to_tensor

NEG_INF = -1e10


# -- inputs -------------------------------------------------------------------------------
def to_tensor(x, dtype=None, device=None) -> torch.Tensor:
    """Convert `x` to a torch tensor on `device` (Keras's dtype rules for Python values)."""
    if hasattr(x, "_keras_variable_value"):
        x = x._keras_variable_value()
    if isinstance(x, torch.Tensor):
        if device is not None and x.device != device and not x.is_meta:
            x = x.to(device)
        if dtype is not None:
            torch_dtype = to_torch_dtype(dtype)
            if x.dtype != torch_dtype:
                x = x.to(torch_dtype)
        return x
    if device is None:
        return convert_to_tensor(x, dtype=dtype)
    with device_scope(device):
        return convert_to_tensor(x, dtype=dtype)


def get_mask(x):
    """The Keras mask attached to a tensor (`x._keras_mask`), or `None`."""
    return getattr(x, "_keras_mask", None)


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1: bool = True):
    """Drop (or add) a trailing axis of size 1 when the ranks differ by exactly one."""
    rank1, rank2 = x1.dim(), x2.dim()
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    if rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def apply_mask_as_weight(sample_weight, mask, dtype):
    """Fold a Keras mask into `sample_weight` (masked entries get weight 0)."""
    if mask is None:
        return sample_weight
    torch_dtype = to_torch_dtype(dtype)
    float_mask = mask.to(torch_dtype)
    if sample_weight is None:
        return float_mask
    sample_weight = to_tensor(sample_weight, device=float_mask.device).to(torch_dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def divide_no_nan(x, y):
    """`x / y`, with 0 wherever `y == 0`."""
    is_zero = y == 0
    quotient = x / torch.where(is_zero, 1, y)
    return torch.where(is_zero, 0, quotient)


def l2_normalize(x, axis=-1):
    """`x / max(||x||, epsilon)` computed as Keras does (`x * min(rsqrt(sum x²), 1/eps)`)."""
    if x.dim() == 0:
        x = x.unsqueeze(0)
    inv_norm = torch.rsqrt(torch.sum(torch.square(x), dim=axis, keepdim=True))
    return x * torch.clamp_max(inv_norm, 1.0 / config.epsilon())


def float_scalar(value, dtype=None) -> float:
    """A Python float rounded to `dtype` (floatx by default), as a Keras constant would be."""
    return float(np.asarray(value, dtype=dtype or config.floatx()))


# -- thresholds ----------------------------------------------------------------------------
def to_list(x):
    if isinstance(x, list):
        return x
    if isinstance(x, tuple):
        return list(x)
    return [x]


def assert_thresholds_range(thresholds):
    if thresholds is not None:
        invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
        if invalid:
            raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")


def parse_init_thresholds(thresholds, default_threshold=0.5):
    if thresholds is not None:
        assert_thresholds_range(to_list(thresholds))
    return to_list(default_threshold if thresholds is None else thresholds)


def is_evenly_distributed_thresholds(thresholds) -> bool:
    """Whether `thresholds` are `i / (n - 1)` for `i` in `0..n-1` (n >= 3)."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


@functools.lru_cache(maxsize=64)
def _cached_thresholds(values: tuple, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    return torch.tensor(np.asarray(values, dtype=np.float64), device=device).to(dtype)


class ConfusionMatrix(Enum):
    TRUE_POSITIVES = "tp"
    FALSE_POSITIVES = "fp"
    TRUE_NEGATIVES = "tn"
    FALSE_NEGATIVES = "fn"


class AUCCurve(Enum):
    """Curve of an `AUC` metric: ROC, precision-recall or precision-recall-gain."""

    ROC = "ROC"
    PR = "PR"
    PRGAIN = "PRGAIN"

    @staticmethod
    def from_str(key):
        for member in AUCCurve:
            if key in (member.value, member.value.lower()):
                return member
        raise ValueError(f'Invalid AUC curve value: "{key}". Expected values are ["PR", "ROC", "PRGAIN"]')


class AUCSummationMethod(Enum):
    """Riemann summation of an `AUC` metric."""

    INTERPOLATION = "interpolation"
    MAJORING = "majoring"
    MINORING = "minoring"

    @staticmethod
    def from_str(key):
        for member in AUCSummationMethod:
            if key in (member.value, member.value.capitalize()):
                return member
        raise ValueError(
            f'Invalid AUC summation method value: "{key}". '
            'Expected values are ["interpolation", "majoring", "minoring"]'
        )


# -- confusion matrices ----------------------------------------------------------------------
def _filter_top_k(x, k):
    """Keep the `k` largest entries of the last axis; the others become `NEG_INF`."""
    _, indices = torch.topk(x, k)
    mask = torch.zeros_like(x).scatter_(-1, indices, 1.0)
    return x * mask + NEG_INF * (1 - mask)


def _reverse_cumsum(x, dim):
    return torch.flip(torch.cumsum(torch.flip(x, (dim,)), dim=dim), (dim,))


def _bucket_sum(data, buckets, num_buckets):
    """Sum `data` into `num_buckets` bins along the last axis; out-of-range indices are dropped."""
    buckets = torch.where((buckets >= 0) & (buckets < num_buckets), buckets, num_buckets).long()
    shape = data.shape[:-1] + (num_buckets + 1,)
    out = torch.zeros(shape, dtype=data.dtype, device=data.device)
    return out.scatter_add_(-1, buckets, data)[..., :num_buckets]


def _update_evenly_distributed(variables, y_true, y_pred, num_thresholds, multi_label, sample_weight,
                               label_weights, thresholds_with_epsilon):
    """O(n) update for thresholds `i / (T - 1)`: bucket each prediction, then cumulate."""
    weights = 1.0
    if sample_weight is not None:
        weights = torch.broadcast_to(sample_weight.to(y_pred.dtype), y_pred.shape)
        if not multi_label:
            weights = weights.reshape(-1)
    if label_weights is not None:
        lw = torch.broadcast_to(label_weights.unsqueeze(0), y_pred.shape)
        if not multi_label:
            lw = lw.reshape(-1)
        weights = weights * lw
    if isinstance(weights, torch.Tensor):
        weights = weights.to(y_true.dtype)
    y_pred = torch.clamp(y_pred, 0.0, 1.0)
    y_true = y_true.bool().to(y_true.dtype)
    if not multi_label:
        y_true = y_true.reshape(-1)
        y_pred = y_pred.reshape(-1)
    true_labels = y_true * weights
    false_labels = (1.0 - y_true) * weights
    buckets = torch.ceil(y_pred * (num_thresholds - 1)) - 1
    if thresholds_with_epsilon:
        buckets = torch.relu(buckets)
    buckets = buckets.to(torch.int32)
    if multi_label:
        true_labels, false_labels, buckets = true_labels.T, false_labels.T, buckets.T
    true_labels = torch.broadcast_to(true_labels, buckets.shape)
    false_labels = torch.broadcast_to(false_labels, buckets.shape)
    tp = _reverse_cumsum(_bucket_sum(true_labels, buckets, num_thresholds), -1)
    fp = _reverse_cumsum(_bucket_sum(false_labels, buckets, num_thresholds), -1)
    total_true = true_labels.sum(-1)
    total_false = false_labels.sum(-1)
    if multi_label:
        tp, fp = tp.T, fp.T
    values = {
        ConfusionMatrix.TRUE_POSITIVES: lambda: tp,
        ConfusionMatrix.FALSE_POSITIVES: lambda: fp,
        ConfusionMatrix.TRUE_NEGATIVES: lambda: total_false - fp,
        ConfusionMatrix.FALSE_NEGATIVES: lambda: total_true - tp,
    }
    for key, variable in variables.items():
        accumulate(variable, values[key]())


def update_confusion_matrix_variables(
    variables_to_update,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Add this batch's true/false positive/negative counts (per threshold) to the variables.

    Args:
        variables_to_update: Dict from `ConfusionMatrix` keys to `Variable`s of shape
            `(len(thresholds),)` (or `(len(thresholds), num_labels)` when `multi_label`).
        y_true: Labels (cast to bool).
        y_pred: Predictions in `[0, 1]`.
        thresholds: Python list of thresholds; a prediction is positive when `> threshold`.
        top_k: Only the `top_k` largest predictions of each row count as positive.
        class_id: Restrict to this class (last axis).
        sample_weight: Optional weights broadcastable to `y_pred`.
        multi_label: Keep the label axis separate instead of flattening it.
        label_weights: Optional per-label weights (not with `multi_label`).
        thresholds_distributed_evenly: Use the bucketing algorithm for `i / (n - 1)` thresholds.
    """
    if multi_label and label_weights is not None:
        raise ValueError(
            "`label_weights` for multilabel data should be handled outside of "
            "`update_confusion_matrix_variables` when `multi_label` is True."
        )
    if variables_to_update is None:
        return
    valid_keys = list(ConfusionMatrix)
    if not any(key in valid_keys for key in variables_to_update):
        raise ValueError(
            "Please provide at least one valid confusion matrix variable to update. Valid variable "
            f'key options are: "{valid_keys}". Received: "{variables_to_update.keys()}"'
        )
    invalid_keys = [key for key in variables_to_update if key not in valid_keys]
    if invalid_keys:
        raise ValueError(f'Invalid keys: "{invalid_keys}". Valid variable key options are: "{valid_keys}"')

    first = next(iter(variables_to_update.values())).value
    dtype, device = first.dtype, first.device
    y_true = to_tensor(y_true, device=device).to(dtype)
    y_pred = to_tensor(y_pred, device=device).to(dtype)
    num_thresholds = len(thresholds)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = to_tensor(sample_weight, device=device).to(dtype).unsqueeze(-1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.dim() == 1:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {tuple(y_pred.shape)}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if label_weights is not None:
        label_weights = to_tensor(label_weights, device=device).to(dtype)

    if thresholds_distributed_evenly:
        with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        return _update_evenly_distributed(
            variables_to_update, y_true, y_pred, num_thresholds, multi_label, sample_weight,
            label_weights, with_epsilon,
        )

    if multi_label:
        preds = y_pred.unsqueeze(0)
        labels = y_true.bool().unsqueeze(0)
        view = (num_thresholds,) + (1,) * y_pred.dim()
    else:
        preds = y_pred.reshape(1, -1)
        labels = y_true.bool().reshape(1, -1)
        view = (num_thresholds, 1)
    if num_thresholds == 1:
        pred_is_pos = preds > float(thresholds[0])
        pred_is_pos = pred_is_pos.expand(view[:1] + pred_is_pos.shape[1:])
    else:
        thresh = _cached_thresholds(tuple(float(t) for t in thresholds), dtype, device)
        pred_is_pos = preds > thresh.reshape(view)
    label_is_pos = labels.expand_as(pred_is_pos)

    weights = None
    if sample_weight is not None:
        weights = torch.broadcast_to(sample_weight.to(y_pred.dtype), y_pred.shape).reshape(preds.shape)
    if label_weights is not None and not multi_label:
        lw = torch.broadcast_to(label_weights.unsqueeze(0), y_pred.shape).reshape(preds.shape)
        weights = lw if weights is None else weights * lw

    def count(label, pred, variable):
        both = label & pred
        if weights is not None:
            values = torch.where(both, weights.to(variable.value.dtype), 0)
        else:
            values = both.to(variable.value.dtype)
        accumulate(variable, values.sum(1))

    keys = variables_to_update
    pred_is_neg = ~pred_is_pos
    label_is_neg = ~label_is_pos
    pairs = {
        ConfusionMatrix.TRUE_POSITIVES: (label_is_pos, pred_is_pos),
        ConfusionMatrix.FALSE_NEGATIVES: (label_is_pos, pred_is_neg),
        ConfusionMatrix.FALSE_POSITIVES: (label_is_neg, pred_is_pos),
        ConfusionMatrix.TRUE_NEGATIVES: (label_is_neg, pred_is_neg),
    }
    for key, (label, pred) in pairs.items():
        if key in keys:
            count(label, pred, keys[key])


def confusion_matrix(labels, predictions, num_classes: int, weights=None, dtype="int32"):
    """The `(num_classes, num_classes)` matrix of (weighted) counts; rows are labels."""
    torch_dtype = to_torch_dtype(dtype)
    labels = to_tensor(labels).to(torch_dtype)
    predictions = to_tensor(predictions, device=labels.device).to(torch_dtype)
    labels, predictions = squeeze_or_expand_to_same_rank(labels, predictions)
    if weights is None:
        values = torch.ones_like(predictions)
    else:
        values = to_tensor(weights, device=labels.device).to(torch_dtype)
        values = torch.broadcast_to(values, predictions.shape)
    num_classes = int(num_classes)
    flat = labels.long().reshape(-1) * num_classes + predictions.long().reshape(-1)
    out = torch.zeros(num_classes * num_classes, dtype=torch_dtype, device=labels.device)
    out.scatter_add_(0, flat, values.reshape(-1))
    return out.reshape(num_classes, num_classes)


# -- variable updates (in place, no host sync) ---------------------------------------------
def accumulate(variable, delta) -> None:
    """`variable += delta`, in place on the variable's device."""
    param = variable.value
    if isinstance(delta, torch.Tensor):
        if delta.dtype != param.dtype:
            delta = delta.to(param.dtype)
        needs_no_grad = delta.requires_grad or param.requires_grad
    else:
        needs_no_grad = param.requires_grad
    if not needs_no_grad or not torch.is_grad_enabled():
        param.add_(delta)
        return
    with torch.no_grad():
        param.add_(delta)


def set_value(variable, value) -> None:
    """Overwrite `variable` in place with `value`."""
    param = variable.value
    with torch.no_grad():
        param.copy_(value)

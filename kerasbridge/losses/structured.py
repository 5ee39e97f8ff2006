"""Losses over structured outputs: segmentation masks (Dice, Tversky), embeddings (Circle)
and label sequences (CTC)."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from kerasbridge.backend import convert_to_tensor, epsilon, to_torch_dtype
from kerasbridge.backend.dtypes import result_type
from kerasbridge.losses._common import labels_like, maximum, prediction, promoted, reduce_sum

__all__ = ["circle", "ctc", "dice", "tversky"]


def ctc(y_true, y_pred):
    """Connectionist Temporal Classification loss, one value per sequence.

    Args:
        y_true: Integer labels, shape `(batch, max_label_length)`; 0 is the blank /
            padding index and is not a class.
        y_pred: Logits (not softmax-normalised), shape `(batch, time, num_classes)`.
    """
    y_true = convert_to_tensor(y_true)
    y_pred = convert_to_tensor(y_pred)
    if y_true.dim() != 2:
        raise ValueError(
            "Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in "
            f"integer format. Received: y_true.shape={tuple(y_true.shape)}"
        )
    if y_pred.dim() != 3:
        raise ValueError(
            "Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
            f"num_classes)`. Received: y_pred.shape={tuple(y_pred.shape)}"
        )
    batch, time = y_pred.shape[0], y_pred.shape[1]
    compute = to_torch_dtype(result_type(y_pred.dtype, "float32"))
    log_probs = F.log_softmax(y_pred.to(compute).transpose(0, 1), dim=-1)
    targets = y_true.to(torch.long)
    target_lengths = torch.sum(targets != 0, dim=-1)
    input_lengths = torch.full((batch,), time, dtype=torch.long, device=y_pred.device)
    return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="none")


def dice(y_true, y_pred, axis=None):
    """Dice loss `1 - 2 * sum(y_true * y_pred) / (sum(y_true) + sum(y_pred))`.

    Args:
        y_true: Target masks.
        y_pred: Predicted masks.
        axis: Axes summed over; `None` sums everything (one scalar for the batch).
    """
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    intersection = reduce_sum(y_true * y_pred, axis)
    denominator = reduce_sum(y_true, axis) + reduce_sum(y_pred, axis) + epsilon()
    return 1 - torch.divide(2.0 * intersection, denominator)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """Tversky loss: Dice with false positives weighted by `alpha` and false negatives by `beta`.

    Args:
        y_true: Target masks.
        y_pred: Predicted masks.
        alpha: Weight of false positives.
        beta: Weight of false negatives.
        axis: Axes summed over; `None` sums everything.
    """
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    intersection = reduce_sum(y_true * y_pred, axis)
    false_pos = reduce_sum((1 - y_pred) * y_true, axis)
    false_neg = reduce_sum(y_pred * (1 - y_true), axis)
    index = torch.divide(intersection, intersection + false_pos * alpha + false_neg * beta + epsilon())
    return 1 - index


def _pair_masks(query_labels, key_labels, remove_diagonal):
    if query_labels.dim() == 1:
        query_labels = query_labels.reshape(-1, 1)
    if key_labels.dim() == 1:
        key_labels = key_labels.reshape(-1, 1)
    positive = query_labels == key_labels.transpose(0, 1)
    negative = ~positive
    if remove_diagonal:
        eye = torch.eye(query_labels.numel(), key_labels.numel(), dtype=torch.bool, device=positive.device)
        positive = positive & ~eye
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """Circle loss over L2-normalised embeddings (Sun et al., 2020).

    Pulls same-label pairs together and pushes other pairs apart, with each pair's
    penalty scaled by how far it is from its optimum.

    Args:
        y_true: Integer labels, shape `(batch,)`.
        y_pred: L2-normalised embeddings, shape `(batch, dim)`.
        ref_labels: Labels of the reference embeddings; defaults to `y_true`.
        ref_embeddings: Reference embeddings; defaults to `y_pred`.
        remove_diagonal: Whether self-pairs are removed from the positives.
        gamma: Scale of the similarity scores.
        margin: Relaxation margin.

    Returns:
        One value per sample; samples without any positive or negative pair get 0 and are
        masked out of the reduction (via the `_keras_mask` of the result).
    """
    y_pred = prediction(y_pred)
    y_true = convert_to_tensor(y_true).to(torch.int32)
    ref_embeddings = y_pred if ref_embeddings is None else convert_to_tensor(ref_embeddings)
    ref_labels = y_true if ref_labels is None else convert_to_tensor(ref_labels).to(torch.int32)

    dtype = promoted(y_pred, ref_embeddings)
    similarity = torch.matmul(y_pred.to(dtype), ref_embeddings.to(dtype).transpose(0, 1))
    distances = maximum(1 - similarity, 0.0)
    positive, negative = _pair_masks(y_true, ref_labels, remove_diagonal)
    positive_f = positive.to(distances.dtype)
    negative_f = negative.to(distances.dtype)

    pos_weights = torch.clamp_min((margin + distances) * positive_f, 0.0)
    neg_weights = torch.clamp_min(((1 + margin) - distances) * negative_f, 0.0)
    pos_scores = -1 * gamma * pos_weights * (margin - distances)
    neg_scores = gamma * neg_weights * ((1 - margin) - distances)

    minus_inf = float("-inf")
    pos_loss = torch.logsumexp(torch.where(positive, pos_scores, minus_inf), dim=1)
    neg_loss = torch.logsumexp(torch.where(negative, neg_scores, minus_inf), dim=1)
    result = F.softplus(pos_loss + neg_loss)
    result._keras_mask = result > 0
    return result

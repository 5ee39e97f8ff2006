"""Loss ops of `keras.ops.nn` (crossentropies, CTC, PSNR) and CTC decoding.

Crossentropies on probabilities clip them to `[epsilon, 1 - epsilon]` (categorical ones
renormalize first), as Keras does.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend import config as _config
from kerasbridge.ops._utils import result_type, tensor, to_dtype
from kerasbridge.ops.ctc_beam_search import ctc_beam_search_decode
from kerasbridge.ops.operation import symbolic_op


@symbolic_op
def binary_crossentropy(target, output, from_logits=False):
    """Binary crossentropy between a target and an output, element-wise.

    Probabilities are clipped to `[epsilon, 1 - epsilon]` first.

    Args:
        target: Target tensor of 0s and 1s (or probabilities).
        output: Predicted probabilities, or logits if `from_logits`.
        from_logits: Whether `output` holds logits.

    Returns:
        The element-wise loss, with the shape of `output`.
    """
    target, output = tensor(target), tensor(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    eps = _config.epsilon()
    return F.binary_cross_entropy(torch.clip(output, eps, 1.0 - eps), target, reduction="none")


@symbolic_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy between one-hot targets and predictions.

    Probabilities are renormalized to sum to 1 along `axis` and clipped to
    `[epsilon, 1 - epsilon]`.

    Args:
        target: One-hot (or soft) targets.
        output: Predicted probabilities, or logits if `from_logits`.
        from_logits: Whether `output` holds logits.
        axis: The class axis.

    Returns:
        The loss, with the class axis reduced.
    """
    target, output = tensor(target), tensor(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if target.ndim < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    if from_logits:
        log_prob = F.log_softmax(output, dim=axis)
    else:
        eps = _config.epsilon()
        output = output / torch.sum(output, dim=axis, keepdim=True)
        log_prob = torch.log(torch.clip(output, eps, 1.0 - eps))
    return -torch.sum(target * log_prob, dim=axis)


@symbolic_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Categorical crossentropy with integer class targets.

    Args:
        target: Integer class indices (with or without a trailing axis of size 1).
        output: Predicted probabilities, or logits if `from_logits`.
        from_logits: Whether `output` holds logits.
        axis: The class axis of `output`.

    Returns:
        The loss, with the shape of `target`.
    """
    target, output = tensor(target, "int64"), tensor(output)
    if target.ndim == output.ndim and target.shape[axis] == 1:
        target = torch.squeeze(target, dim=axis)
    if output.ndim < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: output.shape={tuple(output.shape)}")
    expected = list(output.shape)
    del expected[axis]
    if list(target.shape) != expected:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last dimension: "
            f"target.shape={tuple(target.shape)}, output.shape={tuple(output.shape)}"
        )
    squeeze = output.ndim == 1
    if squeeze:
        output, target = output.unsqueeze(0), target.unsqueeze(0)
    elif axis % output.ndim != 1:
        output = output.movedim(axis % output.ndim, 1)
    if from_logits:
        result = F.cross_entropy(output, target, reduction="none")
    else:
        eps = _config.epsilon()
        output = output / torch.sum(output, dim=1, keepdim=True)
        result = F.nll_loss(torch.log(torch.clip(output, eps, 1.0 - eps)), target, reduction="none")
    return result.squeeze(0) if squeeze else result


@symbolic_op
def ctc_loss(target, output, target_length, output_length, mask_index=0):
    """CTC (connectionist temporal classification) loss per batch element.

    Args:
        target: Integer labels, shape `(batch, max_label_length)`.
        output: Logits, shape `(batch, max_time, num_classes)`.
        target_length: Label lengths, shape `(batch,)`.
        output_length: Output lengths, shape `(batch,)`.
        mask_index: The index of the blank label.

    Returns:
        The loss, shape `(batch,)`.
    """
    target, output = tensor(target), tensor(output)
    output = to_dtype(output, result_type(output.dtype, "float32"))
    log_probs = F.log_softmax(output.transpose(0, 1), dim=-1)
    return F.ctc_loss(log_probs, target, tensor(output_length), tensor(target_length), blank=mask_index,
                      reduction="none")


@symbolic_op
def psnr(x1, x2, max_val):
    """Peak signal-to-noise ratio between two tensors: `20 log10(max_val) - 10 log10(mse)`."""
    if x1.shape != x2.shape:
        raise ValueError(f"Input shapes {x1.shape} and {x2.shape} must match for PSNR calculation. ")
    x1, x2 = tensor(x1), tensor(x2)
    max_val = tensor(max_val, x1.dtype)
    mse = torch.mean((x1 - x2) ** 2)
    return 20 * torch.log10(max_val) - 10 * torch.log10(mse)


@symbolic_op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1, merge_repeated=True,
               mask_index=0):
    """Decode the output of a CTC model, greedily or by beam search.

    Args:
        inputs: Scores, shape `(batch, max_time, num_classes)`.
        sequence_lengths: Length of each sequence, shape `(batch,)`.
        strategy: `"greedy"` or `"beam_search"`.
        beam_width: Beam width for beam search.
        top_paths: Number of paths to return for beam search.
        merge_repeated: Whether to merge repeated labels (greedy decoding; beam search
            always merges them).
        mask_index: The index of the blank label (`None`: the last class).

    Returns:
        A pair `(decoded, scores)`. Greedy: labels of shape `(1, batch, max_time)` padded
        with -1, and the negative sum of the best scores, shape `(batch, 1)`. Beam search:
        labels of shape `(top_paths, batch, max_time)` padded with -1, and the
        log-probabilities of those paths, shape `(batch, top_paths)`.
    """
    inputs = tensor(inputs)
    inputs = to_dtype(inputs, result_type(inputs.dtype, "float32"))
    if strategy == "beam_search":
        return ctc_beam_search_decode(inputs, tensor(sequence_lengths, "int32"), beam_width=beam_width,
                                      top_paths=top_paths, mask_index=mask_index)
    if strategy != "greedy":
        raise ValueError(f"Invalid strategy {strategy}. Supported values are 'greedy' and 'beam_search'.")
    lengths = tensor(sequence_lengths, "int32").to(inputs.device)
    batch, max_length, num_classes = inputs.shape
    blank = num_classes - 1 if mask_index is None else mask_index
    scores, indices = torch.max(inputs, dim=-1)
    indices = indices.to(torch.int32)
    beyond = torch.arange(max_length, device=inputs.device)[None, :] >= lengths[:, None]
    indices = torch.where(beyond, blank, indices)
    scores = torch.where(beyond, 0.0, scores)
    if merge_repeated:
        repeated = F.pad(indices[:, 1:] == indices[:, :-1], (1, 0))
        indices = torch.where(repeated, blank, indices)
    dropped = indices == blank
    indices = torch.where(dropped, -1, indices)
    order = torch.where(dropped, max_length, torch.arange(max_length, device=inputs.device)[None, :])
    order = torch.argsort(order, dim=-1, stable=True)
    indices = torch.take_along_dim(indices, order, dim=-1)
    return indices.unsqueeze(0), -torch.sum(scores, dim=1)[:, None]


__all__ = [
    "binary_crossentropy", "categorical_crossentropy", "ctc_decode", "ctc_loss", "psnr",
    "sparse_categorical_crossentropy",
]

"""Probabilistic loss functions: crossentropies (plain and focal), KL divergence, Poisson, GCE.

On probabilities (`from_logits=False`), categorical crossentropies first renormalise
`y_pred` to sum to 1 along the class axis, then clip it to `[epsilon, 1 - epsilon]`;
binary crossentropies clip. This is Keras's rule and is reproduced exactly.
"""

from __future__ import annotations

import warnings

import torch
from torch.nn import functional as F

from kerasbridge.backend import convert_to_tensor, epsilon, floatx, to_torch_dtype
from kerasbridge.losses._common import as_floatx, constant, labels_like, mean, prediction

__all__ = [
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_generalized_cross_entropy",
    "kl_divergence",
    "poisson",
    "sparse_categorical_crossentropy",
]


def kl_divergence(y_true, y_pred):
    """Kullback-Leibler divergence `sum(y_true * log(y_true / y_pred))` over the last axis.

    Both inputs are clipped to `[epsilon, 1]` first.
    """
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    y_true = torch.clip(y_true, as_floatx(epsilon()), 1)
    y_pred = torch.clip(y_pred, as_floatx(epsilon()), 1)
    return torch.sum(y_true * torch.log(y_true / y_pred), dim=-1)


def poisson(y_true, y_pred):
    """Mean over the last axis of `y_pred - y_true * log(y_pred + epsilon)`."""
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    return mean(y_pred - y_true * torch.log(y_pred + constant(epsilon(), y_pred)))


def _power(x: torch.Tensor, exponent) -> torch.Tensor:
    """`x ** exponent` with the exponent as a device tensor: the kernel Keras's `ops.power` runs."""
    if isinstance(exponent, (int, float)) and not isinstance(exponent, bool):
        dtype = torch.int32 if isinstance(exponent, int) else to_torch_dtype(floatx())
        exponent = constant(exponent, x, dtype=dtype)
    else:
        exponent = convert_to_tensor(exponent)
    return torch.pow(x, exponent)


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")


def _warn_single_class(fn_name: str, y_pred: torch.Tensor) -> None:
    if y_pred.dim() and y_pred.shape[-1] == 1:
        warnings.warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={y_pred.shape}. Consider using "
            "'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=3,
        )


def _smooth_categorical(y_true: torch.Tensor, y_pred: torch.Tensor, label_smoothing) -> torch.Tensor:
    num_classes = constant(float(y_true.shape[-1]), y_pred)
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def _renormalized_clipped(y_pred: torch.Tensor, axis) -> torch.Tensor:
    output = y_pred / torch.sum(y_pred, dim=axis, keepdim=True)
    return torch.clip(output, epsilon(), 1.0 - epsilon())


def _categorical_crossentropy(target, output, from_logits, axis):
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if target.dim() < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        log_prob = F.log_softmax(output, dim=axis)
    else:
        log_prob = torch.log(_renormalized_clipped(output, axis))
    return -torch.sum(target * log_prob, dim=axis)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Crossentropy between one-hot (or soft) labels and predicted class distributions.

    Args:
        y_true: One-hot targets.
        y_pred: Probabilities, or logits with `from_logits=True`.
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: In `[0, 1]`; targets become `y * (1 - s) + s / num_classes`.
        axis: The class axis.

    Returns:
        The loss with the class axis reduced.
    """
    _check_axis(axis)
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    _warn_single_class("categorical_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, y_pred, label_smoothing)
    return _categorical_crossentropy(y_true, y_pred, from_logits, axis)


def categorical_focal_crossentropy(
    y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1
):
    """Focal crossentropy `alpha * (1 - p) ** gamma * crossentropy`, summed over classes.

    Args:
        y_true: One-hot targets.
        y_pred: Probabilities, or logits with `from_logits=True`.
        alpha: Class weight: a float or one float per class.
        gamma: Focusing exponent (0 gives the alpha-weighted crossentropy).
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: As in `categorical_crossentropy`.
        axis: The class axis.
    """
    _check_axis(axis)
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    _warn_single_class("categorical_focal_crossentropy", y_pred)
    if label_smoothing:
        y_true = _smooth_categorical(y_true, y_pred, label_smoothing)
    if from_logits:
        y_pred = F.softmax(y_pred, dim=axis)
    output = y_pred / torch.sum(y_pred, dim=axis, keepdim=True)
    output = torch.clip(output, as_floatx(epsilon()), as_floatx(1.0 - epsilon()))
    crossentropy = -y_true * torch.log(output)
    modulating = _power(1.0 - output, gamma)
    if isinstance(alpha, (list, tuple)) or hasattr(alpha, "shape"):
        alpha = convert_to_tensor(alpha)
    return torch.sum(modulating * alpha * crossentropy, dim=axis)


def _sparse_crossentropy(target, output, from_logits, axis):
    target = target.to(torch.long)
    if target.dim() == output.dim() and target.shape[axis] == 1:
        target = torch.squeeze(target, dim=axis)
    if output.dim() < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: output.shape={output.shape}")
    expected = list(output.shape)
    del expected[axis]
    if list(target.shape) != expected:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last dimension: "
            f"target.shape={target.shape}, output.shape={output.shape}"
        )
    single = output.dim() == 1
    if single:
        output, target = output.unsqueeze(0), target.unsqueeze(0)
    elif axis % output.dim() != 1:
        output = output.movedim(axis % output.dim(), 1)
    if from_logits:
        result = F.cross_entropy(output, target, reduction="none")
    else:
        result = F.nll_loss(torch.log(_renormalized_clipped(output, 1)), target, reduction="none")
    return result.squeeze(0) if single else result


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Crossentropy between integer class labels and predicted class distributions.

    Args:
        y_true: Integer labels, shaped like `y_pred` without the class axis (a trailing
            size-1 axis is accepted).
        y_pred: Probabilities, or logits with `from_logits=True`.
        from_logits: Whether `y_pred` holds logits.
        ignore_class: Optional label whose entries get loss 0 and are masked out of
            the reduction (via the `_keras_mask` of the result).
        axis: The class axis.
    """
    y_pred = prediction(y_pred)
    y_true = convert_to_tensor(y_true)
    if y_true.dim() == y_pred.dim() and y_true.shape[axis] == 1:
        y_true = torch.squeeze(y_true, dim=axis)
    if ignore_class is None:
        return _sparse_crossentropy(y_true, y_pred, from_logits, axis)
    # Ignored entries are computed with label 0 and zeroed afterwards; `y_pred` is left
    # untouched there (Keras zeroes it), which gives the same values and finite gradients.
    class_axis = axis % y_pred.dim()
    result_shape = tuple(d for i, d in enumerate(y_pred.shape) if i != class_axis)
    valid = y_true != ignore_class
    y_true = torch.where(valid, y_true, torch.zeros_like(y_true))
    result = _sparse_crossentropy(y_true, y_pred, from_logits, axis)
    valid = valid.reshape(result_shape)
    result = torch.where(valid, result, 0.0)
    result._keras_mask = valid
    return result


def _binary_crossentropy(target, output, from_logits):
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if from_logits:
        return F.binary_cross_entropy_with_logits(output, target, reduction="none")
    output = torch.clip(output, epsilon(), 1.0 - epsilon())
    return F.binary_cross_entropy(output, target, reduction="none")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Binary crossentropy, averaged over `axis`.

    Args:
        y_true: Targets in {0, 1} (or soft targets), same shape as `y_pred`.
        y_pred: Probabilities, or logits with `from_logits=True`.
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: In `[0, 1]`; targets are squeezed towards 0.5:
            `y * (1 - s) + 0.5 * s`.
        axis: The axis averaged over.
    """
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    return mean(_binary_crossentropy(y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Binary crossentropy scaled by the focal factor `(1 - p_t) ** gamma`, averaged over `axis`.

    Args:
        y_true: Targets in {0, 1}.
        y_pred: Probabilities, or logits with `from_logits=True`.
        apply_class_balancing: Also weight class 1 by `alpha` and class 0 by `1 - alpha`.
        alpha: The class-1 weight used with `apply_class_balancing`.
        gamma: Focusing exponent (0 gives binary crossentropy).
        from_logits: Whether `y_pred` holds logits.
        label_smoothing: As in `binary_crossentropy`.
        axis: The axis averaged over.
    """
    y_pred = prediction(y_pred)
    y_true = labels_like(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    if from_logits:
        y_pred = torch.sigmoid(y_pred)
    crossentropy = _binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = y_true * y_pred + (1 - y_true) * (1 - y_pred)
    focal = _power(1.0 - p_t, gamma) * crossentropy
    if apply_class_balancing:
        focal = (y_true * alpha + (1 - y_true) * (1 - alpha)) * focal
    return mean(focal, axis=axis)


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized crossentropy `(1 - p ** q) / q`, `p` the probability of the true class.

    Args:
        y_true: Integer class labels, shape `(batch,)`.
        y_pred: Class probabilities, shape `(batch, num_classes)`.
        q: In `(0, 1)`: near 0 behaves like crossentropy, near 1 like mean absolute error.
    """
    y_pred = prediction(y_pred)
    labels = convert_to_tensor(y_true).to(torch.long)
    one_hot = F.one_hot(torch.clamp_min(labels, 0), y_pred.shape[-1])
    one_hot = torch.where((labels >= 0).unsqueeze(-1), one_hot, 0).to(y_pred.dtype)
    p = torch.sum(y_pred * one_hot, dim=-1)
    return (1 - _power(p, q)) / q

"""The `Loss` base class and the weighting / masking / reduction rules Keras applies to losses.

Everything here runs on the device of the loss values: shapes are read on the host (they are
Python ints), but no value ever is, so a loss never synchronises the host with the accelerator.
"""

from __future__ import annotations

import torch

from kerasbridge.backend import auto_name, convert_to_tensor, floatx, to_torch_dtype
from kerasbridge.backend.dtypes import result_type
from kerasbridge.utils import tree

REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")

__all__ = [
    "Loss",
    "apply_mask",
    "reduce_values",
    "reduce_weighted_values",
    "scale_loss_for_distribution",
    "squeeze_or_expand_to_same_rank",
    "standardize_reduction",
    "unscale_loss_for_distribution",
]


class Loss:
    """Base class of all losses.

    Subclasses implement `call(y_true, y_pred)`, returning one loss value per sample (or per
    timestep); `__call__` then applies masks and sample weights and reduces the values.

    Args:
        name: Name of the loss instance; derived from the class name when omitted.
        reduction: How per-sample values are aggregated. `"sum_over_batch_size"` (default)
            and `"mean"` sum the values and divide by their number, `"sum"` only sums,
            `"mean_with_sample_weight"` divides the sum by the sum of the sample weights,
            `"none"` / `None` return the values unreduced.
        dtype: Dtype (or dtype policy) of the computation; defaults to `floatx()`. With a
            policy, its compute dtype is used.

    Example:

    ```python
    class MeanSquaredError(Loss):
        def call(self, y_true, y_pred):
            return torch.mean(torch.square(y_pred - y_true), dim=-1)
    ```
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        from kerasbridge import dtype_policies

        self.name = name or auto_name(self.__class__.__name__)
        self.reduction = standardize_reduction(reduction)
        self._dtype_policy = dtype_policies.get(dtype or floatx())
        self._dtype = self._dtype_policy.compute_dtype

    @property
    def dtype(self) -> str:
        """The dtype inputs are converted to before `call`."""
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        in_mask = getattr(y_pred, "_keras_mask", None)
        y_pred = _convert_structure(y_pred, self.dtype)
        y_true = _convert_structure(y_true, self.dtype)

        losses = self.call(y_true, y_pred)
        out_mask = getattr(losses, "_keras_mask", None)
        if in_mask is not None and out_mask is not None:
            mask = in_mask & out_mask
        else:
            mask = in_mask if in_mask is not None else out_mask
        return reduce_weighted_values(
            losses, sample_weight=sample_weight, mask=mask, reduction=self.reduction, dtype=self.dtype
        )

    def call(self, y_true, y_pred):
        """Return the unreduced loss values for a batch."""
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def _obj_type(self) -> str:
        return "Loss"


def _is_array_literal(x) -> bool:
    """A (nested) list/tuple of plain numbers: converted as one tensor, not mapped leaf by leaf."""
    stack = [x]
    while stack:
        item = stack.pop()
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif not isinstance(item, (bool, int, float)) and not (
            hasattr(item, "dtype") and getattr(item, "ndim", None) == 0 and not isinstance(item, torch.Tensor)
        ):
            return False
    return True


def _convert_structure(x, dtype):
    if isinstance(x, dict) or (isinstance(x, (list, tuple)) and not _is_array_literal(x)):
        return tree.map_structure(lambda leaf: convert_to_tensor(leaf, dtype=dtype), x)
    return convert_to_tensor(x, dtype=dtype)


def standardize_reduction(reduction):
    """Validate a reduction name (Keras's error message on failure)."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. "
            f"Expected one of {set(REDUCTIONS)}. Received: reduction={reduction}"
        )
    return reduction


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks equal when they differ by one trailing dimension of size 1.

    The tensor with the extra size-1 axis is squeezed, except that a rank-1 partner is
    expanded instead (when `expand_rank_1`).
    """
    rank1, rank2 = x1.dim(), x2.dim()
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = x2.unsqueeze(-1)
        else:
            x1 = x1.squeeze(-1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = x1.unsqueeze(-1)
        else:
            x2 = x2.squeeze(-1)
    return x1, x2


def _divide_no_nan(numerator: torch.Tensor, denominator: torch.Tensor) -> torch.Tensor:
    """`numerator / denominator`, 0 where the denominator is 0, in Keras's promoted dtype
    (64-bit floats narrow to 32 bits)."""
    dtype = to_torch_dtype(result_type(numerator.dtype, denominator.dtype, float))
    numerator, denominator = numerator.to(dtype), denominator.to(dtype)
    is_zero = denominator == 0
    safe = torch.where(is_zero, torch.ones_like(denominator), denominator)
    return torch.where(is_zero, 0, torch.divide(numerator, safe))


def _element_count(shape, like: torch.Tensor) -> torch.Tensor:
    """The number of elements of `shape` as a 0-d tensor of `like`'s dtype and device."""
    return torch.full((), float(shape.numel()), dtype=like.dtype, device=like.device)


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already weighted loss values (scalars and `(0,)`-shaped values are returned as is)."""
    if reduction is None or reduction == "none" or values.dim() == 0 or tuple(values.shape) == (0,):
        return values
    loss = torch.sum(values)
    if reduction in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        if reduction == "mean_with_sample_weight" and sample_weight is not None:
            return _divide_no_nan(loss, torch.sum(sample_weight).to(loss.dtype))
        # The element count is known on the host: when it is positive, Keras's `divide_no_nan`
        # reduces to this one division (same dtype promotion, same kernel).
        loss = loss.to(to_torch_dtype(result_type(loss.dtype, loss.dtype, float)))
        if values.numel() == 0:
            return torch.zeros_like(loss)
        loss = torch.divide(loss, _element_count(values.shape, loss))
    return loss


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a mask into the sample weights.

    For `"sum_over_batch_size"` / `"mean"` the kept entries are up-weighted by
    `total / valid`, so the final division by the element count averages over the
    unmasked entries only.
    """
    if mask is None:
        return sample_weight
    torch_dtype = to_torch_dtype(dtype)
    mask = mask.to(torch_dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        total = _element_count(mask.shape, mask)
        valid = torch.sum(mask)
        mask_weight = _divide_no_nan(total, valid)
        float_mask = torch.where(mask.bool(), mask_weight, 0).to(torch_dtype)
    else:
        float_mask = mask
    if sample_weight is None:
        return float_mask
    sample_weight = sample_weight.to(torch_dtype)
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def reduce_weighted_values(
    values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype=None
):
    """Weight loss values by `sample_weight` and `mask`, then reduce them.

    Args:
        values: Unreduced loss values.
        sample_weight: Optional weights, broadcastable to `values` after a trailing
            size-1 axis is squeezed or added.
        mask: Optional boolean mask over the entries of `values`.
        reduction: One of the Keras reductions (see `Loss`).
        dtype: Dtype everything is converted to; `None` keeps the dtype of `values`.
    """
    reduction = standardize_reduction(reduction)
    values = convert_to_tensor(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight, dtype=dtype)
    if mask is not None:
        mask = convert_to_tensor(mask, dtype=dtype)
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        sample_weight = sample_weight.to(values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def scale_loss_for_distribution(value):
    """Identity: gradients of replicas are averaged by the strategy (DDP), not by the loss."""
    return value


def unscale_loss_for_distribution(value):
    """Identity (see `scale_loss_for_distribution`)."""
    return value

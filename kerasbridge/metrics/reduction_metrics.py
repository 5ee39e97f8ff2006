"""Running reductions: `Sum`, `Mean`, and `MeanMetricWrapper` (the mean of a function's values)."""

from __future__ import annotations

import torch

from kerasbridge.metrics import metrics_utils
from kerasbridge.metrics.metric import Metric

# dtypes whose product with a Python int equals the product with the int cast to a tensor first
_EXACT_SCALAR_DTYPES = (torch.float32, torch.float64)


def _reduce(values, fn, start, stop):
    dims = list(range(start, stop))
    return fn(values, dim=dims) if dims else values


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, device=None):
    """Reduce `values` to one value per sample, weighted by `sample_weight`.

    Returns `(values, sample_weight)`: `values` has rank <= 1; `sample_weight` (when given)
    is reduced to the same per-sample shape, ready to be summed into a count.
    """
    mask = metrics_utils.get_mask(values)
    values = metrics_utils.to_tensor(values, dtype=dtype, device=device)
    if sample_weight is not None:
        sample_weight = metrics_utils.to_tensor(sample_weight, dtype=dtype, device=values.device)
        if mask is not None:
            sample_weight = metrics_utils.apply_mask_as_weight(sample_weight, mask.to(values.device), dtype)
        values, sample_weight = metrics_utils.squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim = sample_weight.dim()
        if values.dim() > weight_ndim:
            values = _reduce(values, reduce_fn, weight_ndim, values.dim())
        sample_weight = torch.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = _reduce(sample_weight, reduce_fn, 1, weight_ndim)
    if values.dim() > 1:
        values = _reduce(values, reduce_fn, 1, values.dim())
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of the values seen so far.

    State: one variable, `total`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.

    Example:

    >>> m = Sum()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    4.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=torch.sum, dtype=self.dtype, device=self._device
        )
        metrics_utils.accumulate(self.total, values.sum())

    def result(self):
        return self.total.value.detach().clone()


class Mean(Metric):
    """The (weighted) mean of the values seen so far: `total / count`.

    State: two variables, `total` and `count`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.

    Example:

    >>> m = Mean()
    >>> m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        if self._update_fast(values, sample_weight):
            return
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, reduce_fn=torch.mean, dtype=self.dtype, device=self._device
        )
        metrics_utils.accumulate(self.total, values.sum())
        if sample_weight is not None:
            num_samples = sample_weight.sum()
        elif values.dim() >= 1:
            num_samples = float(values.shape[0])
        else:
            num_samples = 1.0
        metrics_utils.accumulate(self.count, num_samples)

    def _update_fast(self, values, sample_weight) -> bool:
        """The update in two in-place adds, for the common inputs that need no conversion.

        Handles a 0-d or 1-d tensor of the metric's dtype without a mask or sample weight (one
        value per sample), and a 0-d tensor (a batch's loss) with an integer weight. Returns
        `False`, doing nothing, for anything else; the general path then computes the same
        numbers with more operations.
        """
        if not isinstance(values, torch.Tensor):
            return False
        rank = values.dim()
        if rank > 1 or (sample_weight is not None and (type(sample_weight) is not int or rank != 0)):
            return False
        total, count = self.total.value, self.count.value
        if (values.dtype != total.dtype or count.dtype != total.dtype or values.device != total.device
                or getattr(values, "_keras_mask", None) is not None):
            return False
        if sample_weight is not None and values.dtype not in _EXACT_SCALAR_DTYPES:
            return False
        with torch.no_grad():
            if sample_weight is not None:
                total.add_(values * sample_weight)
                count.add_(sample_weight)
            elif rank == 0:
                total.add_(values)
                count.add_(1)
            else:
                total.add_(values.sum())
                count.add_(values.shape[0])
        return True

    def result(self):
        return metrics_utils.divide_no_nan(self.total.value, self.count.value).detach()


class MeanMetricWrapper(Mean):
    """The running mean of a function `fn(y_true, y_pred, **kwargs)` of per-sample values.

    Args:
        fn: The function to wrap; it returns one value per sample (or per element).
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        **kwargs: Keyword arguments passed on to `fn`.

    Example:

    ```python
    def squared_error(y_true, y_pred):
        return (y_true - y_pred) ** 2

    metric = MeanMetricWrapper(fn=squared_error)
    ```
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs
        from kerasbridge import losses

        loss_objects = tuple(getattr(losses, "ALL_OBJECTS", ()))
        if fn in loss_objects or type(fn) in loss_objects:
            self._direction = "down"

    def update_state(self, y_true, y_pred, sample_weight=None):
        mask = metrics_utils.get_mask(y_pred)
        y_true = self._tensor(y_true)
        y_pred = self._tensor(y_pred)
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if mask is not None:
            sample_weight = metrics_utils.apply_mask_as_weight(sample_weight, mask.to(self._device), self.dtype)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        from kerasbridge.saving.serialization_lib import serialize_keras_object

        config = {"fn": serialize_keras_object(self._fn)}
        config.update(serialize_keras_object(self._fn_kwargs))
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            from kerasbridge.saving.serialization_lib import deserialize_keras_object

            config = deserialize_keras_object(config)
        return cls(**config)

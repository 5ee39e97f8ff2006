"""Probabilistic metrics: running means of the crossentropies, KL divergence and Poisson loss."""

from __future__ import annotations

from kerasbridge.losses import (
    binary_crossentropy,
    categorical_crossentropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from kerasbridge.metrics.reduction_metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """The running mean of the Kullback-Leibler divergence `sum(y_true · log(y_true / y_pred))`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(fn=kl_divergence, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Poisson(MeanMetricWrapper):
    """The running mean of the Poisson loss `y_pred - y_true · log(y_pred)`.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(fn=poisson, name=name, dtype=dtype)

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class BinaryCrossentropy(MeanMetricWrapper):
    """The running mean of the binary crossentropy.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        label_smoothing: Labels are moved towards 0.5 by this amount (in `[0, 1]`).
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        super().__init__(
            binary_crossentropy, name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
        }


class CategoricalCrossentropy(MeanMetricWrapper):
    """The running mean of the categorical crossentropy of one-hot labels.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        label_smoothing: Labels are smoothed towards uniform by this amount (in `[0, 1]`).
        axis: The class axis.
    """

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0,
                 axis=-1):
        super().__init__(
            categorical_crossentropy, name, dtype=dtype, from_logits=from_logits,
            label_smoothing=label_smoothing, axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The running mean of the categorical crossentropy of integer labels.

    Args:
        name: Name of the metric instance.
        dtype: Dtype of the metric result.
        from_logits: Whether `y_pred` holds logits rather than probabilities.
        ignore_class: A label value whose samples are masked out.
        axis: The class axis.
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False,
                 ignore_class=None, axis=-1):
        super().__init__(
            sparse_categorical_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
            ignore_class=ignore_class, axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
        self._direction = "down"

    def get_config(self):
        return {
            "name": self.name,
            "dtype": self.dtype,
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }

"""`LossFunctionWrapper` and `_BuiltinLoss`, the base of the built-in loss classes.

Each built-in class wraps one of the loss functions (defined in `regression`, `probabilistic`
and `structured`, and re-exported here) and stores its keyword arguments. `get_config` returns
exactly the keys Keras 3 writes for that class (a few Keras classes omit an argument there,
e.g. `Huber.delta`; that is reproduced so configs compare equal). The classes themselves live
in `regression_losses`, `probabilistic_losses` and `structured_losses`, and are importable
from here too.

Every class also takes `reduction`, `name` and `dtype`, with the meaning they have in `Loss`.
"""

from __future__ import annotations

import importlib

import torch

from kerasbridge.backend import convert_to_tensor
from kerasbridge.losses.loss import Loss, squeeze_or_expand_to_same_rank
from kerasbridge.losses.probabilistic import (  # noqa: F401  (re-exported)
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    kl_divergence,
    poisson,
    sparse_categorical_crossentropy,
)
from kerasbridge.losses.regression import (  # noqa: F401  (re-exported)
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    squared_hinge,
)
from kerasbridge.losses.structured import circle, ctc, dice, tversky  # noqa: F401  (re-exported)
from kerasbridge.utils import tree

_DEFAULT = "sum_over_batch_size"


class LossFunctionWrapper(Loss):
    """A `Loss` computing `fn(y_true, y_pred, **kwargs)`.

    Args:
        fn: The loss function.
        reduction: See `Loss`.
        name: See `Loss`.
        dtype: See `Loss`.
        **kwargs: Keyword arguments passed to `fn` on every call.
    """

    def __init__(self, fn, reduction=_DEFAULT, name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if isinstance(y_true, torch.Tensor) or isinstance(y_pred, torch.Tensor):
            y_true, y_pred = squeeze_or_expand_to_same_rank(
                convert_to_tensor(y_true), convert_to_tensor(y_pred)
            )
        else:
            pairs = [
                squeeze_or_expand_to_same_rank(t, p)
                for t, p in zip(tree.flatten(y_true), tree.flatten(y_pred), strict=True)
            ]
            y_true = tree.pack_sequence_as(y_true, [t for t, _ in pairs])
            y_pred = tree.pack_sequence_as(y_pred, [p for _, p in pairs])
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        from kerasbridge.saving.serialization_lib import serialize_keras_object

        config = super().get_config()
        config["fn"] = serialize_keras_object(self.fn)
        config.update(serialize_keras_object(self._fn_kwargs))
        return config

    @classmethod
    def from_config(cls, config):
        if "fn" in config:
            from kerasbridge.saving.serialization_lib import deserialize_keras_object

            config = deserialize_keras_object(config)
        return cls(**config)

    def __repr__(self):
        return f"<LossFunctionWrapper({self.fn}, kwargs={self._fn_kwargs})>"


class _BuiltinLoss(LossFunctionWrapper):
    """A built-in loss: its config is `Loss`'s plus the attributes named in `_config_keys`."""

    _config_keys: tuple[str, ...] = ()

    def __init__(self, fn, reduction, name, dtype, **kwargs):
        super().__init__(fn, reduction=reduction, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self):
        config = Loss.get_config(self)
        config.update({key: getattr(self, key) for key in self._config_keys})
        return config


# The built-in classes live in `regression_losses`, `probabilistic_losses` and
# `structured_losses` (which subclass `_BuiltinLoss` from here); they stay importable from
# this module, resolved on first access so that the modules do not import each other in a cycle.
_CLASS_HOMES = {
    "CategoricalHinge": "regression_losses",
    "CosineSimilarity": "regression_losses",
    "Hinge": "regression_losses",
    "Huber": "regression_losses",
    "LogCosh": "regression_losses",
    "MeanAbsoluteError": "regression_losses",
    "MeanAbsolutePercentageError": "regression_losses",
    "MeanSquaredError": "regression_losses",
    "MeanSquaredLogarithmicError": "regression_losses",
    "SquaredHinge": "regression_losses",
    "BinaryCrossentropy": "probabilistic_losses",
    "BinaryFocalCrossentropy": "probabilistic_losses",
    "CategoricalCrossentropy": "probabilistic_losses",
    "CategoricalFocalCrossentropy": "probabilistic_losses",
    "CategoricalGeneralizedCrossEntropy": "probabilistic_losses",
    "KLDivergence": "probabilistic_losses",
    "Poisson": "probabilistic_losses",
    "SparseCategoricalCrossentropy": "probabilistic_losses",
    "CTC": "structured_losses",
    "Circle": "structured_losses",
    "Dice": "structured_losses",
    "Tversky": "structured_losses",
}


def __getattr__(name):
    home = _CLASS_HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"kerasbridge.losses.{home}"), name)


def __dir__():
    return sorted(set(globals()) | set(_CLASS_HOMES))


__all__ = sorted(
    [
        "LossFunctionWrapper",
        "binary_crossentropy",
        "binary_focal_crossentropy",
        "categorical_crossentropy",
        "categorical_focal_crossentropy",
        "categorical_generalized_cross_entropy",
        "categorical_hinge",
        "circle",
        "ctc",
        "cosine_similarity",
        "dice",
        "hinge",
        "huber",
        "kl_divergence",
        "log_cosh",
        "mean_absolute_error",
        "mean_absolute_percentage_error",
        "mean_squared_error",
        "mean_squared_logarithmic_error",
        "poisson",
        "sparse_categorical_crossentropy",
        "squared_hinge",
        "tversky",
    ]
    + list(_CLASS_HOMES)
)

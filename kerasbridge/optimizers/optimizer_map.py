"""`OptimizerMap`: which optimizer updates which variable, by variable path (exact or regex)."""

from __future__ import annotations

import re
from collections.abc import MutableMapping


class OptimizerMap(MutableMapping):
    """A mapping from variable paths (or regular expressions over them) to optimizers.

    A lookup first tries the key as an exact path, then every key as a pattern matched with
    `re.fullmatch` (so `"encoder/.*"` covers every variable under `encoder/`); a path that
    nothing matches gets `default_optimizer`, and one that several patterns match is an error.
    Calling the map on a variable looks up `variable.path`.

    Args:
        default_optimizer: The optimizer of the variables no key matches.
        optimizer_map: Optional initial dict of `{path or pattern: optimizer}`.
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        from kerasbridge.optimizers.base_optimizer import Optimizer

        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"default_optimizer must be a Keras Optimizer instance. Received: {default_optimizer}")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"optimizer_map must be a dictionary. Received: {optimizer_map}")
        self._default_optimizer = default_optimizer
        self._optimizer_map = optimizer_map or {}

    @property
    def default_optimizer(self):
        """The optimizer of the variables that no key matches."""
        return self._default_optimizer

    def __getitem__(self, key):
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"Multiple optimizers assigned to variable {key}.")
        if matches:
            return self._optimizer_map[matches[0]]
        return self._default_optimizer

    def __setitem__(self, key, optimizer):
        from kerasbridge.optimizers.base_optimizer import Optimizer
        from kerasbridge.optimizers.loss_scale_optimizer import LossScaleOptimizer
        from kerasbridge.optimizers.multi_optimizer import MultiOptimizer

        if key in self._optimizer_map:
            raise ValueError(
                f"'{key}' already exists in the OptimizerMap with value {self._optimizer_map[key]}. Please make "
                "sure to not use duplicated keys."
            )
        if not isinstance(key, str):
            raise ValueError(f"key must be a string. Received: {key}")
        if not isinstance(optimizer, Optimizer):
            raise ValueError(f"optimizer must be a Keras Optimizer instance. Received: {optimizer}")
        if isinstance(optimizer, LossScaleOptimizer):
            raise ValueError("optimizer cannot be LossScaleOptimizer.")
        if isinstance(optimizer, MultiOptimizer):
            raise ValueError("optimizer cannot be MultiOptimizer.")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key):
        del self._optimizer_map[key]

    def __len__(self):
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __call__(self, variable):
        return self[variable.path]

    def get_config(self):
        from kerasbridge.saving import serialization_lib

        return {
            "default_optimizer": serialization_lib.serialize_keras_object(self._default_optimizer),
            "optimizer_map": serialization_lib.serialize_keras_object(self._optimizer_map),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        default_optimizer = serialization_lib.deserialize_keras_object(
            config["default_optimizer"], custom_objects=custom_objects
        )
        optimizer_map = serialization_lib.deserialize_keras_object(config["optimizer_map"],
                                                                   custom_objects=custom_objects)
        return cls(default_optimizer, optimizer_map)

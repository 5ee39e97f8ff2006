"""The state side of `Layer`: weights and variables, losses, configs and weight I/O."""

from __future__ import annotations

import collections

import numpy as np

from kerasbridge.backend import state_version
from kerasbridge.backend.symbolic_scope import in_symbolic_scope


class LayerStateMixin:
    """Keras's views over a layer's variables, sublayers and configuration."""

    # -- sublayers -----------------------------------------------------------------------------
    def _flatten_layers(self, include_self: bool = True, recursive: bool = True) -> list:
        layers = [self] if include_self else []
        seen = set()
        queue = collections.deque(self._layers)
        while queue:
            layer = queue.popleft()
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            layers.append(layer)
            if recursive:
                queue.extendleft(reversed(layer._layers))
        return layers

    # -- variables -------------------------------------------------------------------------------
    @property
    def weights(self) -> list:
        """All weights: the layer's own (trainable, then non-trainable), then each sublayer's."""
        found, seen = [], set()
        for variable in self._trainable_variables + self._non_trainable_variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                found.append(variable)
        for layer in self._layers:
            for variable in layer.weights:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    found.append(variable)
        return found

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    def _apply(self, fn, recurse=True):
        """`torch.nn.Module._apply` (`.to()`, `.cpu()`, `.half()`, ...), then invalidate cached parameter lists.

        Moving to a device whose tensors cannot share storage with the old ones (XLA, meta)
        replaces the `Parameter` objects; a cached list would still name the old ones (and
        `zero_grad` would then leave the new ones' gradients accumulating).
        """
        result = super()._apply(fn, recurse)
        state_version.bump()
        return result

    def _cached(self, key: str, compute):
        """`compute()`, remembered until the layer structure or any trainability changes."""
        cached = self.__dict__.get(key)
        version = state_version.current()
        if cached is None or cached[0] != version:
            cached = (version, compute())
            self.__dict__[key] = cached
        return cached[1]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self) -> list:
        """All state: weights plus seed-generator states."""
        found, seen = [], set()
        for variable in self._trainable_variables + self._non_trainable_variables:
            if id(variable) not in seen:
                seen.add(id(variable))
                found.append(variable)
        for generator in self._seed_generators:
            found.append(generator.state)
        for layer in self._layers:
            for variable in layer.variables:
                if id(variable) not in seen:
                    seen.add(id(variable))
                    found.append(variable)
        return found

    @property
    def trainable_variables(self) -> list:
        if not self.trainable:
            return []
        return [v for v in self.variables if v.trainable]

    @property
    def non_trainable_variables(self) -> list:
        if not self.trainable:
            return self.variables
        return [v for v in self.variables if not v.trainable]

    @property
    def metrics(self) -> list:
        found = list(self._metrics)
        for layer in self._layers:
            found.extend(layer.metrics)
        return found

    @property
    def metrics_variables(self) -> list:
        return [v for metric in self.metrics for v in metric.variables]

    def get_weights(self) -> list:
        """The values of `weights`, as numpy arrays."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights) -> None:
        """Set `weights` from a list of arrays (as returned by `get_weights`); all or nothing."""
        layer_weights = self.weights
        if len(layer_weights) != len(weights):
            raise ValueError(
                f"You called `set_weights(weights)` on layer '{self.name}' with a weight list of length "
                f"{len(weights)}, but the layer was expecting {len(layer_weights)} weights."
            )
        for variable, value in zip(layer_weights, weights):
            if tuple(variable.shape) != tuple(np.shape(value)):
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(variable.shape)} is not compatible with provided "
                    f"weight shape {tuple(np.shape(value))}."
                )
        for variable, value in zip(layer_weights, weights):
            variable.assign(value)

    def count_params(self) -> int:
        """The number of scalars in the layer's weights."""
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't built. "
                "You can build it manually via: `layer.build(input_shape)`."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    # -- losses ----------------------------------------------------------------------------------
    @property
    def losses(self) -> list:
        """Losses added during the last call (own and sublayers'), then weight regularization penalties."""
        found = []
        for layer in self._cached("_loss_layers_cache", self._flatten_layers):
            if layer._losses:
                found.extend(layer._losses)
        if not in_symbolic_scope():
            regularized = self._cached("_regularized_cache", lambda: [
                v for v in self.trainable_weights if getattr(v, "regularizer", None) is not None
            ])
            for variable in regularized:
                found.append(variable.regularizer(variable.value))
        return found

    def _clear_losses(self) -> None:
        for layer in self._flatten_layers():
            layer._losses.clear()

    # -- configuration ------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The constructor arguments that recreate this layer (`from_config(get_config())`)."""
        from kerasbridge import dtype_policies, regularizers

        config = {"name": self.name}
        own_get_config = type(self).get_config
        if own_get_config is LayerStateMixin.get_config:
            if self._auto_config is None:
                raise NotImplementedError(
                    f"Layer {type(self).__name__} was created with arguments that cannot be serialized "
                    "automatically. Override `get_config()` (and `from_config()` if needed) to make it "
                    "serializable."
                )
            config.update(self._auto_config)
        config["trainable"] = self.trainable
        config["dtype"] = dtype_policies.serialize(self.dtype_policy)
        if self.activity_regularizer is not None:
            config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict):
        """Recreate a layer from `get_config()`'s output."""
        from kerasbridge import dtype_policies

        if isinstance(config.get("dtype"), dict):
            config = dict(config)
            config["dtype"] = dtype_policies.deserialize(config["dtype"]).name
        try:
            return cls(**config)
        except Exception as e:
            raise TypeError(
                f"Error when deserializing class '{cls.__name__}' using config={config}.\n\n"
                f"Exception encountered: {e}"
            ) from e

    def get_build_config(self) -> dict | None:
        """The input shapes the layer was built for (`{"input_shape": ...}`)."""
        if self._build_shapes_dict is not None:
            if len(self._build_shapes_dict) == 1:
                return {"input_shape": next(iter(self._build_shapes_dict.values()))}
            return {"shapes_dict": self._build_shapes_dict}
        return None

    def build_from_config(self, config: dict) -> None:
        """Build the layer from `get_build_config()`'s output."""
        if not config:
            return
        if "input_shape" in config:
            self.build(config["input_shape"])
        elif "shapes_dict" in config:
            self.build(**config["shapes_dict"])
        self.built = True

    # -- weight I/O in Keras's layout ----------------------------------------------------------------
    def save_own_variables(self, store) -> None:
        """Write the layer's own variables into `store["0"]`, `store["1"]`, ... (Keras's `.weights.h5` layout)."""
        for index, variable in enumerate(self._trainable_variables + self._non_trainable_variables):
            store[str(index)] = variable.numpy()

    def load_own_variables(self, store) -> None:
        """Read the layer's own variables back from `store` (see `save_own_variables`)."""
        own = self._trainable_variables + self._non_trainable_variables
        if len(store.keys()) != len(own):
            raise ValueError(
                f"Layer '{self.name}' expected {len(own)} variables, but received {len(store.keys())} "
                "variables during loading."
            )
        for index, variable in enumerate(own):
            variable.assign(np.asarray(store[str(index)]))

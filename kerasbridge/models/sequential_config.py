"""Config of a Sequential model in Keras 3's format: its layers (InputLayer first) and build shape."""

from __future__ import annotations

import copy


class SequentialConfigMixin:
    """`get_config` / `from_config` of `Sequential`."""

    def get_config(self) -> dict:
        from kerasbridge.layers.layer_state import LayerStateMixin
        from kerasbridge.saving import serialization_lib

        layer_configs = [serialization_lib.serialize_keras_object(layer) for layer in self._layers]
        config = LayerStateMixin.get_config(self)
        config["name"] = self.name
        config["layers"] = copy.deepcopy(layer_configs)
        if self._functional is not None:
            config["build_input_shape"] = self._layers[0].batch_shape
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        if "name" not in config or "layers" not in config:
            raise ValueError(
                "A Sequential model configuration must be a dictionary containing the 'name' and 'layers' keys. "
                f"Received: config={config}"
            )
        model = cls(name=config["name"], trainable=config.get("trainable", True))
        for layer_config in config["layers"]:
            model.add(serialization_lib.deserialize_keras_object(layer_config, custom_objects=custom_objects),
                      rebuild=False)
        model._maybe_rebuild()
        build_input_shape = config.get("build_input_shape")
        if model._functional is None and isinstance(build_input_shape, (list, tuple)) and build_input_shape:
            model.build(tuple(build_input_shape))
        return model

"""`Wrapper`: the base class of layers that wrap another layer."""

from __future__ import annotations

from kerasbridge.layers.layer import Layer


class Wrapper(Layer):
    """Abstract base class of layers that take another layer and extend what it does.

    The wrapped layer is tracked as `self.layer` (its weights are the wrapper's
    weights). `build` builds the wrapped layer when it is not built yet, and the
    config nests the wrapped layer's serialized config under `"layer"`, as in
    Keras, so that `from_config` rebuilds it. `TimeDistributed` and
    `Bidirectional` are wrappers of this kind.

    Args:
        layer: The `Layer` instance to wrap.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Layer {layer} supplied to Wrapper isn't a supported layer type. "
                "Please ensure wrapped layer is a valid Keras layer."
            )
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

    def get_config(self) -> dict:
        from kerasbridge.saving import serialization_lib

        return {**super().get_config(), "layer": serialization_lib.serialize_keras_object(self.layer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = dict(config)
        layer = serialization_lib.deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)

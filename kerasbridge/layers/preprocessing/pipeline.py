"""`Pipeline`: applies a list of (preprocessing) layers one after the other."""

from __future__ import annotations

from kerasbridge.layers.call_signature import call_info
from kerasbridge.layers.layer import Layer


class Pipeline(Layer):
    """Applies a series of layers to an input, in order.

    Like a `Sequential` model but a plain layer: it is meant for preprocessing
    (for example a chain of image augmentation layers) and may be used outside a
    model, e.g. in a data pipeline. The mask produced by each layer is handed to
    the next one when that layer's `call` accepts `mask`, and `training` is
    forwarded to the layers whose `call` accepts it.

    Args:
        layers: A list of `Layer` instances.
        name: Name of the layer.

    Input shape:
        Whatever the first layer accepts.

    Output shape:
        Whatever the last layer returns.
    """

    def __init__(self, layers, name=None):
        super().__init__(name=name)
        self._pipeline_layers = layers

    @property
    def layers(self):
        """The wrapped layers, in the order they are applied."""
        return self._pipeline_layers

    def call(self, inputs, training=True, mask=None):
        outputs = inputs
        for layer in self._pipeline_layers:
            info = call_info(type(layer))
            kwargs = {}
            if info.has_mask:
                kwargs["mask"] = mask
            if info.has_training and training is not None:
                kwargs["training"] = training
            outputs = layer(inputs, **kwargs)
            inputs = outputs
            mask = getattr(outputs, "_keras_mask", None)
        return outputs

    def get_config(self) -> dict:
        from kerasbridge.saving import serialization_lib

        return {"layers": serialization_lib.serialize_keras_object(self._pipeline_layers), "name": self.name}

    @classmethod
    def from_config(cls, config):
        from kerasbridge.saving import serialization_lib

        layers = config.get("layers")
        if not isinstance(layers, (list, tuple)):
            raise ValueError(
                "`Pipeline` config must contain a `layers` key mapping to a list of serialized layers. "
                f"Received config with layers={layers}."
            )
        config = {**config, "layers": [serialization_lib.deserialize_keras_object(item) for item in layers]}
        return cls(**config)

"""`TimeDistributed`: applies a layer to every temporal slice of an input."""

from __future__ import annotations

import torch

from kerasbridge.layers.core.wrapper import Wrapper
from kerasbridge.layers.layer import Layer


class TimeDistributed(Wrapper):
    """Applies the wrapped layer to each timestep (axis 1) of the input independently.

    As in Keras, the wrapped layer's `call` runs once per timestep on the slice
    `inputs[:, t]` (so layers with batch statistics see one timestep at a time)
    and the results are stacked back along axis 1. A mask `(batch, timesteps)`
    is passed slice by slice to a wrapped layer whose `call` accepts `mask`,
    and propagates unchanged to the output.

    Args:
        layer: A `Layer` instance.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Tensor of rank at least 3, `(batch_size, timesteps, ...)`.

    Output shape:
        `(batch_size, timesteps, *layer_output_shape[1:])`.
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"Please initialize `TimeDistributed` layer with a `keras.layers.Layer` instance. Received: {layer}"
            )
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError(
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                f"received: {input_shape}"
            )
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape):
        child_output_shape = self.layer.compute_output_shape(self._get_child_input_shape(input_shape))
        return (child_output_shape[0], input_shape[1], *child_output_shape[1:])

    def build(self, input_shape):
        child_input_shape = self._get_child_input_shape(tuple(input_shape))
        if not self.layer.built:
            self.layer.build(child_input_shape)
            self.layer.built = True

    def _check_mask(self, inputs, mask):
        if mask.ndim < 2:
            raise ValueError(
                "The `mask` passed to the `TimeDistributed` layer must be at least 2D (e.g., `(batch_size, "
                f"timesteps)`), but it has {mask.ndim} dimension(s) with shape {tuple(mask.shape)}."
            )
        if tuple(mask.shape[:2]) != tuple(inputs.shape[:2]):
            raise ValueError(
                f"The `mask` passed to the `TimeDistributed` layer has a shape {tuple(mask.shape)} that is "
                f"incompatible with the input shape {tuple(inputs.shape)}. The first two dimensions of the mask "
                "(batch size and timesteps) must match the input's first two dimensions. Expected mask shape "
                f"prefix: ({inputs.shape[0]}, {inputs.shape[1]})."
            )

    def call(self, inputs, training=None, mask=None):
        if mask is not None:
            self._check_mask(inputs, mask)
        info = self.layer._call_info
        outputs = []
        for t in range(inputs.shape[1]):
            kwargs = {}
            if info.has_mask and mask is not None:
                kwargs["mask"] = mask[:, t]
            if info.has_training:
                kwargs["training"] = training
            outputs.append(self.layer.call(inputs[:, t], **kwargs))
        return torch.stack(outputs, dim=1)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from kerasbridge.saving import serialization_lib

        config = dict(config)
        layer = serialization_lib.deserialize_keras_object(config.pop("layer"), custom_objects=custom_objects)
        if isinstance(config.get("dtype"), dict):
            from kerasbridge import dtype_policies

            config["dtype"] = dtype_policies.deserialize(config["dtype"]).name
        return cls(layer, **config)

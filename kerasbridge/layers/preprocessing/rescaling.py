"""`Rescaling`: multiply by a scale and add an offset."""

from __future__ import annotations

import torch

from kerasbridge.backend.config import image_data_format
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.layers.layer import Layer


class Rescaling(Layer):
    """Computes `inputs * scale + offset`, e.g. `scale=1 / 255` maps pixels to `[0, 1]`.

    Args:
        scale: Float, or a per-channel list/array of floats.
        offset: Float (or per-channel values) added after scaling. Defaults to `0.0`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        Any shape.

    Output shape:
        Same as the input; the dtype is the layer's compute dtype.
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale
        self.offset = offset
        self.supports_masking = True
        self._allow_non_tensor_positional_args = True

    def call(self, inputs):
        dtype = to_torch_dtype(self.compute_dtype)
        inputs = torch.as_tensor(inputs)
        scale = torch.as_tensor(self.scale, device=inputs.device).to(dtype)
        offset = torch.as_tensor(self.offset, device=inputs.device).to(dtype)
        if scale.ndim > 0 and image_data_format() == "channels_first":
            scale = scale.reshape(tuple(scale.shape) + (1,) * (3 - scale.ndim))
        return inputs.to(dtype) * scale + offset

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        from kerasbridge.saving.serialization_lib import serialize_keras_object

        return {
            **super().get_config(),
            "scale": serialize_keras_object(self.scale),
            "offset": serialize_keras_object(self.offset),
        }

    @classmethod
    def from_config(cls, config):
        from kerasbridge.saving.serialization_lib import deserialize_keras_object

        config = dict(config)
        config["scale"] = deserialize_keras_object(config["scale"])
        config["offset"] = deserialize_keras_object(config["offset"])
        return super().from_config(config)

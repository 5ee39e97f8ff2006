"""`Flatten`: collapse all non-batch axes into one."""

from __future__ import annotations

import math

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.keras_tensor import KerasTensor


class Flatten(Layer):
    """Flattens the inputs to `(batch_size, features)`; the batch axis is kept.

    Inputs without feature axes, of shape `(batch_size,)`, become
    `(batch_size, 1)`.

    Args:
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`. With `"channels_first"` the channel axis is moved
            last before flattening, so the feature order is the same as for
            `channels_last` data.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        N-D tensor of shape `(batch_size, ...)`, rank at least 1.

    Output shape:
        2-D tensor of shape `(batch_size, product of the other axes)`.
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs):
        shape = inputs.shape
        rank = len(shape)
        if self._channels_first and rank > 1:
            inputs = inputs.permute(0, *range(2, rank), 1)
        return inputs.reshape(shape[0], math.prod(shape[1:]))

    def compute_output_shape(self, input_shape):
        non_batch = tuple(input_shape[1:])
        if not non_batch:
            flat = 1
        elif any(d is None for d in non_batch):
            flat = None
        else:
            flat = math.prod(non_batch)
        return (input_shape[0], flat)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format}

"""`ZeroPadding1D`: pad the time axis of sequences with zeros."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.zero_padding2d import pad_spatial, padded_shape
from kerasbridge.ops.keras_tensor import KerasTensor


class ZeroPadding1D(Layer):
    """Adds zeros at the start and end of the time axis of 3-D inputs.

    Args:
        padding: An int (same padding on both ends) or a tuple `(before, after)`.
        data_format: `"channels_last"` (default, from `image_data_format()`):
            inputs `(batch, steps, features)`; `"channels_first"`: inputs
            `(batch, features, steps)`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_tuple(padding, 2, "padding", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return pad_spatial(inputs, (self.padding,), self.data_format)

    def compute_output_shape(self, input_shape):
        return padded_shape(input_shape, (self.padding,), self.data_format)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}

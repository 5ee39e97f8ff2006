"""`Cropping1D`: crop the time axis of sequences."""

from __future__ import annotations

from kerasbridge.layers.convolutional.base_conv import standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.cropping2d import crop_spatial, cropped_shape
from kerasbridge.ops.keras_tensor import KerasTensor


class Cropping1D(Layer):
    """Crops 3-D inputs `(batch, steps, features)` along the time axis.

    Args:
        cropping: An int (same crop at both ends) or a tuple `(start, end)`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = standardize_tuple(cropping, 2, "cropping", allow_zero=True)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return crop_spatial(inputs, (self.cropping,), "channels_last", "Cropping1D")

    def compute_output_shape(self, input_shape):
        return cropped_shape(input_shape, (self.cropping,), "channels_last", "Cropping1D")

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping}

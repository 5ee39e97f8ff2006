"""`Cropping3D`: crop the three spatial axes of volumes."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.cropping2d import crop_spatial, cropped_shape
from kerasbridge.layers.reshaping.zero_padding2d import standardize_pairs
from kerasbridge.ops.keras_tensor import KerasTensor


class Cropping3D(Layer):
    """Crops 3-D volumes (spatial or spatio-temporal data).

    Args:
        cropping: An int (same crop everywhere), a tuple of 3 ints (symmetric per
            axis), or a tuple of 3 `(before, after)` tuples.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = standardize_pairs(cropping, 3, "cropping")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        return crop_spatial(inputs, self.cropping, self.data_format, "Cropping3D")

    def compute_output_shape(self, input_shape):
        return cropped_shape(input_shape, self.cropping, self.data_format, "Cropping3D")

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}

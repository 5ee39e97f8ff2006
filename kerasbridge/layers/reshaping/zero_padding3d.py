"""`ZeroPadding3D`: pad the three spatial axes of volumes with zeros."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.zero_padding2d import pad_spatial, padded_shape, standardize_pairs
from kerasbridge.ops.keras_tensor import KerasTensor


class ZeroPadding3D(Layer):
    """Adds zeros around 3-D volumes (spatial or spatio-temporal data).

    Args:
        padding: An int (same padding everywhere), a tuple of 3 ints (symmetric
            per axis), or a tuple of 3 `(before, after)` tuples.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_pairs(padding, 3, "padding")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        return pad_spatial(inputs, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        return padded_shape(input_shape, self.padding, self.data_format)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}

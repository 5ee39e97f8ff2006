"""`UpSampling3D`: repeat each voxel along the three spatial axes."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.zero_padding2d import spatial_offset
from kerasbridge.ops.keras_tensor import KerasTensor


def repeat_spatial(inputs, size, data_format):
    """`inputs` with spatial axis `i` repeated `size[i]` times per element (nearest upsampling)."""
    offset = spatial_offset(data_format)
    for i, factor in enumerate(size):
        if factor != 1:
            inputs = inputs.repeat_interleave(factor, dim=offset + i)
    return inputs


def upsampled_shape(input_shape, size, data_format) -> tuple:
    shape = list(input_shape)
    offset = spatial_offset(data_format)
    for i, factor in enumerate(size):
        if shape[offset + i] is not None:
            shape[offset + i] *= factor
    return tuple(shape)


class UpSampling3D(Layer):
    """Repeats the three spatial axes of 5-D inputs by `size[0]`, `size[1]`, `size[2]`.

    Args:
        size: An int or a tuple of 3 positive ints, the upsampling factors.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 3, "size")
        self.input_spec = InputSpec(ndim=5)

    def call(self, inputs):
        return repeat_spatial(inputs, self.size, self.data_format)

    def compute_output_shape(self, input_shape):
        return upsampled_shape(input_shape, self.size, self.data_format)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}

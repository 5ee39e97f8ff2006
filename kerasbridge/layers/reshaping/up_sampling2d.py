"""`UpSampling2D`: enlarge images by integer factors (nearest or interpolated)."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.up_sampling3d import repeat_spatial, upsampled_shape
from kerasbridge.layers.reshaping.zero_padding2d import spatial_offset
from kerasbridge.ops import image as image_ops
from kerasbridge.ops.keras_tensor import KerasTensor


class UpSampling2D(Layer):
    """Enlarges the height and width of images by `size[0]` and `size[1]`.

    Args:
        size: An int or a tuple of 2 positive ints, the upsampling factors.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        interpolation: `"nearest"` (default; repeats rows and columns),
            `"bilinear"` or `"bicubic"` (resizing as `ops.image.resize`, with
            half-pixel centers and no antialiasing).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.size = standardize_tuple(size, 2, "size")
        self.interpolation = interpolation.lower()
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        if self.interpolation == "nearest":
            return repeat_spatial(inputs, self.size, self.data_format)
        offset = spatial_offset(self.data_format)
        new_size = (inputs.shape[offset] * self.size[0], inputs.shape[offset + 1] * self.size[1])
        return image_ops.resize(inputs, new_size, interpolation=self.interpolation, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        return upsampled_shape(input_shape, self.size, self.data_format)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "size": self.size,
            "data_format": self.data_format,
            "interpolation": self.interpolation,
        }

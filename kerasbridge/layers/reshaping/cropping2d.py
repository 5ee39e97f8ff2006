"""`Cropping2D`: crop the two spatial axes of images."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.zero_padding2d import spatial_offset, standardize_pairs
from kerasbridge.ops.keras_tensor import KerasTensor


def cropped_shape(input_shape, cropping, data_format, layer_name) -> tuple:
    """`input_shape` with each spatial axis shortened by its `(before, after)` crop."""
    shape = list(input_shape)
    offset = spatial_offset(data_format)
    for i, (before, after) in enumerate(cropping):
        dim = shape[offset + i]
        if dim is None:
            continue
        if before + after >= dim:
            raise ValueError(
                f"Values in `cropping` argument of `{layer_name}` should be smaller than the corresponding spatial "
                f"dimension of the input. Received: input_shape={tuple(input_shape)}, cropping={cropping}"
            )
        shape[offset + i] = dim - before - after
    return tuple(shape)


def crop_spatial(inputs, cropping, data_format, layer_name):
    """`inputs` with `cropping` (one `(before, after)` pair per spatial axis) removed."""
    cropped_shape(tuple(inputs.shape), cropping, data_format, layer_name)
    offset = spatial_offset(data_format)
    index = [slice(None)] * inputs.dim()
    for i, (before, after) in enumerate(cropping):
        index[offset + i] = slice(before, inputs.shape[offset + i] - after)
    return inputs[tuple(index)]


class Cropping2D(Layer):
    """Crops images along height and width.

    Args:
        cropping: An int (same crop on all four sides), a tuple of 2 ints
            `(symmetric_height_crop, symmetric_width_crop)`, or a tuple of 2
            tuples `((top_crop, bottom_crop), (left_crop, right_crop))`.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.cropping = standardize_pairs(cropping, 2, "cropping")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return crop_spatial(inputs, self.cropping, self.data_format, "Cropping2D")

    def compute_output_shape(self, input_shape):
        return cropped_shape(input_shape, self.cropping, self.data_format, "Cropping2D")

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "cropping": self.cropping, "data_format": self.data_format}

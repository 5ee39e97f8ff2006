"""`ZeroPadding2D`: pad the two spatial axes of images with zeros."""

from __future__ import annotations

import torch.nn.functional as F

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.convolutional.base_conv import standardize_tuple
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.keras_tensor import KerasTensor

_ORDINALS = ("1st", "2nd", "3rd")


def standardize_pairs(value, n: int, name: str) -> tuple:
    """An int, `n` ints or `n` pairs of ints as `n` `(before, after)` pairs, validated as Keras does."""
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((value, value),) * n
    if hasattr(value, "__len__"):
        if len(value) != n:
            raise ValueError(f"`{name}` should have {n} elements. Received: {name}={value}.")
        return tuple(
            standardize_tuple(entry, 2, f"{_ORDINALS[i]} entry of {name}", allow_zero=True)
            for i, entry in enumerate(value)
        )
    raise ValueError(
        f"`{name}` should be either an int, a tuple of {n} ints or a tuple of {n} tuples of 2 ints. "
        f"Received: {name}={value}."
    )


def spatial_offset(data_format: str) -> int:
    """Index of the first spatial axis."""
    return 2 if data_format == "channels_first" else 1


def pad_spatial(inputs, padding, data_format):
    """`inputs` zero-padded by `padding` (one `(before, after)` pair per spatial axis)."""
    pads = []
    for before, after in reversed(padding):
        pads.extend((before, after))
    if data_format == "channels_last":
        pads = [0, 0, *pads]
    return F.pad(inputs, pads)


def padded_shape(input_shape, padding, data_format) -> tuple:
    shape = list(input_shape)
    offset = spatial_offset(data_format)
    for i, (before, after) in enumerate(padding):
        if shape[offset + i] is not None:
            shape[offset + i] += before + after
    return tuple(shape)


class ZeroPadding2D(Layer):
    """Adds rows and columns of zeros around images.

    Args:
        padding: An int (same padding on all four sides), a tuple of 2 ints
            `(symmetric_height_pad, symmetric_width_pad)`, or a tuple of 2 tuples
            `((top_pad, bottom_pad), (left_pad, right_pad))`.
        data_format: `"channels_last"` (default, from `image_data_format()`) or
            `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.padding = standardize_pairs(padding, 2, "padding")
        self.input_spec = InputSpec(ndim=4)

    def call(self, inputs):
        return pad_spatial(inputs, self.padding, self.data_format)

    def compute_output_shape(self, input_shape):
        return padded_shape(input_shape, self.padding, self.data_format)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "padding": self.padding, "data_format": self.data_format}

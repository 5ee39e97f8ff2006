"""`BaseAdaptivePooling`: pooling to a fixed output size, behind the `Adaptive*Pooling{1,2,3}D` layers."""

from __future__ import annotations

from kerasbridge.backend.config import image_data_format
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.nn_conv import adaptive_average_pool, adaptive_max_pool

_AXIS_NAMES = {1: "tuple of 1 integer", 2: "(height, width) tuple", 3: "(depth, height, width) tuple"}


def adaptive_output_size(output_size, rank):
    """`output_size` (an int or a sequence of `rank` ints) as a tuple of `rank` ints, checked as Keras does."""
    if isinstance(output_size, int):
        return (output_size,) * rank
    if isinstance(output_size, (tuple, list)):
        if len(output_size) == rank:
            return tuple(output_size)
        if rank == 1:
            raise ValueError(f"For 1D input, `output_size` tuple must have length 1. Received: {output_size}")
    raise TypeError(
        f"`output_size` must be an integer or {_AXIS_NAMES[rank]}. "
        f"Received: {output_size} of type {type(output_size)}"
    )


class BaseAdaptivePooling(Layer):
    """Pools the spatial axes of its input down to exactly `output_size`, whatever the input size.

    Output cell `i` of an axis of length `n` pooled to `m` covers the input range
    `[floor(i * n / m), ceil((i + 1) * n / m))`, so windows may overlap or differ in size.

    Args:
        output_size: Tuple of ints, the spatial size of the output.
        pool_mode: `"average"` or `"max"`.
        data_format: `"channels_last"` or `"channels_first"` (default: `image_data_format()`).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).
    """

    def __init__(self, output_size, pool_mode, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.output_size = output_size
        self.pool_mode = pool_mode
        self.data_format = data_format or image_data_format()
        if self.data_format not in {"channels_first", "channels_last"}:
            raise ValueError(
                f"Invalid data_format: {self.data_format}. Expected 'channels_first' or 'channels_last'."
            )

    def call(self, inputs):
        pool = adaptive_average_pool if self.pool_mode == "average" else adaptive_max_pool
        return pool(inputs, output_size=self.output_size, data_format=self.data_format)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def get_config(self) -> dict:
        return {**super().get_config(), "output_size": self.output_size, "data_format": self.data_format}

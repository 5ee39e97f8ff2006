"""`UpSampling1D`: repeat each time step."""

from __future__ import annotations

from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.reshaping.up_sampling3d import repeat_spatial, upsampled_shape
from kerasbridge.ops.keras_tensor import KerasTensor


class UpSampling1D(Layer):
    """Repeats each step of 3-D inputs `(batch, steps, features)` `size` times.

    Args:
        size: Positive integer, the upsampling factor.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(size, int) or isinstance(size, bool):
            raise TypeError(f"Expected an integer value for `size`, got {type(size)}.")
        if size <= 0:
            raise ValueError(f"Argument `size` should be a positive integer. Received: size={size}")
        self.size = size
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        return repeat_spatial(inputs, (self.size,), "channels_last")

    def compute_output_shape(self, input_shape):
        return upsampled_shape(input_shape, (self.size,), "channels_last")

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "size": self.size}

"""`CustomScaleLayer`: the scaled residual sum of the Inception-ResNet blocks."""

from kerasbridge.layers.layer import Layer


class CustomScaleLayer(Layer):
    """Returns `inputs[0] + scale * inputs[1]`: a shortcut plus a scaled residual branch.

    Args:
        scale: Factor applied to the residual branch before the sum.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of two tensors of the same shape: `[shortcut, residual]`.

    Output shape:
        The shape of either input.
    """

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        shortcut, residual = inputs
        return shortcut + residual * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}

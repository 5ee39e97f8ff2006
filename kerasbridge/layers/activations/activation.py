"""`Activation`: apply an activation function to the inputs."""

from __future__ import annotations

from kerasbridge import activations
from kerasbridge.layers.layer import Layer


class Activation(Layer):
    """Applies an activation function element-wise; masks pass through.

    Args:
        activation: Activation function, or the name of a built-in one
            (e.g. `"relu"`, `"softmax"`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.

    Example:

    >>> layer = kerasbridge.layers.Activation("relu")
    >>> layer(torch.tensor([-3.0, -1.0, 0.0, 2.0]))
    tensor([0., 0., 0., 2.])
    """

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)
        self.built = True

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "activation": activations.serialize(self.activation)}

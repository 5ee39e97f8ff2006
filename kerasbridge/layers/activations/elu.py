"""`ELU`: exponential linear unit layer."""

from __future__ import annotations

from kerasbridge import activations
from kerasbridge.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit: `x` for `x >= 0`, `alpha * (exp(x) - 1)` otherwise.

    Args:
        alpha: Float, scale of the negative section (default `1.0`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    # Like Keras, the config comes from the recorded constructor arguments.

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape):
        return input_shape

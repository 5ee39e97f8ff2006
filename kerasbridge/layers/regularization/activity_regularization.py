"""`ActivityRegularization`: identity layer that adds an L1/L2 penalty on its inputs."""

from __future__ import annotations

from kerasbridge import regularizers
from kerasbridge.layers.layer import Layer


class ActivityRegularization(Layer):
    """Passes inputs through unchanged and adds `l1 * sum|x| + l2 * sum(x^2)` (per batch sample)
    to `layer.losses`.

    Args:
        l1: L1 regularization factor (float >= 0).
        l2: L2 regularization factor (float >= 0).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}

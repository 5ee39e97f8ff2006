"""`Identity`: a placeholder layer that returns its inputs unchanged."""

from __future__ import annotations

from kerasbridge.layers.layer import Layer


class Identity(Layer):
    """Returns its inputs (any nested structure of tensors) unchanged; masks pass through.

    Useful as a placeholder, e.g. to disable a block of a model without
    changing its structure.

    Args:
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Arbitrary.

    Output shape:
        Same as the input.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape

"""`Average`: element-wise mean of a list of inputs."""

from __future__ import annotations

from kerasbridge.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of inputs element-wise.

    Args:
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of tensors with broadcast-compatible shapes.

    Output shape:
        The broadcast shape of the inputs.
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`: the element-wise mean of `inputs`.

    Args:
        inputs: A list of tensors (at least 1) with broadcast-compatible shapes.
        **kwargs: Arguments of the `Average` layer.

    Returns:
        The mean of the inputs.
    """
    return Average(**kwargs)(inputs)

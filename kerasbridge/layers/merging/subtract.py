"""`Subtract`: element-wise difference of exactly two inputs."""

from __future__ import annotations

from kerasbridge.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts two inputs element-wise: `inputs[0] - inputs[1]`.

    Args:
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of exactly 2 tensors with broadcast-compatible shapes.

    Output shape:
        The broadcast shape of the inputs.
    """

    def build(self, input_shape):
        super().build(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                f"A `Subtract` layer should be called on exactly 2 inputs. Received: input_shape={input_shape}"
            )

    def _merge_function(self, inputs):
        if len(inputs) != 2:
            raise ValueError(f"A `Subtract` layer should be called on exactly 2 inputs. Received: inputs={inputs}")
        return inputs[0] - inputs[1]


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`: `inputs[0] - inputs[1]`.

    Args:
        inputs: A list of exactly 2 tensors with broadcast-compatible shapes.
        **kwargs: Arguments of the `Subtract` layer.

    Returns:
        The difference of the inputs.
    """
    return Subtract(**kwargs)(inputs)

"""`Add`: element-wise sum of a list of inputs."""

from __future__ import annotations

from kerasbridge.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of inputs element-wise.

    Takes a list of tensors of the same shape (or broadcastable shapes) and
    returns one tensor of that shape.

    Args:
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of tensors with broadcast-compatible shapes.

    Output shape:
        The broadcast shape of the inputs.

    Example:

    >>> x1, x2 = torch.ones(2, 3), torch.ones(2, 3)
    >>> kerasbridge.layers.Add()([x1, x2])
    tensor([[2., 2., 2.], [2., 2., 2.]])
    """

    def _merge_function(self, inputs):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


def add(inputs, **kwargs):
    """Functional form of `Add`: the element-wise sum of `inputs`.

    Args:
        inputs: A list of tensors (at least 1) with broadcast-compatible shapes.
        **kwargs: Arguments of the `Add` layer.

    Returns:
        The sum of the inputs.
    """
    return Add(**kwargs)(inputs)

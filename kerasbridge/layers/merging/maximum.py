"""`Maximum`: element-wise maximum of a list of inputs."""

from __future__ import annotations

import torch

from kerasbridge.layers.merging.base_merge import Merge


class Maximum(Merge):
    """Computes the element-wise maximum of a list of inputs.

    A masked-out entry of an input is ignored (the other inputs' value is
    used); when every input is masked, the output carries the OR of the masks.

    Args:
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of tensors with broadcast-compatible shapes.

    Output shape:
        The broadcast shape of the inputs.
    """

    def _merge_function(self, inputs):
        return self._apply_merge_op_and_or_mask(torch.maximum, inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`: the element-wise maximum of `inputs`.

    Args:
        inputs: A list of tensors (at least 1) with broadcast-compatible shapes.
        **kwargs: Arguments of the `Maximum` layer.

    Returns:
        The element-wise maximum of the inputs.
    """
    return Maximum(**kwargs)(inputs)

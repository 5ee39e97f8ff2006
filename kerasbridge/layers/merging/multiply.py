"""`Multiply`: element-wise product of a list of inputs."""

from __future__ import annotations

import torch

from kerasbridge.layers.merging.base_merge import Merge


class Multiply(Merge):
    """Multiplies a list of inputs element-wise.

    Masked-out entries of an input count as `1` in the product; when every
    input is masked, entries masked in all inputs are set to `0` and the output
    carries the OR of the masks.

    Args:
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of tensors with broadcast-compatible shapes.

    Output shape:
        The broadcast shape of the inputs.
    """

    def _merge_function(self, inputs):
        masks = [getattr(x, "_keras_mask", None) for x in inputs]
        all_masked = all(m is not None for m in masks)
        output = None
        output_mask = None
        for x, mask in zip(inputs, masks):
            if mask is not None:
                mask = torch.broadcast_to(mask.unsqueeze(-1), x.shape)
                x = torch.where(mask, x, torch.ones((), dtype=x.dtype, device=x.device))
                if all_masked:
                    output_mask = mask if output_mask is None else torch.logical_or(output_mask, mask)
            output = x if output is None else output * x
        if all_masked:
            output = torch.where(output_mask, output, torch.zeros((), dtype=output.dtype, device=output.device))
            output._keras_mask = torch.any(output_mask, dim=-1)
        return output


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`: the element-wise product of `inputs`.

    Args:
        inputs: A list of tensors (at least 1) with broadcast-compatible shapes.
        **kwargs: Arguments of the `Multiply` layer.

    Returns:
        The product of the inputs.
    """
    return Multiply(**kwargs)(inputs)

"""How masks travel with tensors: read from inputs, handed to `call`, attached to outputs.

A mask is a boolean tensor stored on the tensor it masks, as the attribute
`_keras_mask` (the convention of Keras's torch backend). A layer whose `call` accepts
`mask` receives its input's mask; a layer that `supports_masking` attaches
`compute_mask(inputs, previous_mask)` to its outputs.
"""

from __future__ import annotations

import torch

from kerasbridge.utils import tree


def _get_mask(x):
    return getattr(x, "_keras_mask", None)


class MaskPropagationMixin:
    """`Layer`'s mask handling around `call`."""

    def _resolve_mask(self, first_arg, args, kwargs):
        info = self._call_info
        if info.has_mask and kwargs.get("mask") is None:
            tensor_args = info.tensor_arguments(args, kwargs)
            if len(tensor_args) == 1:
                kwargs["mask"] = tree.map_structure(_get_mask, next(iter(tensor_args.values())))
        elif info.mask_args:
            for name, value in info.tensor_arguments(args, kwargs).items():
                mask_name = f"{name}_mask"
                if mask_name in info.mask_args and kwargs.get(mask_name) is None:
                    kwargs[mask_name] = tree.map_structure(_get_mask, value)
        if kwargs.get("mask") is not None:
            return kwargs["mask"]
        return tree.map_structure(_get_mask, first_arg)

    def _set_mask_metadata(self, inputs, outputs, previous_mask) -> None:
        flat_outputs = tree.flatten(outputs)
        if all(_get_mask(x) is not None for x in flat_outputs):
            return
        output_masks = self.compute_mask(inputs, previous_mask)
        if output_masks is None:
            return
        for tensor, mask in zip(flat_outputs, tree.flatten(output_masks)):
            if isinstance(tensor, torch.Tensor) and _get_mask(tensor) is None and mask is not None:
                tensor._keras_mask = mask

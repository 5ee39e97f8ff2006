"""`Concatenate`: join a list of inputs along an axis."""

from __future__ import annotations

import torch

from kerasbridge.layers.merging.base_merge import Merge, _check_mask_list


class Concatenate(Merge):
    """Concatenates a list of inputs along `axis`.

    All inputs must have the same shape except along the concatenation axis.
    If any input is masked, the output mask is the concatenation of the input
    masks (unmasked inputs counting as all-true), reduced over the last axis.

    Args:
        axis: Axis along which to concatenate (default `-1`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        A list of tensors of equal rank, matching except along `axis`.

    Output shape:
        The common shape, with `axis` the sum of the inputs' sizes along it.
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self._reshape_required = False

    def build(self, input_shape):
        if len(input_shape) < 1 or not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                "A `Concatenate` layer should be called on a list of at least 1 input. "
                f"Received: input_shape={input_shape}"
            )
        if all(shape is None for shape in input_shape):
            return
        shape_set = set()
        for shape in input_shape:
            reduced = list(shape)
            if len(reduced) > self.axis:
                del reduced[self.axis]
            shape_set.add(tuple(reduced))
        if len(shape_set) == 1:
            return
        message = (
            "A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. "
            f"Received: input_shape={input_shape}"
        )
        ranks = {len(shape) for shape in shape_set}
        if len(ranks) != 1:
            raise ValueError(message)
        (rank,) = ranks
        for axis in range(rank):
            sizes = {shape[axis] for shape in shape_set if shape[axis] is not None}
            if len(sizes) > 1:
                raise ValueError(message)

    def _merge_function(self, inputs):
        return torch.cat(inputs, dim=self.axis)

    def compute_output_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or not isinstance(input_shape[0], (tuple, list)):
            raise ValueError(
                f"A `Concatenate` layer should be called on a list of inputs. Received: input_shape={input_shape}"
            )
        output_shape = list(input_shape[0])
        for shape in input_shape[1:]:
            if output_shape[self.axis] is None or shape[self.axis] is None:
                output_shape[self.axis] = None
                break
            output_shape[self.axis] += shape[self.axis]
        return tuple(output_shape)

    def compute_mask(self, inputs, mask=None):
        if mask is None:
            return None
        _check_mask_list(inputs, mask)
        if all(m is None for m in mask):
            return None
        masks = []
        for x, m in zip(inputs, mask):
            if m is None:
                masks.append(torch.ones(x.shape, dtype=torch.bool, device=x.device))
            elif m.ndim < x.ndim:
                masks.append(torch.broadcast_to(m.unsqueeze(-1), x.shape))
            else:
                masks.append(m)
        return torch.any(torch.cat(masks, dim=self.axis), dim=-1)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: join `inputs` along `axis`.

    Args:
        inputs: A list of tensors of equal rank, matching except along `axis`.
        axis: Concatenation axis (default `-1`).
        **kwargs: Arguments of the `Concatenate` layer.

    Returns:
        The concatenated tensor.
    """
    return Concatenate(axis=axis, **kwargs)(inputs)

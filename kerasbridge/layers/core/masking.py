"""`Masking`: skip timesteps whose features all equal a padding value."""

from __future__ import annotations

import torch

from kerasbridge.layers.layer import Layer


class Masking(Layer):
    """Masks timesteps whose features all equal `mask_value`.

    A timestep `inputs[i, t]` is masked (skipped by mask-consuming layers such as
    RNNs) when every entry along the last axis equals `mask_value`; the output
    is the input with masked timesteps set to zero, and carries the mask
    `any(inputs != mask_value, axis=-1)`.

    Args:
        mask_value: The padding value (default `0.0`).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        N-D tensor of shape `(batch_size, timesteps, ..., features)`.

    Output shape:
        Same as the input.
    """

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(mask_value, dict) and mask_value.get("config", None):
            from kerasbridge.saving import serialization_lib

            mask_value = serialization_lib.deserialize_keras_object(mask_value)
        self.mask_value = mask_value
        self.supports_masking = True
        self.built = True

    def compute_mask(self, inputs, mask=None):
        return torch.any(inputs != self.mask_value, dim=-1)

    def call(self, inputs):
        keep = torch.any(inputs != self.mask_value, dim=-1, keepdim=True)
        outputs = torch.where(keep, inputs, torch.zeros((), dtype=inputs.dtype, device=inputs.device))
        outputs._keras_mask = keep.squeeze(-1)
        return outputs

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "mask_value": self.mask_value}

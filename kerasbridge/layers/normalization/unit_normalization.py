"""`UnitNormalization`: scale each example to unit L2 norm over `axis`."""

from __future__ import annotations

import torch

from kerasbridge.layers.layer import Layer

_EPSILON = 1e-12


class UnitNormalization(Layer):
    """Computes `x / max(||x||_2, 1e-12)` over `axis` (the L2 norm of each slice becomes 1).

    Args:
        axis: Integer or list of integers, the axes to normalize over.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                f"Invalid value for `axis` argument: expected an int or a list/tuple of ints. Received: axis={axis}"
            )
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        x = inputs if inputs.is_floating_point() else inputs.to(self._torch_compute_dtype)
        if x.ndim == 0:
            x = x.unsqueeze(0)
        axes = self.axis if isinstance(self.axis, int) else list(self.axis)
        inv_norm = torch.rsqrt(x.square().sum(dim=axes, keepdim=True))
        return x * torch.clamp(inv_norm, max=1.0 / _EPSILON)

    def compute_output_shape(self, input_shape):
        axes = [self.axis] if isinstance(self.axis, int) else self.axis
        for a in axes:
            if a >= len(input_shape) or a < -len(input_shape):
                raise ValueError(f"Axis {self.axis} is out of bounds for input shape {input_shape}.")
        return input_shape

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}

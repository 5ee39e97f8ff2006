"""`RMSNormalization`: scale each example by the reciprocal root mean square of its features."""

from __future__ import annotations

import torch

from kerasbridge.layers.layer import Layer
from kerasbridge.layers.normalization.batch_normalization import check_axes, compute_float_dtype


class RMSNormalization(Layer):
    """Computes `x * rsqrt(mean(square(x), axis) + epsilon) * scale`.

    Args:
        axis: Integer or list of integers, the axes to normalize over.
        epsilon: Small float added inside the square root (default `1e-6`, as Keras).
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).
    """

    def __init__(self, axis=-1, epsilon=1e-6, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = epsilon

    def build(self, input_shape):
        if isinstance(self.axis, (list, tuple)):
            self.axis = sorted(self.axis)
            shape = tuple(input_shape[dim] for dim in self.axis)
        else:
            shape = (input_shape[self.axis],)
            self.axis = [self.axis]
        self.scale = self.add_weight(name="scale", shape=shape, initializer="ones")
        self.built = True

    def call(self, x):
        original_dtype = x.dtype if x.is_floating_point() else self._torch_compute_dtype
        x = x.to(compute_float_dtype(x.dtype))
        axes = sorted(a % x.ndim for a in self.axis)
        broadcast = [1] * x.ndim
        for a in axes:
            broadcast[a] = x.shape[a]
        rrms = torch.rsqrt(x.square().mean(dim=axes, keepdim=True) + self.epsilon)
        outputs = x * rrms * self.scale.value.to(x.dtype).reshape(broadcast)
        return outputs.to(original_dtype)

    def compute_output_shape(self, input_shape):
        return check_axes(self.axis, input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon}

"""`SpectralNormalization`: divides a wrapped layer's kernel by its largest singular value."""

from __future__ import annotations

import torch

from kerasbridge import initializers
from kerasbridge.backend.config import epsilon
from kerasbridge.layers.core.wrapper import Wrapper
from kerasbridge.layers.input_spec import InputSpec


def _unit_norm(x):
    """`x` scaled to unit L2 norm over all its entries, as `keras.ops.normalize(x, axis=None)` does."""
    inverse_norm = torch.rsqrt(torch.sum(torch.square(x)))
    return x * torch.clamp(inverse_norm, max=1.0 / epsilon())


class SpectralNormalization(Wrapper):
    """Wraps a layer and constrains the spectral norm of its kernel to 1 while training.

    On each call with `training=True`, a few steps of power iteration estimate the largest
    singular value `sigma` of the kernel (reshaped to `(-1, kernel.shape[-1])`), starting from
    the stored vector `vector_u`; the kernel is then replaced in place by `kernel / sigma` and
    `vector_u` by the new estimate, before the wrapped layer runs. An all-zero kernel is left
    untouched. With `training=False` (the default) the wrapped layer runs on the kernel as it is.

    Args:
        layer: The `Layer` to wrap; it must have a `kernel` (or an `embeddings`) weight.
        power_iterations: Number of power-iteration steps per training call (at least 1).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Weights (in order): the wrapped layer's kernel, the non-trainable `vector_u` of shape
    `(1, kernel.shape[-1])`, then the wrapped layer's other weights.

    Example:

    ```python
    layer = SpectralNormalization(Dense(10))
    y = layer(x, training=True)
    ```
    """

    def __init__(self, layer, power_iterations=1, **kwargs):
        super().__init__(layer, **kwargs)
        if power_iterations <= 0:
            raise ValueError(
                f"`power_iterations` should be greater than zero. Received: `power_iterations={power_iterations}`"
            )
        self.power_iterations = power_iterations

    def build(self, input_shape):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.input_spec = InputSpec(min_ndim=1, axes={-1: input_shape[-1]})
        if hasattr(self.layer, "kernel"):
            self.kernel = self.layer.kernel
        elif hasattr(self.layer, "embeddings"):
            self.kernel = self.layer.embeddings
        else:
            raise ValueError(f"{type(self.layer).__name__} object has no attribute 'kernel' nor 'embeddings'")
        self.kernel_shape = tuple(self.kernel.shape)
        self.vector_u = self.add_weight(
            shape=(1, self.kernel_shape[-1]),
            initializer=initializers.TruncatedNormal(stddev=0.02),
            trainable=False,
            name="vector_u",
            dtype=self.kernel.dtype,
        )
        self.built = True

    def call(self, inputs, training=False):
        if training:
            vector_u, normalized = self.normalized_weights()
            with torch.no_grad():
                kernel = self.kernel.value
                all_zero = torch.all(kernel == 0)
                self.vector_u.assign(torch.where(all_zero, self.vector_u.value, vector_u))
                self.kernel.assign(torch.where(all_zero, kernel, normalized))
        outputs = self.layer(inputs)
        if isinstance(outputs, torch.Tensor) and isinstance(inputs, torch.Tensor) and outputs.dtype != inputs.dtype:
            outputs = outputs.to(inputs.dtype)
        return outputs

    def normalized_weights(self):
        """The power-iteration update: returns `(new_vector_u, kernel / sigma)` without assigning them."""
        with torch.no_grad():
            kernel = self.kernel.value
            weights = kernel.reshape(-1, self.kernel_shape[-1])
            vector_u = self.vector_u.value
            for _ in range(self.power_iterations):
                vector_v = _unit_norm(torch.matmul(vector_u, weights.T))
                vector_u = _unit_norm(torch.matmul(vector_v, weights))
            sigma = torch.matmul(torch.matmul(vector_v, weights), vector_u.T)
            normalized = (kernel / sigma).reshape(self.kernel_shape)
        return vector_u.to(self.vector_u.value.dtype), normalized.to(kernel.dtype)

    def compute_output_shape(self, input_shape):
        return self.layer.compute_output_shape(input_shape)

    def get_config(self) -> dict:
        return {**super().get_config(), "power_iterations": self.power_iterations}

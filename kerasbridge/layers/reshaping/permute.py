"""`Permute`: reorder the non-batch axes of the input."""

from __future__ import annotations

from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer
from kerasbridge.ops.keras_tensor import KerasTensor


class Permute(Layer):
    """Permutes the non-batch axes of the input according to `dims`.

    Args:
        dims: Tuple of integers, a permutation of `1..rank-1` (the batch axis,
            0, is never moved). `(2, 1)` swaps the first two non-batch axes.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Tensor of rank `len(dims) + 1`.

    Output shape:
        `(batch_size, input_shape[dims[0]], input_shape[dims[1]], ...)`.
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                f"consecutive and start from 1. Received dims={dims}"
            )
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def call(self, inputs):
        return inputs.permute(0, *self.dims)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "dims": self.dims}

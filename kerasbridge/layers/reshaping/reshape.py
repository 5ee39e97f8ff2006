"""`Reshape`: give each sample a new shape."""

from __future__ import annotations

import math

import numpy as np

from kerasbridge.layers.layer import Layer
from kerasbridge.ops.keras_tensor import KerasTensor


class Reshape(Layer):
    """Reshapes each sample (all axes but the batch axis) to `target_shape`.

    Args:
        target_shape: Tuple of integers, the per-sample output shape. One
            entry may be `-1`, inferred from the remaining size.
        **kwargs: Base layer arguments (`name`, `dtype`, `trainable`, ...).

    Input shape:
        Arbitrary, with a total per-sample size compatible with `target_shape`.

    Output shape:
        `(batch_size, *target_shape)`.

    Example:

    >>> kerasbridge.layers.Reshape((3, 4))(torch.zeros(2, 12)).shape
    torch.Size([2, 3, 4])
    >>> kerasbridge.layers.Reshape((-1, 2, 2))(torch.zeros(2, 12)).shape
    torch.Size([2, 3, 2, 2])
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        target_shape = tuple(target_shape)
        _validate_target_shape(target_shape)
        self.target_shape = target_shape
        self.built = True

    def call(self, inputs):
        shape = _resolve_shape(tuple(inputs.shape)[1:], self.target_shape)
        return inputs.reshape(inputs.shape[0], *(-1 if d is None else d for d in shape))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *_resolve_shape(tuple(input_shape)[1:], self.target_shape))

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=inputs.dtype, sparse=inputs.sparse)

    def get_config(self) -> dict:
        return {**super().get_config(), "target_shape": self.target_shape}


def _validate_target_shape(target_shape) -> None:
    unknown = 0
    for dim in target_shape:
        if not isinstance(dim, (int, np.integer)):
            continue
        if dim < -1:
            raise ValueError(
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single unknown "
                f"dimension. Received: target_shape={target_shape}."
            )
        if dim == -1:
            unknown += 1
    if unknown > 1:
        raise ValueError(
            f"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={target_shape}."
        )


def _resolve_shape(input_shape: tuple, target_shape: tuple) -> tuple:
    """`target_shape` with its `-1` resolved from `input_shape` (`None` where the input size is unknown)."""
    target = tuple(d if isinstance(d, (int, np.integer)) else None for d in target_shape)
    if None in input_shape or None in target:
        return tuple(None if d == -1 else d for d in target)
    size = math.prod(input_shape)
    if -1 not in target:
        if size != math.prod(target):
            raise ValueError(
                "The total size of the tensor must be unchanged. Received: "
                f"input_shape={input_shape}, target_shape={target}"
            )
        return target
    known = math.prod(d for d in target if d != -1)
    if known == 0 or size % known != 0:
        raise ValueError(
            "The total size of the tensor must be unchanged, however, the input size cannot by divided by the "
            f"specified dimensions in target_shape. Received: input_shape={input_shape}, target_shape={target}"
        )
    return tuple(size // known if d == -1 else d for d in target)

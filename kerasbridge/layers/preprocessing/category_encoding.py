"""`CategoryEncoding`: one-hot, multi-hot or count encoding of integer features."""

from __future__ import annotations

import torch

from kerasbridge.backend.tensor import convert_to_tensor
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing._categorical import encode_categorical
from kerasbridge.ops.keras_tensor import KerasTensor


class CategoryEncoding(Layer):
    """Encodes integer category indices in `[0, num_tokens)` as dense vectors.

    Args:
        num_tokens: Number of categories; inputs must lie in `[0, num_tokens)`.
        output_mode: `"multi_hot"` (default; `"binary"` is an alias), `"one_hot"` or
            `"count"`. `"one_hot"` encodes every element (a trailing axis of size 1
            is replaced); `"multi_hot"` and `"count"` reduce the last axis of batched
            inputs, marking (or counting) each index present in a sample.
        sparse: Must be `False` (no sparse tensors on torch).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Call arguments:
        inputs: Integer tensor of rank 0, 1 or 2.
        count_weights: Optional weights of the same shape as `inputs`, summed
            instead of counts (`"count"` only).

    Input shape:
        `(batch_size,)` or `(batch_size, num_indices)`.

    Output shape:
        `(batch_size, num_tokens)`, or `(batch_size, num_indices, num_tokens)` for
        `"one_hot"` with `num_indices > 1`.
    """

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        super().__init__(**kwargs)
        if output_mode == "binary":
            output_mode = "multi_hot"
        if output_mode not in ("count", "one_hot", "multi_hot"):
            raise ValueError(f"Unknown arg for output_mode: {output_mode}")
        if num_tokens is None:
            raise ValueError(
                "num_tokens must be set to use this layer. If the number of tokens is not known beforehand, "
                "use the IntegerLookup layer instead."
            )
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if sparse:
            raise ValueError("`sparse=True` cannot be used with backend torch")
        self.num_tokens = num_tokens
        self.output_mode = output_mode
        self.sparse = sparse
        self._allow_non_tensor_positional_args = True
        self._convert_input_args = False

    def call(self, inputs, count_weights=None):
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError(
                    "`count_weights` is not used when `output_mode` is not `'count'`. "
                    f"Received `count_weights={count_weights}`."
                )
            count_weights = convert_to_tensor(count_weights, dtype=self.compute_dtype)
        inputs = convert_to_tensor(inputs)
        if inputs.is_floating_point():
            inputs = inputs.to(torch.int64)
        return encode_categorical(inputs, self.output_mode, self.num_tokens, self.dtype, count_weights)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def compute_output_spec(self, inputs, count_weights=None):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode}

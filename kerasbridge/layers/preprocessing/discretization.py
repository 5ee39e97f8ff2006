"""`Discretization`: bucket continuous values into integer bins."""

from __future__ import annotations

import numpy as np
import torch

from kerasbridge.backend.config import floatx
from kerasbridge.layers.layer import Layer
from kerasbridge.layers.preprocessing import _quantiles
from kerasbridge.layers.preprocessing._adapt_data import is_array, iterate_batches
from kerasbridge.layers.preprocessing._categorical import (
    encode_categorical,
    encoded_shape,
    validate_string_arg,
)
from kerasbridge.ops.keras_tensor import KerasTensor


class Discretization(Layer):
    """Maps each input value to the index of the bin it falls in.

    Bin `i` holds `boundaries[i - 1] <= x < boundaries[i]`; values below the first
    boundary go to bin 0 and values at or above the last to bin `len(boundaries)`.
    The boundaries are given, or learned by `adapt()` as approximate quantiles.

    Args:
        bin_boundaries: Sorted list of boundaries. Give either this or `num_bins`.
        num_bins: Number of bins to learn with `adapt()`.
        epsilon: Error tolerance of the approximate quantiles (default `0.01`).
        output_mode: `"int"` (bin indices, int32), `"one_hot"`, `"multi_hot"` or `"count"`.
        sparse: Must be `False` (no sparse tensors on torch).
        dtype: Dtype of the encoded (non-`"int"`) outputs.
        name: Name of the layer.

    Input shape:
        Any shape.

    Output shape:
        `"int"`: as the input; otherwise see `CategoryEncoding`.
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int", sparse=False, dtype=None,
                 name=None):
        super().__init__(name=name, dtype=dtype)
        if sparse:
            raise ValueError("`sparse=True` cannot be used with backend torch")
        validate_string_arg(output_mode, ("int", "one_hot", "multi_hot", "count"), type(self).__name__,
                            "output_mode")
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`"
            )
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = bin_boundaries
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if bin_boundaries else _quantiles.empty_summary()
        self._allow_non_tensor_positional_args = True

    @property
    def input_dtype(self):
        return floatx()

    @property
    def output_dtype(self):
        return self.compute_dtype if self.output_mode != "int" else "int32"

    def adapt(self, data, steps=None):
        """Learn `num_bins` quantile boundaries from `data` (an array or an iterable of batches)."""
        if self.num_bins is None:
            raise ValueError(
                "Cannot adapt a Discretization layer that has been initialized with `bin_boundaries`, "
                "use `num_bins` instead."
            )
        self.reset_state()
        if is_array(data) or not (hasattr(data, "__iter__") or hasattr(data, "num_batches")):
            self.update_state(data)
        else:
            for batch in iterate_batches(data, steps):
                self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        if isinstance(data, torch.Tensor):
            data = data.detach().cpu().numpy()
        data = np.array(data).astype("float32")
        summary = _quantiles.summarize(data, self.epsilon)
        self.summary = _quantiles.merge_summaries(summary, self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = _quantiles.bin_boundaries(self.summary, self.num_bins).tolist()

    def reset_state(self):
        if self.num_bins is None:
            return
        self.summary = _quantiles.empty_summary()

    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def compute_output_shape(self, input_shape):
        return encoded_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def load_own_variables(self, store):
        if len(store.keys()) == 1:
            self.summary = np.asarray(store["0"])

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "You need to either pass the `bin_boundaries` argument at construction time or call "
                "`adapt(dataset)` before you can start using the `Discretization` layer."
            )
        inputs = torch.as_tensor(inputs)
        if inputs.dtype == torch.bool:
            inputs = inputs.to(torch.uint8)
        boundaries = torch.tensor(self.bin_boundaries, device=inputs.device)
        if boundaries.is_floating_point():
            boundaries = boundaries.to(torch.float32)
        indices = torch.bucketize(inputs, boundaries, right=True).to(torch.int32)
        return encode_categorical(indices, self.output_mode, self._depth(), self.output_dtype)

    def get_config(self):
        return {
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
            "sparse": self.sparse,
            "name": self.name,
            "dtype": self.dtype,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        boundaries = config.get("bin_boundaries")
        if boundaries is not None and config.get("num_bins") is not None:
            config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = boundaries
            return layer
        return cls(**config)

"""`BaseGlobalPooling`: pooling over all spatial axes at once."""

from __future__ import annotations

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.input_spec import InputSpec
from kerasbridge.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis of a `(pool_dimensions + 2)`-D input.

    Args:
        pool_dimensions: Number of spatial axes.
        data_format: `"channels_last"` or `"channels_first"`.
        keepdims: Keep the reduced spatial axes with length 1.
    """

    _reduce = None  # "max" or "mean", set by subclasses

    def __init__(self, pool_dimensions, data_format=None, keepdims=False, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self._pool_dimensions = pool_dimensions
        self.built = True

    def _spatial_axes(self):
        start = 1 if self.data_format == "channels_last" else 2
        return tuple(range(start, start + self._pool_dimensions))

    def call(self, inputs):
        axes = self._spatial_axes()
        if self._reduce == "max":
            return inputs.amax(dim=axes, keepdim=self.keepdims)
        if self._reduce == "mean":
            return inputs.mean(dim=axes, keepdim=self.keepdims)
        raise NotImplementedError

    def get_config(self) -> dict:
        return {**super().get_config(), "data_format": self.data_format, "keepdims": self.keepdims}

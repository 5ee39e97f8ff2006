"""`MaxPooling1D`: maximum pooling over 1D spatial data."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_pooling import BasePooling


class MaxPooling1D(BasePooling):
    """1D max pooling: the maximum over each `pool_size` window.

    Args:
        pool_size: Int or tuple of 1 ints, the window size.
        strides: Int or tuple of 1 ints; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=1, pool_mode="max", padding=padding,
                         data_format=data_format, name=name, **kwargs)


MaxPool1D = MaxPooling1D

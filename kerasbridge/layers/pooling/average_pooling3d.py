"""`AveragePooling3D`: mean pooling over 3D spatial data."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """3D average pooling: the mean over each `pool_size` window.

    Args:
        pool_size: Int or tuple of 3 ints, the window size.
        strides: Int or tuple of 3 ints; defaults to `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
    """

    def __init__(self, pool_size, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(pool_size, strides, pool_dimensions=3, pool_mode="average", padding=padding,
                         data_format=data_format, name=name, **kwargs)


AvgPool3D = AveragePooling3D

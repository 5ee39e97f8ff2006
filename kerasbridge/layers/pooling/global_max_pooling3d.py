"""`GlobalMaxPooling3D`: global max pooling over 3D spatial data."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling3D(BaseGlobalPooling):
    """Global max pooling over the 3 spatial axes.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes with length 1 (default False).
    """

    _reduce = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=3, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalMaxPool3D = GlobalMaxPooling3D

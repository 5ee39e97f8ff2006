"""`GlobalMaxPooling2D`: global max pooling over 2D spatial data."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling over the 2 spatial axes.

    Args:
        data_format: `"channels_last"` (default) or `"channels_first"`.
        keepdims: Keep the spatial axes with length 1 (default False).
    """

    _reduce = "max"

    def __init__(self, data_format=None, keepdims=False, **kwargs):
        super().__init__(pool_dimensions=2, data_format=data_format, keepdims=keepdims, **kwargs)


GlobalMaxPool2D = GlobalMaxPooling2D

"""`AdaptiveAveragePooling1D`: average pooling to a fixed 1D output size."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling, adaptive_output_size


class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    """1D adaptive average pooling: the output has exactly `output_size` along each spatial axis.

    Each output cell takes the average of an input window whose bounds are chosen so the windows
    cover the whole input, whatever its size.

    Args:
        output_size: Int, or tuple of 1 ints `(steps)`, the spatial size of the output.
        data_format: `"channels_last"` or `"channels_first"` (default: `image_data_format()`).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        3D tensor `(batch, steps, channels)` for `"channels_last"`, `(batch, channels, steps)` otherwise.

    Output shape:
        3D tensor with the spatial axes replaced by `output_size`.
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(adaptive_output_size(output_size, 1), "average", data_format, **kwargs)

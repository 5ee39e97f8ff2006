"""`AdaptiveAveragePooling2D`: average pooling to a fixed 2D output size."""

from __future__ import annotations

from kerasbridge.layers.pooling.base_adaptive_pooling import BaseAdaptivePooling, adaptive_output_size


class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    """2D adaptive average pooling: the output has exactly `output_size` along each spatial axis.

    Each output cell takes the average of an input window whose bounds are chosen so the windows
    cover the whole input, whatever its size.

    Args:
        output_size: Int, or tuple of 2 ints `(height, width)`, the spatial size of the output.
        data_format: `"channels_last"` or `"channels_first"` (default: `image_data_format()`).
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        4D tensor `(batch, height, width, channels)` for `"channels_last"`,
        `(batch, channels, height, width)` otherwise.

    Output shape:
        4D tensor with the spatial axes replaced by `output_size`.
    """

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(adaptive_output_size(output_size, 2), "average", data_format, **kwargs)

"""`Equalization`: histogram equalization of each color channel."""

from __future__ import annotations

import torch

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.preprocessing._color import checked_value_range
from kerasbridge.layers.preprocessing._image_layer import ImagePreprocessingLayer


def _rescale(values, source_range, target_range):
    scale = (target_range[1] - target_range[0]) / (source_range[1] - source_range[0])
    offset = target_range[0] - source_range[0] * scale
    return values * scale + offset


class Equalization(ImagePreprocessingLayer):
    """Spreads each channel's values evenly over the value range using its histogram, during training.

    For every channel, a `bins`-bin histogram of the values (on the `[0, 255]` scale) is
    taken over the whole batch; its cumulative distribution gives a lookup table
    `round((cdf - cdf_min) * 255 / (cdf[-1] - cdf_min))` that maps each value. A channel
    whose values fill at most one bin is left unchanged. Identity at inference, as in Keras.

    Args:
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        bins: Number of histogram bins. Defaults to `256`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    def __init__(self, value_range=(0, 255), bins=256, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.bins = bins
        self.value_range = checked_value_range(value_range)
        self.data_format = standardize_data_format(data_format)

    def _histogram(self, values):
        """Counts (int32) of the values on `[0, 255]` in `bins` equal bins, over the whole tensor."""
        values = values.to(torch.float32)
        low = torch.tensor(0, dtype=torch.float32, device=values.device)
        high = torch.tensor(255, dtype=torch.float32, device=values.device)
        scaled = (values - low) * (self.bins - 1) / (high - low)
        indices = torch.clip(scaled.to(torch.int32), 0, self.bins - 1).reshape(-1)
        return torch.bincount(indices, minlength=self.bins).to(torch.int32)

    def _equalized(self, channel, histogram):
        cdf = torch.cumsum(histogram, dim=0, dtype=histogram.dtype)
        cdf_min = cdf[torch.nonzero(cdf)[0][0]]
        denominator = cdf[-1] - cdf_min
        denominator = torch.where(denominator == 0, torch.ones_like(denominator), denominator)
        lookup_table = torch.clip(torch.round(((cdf - cdf_min) * 255) / denominator), 0, 255)
        indices = torch.clip((channel / 255.0) * (self.bins - 1), 0, self.bins - 1).to(torch.int32)
        return torch.take(lookup_table, indices.long())

    def _equalize_channel(self, channel):
        channel = _rescale(channel, self.value_range, (0, 255))
        histogram = self._histogram(channel)
        if torch.count_nonzero(histogram) <= 1:
            equalized = channel
        else:
            equalized = self._equalized(channel, histogram)
        return _rescale(equalized, (0, 255), self.value_range)

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        if images.is_meta:  # shape inference: the histogram needs values
            return images
        axis = -1 if self.data_format == "channels_last" else -3
        channels = [self._equalize_channel(channel) for channel in images.unbind(dim=axis)]
        return torch.stack(channels, dim=axis).to(self._torch_compute_dtype)

    def get_config(self):
        return {**super().get_config(), "bins": self.bins, "value_range": self.value_range}

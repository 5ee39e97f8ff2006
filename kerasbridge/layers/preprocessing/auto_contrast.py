"""`AutoContrast`: stretch each image's values to the full value range."""

from __future__ import annotations

import torch

from kerasbridge.layers.preprocessing._color import checked_value_range, rescale_value_range
from kerasbridge.layers.preprocessing._image_layer import ImagePreprocessingLayer


class AutoContrast(ImagePreprocessingLayer):
    """Rescales each image so that its darkest value maps to `value_range[0]` and its brightest to `value_range[1]`.

    Works per image and channel on the `[0, 255]` scale:
    `clip((x - low) * 255 / (high - low), 0, 255)` with `low`/`high` the minimum and
    maximum over axes 1 and 2 of the batch (height and width for `channels_last`; like
    Keras, the same axes are used for `channels_first`). Where the result is NaN (a flat
    image) the input is kept. Deterministic; applied in training and at inference alike.

    Args:
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        **kwargs: Base layer arguments (`data_format`, `name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input, in the compute dtype.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, value_range=(0, 255), **kwargs):
        super().__init__(**kwargs)
        self.value_range = checked_value_range(value_range)

    def transform_images(self, images, transformation=None, training=True):
        original = images
        images = rescale_value_range(images, self.value_range, (0, 255), dtype=self.compute_dtype)
        images = images.to(self._torch_compute_dtype)
        low = torch.amin(images, dim=(1, 2), keepdim=True)
        high = torch.amax(images, dim=(1, 2), keepdim=True)
        scale = 255.0 / (high - low)
        offset = -low * scale
        results = torch.clip(images * scale + offset, 0.0, 255.0)
        results = rescale_value_range(results, (0, 255), self.value_range, dtype=self.compute_dtype)
        return torch.where(torch.isnan(results), original, results)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range}

"""`RandomSaturation`: randomly scale the saturation of images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.backend.config import epsilon
from kerasbridge.layers.preprocessing._color import batch_size_of, checked_value_range
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.ops.image import hsv_to_rgb, rgb_to_hsv


class RandomSaturation(RandomImageLayer):
    """Multiplies the HSV saturation of each image by a random amount during training.

    Per image `f` is drawn uniformly in `factor` from `SeedGenerator(seed)` (on every
    call, at inference too, as in Keras) and turned into the multiplier
    `f / (1 - f + epsilon())`; the scaled saturation is clipped to `value_range`. So
    `f = 0.5` keeps the image, `f = 0` makes it gray and `f` near 1 saturates it fully.
    Identity at inference.

    Args:
        factor: A number `f` in `[-1, 1]` (meaning `(-|f|, |f|)`) or a `(lower, upper)` pair.
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        Float images `(batch, height, width, 3)` or `(height, width, 3)`.

    Output shape:
        Same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = checked_value_range(value_range)
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        factor = random.uniform((batch_size_of(images),), minval=self.factor[0], maxval=self.factor[1],
                                seed=self.generator if seed is None else seed)
        return {"factor": factor / (1 - factor + epsilon())}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        factor = transformation["factor"].to(self._torch_compute_dtype).to(images.device)
        factor = factor.reshape(tuple(factor.shape) + (1, 1))
        hsv = rgb_to_hsv(images, data_format=self.data_format)
        axis = -1 if self.data_format == "channels_last" else 1
        hue, saturation, value = hsv.unbind(dim=axis)
        saturation = torch.clip(saturation * factor, self.value_range[0], self.value_range[1])
        return hsv_to_rgb(torch.stack([hue, saturation, value], dim=axis), data_format=self.data_format)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

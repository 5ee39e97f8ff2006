"""`RandomHue`: randomly rotate the hue of images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._color import batch_size_of, rescale_value_range
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.ops.image import hsv_to_rgb, rgb_to_hsv


class RandomHue(RandomImageLayer):
    """Shifts the HSV hue of each image by a random amount during training.

    Per image a direction (`-1` when a uniform draw exceeds 0.5, else `+1`) and a
    magnitude `f` uniform in `factor` are drawn from `SeedGenerator(seed)` in that order
    (on every call, at inference too, as in Keras); the hue moves by `direction * f / 2`,
    wrapping around the color circle. Identity at inference.

    Args:
        factor: A number `f` in `[0, 1]` (meaning `(0, f)`) or a `(lower, upper)` pair.
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, 3)` or `(height, width, 3)`.

    Output shape:
        Same as the input.
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        seed = self.generator if seed is None else seed
        batch_size = batch_size_of(images)
        direction = random.uniform((batch_size,), seed=seed)
        direction = torch.where(direction > 0.5, -torch.ones_like(direction), torch.ones_like(direction))
        factor = random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed)
        return {"factor": direction * factor * 0.5}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        images = rescale_value_range(images, self.value_range, (0, 1))
        shift = transformation["factor"].to(images.dtype).to(images.device)[:, None, None]
        hsv = rgb_to_hsv(images, data_format=self.data_format)
        axis = -1 if self.data_format == "channels_last" else 1
        hue, saturation, value = hsv.unbind(dim=axis)
        hue = hue + shift
        hue = torch.where(hue > 1.0, hue - 1.0, hue)
        hue = torch.where(hue < 0.0, hue + 1.0, hue)
        images = hsv_to_rgb(torch.stack([hue, saturation, value], dim=axis), data_format=self.data_format)
        images = rescale_value_range(torch.clip(images, 0, 1), (0, 1), self.value_range)
        return images.to(self._torch_compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

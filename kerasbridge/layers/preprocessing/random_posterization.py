"""`RandomPosterization`: randomly reduce the number of bits per color channel during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._color import batch_size_of, checked_value_range, rescale_value_range
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


class RandomPosterization(RandomImageLayer):
    """Keeps only the `b` most significant bits of each 8-bit channel value during training.

    Pixels are mapped to `[0, 255]`, truncated to `uint8`, shifted right then left by
    `8 - b` bits and mapped back to `value_range`. `b` is drawn per image as an integer in
    `[factor[0], factor[1])` from `SeedGenerator(seed)` (on every call, as in Keras);
    when both bounds are equal no number is drawn and `b = factor[0]`. Identity at inference.

    Args:
        factor: A number `f` in `[1, 8]` (meaning `(1, f)`) or a `(lower, upper)` pair of
            bit depths.
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (1, 8)
    _MAX_BITS = 8

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = checked_value_range(value_range)
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        batch_size = batch_size_of(images)
        if self.factor[0] != self.factor[1]:
            bits = random.randint((batch_size,), minval=self.factor[0], maxval=self.factor[1], dtype="uint8",
                                  seed=self.generator if seed is None else seed)
        else:
            bits = torch.ones((batch_size,), dtype=torch.uint8, device=images.device) * self.factor[0]
        return {"shift_factor": self._MAX_BITS - bits}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        shift = transformation["shift_factor"].to(images.device)
        shift = shift.reshape(tuple(shift.shape) + (1, 1, 1))
        images = rescale_value_range(images, self.value_range, (0, 255), dtype=self.compute_dtype)
        images = images.to(torch.uint8)
        images = torch.bitwise_left_shift(torch.bitwise_right_shift(images, shift), shift)
        images = images.to(self._torch_compute_dtype)
        return rescale_value_range(images, (0, 255), self.value_range, dtype=self.compute_dtype)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

"""`RandomColorDegeneration`: randomly blend images with their grayscale version during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._color import batch_size_of, checked_value_range
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.ops.image import rgb_to_grayscale


class RandomColorDegeneration(RandomImageLayer):
    """Moves each image towards (or away from) its grayscale version by a random amount during training.

    `output = clip(x + f * (grayscale(x) - x), *value_range)` with `f` drawn per image
    uniformly in `factor` from `SeedGenerator(seed)` as in Keras (the draw happens on
    every call, at inference too). Identity at inference.

    Args:
        factor: A number `f` in `[-1, 1]` (meaning `(-|f|, |f|)`) or a `(lower, upper)` pair.
        value_range: `(min, max)` range of the pixel values; outputs are clipped to it.
            Defaults to `(0, 255)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, 3)` or `(height, width, 3)` (channels first: `(..., 3, height, width)`).

    Output shape:
        Same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = checked_value_range(value_range)
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        factor = random.uniform((batch_size_of(images), 1, 1, 1), minval=self.factor[0], maxval=self.factor[1],
                                seed=self.generator if seed is None else seed)
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        factor = transformation["factor"].to(self._torch_compute_dtype).to(images.device)
        degenerate = rgb_to_grayscale(images, data_format=self.data_format)
        images = images + factor * (degenerate - images)
        return torch.clip(images, self.value_range[0], self.value_range[1])

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise ValueError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received: input_shape={input_shape}"
            )
        channels = input_shape[-1 if self.data_format == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise ValueError(f"Input images must have 3 channels, but received images with {channels} channels.")
        return input_shape

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

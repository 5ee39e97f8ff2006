"""`RandomInvert`: randomly invert the colors of images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._color import batch_size_of
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


class RandomInvert(RandomImageLayer):
    """Replaces a random subset of images by `value_range[1] - x` during training.

    For each image an inversion probability `p` is drawn uniformly in `factor`, then a
    uniform number `u` in `[0, 1)`; the image is inverted when `u < p`. Both draws come
    from `SeedGenerator(seed)` as in Keras. Identity at inference.

    Args:
        factor: A number `f` in `[0, 1]` (meaning `(0, f)`) or a `(lower, upper)` pair of
            probabilities. Defaults to `1.0`.
        value_range: `(min, max)` range of the pixel values. Defaults to `(0, 255)`.
        seed: Integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        seed = seed or self.generator
        batch_size = batch_size_of(images)
        probability = random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed)
        threshold = random.uniform((batch_size,), minval=0, maxval=1, seed=seed)
        return {"apply_inversion": threshold < probability}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        apply = transformation["apply_inversion"].to(images.device)[:, None, None, None]
        return torch.where(apply, self.value_range[1] - images, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

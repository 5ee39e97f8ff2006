"""`RandomBrightness`: randomly shift the brightness of images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


class RandomBrightness(RandomImageLayer):
    """Adds a random per-image delta to all pixels during training, clipped to `value_range`.

    The delta is drawn per image uniformly in `factor * (value_range[1] - value_range[0])`
    from `SeedGenerator(seed)` as in Keras. Identity at inference.

    Args:
        factor: A number `f` in `[-1, 1]` (giving `(-|f|, |f|)`) or a `(lower, upper)` pair.
        value_range: `(min, max)` range of the pixel values (default `(0, 255)`).
        seed: Integer seed.
        **kwargs: Base layer arguments (`data_format`, `name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(factor=factor, **kwargs)
        self._init_seed(seed)
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            raise ValueError(
                f"The `value_range` argument should be a list of two numbers. Received: value_range={value_range}"
            )
        self.value_range = sorted(value_range)

    def get_random_transformation(self, images, training=True, seed=None):
        shape = (1, 1, 1) if images.ndim == 3 else (images.shape[0], 1, 1, 1)
        if not training:
            return {"rgb_delta": torch.zeros(shape)}
        delta = random.uniform(shape, minval=self.factor[0], maxval=self.factor[1],
                               seed=self.generator if seed is None else seed)
        return {"rgb_delta": delta * (self.value_range[1] - self.value_range[0])}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images + transformation["rgb_delta"].to(images.dtype).to(images.device)
        return torch.clip(images, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

"""`RandomContrast`: randomly adjust the contrast of images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


class RandomContrast(RandomImageLayer):
    """Scales each image's deviation from its per-channel mean by a random factor during training.

    `output = clip((x - mean) * c + mean, *value_range)` with `mean` the mean over height
    and width of each image and channel, and `c` drawn per image uniformly in
    `[1 - factor[0], 1 + factor[1]]` from `SeedGenerator(seed)` as in Keras.
    Identity at inference.

    Args:
        factor: A number `f` in `[0, 1]` (giving `(0, f)`, as Keras's factor bounds do)
            or a `(lower, upper)` pair.
        value_range: `(min, max)` range of the pixel values; outputs are clipped to it.
        seed: Integer seed.
        **kwargs: Base layer arguments (`data_format`, `name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._set_factor(factor)
        self.value_range = value_range
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        shape = (1, 1, 1) if images.ndim == 3 else (images.shape[0], 1, 1, 1)
        if not training:
            return {"contrast_factor": torch.zeros(shape)}
        factor = random.uniform(shape, minval=1.0 - self.factor[0], maxval=1.0 + self.factor[1],
                                seed=self.generator if seed is None else seed, dtype=self.compute_dtype)
        return {"contrast_factor": factor}

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        if not images.is_floating_point():
            images = images.to(self._torch_compute_dtype)
        h_axis, w_axis = self._spatial_axes
        mean = torch.mean(torch.mean(images, dim=h_axis, keepdim=True), dim=w_axis, keepdim=True)
        outputs = (images - mean) * transformation["contrast_factor"].to(images.device) + mean
        return torch.clip(outputs, self.value_range[0], self.value_range[1])

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

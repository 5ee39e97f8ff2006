"""`RandomFlip`: randomly flip images horizontally and/or vertically during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
HORIZONTAL_AND_VERTICAL = "horizontal_and_vertical"


class RandomFlip(RandomImageLayer):
    """Flips each image with probability 1/2 during training (identity at inference).

    One uniform draw per image decides the flip, from `SeedGenerator(seed)` as in Keras,
    so a seeded layer flips the same images as Keras's. In `"horizontal_and_vertical"`
    mode the same draw flips both axes.

    Args:
        mode: `"horizontal"`, `"vertical"` or `"horizontal_and_vertical"` (default).
        seed: Integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, mode=HORIZONTAL_AND_VERTICAL, seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        if mode not in (HORIZONTAL, VERTICAL, HORIZONTAL_AND_VERTICAL):
            raise ValueError(
                f"RandomFlip layer {self.name} received an unknown mode argument {mode}"
            )
        self._init_seed(seed)
        self.mode = mode
        self._convert_input_args = False

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        shape = (1, 1, 1) if images.ndim == 3 else (images.shape[0], 1, 1, 1)
        draws = random.uniform(shape, seed=self.generator if seed is None else seed)
        return {"flips": torch.less_equal(draws, 0.5).to(images.device)}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        flips = transformation["flips"]
        h_axis, w_axis = self._spatial_axes
        outputs = images
        if self.mode in (HORIZONTAL, HORIZONTAL_AND_VERTICAL):
            outputs = torch.where(flips, torch.flip(outputs, dims=(w_axis,)), outputs)
        if self.mode in (VERTICAL, HORIZONTAL_AND_VERTICAL):
            outputs = torch.where(flips, torch.flip(outputs, dims=(h_axis,)), outputs)
        return outputs

    def get_config(self):
        return {**super().get_config(), "seed": self.seed, "mode": self.mode}

"""`RandomTranslation`: randomly shift images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import affine_transform
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer

_FACTOR_ERROR = (
    "The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the "
    "range [-1.0, 1.0]. "
)


class RandomTranslation(RandomImageLayer):
    """Shifts each image by random fractions of its height and width during training.

    The shifts are drawn uniformly from `SeedGenerator(seed)` (height first), scaled by
    the image size, and applied with Keras's affine warp, so a seeded layer gives
    Keras's outputs. Identity at inference.

    Args:
        height_factor: Fraction of the height: `f` means `[-f, f]`, or a `(lower, upper)`
            pair in `[-1, 1]`. Positive values shift down.
        width_factor: Same for the width. Positive values shift right.
        fill_mode: `"reflect"` (default), `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        seed: Integer seed.
        fill_value: Value outside the image with `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._factor_pair(height_factor, "height_factor", _FACTOR_ERROR)
        self.width_factor = width_factor
        self.width_lower, self.width_upper = self._factor_pair(width_factor, "width_factor", _FACTOR_ERROR)
        self._check_fill(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        height, width = self._image_size(images)
        seed = self.generator if seed is None else seed
        height_translate = random.uniform((batch_size, 1), minval=self.height_lower, maxval=self.height_upper,
                                          seed=seed) * height
        width_translate = random.uniform((batch_size, 1), minval=self.width_lower, maxval=self.width_upper,
                                         seed=seed) * width
        return {"translations": torch.cat([width_translate, height_translate], dim=1).to(torch.float32)}

    @staticmethod
    def translation_matrix(translations):
        """Transforms shifting by `translations` `(B, 2)` (dx, dy) pixels."""
        ones = torch.ones_like(translations[:, 0:1])
        zeros = torch.zeros_like(ones)
        return torch.cat([ones, zeros, -translations[:, 0:1], zeros, ones, -translations[:, 1:], zeros, zeros], dim=1)

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        matrix = self.translation_matrix(transformation["translations"]).to(images.device)
        return affine_transform(images, matrix, self.interpolation, self.fill_mode, self.fill_value, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "height_factor": self.height_factor,
            "width_factor": self.width_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }

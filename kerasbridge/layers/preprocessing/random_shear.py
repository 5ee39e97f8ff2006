"""`RandomShear`: randomly shear images along x and/or y during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import affine_transform
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer

_SHEAR_FACTOR_ERROR = "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. "


class RandomShear(RandomImageLayer):
    """Shears each image by random amounts along x and y during training (identity at inference).

    Per image, a sign (`+1` or `-1`, each with probability 1/2), a y shear and an x shear
    are drawn from `SeedGenerator(seed)` in that order; the output pixel `(x, y)` then
    samples the input at `(x + sx * y, sy * x + y)`. A seeded layer gives Keras's outputs.

    Args:
        x_factor: Shear along x, as a fraction of the image: a number `f` in `[0, 1]`
            means a shear drawn from `[-f, f]`; a `(lower, upper)` pair of numbers in
            `[0, 1]` draws from that range (before the random sign).
        y_factor: Shear along y, same format as `x_factor`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        fill_mode: Points outside the image: `"reflect"` (default), `"wrap"`,
            `"constant"` or `"nearest"`.
        fill_value: Value outside the image with `fill_mode="constant"`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`
        (channels first with `data_format="channels_first"`).

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.x_factor = self._shear_range(x_factor, "x_factor")
        self.y_factor = self._shear_range(y_factor, "y_factor")
        self._check_fill(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    @staticmethod
    def _shear_range(factor, name):
        def check(value):
            if value > 1.0 or value < 0.0:
                raise ValueError(_SHEAR_FACTOR_ERROR + f"Received: input_number={value}")

        if isinstance(factor, (tuple, list)):
            if len(factor) != 2:
                raise ValueError(_SHEAR_FACTOR_ERROR + f"Received: {name}={factor}")
            check(factor[0])
            check(factor[1])
            return tuple(sorted(factor))
        if isinstance(factor, (int, float)):
            check(factor)
            return -abs(factor), abs(factor)
        raise ValueError(_SHEAR_FACTOR_ERROR + f"Received: {name}={factor}")

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        seed = self.generator if seed is None else seed
        dtype = self.compute_dtype
        sign = random.uniform((batch_size, 1), minval=0, maxval=1, seed=seed, dtype=dtype)
        sign = torch.where(sign > 0.5, -torch.ones_like(sign), torch.ones_like(sign))
        shear_y = random.uniform((batch_size, 1), minval=self.y_factor[0], maxval=self.y_factor[1], seed=seed,
                                 dtype=dtype)
        shear_x = random.uniform((batch_size, 1), minval=self.x_factor[0], maxval=self.x_factor[1], seed=seed,
                                 dtype=dtype)
        return {"shear_factor": torch.cat([shear_x, shear_y], dim=1) * sign}

    @staticmethod
    def shear_matrix(shear_factor):
        """Transforms `(B, 8)` shearing by `shear_factor` `(B, 2)` = (sx, sy)."""
        ones = torch.ones_like(shear_factor[:, 0])
        zeros = torch.zeros_like(ones)
        return torch.stack([ones, shear_factor[:, 0], zeros, shear_factor[:, 1], ones, zeros, zeros, zeros], dim=1)

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        matrix = self.shear_matrix(transformation["shear_factor"]).to(images.device)
        return affine_transform(images, matrix, self.interpolation, self.fill_mode, self.fill_value, self.data_format)

    @classmethod
    def from_config(cls, config):
        # `get_config` stores a number `f` as the pair `(-f, f)`, which the constructor's [0, 1] check
        # rejects (Keras cannot rebuild its own config); map such a pair back to `f`.
        config = dict(config)
        for name in ("x_factor", "y_factor"):
            factor = config.get(name)
            if isinstance(factor, (tuple, list)) and len(factor) == 2 and factor[0] == -factor[1] <= 0:
                config[name] = factor[1]
        return super().from_config(config)

    def get_config(self):
        return {
            **super().get_config(),
            "x_factor": self.x_factor,
            "y_factor": self.y_factor,
            "fill_mode": self.fill_mode,
            "interpolation": self.interpolation,
            "seed": self.seed,
            "fill_value": self.fill_value,
        }

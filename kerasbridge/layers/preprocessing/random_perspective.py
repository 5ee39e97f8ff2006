"""`RandomPerspective`: randomly move the corners of some images during training (a projective warp)."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import INTERPOLATIONS
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.layers.preprocessing._shape_preserving import ShapePreservingSpecMixin
from kerasbridge.ops.image_transforms import perspective_transform


class RandomPerspective(ShapePreservingSpecMixin, RandomImageLayer):
    """Applies a random perspective warp to some images during training (identity at inference).

    Each image is warped with a probability drawn from `factor`. Its four corners
    `(x, y)` move to `(x, y) * (1 + d)`, with `d` drawn per coordinate from
    `[-scale / 2, scale / 2]`; the warp maps the original corners onto the moved ones.
    Points from outside the image take `fill_value`. Random values come from
    `SeedGenerator(seed)` in Keras's order, so a seeded layer gives Keras's outputs.

    Args:
        factor: Probability of warping an image: a number in `[0, 1]`, or a
            `(lower, upper)` range from which the probability is drawn per image.
        scale: Strength of the distortion, in `[0, 1]`. Defaults to `1.0`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        fill_value: Value of points from outside the image. Defaults to `0.0`.
        seed: Integer seed.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`
        (channels first with `data_format="channels_first"`).

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0, seed=None, data_format=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        if scale < 0.0 or scale > 1.0:
            raise ValueError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"Unknown `interpolation` {interpolation}. Expected of one {INTERPOLATIONS}.")
        self.scale = scale
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        height, width = self._image_size(images)
        seed = self.generator if seed is None else seed
        probability = random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed)
        threshold = random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed)
        displacement = random.uniform((batch_size, 4, 2), minval=-0.5 * self.scale, maxval=0.5 * self.scale,
                                      seed=seed, dtype=self.compute_dtype)
        corners = torch.tensor([[[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]]],
                               dtype=self._torch_compute_dtype, device=displacement.device)
        start_points = corners.repeat(batch_size, 1, 1)
        return {
            "apply_perspective": threshold < probability,
            "start_points": start_points,
            "end_points": start_points + start_points * displacement,
        }

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        warped = perspective_transform(images, transformation["start_points"].to(images.device),
                                       transformation["end_points"].to(images.device),
                                       interpolation=self.interpolation, fill_value=self.fill_value,
                                       data_format=self.data_format)
        apply = transformation["apply_perspective"].to(images.device).view(-1, 1, 1, 1)
        return torch.where(apply, warped, images)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_value": self.fill_value,
            "seed": self.seed,
        }

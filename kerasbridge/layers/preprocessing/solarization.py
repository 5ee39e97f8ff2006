"""`Solarization`: invert the pixels above a (random) threshold."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._color import checked_value_range, per_image_shape, rescale_value_range
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer

_FACTOR_ERROR = (
    "The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) "
    "in the range [0, 1]. "
)


def _unit_interval_pair(factor, name):
    """`(lower, upper)` of a factor in `[0, 1]`: a number `f` means `(0, f)`."""

    def check(value):
        if value > 1.0 or value < 0:
            raise ValueError(_FACTOR_ERROR + f"Received: input_number={value}")

    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")
        check(factor[0])
        check(factor[1])
        lower, upper = sorted(factor)
        return lower, upper
    if isinstance(factor, (int, float)):
        check(factor)
        return 0, factor
    raise ValueError(_FACTOR_ERROR + f"Received: {name}={factor}")


class Solarization(RandomImageLayer):
    """Replaces each pixel `x` by `max_value - x + min_value` where it is above a threshold.

    Working on the `[0, 255]` scale, during training each image gets a random addition
    drawn in `[addition_factor[0], addition_factor[1] * 255]` (added to all its pixels,
    then clipped to `[0, 255]`) and a random threshold drawn in
    `[threshold_factor[0], threshold_factor[1] * 255]`; pixels at or above the threshold
    become `255 - x`. With the default factors every pixel is inverted. The draws come
    from `SeedGenerator(seed)`, additions first, as in Keras. Identity at inference
    (apart from the cast to the compute dtype).

    Args:
        addition_factor: A number `f` in `[0, 1]` (meaning `(0, f)`) or a `(lower, upper)` pair.
            Defaults to `0.0`.
        threshold_factor: A number `f` in `[0, 1]` (meaning `(0, f)`) or a `(lower, upper)` pair.
            Defaults to `0.0`.
        value_range: `(min, max)` range of the input pixel values. Defaults to `(0, 255)`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`data_format`, `name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255), seed=None, **kwargs):
        super().__init__(**kwargs)
        self._init_seed(seed)
        self.addition_factor = _unit_interval_pair(addition_factor, "addition_factor")
        self.threshold_factor = _unit_interval_pair(threshold_factor, "threshold_factor")
        self.value_range = checked_value_range(value_range)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        shape = per_image_shape(images)
        seed = self.generator if seed is None else seed
        additions = random.uniform(shape, minval=self.addition_factor[0], maxval=self.addition_factor[1] * 255,
                                   seed=seed, dtype=self.compute_dtype)
        thresholds = random.uniform(shape, minval=self.threshold_factor[0], maxval=self.threshold_factor[1] * 255,
                                    seed=seed, dtype=self.compute_dtype)
        return {"additions": additions, "thresholds": thresholds}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        images = rescale_value_range(images, self.value_range, (0, 255), dtype=self.compute_dtype)
        results = torch.clip(images + transformation["additions"].to(images.device), 0, 255)
        results = torch.where(results < transformation["thresholds"].to(images.device), results, 255 - results)
        return rescale_value_range(results, (0, 255), self.value_range, dtype=self.compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "value_range": self.value_range,
            "addition_factor": self.addition_factor,
            "threshold_factor": self.threshold_factor,
            "seed": self.seed,
        }

"""`RandomElasticTransform`: random smooth (elastic) distortions of some images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import INTERPOLATIONS
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.layers.preprocessing._shape_preserving import ShapePreservingSpecMixin
from kerasbridge.layers.preprocessing.random_erasing import unit_range
from kerasbridge.ops.image_filters import elastic_transform

_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


class RandomElasticTransform(ShapePreservingSpecMixin, RandomImageLayer):
    """Distorts some images with a random elastic displacement field during training.

    Each image is distorted with a probability drawn from `factor`. A distortion strength
    `s` drawn from `scale` sets the displacement scale `alpha = 0.1 s max(H, W)` and the
    smoothing width `sigma = 0.05 s min(H, W)` (see `keras.ops.image.elastic_transform`).
    Results are clipped to `value_range`. The probabilities and `s` come from
    `SeedGenerator(seed)` as in Keras; as in Keras's torch backend, the displacement noise
    comes from torch's global generator (`torch.manual_seed` makes it reproducible).

    Args:
        factor: Probability of distorting an image: a number in `[0, 1]`, or a
            `(lower, upper)` range from which the probability is drawn per image.
        scale: Distortion strength: a number `s` in `[0, 1]` means a draw from
            `(0, s)`, or a `(lower, upper)` pair. Defaults to `1.0`.
        interpolation: `"bilinear"` (default) or `"nearest"`.
        fill_mode: Points outside the image: `"reflect"` (default), `"mirror"`,
            `"wrap"`, `"constant"` or `"nearest"`.
        fill_value: Value outside the image with `fill_mode="constant"`.
        value_range: `(low, high)` range of the image values. Defaults to `(0, 255)`.
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

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                 value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = unit_range(scale, "scale")
        if interpolation not in INTERPOLATIONS:
            raise ValueError(f"Unknown `interpolation` {interpolation}. Expected of one {INTERPOLATIONS}.")
        if fill_mode not in _FILL_MODES:
            raise ValueError(f"Unknown `fill_mode` {fill_mode}. Expected of one {_FILL_MODES}.")
        self.interpolation = interpolation
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.value_range = value_range
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        seed = self.generator if seed is None else seed
        probability = random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed)
        threshold = random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed)
        strength = random.uniform((), minval=self.scale[0], maxval=self.scale[1], seed=seed, dtype=self.compute_dtype)
        return {"apply_transform": threshold < probability, "distortion_factor": strength}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        height, width = self._image_size(images)
        strength = transformation["distortion_factor"].to(images.device)
        alpha = max(height, width) * (0.1 * strength)
        sigma = min(height, width) * (0.05 * strength)
        distorted = elastic_transform(images, alpha=alpha, sigma=sigma, interpolation=self.interpolation,
                                      fill_mode=self.fill_mode, fill_value=self.fill_value,
                                      data_format=self.data_format)
        apply = transformation["apply_transform"].to(images.device).view(-1, 1, 1, 1)
        images = torch.where(apply, distorted, images)
        return torch.clip(images, self.value_range[0], self.value_range[1]).to(self._torch_compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "interpolation": self.interpolation,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }

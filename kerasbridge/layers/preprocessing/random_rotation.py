"""`RandomRotation`: randomly rotate images during training."""

from __future__ import annotations

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import affine_transform, rotation_matrix
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


class RandomRotation(RandomImageLayer):
    """Rotates each image by a random angle about its centre during training (identity at inference).

    The angle is drawn uniformly in `[factor[0], factor[1]] * 360` degrees from
    `SeedGenerator(seed)` and applied with Keras's affine warp, so a seeded layer gives
    Keras's outputs.

    Args:
        factor: A fraction of a full turn: `f` means `[-f, f]`, or a `(lower, upper)` pair.
            Positive angles rotate counter-clockwise.
        fill_mode: Points outside the image: `"reflect"` (default), `"wrap"`,
            `"constant"` or `"nearest"`.
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

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0,
                 data_format=None, **kwargs):
        super().__init__(factor=factor, data_format=data_format, **kwargs)
        self._check_fill(fill_mode, interpolation)
        self._init_seed(seed)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        height, width = self._image_size(images)
        angle = random.uniform((batch_size,), minval=self.factor[0] * 360.0, maxval=self.factor[1] * 360.0,
                               seed=self.generator if seed is None else seed)
        return {"angle": angle, "rotation_matrix": rotation_matrix(angle, height, width)}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        return affine_transform(images, transformation["rotation_matrix"].to(images.device), self.interpolation,
                                self.fill_mode, self.fill_value, self.data_format)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "fill_mode": self.fill_mode,
            "fill_value": self.fill_value,
            "interpolation": self.interpolation,
            "seed": self.seed,
        }

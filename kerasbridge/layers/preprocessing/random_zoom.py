"""`RandomZoom`: randomly zoom images in or out during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._affine import affine_transform
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer

_FACTOR_ERROR = (
    "The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) in the "
    "range (-1.0, 1.0]. "
)


class RandomZoom(RandomImageLayer):
    """Zooms each image by random factors during training (identity at inference).

    The zoom of each axis is drawn uniformly in `1 + [lower, upper]` from
    `SeedGenerator(seed)` (the height first); a value above 1 shows a larger area
    (zooms out), below 1 zooms in. Keras's affine warp is used, so a seeded layer
    gives Keras's outputs.

    Args:
        height_factor: `f` means `[-f, f]`, or a `(lower, upper)` pair in `(-1, 1]`.
        width_factor: Same for the width; `None` (default) reuses the height zoom,
            preserving the aspect ratio.
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

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self.height_factor = height_factor
        self.height_lower, self.height_upper = self._factor_pair(height_factor, "height_factor", _FACTOR_ERROR,
                                                                 lower_exclusive=True)
        self.width_factor = width_factor
        if width_factor is not None:
            self.width_lower, self.width_upper = self._factor_pair(width_factor, "width_factor", _FACTOR_ERROR,
                                                                   lower_exclusive=True)
        self._check_fill(fill_mode, interpolation)
        self.fill_mode = fill_mode
        self.fill_value = fill_value
        self.interpolation = interpolation
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        shape = (images.shape[0] if images.ndim == 4 else 1, 1)
        seed = self.generator if seed is None else seed
        height_zoom = random.uniform(shape, minval=1.0 + self.height_lower, maxval=1.0 + self.height_upper,
                                     seed=seed)
        if self.width_factor is not None:
            width_zoom = random.uniform(shape, minval=1.0 + self.width_lower, maxval=1.0 + self.width_upper,
                                        seed=seed)
        else:
            width_zoom = height_zoom
        return {"height_zoom": height_zoom, "width_zoom": width_zoom}

    @staticmethod
    def zoom_matrix(zooms, height, width):
        """Transforms of `zooms` `(B, 2)` (width zoom, height zoom) keeping the image centre fixed."""
        x_offset = ((float(width) - 1.0) / 2.0) * (1.0 - zooms[:, 0:1])
        y_offset = ((float(height) - 1.0) / 2.0) * (1.0 - zooms[:, 1:])
        zeros = torch.zeros_like(x_offset)
        return torch.cat([zooms[:, 0:1], zeros, x_offset, zeros, zooms[:, 1:], y_offset, zeros, zeros], dim=1)

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        zooms = torch.cat([transformation["width_zoom"], transformation["height_zoom"]], dim=1).to(torch.float32)
        height, width = self._image_size(images)
        return affine_transform(images, self.zoom_matrix(zooms, height, width).to(images.device), self.interpolation,
                                self.fill_mode, self.fill_value, self.data_format)

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

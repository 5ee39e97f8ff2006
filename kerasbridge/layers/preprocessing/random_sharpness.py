"""`RandomSharpness`: randomly sharpen or blur images during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._color import batch_size_of, checked_value_range
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.ops.nn_conv import depthwise_conv

_SIDE, _CENTER = 1.0 / 13.0, 5.0 / 13.0


class RandomSharpness(RandomImageLayer):
    """Blends each image with a smoothed copy by a random amount during training.

    The smoothed copy is a per-channel 3x3 convolution (weights 1/13 around, 5/13 in the
    center, zero padding). With `s = 2 * f`, `f` drawn per image uniformly in `factor`
    from `SeedGenerator(seed)` (on every call, as in Keras), the output is
    `clip(x + (1 - s) * (smoothed - x), *value_range)`: `f < 0.5` blurs, `f > 0.5`
    sharpens. Identity at inference (apart from the cast to the compute dtype).

    Args:
        factor: A number `f` in `[0, 1]` (meaning `(0, f)`) or a `(lower, upper)` pair.
        value_range: `(min, max)` range of the pixel values; outputs are clipped to it.
            Defaults to `(0, 255)`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        Same as the input.
    """

    _USE_BASE_FACTOR = False
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.value_range = checked_value_range(value_range)
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        factor = random.uniform((batch_size_of(images),), minval=self.factor[0], maxval=self.factor[1],
                                seed=self.generator if seed is None else seed)
        return {"factor": factor}

    def transform_images(self, images, transformation, training=True):
        dtype = self._torch_compute_dtype
        images = images.to(dtype)
        if not training:
            return images
        if self.data_format == "channels_first":
            images = images.transpose(-3, -1)
        sharpness = (transformation["factor"] * 2).to(dtype).to(images.device).reshape(-1, 1, 1, 1)
        kernel = torch.tensor([[_SIDE, _SIDE, _SIDE], [_SIDE, _CENTER, _SIDE], [_SIDE, _SIDE, _SIDE]], dtype=dtype,
                              device=images.device)
        kernel = kernel.reshape(3, 3, 1, 1).tile(1, 1, images.shape[-1], 1)
        smoothed = depthwise_conv(images, kernel, strides=1, padding="same", data_format="channels_last").to(dtype)
        images = images + (1.0 - sharpness) * (smoothed - images)
        images = torch.clip(images, self.value_range[0], self.value_range[1])
        if self.data_format == "channels_first":
            images = images.transpose(-3, -1)
        return images

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range, "seed": self.seed}

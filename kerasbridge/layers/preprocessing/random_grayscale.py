"""`RandomGrayscale`: randomly convert images to grayscale during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.backend.config import standardize_data_format
from kerasbridge.layers.preprocessing._color import batch_size_of
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.ops.image import rgb_to_grayscale


class RandomGrayscale(RandomImageLayer):
    """Converts each image to grayscale with probability `factor` during training.

    The grayscale image (ITU-R 601 luma) keeps the input's number of channels: every
    channel holds the same value. One uniform number per image is drawn from
    `SeedGenerator(seed)` on every call, at inference too (as Keras does, so the stream
    stays in step); images are converted when it is below `factor`. Identity at inference.

    Like Keras, `get_config()` does not include the seed.

    Args:
        factor: Probability in `[0, 1]` of converting each image. Defaults to `0.5`.
        data_format: `"channels_last"` (default) or `"channels_first"`.
        seed: Integer seed.
        **kwargs: Base layer arguments (`name`, `dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`, with 1 or 3 channels.

    Output shape:
        Same as the input.
    """

    def __init__(self, factor=0.5, data_format=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        if factor < 0 or factor > 1:
            raise ValueError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        self.factor = factor
        self.data_format = standardize_data_format(data_format)
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        values = random.uniform((batch_size_of(images),), minval=0, maxval=1,
                                seed=self.generator if seed is None else seed)
        return (values < self.factor)[:, None, None, None]

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        if transformation is None:
            transformation = self.get_random_transformation(images)
        grayscale = rgb_to_grayscale(images, data_format=self.data_format)
        return torch.where(transformation.to(images.device), grayscale, images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}

"""`RandomCrop`: crop a random window of images during training."""

from __future__ import annotations

from kerasbridge import random
from kerasbridge.backend.random import make_default_seed
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.ops import image as image_ops


class RandomCrop(RandomImageLayer):
    """Crops a random `(height, width)` window (the same for the whole batch) during training.

    The window's corner is drawn from `SeedGenerator(seed)` as in Keras. Images that are
    not larger than the target in both dimensions are center-cropped to the target
    aspect ratio and resized instead. As in Keras 3, the layer returns its input
    unchanged when `training=False`.

    Args:
        height: Output height.
        width: Output width.
        seed: Integer seed (a random one is recorded in the config when not given).
        data_format: `"channels_last"` (default) or `"channels_first"`.
        name: Name of the layer.
        **kwargs: Base layer arguments (`dtype`, ...).

    Input shape:
        `(batch, height, width, channels)` or `(height, width, channels)`.

    Output shape:
        `(..., height, width, channels)` when training.
    """

    _USE_BASE_FACTOR = False

    def __init__(self, height, width, seed=None, data_format=None, name=None, **kwargs):
        super().__init__(name=name, data_format=data_format, **kwargs)
        self.height = height
        self.width = width
        self.generator = random.SeedGenerator(seed)
        self.seed = seed if seed is not None else make_default_seed()
        self.supports_masking = False
        self._convert_input_args = False

    def get_random_transformation(self, images, training=True, seed=None):
        seed = self.generator if seed is None else seed
        input_height, input_width = self._image_size(images)
        if training and input_height > self.height and input_width > self.width:
            h_start = int(random.uniform((), 0, maxval=float(input_height - self.height + 1), seed=seed))
            w_start = int(random.uniform((), 0, maxval=float(input_width - self.width + 1), seed=seed))
            return h_start, w_start
        crop_height = max(min(input_height, int(float(input_width * self.height) / self.width)), 1)
        crop_width = max(min(input_width, int(float(input_height * self.width) / self.height)), 1)
        return int(float(input_height - crop_height) / 2), int(float(input_width - crop_width) / 2)

    def transform_images(self, images, transformation, training=True):
        if not training:
            return images
        images = images.to(self._torch_compute_dtype)
        h_start, w_start = transformation
        h_axis, w_axis = self._spatial_axes
        images = images.narrow(h_axis, h_start, min(self.height, images.shape[h_axis] - h_start))
        images = images.narrow(w_axis, w_start, min(self.width, images.shape[w_axis] - w_start))
        if images.shape[h_axis] != self.height or images.shape[w_axis] != self.width:
            images = image_ops.resize(images, size=(self.height, self.width), data_format=self.data_format)
            images = images.to(self._torch_compute_dtype)
        return images

    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = len(shape) - 3 if self.data_format == "channels_last" else len(shape) - 2
        shape[first], shape[first + 1] = self.height, self.width
        return tuple(shape)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed}

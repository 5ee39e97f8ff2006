"""`RandomGaussianBlur`: blur some images of a batch with a random Gaussian during training."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer
from kerasbridge.layers.preprocessing.random_erasing import unit_range
from kerasbridge.ops.image_filters import gaussian_blur


def _odd_kernel_size(kernel_size, name="kernel_size"):
    message = f"{name} must be an odd number. Received: {name}={kernel_size}"
    if isinstance(kernel_size, (tuple, list)):
        if len(kernel_size) != 2:
            raise ValueError(
                f"The `{name}` argument should be a number (or a list of two numbers) Received: {name}={kernel_size}"
            )
        if kernel_size[0] % 2 == 0 or kernel_size[1] % 2 == 0:
            raise ValueError(message)
        return tuple(kernel_size)
    if isinstance(kernel_size, (int, float)):
        if kernel_size % 2 == 0:
            raise ValueError(message)
        return kernel_size, kernel_size
    raise ValueError(message)


class RandomGaussianBlur(RandomImageLayer):
    """Blurs some images with a Gaussian kernel of random width during training (identity at inference).

    Each image is blurred with a probability drawn from `factor`; one pair of standard
    deviations `(sigma_x, sigma_y)`, drawn from `sigma`, serves the whole batch. Results
    are clipped to `value_range`. Random values come from `SeedGenerator(seed)` in Keras's
    order, so a seeded layer gives Keras's outputs.

    Args:
        factor: Probability of blurring an image: a number in `[0, 1]`, or a
            `(lower, upper)` range from which the probability is drawn per image.
        kernel_size: Odd size of the Gaussian kernel, or an odd `(height, width)` pair.
            Defaults to `3`.
        sigma: Standard deviation of the Gaussian: a number `s` in `[0, 1]` means a draw
            from `(0, s)`, or a `(lower, upper)` pair. Defaults to `1.0`.
        value_range: `(low, high)` range of the image values. Defaults to `(0, 255)`.
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
    _FACTOR_BOUNDS = (0, 1)

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255), data_format=None, seed=None,
                 **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.kernel_size = _odd_kernel_size(kernel_size)
        self.sigma = unit_range(sigma, "sigma")
        self.value_range = value_range
        self._init_seed(seed)

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        seed = self.generator if seed is None else seed
        probability = random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed)
        threshold = random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed)
        sigma = random.uniform((2,), minval=self.sigma[0], maxval=self.sigma[1], seed=seed,
                               dtype=self.compute_dtype) + 1e-6
        return {"should_apply_blur": threshold < probability, "blur_factor": sigma}

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        blurred = gaussian_blur(images, kernel_size=self.kernel_size,
                                sigma=transformation["blur_factor"].to(images.device), data_format=self.data_format)
        apply = transformation["should_apply_blur"].to(images.device).view(-1, 1, 1, 1)
        images = torch.where(apply, blurred, images)
        return torch.clip(images, self.value_range[0], self.value_range[1]).to(self._torch_compute_dtype)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "kernel_size": self.kernel_size,
            "sigma": self.sigma,
            "value_range": self.value_range,
            "seed": self.seed,
        }

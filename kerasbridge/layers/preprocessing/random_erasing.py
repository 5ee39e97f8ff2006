"""`RandomErasing`: randomly replace a rectangle of each image with noise or a constant."""

from __future__ import annotations

import torch

from kerasbridge import random
from kerasbridge.backend.dtypes import to_torch_dtype
from kerasbridge.layers.preprocessing._random_image_layer import RandomImageLayer


def unit_range(factor, name, bounds=(0, 1)):
    """`(lower, upper)` of an argument that is a number or a pair within `bounds` (Keras's factor rule)."""
    low, high = bounds
    message = (
        f"The `{name}` argument should be a number (or a list of two numbers) in the range [{low}, {high}]. "
        f"Received: factor={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2 or factor[0] > high or factor[1] < low:
            raise ValueError(message)
        return tuple(sorted(factor))
    if isinstance(factor, (int, float)):
        if factor < low or factor > high:
            raise ValueError(message)
        return max(-abs(factor), low), abs(factor)
    raise ValueError(message)


def box_masks(images_shape, x0, x1, y0, y1, data_format, dtype):
    """Boolean masks, shaped like the batch of images, of the boxes `[x0, x1) x [y0, y1)` (one per image)."""
    channels_last = data_format == "channels_last"
    height, width = images_shape[-3:-1] if channels_last else images_shape[-2:]
    channels = images_shape[-1] if channels_last else images_shape[-3]
    device = x0.device
    grid_y, grid_x = torch.meshgrid(torch.arange(height, dtype=dtype, device=device),
                                    torch.arange(width, dtype=dtype, device=device), indexing="ij")
    view = (1, height, width, 1) if channels_last else (1, 1, height, width)
    grid_x, grid_y = grid_x.view(view), grid_y.view(view)
    corners = [c.view(-1, 1, 1, 1) for c in (x0, x1, y0, y1)]
    inside = (grid_x >= corners[0]) & (grid_x < corners[1]) & (grid_y >= corners[2]) & (grid_y < corners[3])
    return torch.repeat_interleave(inside, channels, dim=3 if channels_last else 1)


def crop_bounds(batch_size, length, ratio, seed, dtype):
    """Random `[start, end)` of a crop of `ratio * length` pixels along one axis, per image."""
    crop_length = (ratio * length).to(to_torch_dtype(dtype))
    start = random.uniform((batch_size,), minval=0, maxval=1, dtype=dtype, seed=seed) * (length - crop_length)
    return start, start + crop_length


class RandomErasing(RandomImageLayer):
    """Erases a random rectangle of some images during training (identity at inference).

    Per image, the rectangle's relative width and height are the square roots of two
    draws from `scale`; its position is uniform within the image. The image is erased
    with probability drawn from `factor`. Erased pixels take `fill_value`, or, when it is
    `None`, Gaussian noise times `value_range[1]`, clipped to `value_range`. Random
    values come from `SeedGenerator(seed)` in Keras's order, so a seeded layer gives
    Keras's outputs.

    Args:
        factor: Probability of erasing an image: a number in `[0, 1]`, or a
            `(lower, upper)` range from which the probability is drawn per image.
        scale: `(lower, upper)` fraction of the image area to erase (or a number `s`:
            `(0, s)`). Defaults to `(0.02, 0.33)`.
        fill_value: The value of erased pixels: `None` (random noise, default), a
            number, or one number per channel (three).
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

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255), seed=None,
                 data_format=None, **kwargs):
        super().__init__(data_format=data_format, **kwargs)
        self._set_factor(factor)
        self.scale = unit_range(scale, "scale")
        self.fill_value = fill_value
        self.value_range = value_range
        self._init_seed(seed)

    def _fill_values(self, images, seed):
        dtype = self._torch_compute_dtype
        fill_value = self.fill_value
        message = "The `fill_value` argument should be a number (or a list of three numbers) "
        if fill_value is None:
            fill_value = random.normal(tuple(images.shape), dtype=self.compute_dtype, seed=seed) * self.value_range[1]
        elif isinstance(fill_value, (tuple, list)):
            if len(fill_value) != 3:
                raise ValueError(message)
            fill_value = torch.broadcast_to(torch.as_tensor(fill_value, dtype=dtype, device=images.device), images.shape).clone()
        elif isinstance(fill_value, (int, float)):
            fill_value = torch.ones(tuple(images.shape), dtype=dtype, device=images.device) * fill_value
        else:
            raise ValueError(message)
        return torch.clip(fill_value, self.value_range[0], self.value_range[1])

    def get_random_transformation(self, images, training=True, seed=None):
        if not training:
            return None
        batch_size = images.shape[0] if images.ndim == 4 else 1
        height, width = self._image_size(images)
        seed = self.generator if seed is None else seed
        dtype = self._torch_compute_dtype
        extent = torch.sqrt(random.uniform((batch_size, 2), minval=self.scale[0], maxval=self.scale[1],
                                           dtype=self.compute_dtype, seed=seed))
        x0, x1 = crop_bounds(batch_size, width, extent[:, 0], seed, self.compute_dtype)
        y0, y1 = crop_bounds(batch_size, height, extent[:, 1], seed, self.compute_dtype)
        masks = box_masks(tuple(images.shape), x0, x1, y0, y1, self.data_format, dtype)
        probability = random.uniform((batch_size,), minval=self.factor[0], maxval=self.factor[1], seed=seed)
        threshold = random.uniform((batch_size,), minval=0.0, maxval=1.0, seed=seed)
        return {
            "apply_erasing": threshold < probability,
            "batch_masks": masks,
            "fill_value": self._fill_values(images, seed),
        }

    def transform_images(self, images, transformation, training=True):
        images = images.to(self._torch_compute_dtype)
        if not training or transformation is None:
            return images
        erased = torch.where(transformation["batch_masks"].to(images.device),
                             transformation["fill_value"].to(images.device), images)
        apply = transformation["apply_erasing"].to(images.device).view(-1, 1, 1, 1)
        return torch.where(apply, erased, images)

    def get_config(self):
        return {
            **super().get_config(),
            "factor": self.factor,
            "scale": self.scale,
            "fill_value": self.fill_value,
            "value_range": self.value_range,
            "seed": self.seed,
        }

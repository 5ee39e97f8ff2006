"""`keras.preprocessing.image.smart_resize`: resize to a target size without distorting the aspect ratio."""

from __future__ import annotations

import numpy as np


def _centered_crop_box(height, width, target_height, target_width):
    crop_height = max(min(height, int(float(width * target_height) / target_width)), 1)
    crop_width = max(min(width, int(float(height * target_width) / target_height)), 1)
    top = int(float(height - crop_height) / 2)
    left = int(float(width - crop_width) / 2)
    return top, left, crop_height, crop_width


def smart_resize(x, size, interpolation="bilinear", data_format="channels_last", **kwargs):
    """Crop the largest centred window of the target aspect ratio, then resize it to `size`.

    Args:
        x: An image `(height, width, channels)` or a batch `(batch, height, width, channels)` (channels
            first when `data_format="channels_first"`), as a NumPy array or tensor.
        size: `(target_height, target_width)`.
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"` (as `kerasbridge.ops.image.resize`).
        data_format: `"channels_last"` or `"channels_first"`.
        **kwargs: `backend_module` only (ignored: kerasbridge has one backend).

    Returns:
        The resized image(s): a NumPy array when `x` is one, else a tensor.

    Raises:
        TypeError: On an unexpected keyword argument.
        ValueError: When `size` does not hold two values or `x` is not of rank 3 or 4.
    """
    from kerasbridge import ops

    kwargs.pop("backend_module", None)
    if kwargs:
        raise TypeError(f"smart_resize() got unexpected keyword arguments: {list(kwargs.keys())}")
    if len(size) != 2:
        raise ValueError(f"Expected `size` to be a tuple of 2 integers, but got: {size}.")
    image = ops.convert_to_tensor(x)
    if not 3 <= image.ndim <= 4:
        raise ValueError(
            "Expected an image array with shape `(height, width, channels)`, or "
            "`(batch_size, height, width, channels)`, but got input with incorrect rank, of shape "
            f"{image.shape}."
        )
    spatial = (-3, -2) if data_format == "channels_last" else (-2, -1)
    height, width = int(image.shape[spatial[0]]), int(image.shape[spatial[1]])
    top, left, crop_height, crop_width = _centered_crop_box(height, width, *size)
    window = [slice(None)] * image.ndim
    window[spatial[0]] = slice(top, top + crop_height)
    window[spatial[1]] = slice(left, left + crop_width)
    image = ops.image.resize(image[tuple(window)], size=size, interpolation=interpolation, data_format=data_format)
    if isinstance(x, np.ndarray):
        return np.array(image)
    return image

"""Helpers shared by the color and intensity augmentation layers.

They follow Keras's arithmetic step by step (same operand order and dtypes), so results agree
with Keras's torch backend to the last bit where the underlying torch kernels do.
"""

from __future__ import annotations

import torch

from kerasbridge.backend.dtypes import to_torch_dtype

VALUE_RANGE_ERROR = "The `value_range` argument should be a list of two numbers. "


def checked_value_range(value_range):
    """`value_range` as a sorted list, or a ValueError naming the expected form."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(VALUE_RANGE_ERROR + f"Received: value_range={value_range}")
    return sorted(value_range)


def _images_of(data):
    """The images of `data`: the tensor itself or the `"images"` entry of a dict."""
    return data["images"] if isinstance(data, dict) else data


def batch_size_of(data):
    """1 for one image `(H, W, C)`, the leading dimension for a batch (`data` may be a dict with "images")."""
    images = _images_of(data)
    if images.ndim == 3:
        return 1
    if images.ndim == 4:
        return images.shape[0]
    raise ValueError(f"Expected the input image to be rank 3 or 4. Received: inputs.shape={tuple(images.shape)}")


def per_image_shape(data):
    """A broadcastable per-image shape: `(B, 1, 1, 1)` for a batch, `(1, 1, 1)` for one image."""
    images = _images_of(data)
    return (images.shape[0], 1, 1, 1) if images.ndim == 4 else (1, 1, 1)


def rescale_value_range(images, source_range, target_range, dtype="float32"):
    """Linearly maps pixel values from `source_range` to `target_range` (identity when they are equal).

    Computed as `(x - source_min) / (source_max - source_min) * (target_max - target_min) + target_min`
    with the bounds as `dtype` scalars, in that order.
    """
    if source_range[0] == target_range[0] and source_range[1] == target_range[1]:
        return images
    torch_dtype = to_torch_dtype(dtype)
    images = images.to(torch_dtype)

    def bound(value):
        return torch.as_tensor(value, dtype=torch_dtype, device=images.device)

    source_min, source_max = bound(source_range[0]), bound(source_range[1])
    target_min, target_max = bound(target_range[0]), bound(target_range[1])
    images = (images - source_min) / (source_max - source_min)
    return images * (target_max - target_min) + target_min


def cast_like_keras(images, dtype):
    """`images` in the torch dtype named `dtype` (unchanged when it already has it)."""
    torch_dtype = to_torch_dtype(dtype)
    return images if images.dtype == torch_dtype else images.to(torch_dtype)

"""Resampling image ops of `keras.ops.image`: scale-and-translate and patch extraction.

`scale_and_translate` resamples each spatial axis with a separable kernel (linear, Keys cubic
or Lanczos), as JAX's `jax.image.scale_and_translate` and Keras's torch backend do.
`extract_patches` gathers every `size` window into the channel axis with an identity
convolution kernel, so padding and strides follow `keras.ops.conv`.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.ops._utils import dname, is_int_or_bool, result_type, tensor, torch_dtype
from kerasbridge.ops.nn_conv import conv
from kerasbridge.ops.operation import symbolic_op

SCALE_AND_TRANSLATE_METHODS = ("linear", "bilinear", "trilinear", "cubic", "bicubic", "tricubic", "lanczos3",
                               "lanczos5")


def _triangle(x):
    return torch.maximum(torch.tensor(0, dtype=x.dtype), 1 - torch.abs(x))


def _keys_cubic(x):
    near = ((1.5 * x - 2.5) * x) * x + 1.0
    far = ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0
    return torch.where(x >= 2.0, 0.0, torch.where(x >= 1.0, far, near))


def _lanczos(radius):
    def kernel(x):
        numerator = radius * torch.sin(math.pi * x) * torch.sin(math.pi * x / radius)
        value = torch.where(x > 1e-3, torch.divide(numerator, torch.where(x != 0, math.pi**2 * x**2, 1)), 1)
        return torch.where(x > radius, 0.0, value)

    return kernel


def _kernel_for(method):
    if method in ("linear", "bilinear", "trilinear"):
        return _triangle
    if method in ("cubic", "bicubic", "tricubic"):
        return _keys_cubic
    return _lanczos(3.0 if method == "lanczos3" else 5.0)


def _resampling_weights(in_size, out_size, scale, translation, kernel, antialias):
    """The `(in_size, out_size)` matrix whose column `j` resamples output point `j`."""
    dtype = scale.dtype
    inverse_scale = 1.0 / scale
    kernel_scale = torch.maximum(inverse_scale, torch.tensor(1.0, dtype=dtype, device=scale.device)) if antialias else 1.0
    sample = (torch.arange(out_size, dtype=dtype, device=scale.device) + 0.5) * inverse_scale
    sample = sample - translation * inverse_scale - 0.5
    distance = torch.abs(sample[None, :] - torch.arange(in_size, dtype=dtype, device=scale.device)[:, None])
    weights = kernel(distance / kernel_scale)
    column_sums = torch.sum(weights, dim=0, keepdim=True)
    weights = torch.where(
        torch.abs(column_sums) > 1000.0 * float(np.finfo(np.float32).eps),
        torch.divide(weights, torch.where(column_sums != 0, column_sums, 1)),
        0,
    )
    inside = torch.logical_and(sample >= -0.5, sample <= in_size - 0.5)
    return torch.where(inside[None, :], weights, 0)


@symbolic_op
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method, antialias=True):
    """Resample `images` to `output_shape`, mapping input location `x` to `x * scale + translation`.

    Args:
        images: The array to resample.
        output_shape: The full shape of the output.
        scale: One scale per axis of `spatial_dims`.
        translation: One translation per axis of `spatial_dims`.
        spatial_dims: The axes to resample.
        method: `"linear"`/`"bilinear"`/`"trilinear"`, `"cubic"`/`"bicubic"`/`"tricubic"`,
            `"lanczos3"` or `"lanczos5"`.
        antialias: Whether to widen the kernel when downsampling.

    Returns:
        The resampled array, in the dtype of `images` (integers are rounded and clipped to the
        input range).
    """
    if method not in SCALE_AND_TRANSLATE_METHODS:
        raise ValueError(
            f"Invalid value for argument `method`. Expected of one {set(SCALE_AND_TRANSLATE_METHODS)}. "
            f"Received: method={method}"
        )
    kernel = _kernel_for(method)
    images = tensor(images)
    scale = tensor(scale)
    translation = tensor(translation)
    dtype = torch_dtype(result_type(dname(scale), dname(translation)))
    scale, translation = scale.to(dtype), translation.to(dtype)
    if len(spatial_dims) == 0:
        return images
    rounding = is_int_or_bool(images)
    output = images.float() if rounding else images.clone()
    for i, axis in enumerate(spatial_dims):
        axis = axis % images.ndim
        weights = _resampling_weights(images.shape[axis], output_shape[axis], scale[i], translation[i], kernel,
                                      antialias).to(output.dtype)
        output = torch.moveaxis(torch.tensordot(output, weights, dims=((axis,), (0,))), -1, axis)
    if rounding:
        output = torch.clip(torch.round(output), torch.min(images), torch.max(images)).to(images.dtype)
    return output


def _patches(images, size, strides, dilation_rate, padding, data_format, spatial_rank):
    images = tensor(images)
    data_format = standardize_data_format(data_format)
    channels = images.shape[-1] if data_format == "channels_last" else images.shape[-1 - spatial_rank]
    if not strides:
        strides = size
    depth = int(np.prod(size)) * channels
    kernel = torch.eye(depth, dtype=images.dtype, device=images.device).reshape(*size, channels, depth)
    single = images.ndim == spatial_rank + 1
    batch = images.unsqueeze(0) if single else images
    patches = conv._eager(batch, kernel, strides=strides, padding=padding, data_format=data_format,
                          dilation_rate=dilation_rate)
    return patches.squeeze(0) if single else patches


@symbolic_op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Gather image patches into the channel axis.

    Args:
        images: Images of rank 3 or 4 (or volumes of rank 4 or 5 when `size` has 3 entries).
        size: Patch size: an int or `(height, width)` (or `(depth, height, width)`).
        strides: Step between patches; defaults to `size`.
        dilation_rate: Spacing between the sampled pixels of a patch.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        Patches with `prod(size) * channels` features per position.
    """
    if not isinstance(size, int):
        if not isinstance(size, (tuple, list)):
            raise TypeError(
                f"Invalid `size` argument. Expected an int or a tuple. Received: size={size} of type "
                f"{type(size).__name__}"
            )
        if len(size) not in (2, 3):
            raise ValueError(
                f"Invalid `size` argument. Expected a tuple of length 2 or 3. Received: size={size} with length "
                f"{len(size)}"
            )
        if len(size) == 3:
            return extract_patches_3d._eager(images, size, strides, dilation_rate, padding, data_format)
    size = (size, size) if isinstance(size, int) else tuple(size)
    return _patches(images, size, strides, dilation_rate, padding, data_format, spatial_rank=2)


@symbolic_op
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid", data_format=None):
    """Gather volume patches into the channel axis.

    Args:
        volumes: Volumes of rank 4 or 5.
        size: Patch size: an int or `(depth, height, width)`.
        strides: Step between patches (an int or 3 ints); defaults to `size`.
        dilation_rate: Spacing between the sampled voxels of a patch.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        Patches with `prod(size) * channels` features per position.
    """
    if isinstance(size, int):
        size = (size, size, size)
    elif len(size) != 3:
        raise TypeError(f"Invalid `size` argument. Expected an int or a tuple of length 3. Received: size={size}")
    size = tuple(size)
    strides = size if strides is None else strides
    if isinstance(strides, int):
        strides = (strides,) * 3
    if len(strides) != 3:
        raise ValueError(f"Invalid `strides` argument. Got: {strides}")
    return _patches(volumes, size, strides, dilation_rate, padding, data_format, spatial_rank=3)


__all__ = ["extract_patches", "extract_patches_3d", "scale_and_translate"]

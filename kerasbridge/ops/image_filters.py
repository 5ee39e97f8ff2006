"""Filtering image ops of `keras.ops.image`: Gaussian blur, Sobel edges, SSIM, elastic distortion.

These follow Keras's torch backend step by step (same kernels, same operation order), so that
values agree with `keras.ops.image` to float rounding.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.ops._utils import dname, result_type, tensor, torch_dtype
from kerasbridge.ops.image_transforms import (
    INTERPOLATION_ORDERS,
    _check_fill_mode,
    _check_images,
    _check_interpolation,
    map_coordinates,
)
from kerasbridge.ops.operation import symbolic_op


def _gaussian_1d(size, sigma, dtype, device):
    """A normalised 1-D Gaussian window of `size` taps."""
    positions = torch.arange(size, dtype=dtype, device=device) - (size - 1) / 2
    window = torch.exp(-0.5 * (positions / sigma) ** 2)
    return window / torch.sum(window)


@symbolic_op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None):
    """Blur images with a Gaussian kernel, channel by channel, keeping their size.

    Args:
        images: Images of rank 3 or 4.
        kernel_size: `(height, width)` of the kernel.
        sigma: Standard deviations `(along height, along width)`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The blurred images, with the shape and dtype of `images` (for odd kernel sizes).
    """
    data_format = standardize_data_format(data_format)
    images = tensor(images)
    _check_images(images)
    sizes = [int(k) for k in kernel_size]
    sigma = torch.as_tensor(
        [float(s) for s in sigma] if isinstance(sigma, (list, tuple)) else sigma, device=images.device
    )
    single = images.ndim == 3
    batch = images.unsqueeze(0) if single else images
    if data_format == "channels_last":
        batch = batch.permute(0, 3, 1, 2)
    channels = batch.shape[1]
    window_x = _gaussian_1d(sizes[0], sigma[0], images.dtype, images.device)
    window_y = _gaussian_1d(sizes[1], sigma[1], images.dtype, images.device)
    kernel = torch.outer(window_y, window_x).view(1, 1, sizes[0], sizes[1])
    kernel = kernel.expand(channels, 1, sizes[0], sizes[1])
    blurred = F.conv2d(batch, kernel, stride=1, padding=sizes[0] // 2, groups=channels)
    if data_format == "channels_last":
        blurred = blurred.permute(0, 2, 3, 1)
    return blurred.squeeze(0) if single else blurred


@symbolic_op
def sobel_edges(images, data_format=None):
    """Sobel gradients of a batch of images, per channel.

    Args:
        images: Images of rank 4.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The images' shape plus a last axis of size 2 holding `(dy, dx)`.
    """
    data_format = standardize_data_format(data_format)
    images = tensor(images)
    if images.ndim != 4:
        raise ValueError(
            f"Invalid images rank: expected rank 4 (batch of images). Received: images.shape={list(images.shape)}"
        )
    batch = images.permute(0, 3, 1, 2) if data_format == "channels_last" else images
    channels = batch.shape[1]
    smooth_diff = torch.tensor([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=images.dtype, device=images.device)
    kernel_x = smooth_diff.view(1, 1, 3, 3).repeat(channels, 1, 1, 1)
    kernel_y = smooth_diff.t().contiguous().view(1, 1, 3, 3).repeat(channels, 1, 1, 1)
    dx = F.conv2d(batch, kernel_x, padding=1, groups=channels)
    dy = F.conv2d(batch, kernel_y, padding=1, groups=channels)
    edges = torch.stack([dy, dx], dim=-1)
    return edges.permute(0, 2, 3, 1, 4) if data_format == "channels_last" else edges


@symbolic_op
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03, data_format=None):
    """The structural similarity index of two images (or two batches), with a Gaussian window.

    Args:
        image1: Images of rank 3 or 4.
        image2: Images of the same shape.
        max_val: The dynamic range of the pixel values (1.0, or 255.0 for 8-bit images).
        filter_size: Size of the Gaussian window (valid positions only).
        filter_sigma: Standard deviation of the Gaussian window.
        k1: Stabilising constant of the luminance term.
        k2: Stabilising constant of the contrast term.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        One SSIM value per image (a scalar for rank-3 input), averaged over channels.
    """
    data_format = standardize_data_format(data_format)
    first, second = tensor(image1), tensor(image2)
    original_dtype = first.dtype
    compute_dtype = torch_dtype(result_type(dname(first), float))
    first, second = first.to(compute_dtype), second.to(compute_dtype)
    for image, name in ((first, "image1"), (second, "image2")):
        if image.ndim not in (3, 4):
            raise ValueError(
                f"Invalid {name} rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received input with shape: {name}.shape={tuple(image.shape)}"
            )
    single = first.ndim == 3
    if single:
        first, second = first.unsqueeze(0), second.unsqueeze(0)
    if data_format == "channels_last":
        first, second = first.permute(0, 3, 1, 2), second.permute(0, 3, 1, 2)
    batch_size, channels, height, width = first.shape
    positions = torch.arange(filter_size, dtype=compute_dtype, device=first.device) - (filter_size - 1) / 2.0
    window = torch.exp(-(positions**2) / (2.0 * filter_sigma**2))
    window = window / torch.sum(window)
    window = torch.outer(window, window).view(1, 1, filter_size, filter_size)
    first = first.reshape(-1, 1, height, width)
    second = second.reshape(-1, 1, height, width)

    def local_mean(x):
        return F.conv2d(x, window)

    c1 = (k1 * max_val) ** 2
    c2 = (k2 * max_val) ** 2
    mu1, mu2 = local_mean(first), local_mean(second)
    mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
    var1 = local_mean(first * first) - mu1_sq
    var2 = local_mean(second * second) - mu2_sq
    covariance = local_mean(first * second) - mu1_mu2
    similarity = ((2.0 * mu1_mu2 + c1) * (2.0 * covariance + c2)) / ((mu1_sq + mu2_sq + c1) * (var1 + var2 + c2))
    per_image = torch.mean(similarity, dim=(1, 2, 3)).reshape(batch_size, channels).mean(dim=-1)
    if single:
        per_image = per_image.squeeze(0)
    return per_image.to(original_dtype)


@symbolic_op
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear", fill_mode="reflect", fill_value=0.0,
                      seed=None, data_format=None):
    """Distort images with a smooth random displacement field (Simard et al., 2003).

    Displacements are standard normal noise times `sigma`, blurred with a Gaussian of width
    `sigma`, scaled by `alpha`. As in Keras's torch backend the noise comes from torch's global
    generator (`torch.manual_seed` makes it reproducible); `seed` is accepted for compatibility.

    Args:
        images: Images of rank 3 or 4.
        alpha: Scale of the displacements.
        sigma: Standard deviation of the smoothing Gaussian (its kernel is `int(6 sigma) | 1` wide).
        interpolation: `"nearest"` or `"bilinear"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"`, `"mirror"` or `"reflect"`.
        fill_value: The value of points outside the image when `fill_mode="constant"`.
        seed: Unused by this backend (see above).
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The distorted images, with the shape and dtype of `images`.
    """
    data_format = standardize_data_format(data_format)
    _check_interpolation(interpolation)
    _check_fill_mode(fill_mode)
    images = tensor(images)
    _check_images(images)
    alpha = tensor(alpha)
    sigma = tensor(sigma)
    dtype = images.dtype
    width_of_kernel = int(6 * sigma) | 1
    single = images.ndim == 3
    batch = images.unsqueeze(0) if single else images
    if data_format == "channels_last":
        count, height, width, channels = batch.shape
        channel_axis = -1
    else:
        count, channels, height, width = batch.shape
        channel_axis = 1
    noise_x = torch.normal(0.0, 1.0, size=(count, height, width), dtype=dtype, device=batch.device) * sigma
    noise_y = torch.normal(0.0, 1.0, size=(count, height, width), dtype=dtype, device=batch.device) * sigma
    blur_args = dict(kernel_size=(width_of_kernel, width_of_kernel), sigma=(sigma, sigma), data_format=data_format)
    dx = gaussian_blur._eager(noise_x.unsqueeze(channel_axis), **blur_args).squeeze()
    dy = gaussian_blur._eager(noise_y.unsqueeze(channel_axis), **blur_args).squeeze()
    grid_x, grid_y = torch.meshgrid(torch.arange(width), torch.arange(height), indexing="xy")
    source_x = grid_x.unsqueeze(0).to(batch.device) + alpha * dx
    source_y = grid_y.unsqueeze(0).to(batch.device) + alpha * dy
    order = INTERPOLATION_ORDERS[interpolation]
    output = torch.zeros_like(batch)
    for c in range(channels):
        planes = [
            map_coordinates._eager(
                batch[b, ..., c] if data_format == "channels_last" else batch[b, c],
                [source_y[b], source_x[b]],
                order,
                fill_mode=fill_mode,
                fill_value=fill_value,
            )
            for b in range(count)
        ]
        if data_format == "channels_last":
            output[..., c] = torch.stack(planes)
        else:
            output[:, c] = torch.stack(planes)
    if single:
        output = output.squeeze(0)
    return output.to(dtype)


__all__ = ["elastic_transform", "gaussian_blur", "sobel_edges", "ssim"]

"""`keras.ops.image` (a subset): color conversions, resizing, padding and cropping.

Images are rank 3 (one image) or rank 4 (a batch), `channels_last` by default.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.ops._utils import tensor
from kerasbridge.ops.operation import symbolic_op

_RESIZE_MODES = {"bilinear": "bilinear", "nearest": "nearest-exact", "bicubic": "bicubic"}


def _images(images):
    images = tensor(images)
    if images.ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={tuple(images.shape)}"
        )
    return images


def _float_images(images):
    images = _images(images)
    if not images.is_floating_point():
        raise ValueError(f"Invalid images dtype: expected float dtype. Received: images.dtype={images.dtype}")
    return images


@symbolic_op
def rgb_to_grayscale(images, data_format=None):
    """Convert RGB images to grayscale (one channel), with ITU-R 601 luma weights.

    Args:
        images: Images of rank 3 or 4.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        Grayscale images with a channel axis of size 1.
    """
    images = _images(images)
    axis = -1 if standardize_data_format(data_format) == "channels_last" else -3
    if images.shape[axis] not in (1, 3):
        raise ValueError(
            "Invalid channel size: expected 3 (RGB) or 1 (Grayscale). "
            f"Received input with shape: images.shape={tuple(images.shape)}"
        )
    if images.shape[axis] == 1:
        return images.clone()
    r, g, b = images.unbind(dim=axis)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(images.dtype).unsqueeze(axis)


@symbolic_op
def rgb_to_hsv(images, data_format=None):
    """Convert float RGB images (values in `[0, 1]`) to HSV.

    Args:
        images: Float images of rank 3 or 4.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        HSV images, hue/saturation/value each in `[0, 1]`.
    """
    images = _float_images(images)
    axis = -1 if standardize_data_format(data_format) == "channels_last" else -3
    images = torch.where(torch.abs(images) < torch.finfo(images.dtype).eps, 0.0, images)
    r, g, b = images.unbind(dim=axis)
    value = torch.maximum(torch.maximum(r, g), b)
    spread = value - torch.minimum(torch.minimum(r, g), b)
    saturation = torch.where(value > 0, spread / torch.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * torch.where(spread > 0, spread, 1.0))
    hue = torch.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = torch.where(value == r, norm * (g - b), hue)
    hue = torch.where(spread > 0, hue, 0.0) + (hue < 0.0).to(hue.dtype)
    return torch.stack((hue, saturation, value), dim=axis)


@symbolic_op
def hsv_to_rgb(images, data_format=None):
    """Convert float HSV images to RGB.

    Args:
        images: Float HSV images of rank 3 or 4.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        RGB images.
    """
    images = _float_images(images)
    axis = -1 if standardize_data_format(data_format) == "channels_last" else -3
    hue, saturation, value = images.unbind(dim=axis)
    sector = torch.remainder(hue, 1.0) * 6.0
    dr = torch.clip(torch.abs(sector - 3.0) - 1.0, 0.0, 1.0)
    dg = torch.clip(2.0 - torch.abs(sector - 2.0), 0.0, 1.0)
    db = torch.clip(2.0 - torch.abs(sector - 4.0), 0.0, 1.0)
    grey = 1.0 - saturation
    channels = [value * (grey + saturation * d) for d in (dr, dg, db)]
    return torch.stack(channels, dim=axis)


def _fill(shape, value, like):
    return torch.full(shape, value, dtype=like.dtype, device=like.device)


@symbolic_op
def resize(images, size, interpolation="bilinear", antialias=False, crop_to_aspect_ratio=False,
           pad_to_aspect_ratio=False, fill_mode="constant", fill_value=0.0, data_format=None):
    """Resize images to `size` (height, width).

    Args:
        images: Images of rank 3 or 4.
        size: `(height, width)` of the output.
        interpolation: `"bilinear"`, `"nearest"` or `"bicubic"`.
        antialias: Whether to antialias when downsampling (bilinear/bicubic).
        crop_to_aspect_ratio: Crop the center to the target aspect ratio first.
        pad_to_aspect_ratio: Pad to the target aspect ratio first (with `fill_value`).
        fill_mode: Must be `"constant"`.
        fill_value: The padding value for `pad_to_aspect_ratio`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The resized images, in the input dtype (integers are rounded).
    """
    data_format = standardize_data_format(data_format)
    if interpolation not in _RESIZE_MODES:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one {tuple(_RESIZE_MODES)}. "
            f"Received: interpolation={interpolation}"
        )
    if fill_mode != "constant":
        raise ValueError(f"Invalid value for argument `fill_mode`. Only `'constant'` is supported. Received: fill_mode={fill_mode}")
    if pad_to_aspect_ratio and crop_to_aspect_ratio:
        raise ValueError("Only one of `pad_to_aspect_ratio` & `crop_to_aspect_ratio` can be `True`.")
    if len(size) != 2:
        raise ValueError(f"Argument `size` must be a tuple of two elements (height, width). Received: size={size}")
    images = _images(images)
    single = images.ndim == 3
    out_dtype = images.dtype
    x = images.unsqueeze(0) if single else images
    if x.dtype not in (torch.float32, torch.float64):
        x = x.float()
    if data_format == "channels_last":
        x = x.permute(0, 3, 1, 2)
    height, width = x.shape[-2:]
    target_h, target_w = size
    if crop_to_aspect_ratio:
        crop_h = max(min(height, int(width * target_h / target_w)), 1)
        crop_w = max(min(width, int(height * target_w / target_h)), 1)
        top, left = int((height - crop_h) / 2), int((width - crop_w) / 2)
        x = x[:, :, top : top + crop_h, left : left + crop_w]
    elif pad_to_aspect_ratio:
        pad_h = max(height, int(width * target_h / target_w))
        pad_w = max(width, int(height * target_w / target_h))
        top, left = int((pad_h - height) / 2), int((pad_w - width) / 2)
        n, c = x.shape[:2]
        if top > 0:
            band = _fill((n, c, top, width), fill_value, x)
            x = torch.cat([band, x, band], dim=2)
        if left > 0:
            band = _fill((n, c, x.shape[2], left), fill_value, x)
            x = torch.cat([band, x, band], dim=3)
    smooth = interpolation in ("bilinear", "bicubic")
    out = F.interpolate(x, size=tuple(size), mode=_RESIZE_MODES[interpolation],
                        align_corners=False if smooth else None, antialias=bool(antialias) and smooth)
    if interpolation == "bicubic" and out_dtype == torch.uint8:
        out = out.clamp(0, 255)
    if data_format == "channels_last":
        out = out.permute(0, 2, 3, 1)
    if single:
        out = out.squeeze(0)
    if out.dtype != out_dtype:
        if not (out_dtype.is_floating_point or out_dtype.is_complex):
            out = torch.round(out)
        out = out.to(out_dtype)
    return out


def _resolve(first, second, target, extent, names):
    given = [first, second, target]
    if given.count(None) != 1:
        raise ValueError(
            f"Must specify exactly two of {', '.join(names)}. "
            f"Received: {names[0]}={first}, {names[1]}={second}, {names[2]}={target}"
        )
    for value, name in zip(given, names):
        if value is not None and value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    return given


def _spatial_axes(images, data_format):
    batch = images.ndim == 4
    if standardize_data_format(data_format) == "channels_last":
        return (1, 2) if batch else (0, 1)
    return (2, 3) if batch else (1, 2)


@symbolic_op
def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None, right_padding=None,
               target_height=None, target_width=None, data_format=None):
    """Pad images with zeros to a target size; give two of (top, bottom, height) and of (left, right, width).

    Returns:
        The padded images.
    """
    images = _images(images)
    h_axis, w_axis = _spatial_axes(images, data_format)
    height, width = images.shape[h_axis], images.shape[w_axis]
    top, bottom, target_height = _resolve(top_padding, bottom_padding, target_height, height,
                                          ("top_padding", "bottom_padding", "target_height"))
    left, right, target_width = _resolve(left_padding, right_padding, target_width, width,
                                         ("left_padding", "right_padding", "target_width"))
    top = target_height - bottom - height if top is None else top
    bottom = target_height - top - height if bottom is None else bottom
    left = target_width - right - width if left is None else left
    right = target_width - left - width if right is None else right
    for value, name in ((top, "top_padding"), (bottom, "bottom_padding"), (left, "left_padding"),
                        (right, "right_padding")):
        if value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    widths = [0, 0] * images.ndim
    widths[2 * (images.ndim - 1 - h_axis) : 2 * (images.ndim - 1 - h_axis) + 2] = [top, bottom]
    widths[2 * (images.ndim - 1 - w_axis) : 2 * (images.ndim - 1 - w_axis) + 2] = [left, right]
    return F.pad(images, widths)


@symbolic_op
def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None, right_cropping=None,
                target_height=None, target_width=None, data_format=None):
    """Crop images to a target size; give two of (top, bottom, height) and of (left, right, width).

    Returns:
        The cropped images.
    """
    images = _images(images)
    h_axis, w_axis = _spatial_axes(images, data_format)
    height, width = images.shape[h_axis], images.shape[w_axis]
    top, bottom, target_height = _resolve(top_cropping, bottom_cropping, target_height, height,
                                          ("top_cropping", "bottom_cropping", "target_height"))
    left, right, target_width = _resolve(left_cropping, right_cropping, target_width, width,
                                         ("left_cropping", "right_cropping", "target_width"))
    top = height - target_height - bottom if top is None else top
    target_height = height - bottom - top if target_height is None else target_height
    left = width - target_width - right if left is None else left
    target_width = width - right - left if target_width is None else target_width
    for value, name in ((top, "top_cropping"), (target_height, "target_height"), (left, "left_cropping"),
                        (target_width, "target_width")):
        if value < 0:
            raise ValueError(f"{name} must be >= 0. Received: {name}={value}")
    return images.narrow(h_axis, top, target_height).narrow(w_axis, left, target_width)


__all__ = ["crop_images", "hsv_to_rgb", "pad_images", "resize", "rgb_to_grayscale", "rgb_to_hsv"]

# Geometric, filtering and resampling ops (issue 5 coverage), defined in their own modules.
from kerasbridge.ops.image_filters import elastic_transform, gaussian_blur, sobel_edges, ssim  # noqa: E402
from kerasbridge.ops.image_resampling import extract_patches, extract_patches_3d, scale_and_translate  # noqa: E402
from kerasbridge.ops.image_transforms import affine_transform, map_coordinates, perspective_transform  # noqa: E402

__all__ += [
    "affine_transform", "elastic_transform", "extract_patches", "extract_patches_3d", "gaussian_blur",
    "map_coordinates", "perspective_transform", "scale_and_translate", "sobel_edges", "ssim",
]

"""Image files and arrays: `array_to_img`, `img_to_array`, `load_img`, `save_img` (they need Pillow)."""

from __future__ import annotations

import io
import pathlib
import warnings

import numpy as np

_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "hamming", "box", "lanczos")


def _pil(function_name: str):
    try:
        from PIL import Image
    except ImportError as error:
        raise ImportError(f"Could not import PIL.Image. The use of `{function_name}` requires PIL.") from error
    return Image


def _data_format(data_format):
    from kerasbridge.backend.config import standardize_data_format

    return standardize_data_format(data_format)


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """Convert a rank-3 array (one image) to a PIL image.

    Args:
        x: Array of shape `(height, width, channels)` (or channels first) with 1, 3 or 4 channels.
        data_format: `"channels_last"` or `"channels_first"`; the global setting when `None`.
        scale: Rescale values so the minimum maps to 0 and the maximum to 255.
        dtype: The dtype `x` is converted to first; `floatx()` when `None`.

    Returns:
        A PIL image in mode `"L"`, `"I"` (grayscale above 255), `"RGB"` or `"RGBA"`.
    """
    from kerasbridge.backend.config import floatx

    data_format = _data_format(data_format)
    image = _pil("array_to_img")
    x = np.asarray(x, dtype=dtype or floatx())
    if x.ndim != 3:
        raise ValueError(f"Expected image array to have rank 3 (single image). Got array with shape: {x.shape}")
    if data_format == "channels_first":
        x = x.transpose(1, 2, 0)
    if scale:
        x = x - np.min(x)
        peak = np.max(x)
        if peak != 0:
            x /= peak
        x *= 255
    channels = x.shape[2]
    if channels == 4:
        return image.fromarray(x.astype("uint8"), "RGBA")
    if channels == 3:
        return image.fromarray(x.astype("uint8"), "RGB")
    if channels == 1:
        if np.max(x) > 255:
            return image.fromarray(x[:, :, 0].astype("int32"), "I")
        return image.fromarray(x[:, :, 0].astype("uint8"), "L")
    raise ValueError(f"Unsupported channel number: {channels}")


def img_to_array(img, data_format=None, dtype=None):
    """Convert a PIL image to a rank-3 array (`(h, w, c)`, or `(c, h, w)` for channels first).

    Args:
        img: A PIL image.
        data_format: `"channels_last"` or `"channels_first"`; the global setting when `None`.
        dtype: Output dtype; `floatx()` when `None`.
    """
    from kerasbridge.backend.config import floatx

    data_format = _data_format(data_format)
    x = np.asarray(img, dtype=dtype or floatx())
    if x.ndim == 3:
        return x.transpose(2, 0, 1) if data_format == "channels_first" else x
    if x.ndim == 2:
        return x.reshape((1, *x.shape)) if data_format == "channels_first" else x.reshape((*x.shape, 1))
    raise ValueError(f"Unsupported image shape: {x.shape}")


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs):
    """Write an image array to a file; the format comes from the file suffix unless given.

    Args:
        path: A path or a writable file object.
        x: The image array.
        data_format: `"channels_last"` or `"channels_first"`.
        file_format: Format name for Pillow (`"png"`, `"jpeg"`, ...); `"jpg"` means `"jpeg"`.
        scale: Rescale values to `[0, 255]`.
        **kwargs: Passed to `PIL.Image.save`.
    """
    data_format = _data_format(data_format)
    if file_format is None and isinstance(path, (str, pathlib.Path)):
        file_format = pathlib.Path(path).suffix[1:].lower()
    if file_format and file_format.lower() == "jpg":
        file_format = "jpeg"
    img = array_to_img(x, data_format=data_format, scale=scale)
    if img.mode == "RGBA" and file_format == "jpeg":
        warnings.warn("The JPEG format does not support RGBA images, converting to RGB.", stacklevel=2)
        img = img.convert("RGB")
    img.save(path, format=file_format, **kwargs)


def _crop_box(size, target):
    width, height = size
    target_width, target_height = target
    crop_height = min(height, (width * target_height) // target_width)
    crop_width = min(width, (height * target_width) // target_height)
    top, left = (height - crop_height) // 2, (width - crop_width) // 2
    return [left, top, left + crop_width, top + crop_height]


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", keep_aspect_ratio=False):
    """Load an image file into a PIL image.

    Args:
        path: A path (str, bytes, `pathlib.Path`) or an `io.BytesIO`.
        color_mode: `"grayscale"`, `"rgb"` or `"rgba"`.
        target_size: `(height, width)` to resize to, or `None` to keep the size.
        interpolation: One of `"nearest"`, `"bilinear"`, `"bicubic"`, `"hamming"`, `"box"`, `"lanczos"`.
        keep_aspect_ratio: Crop the centre to the target aspect ratio before resizing.

    Returns:
        A PIL image.
    """
    image = _pil("load_img")
    if isinstance(path, io.BytesIO):
        img = image.open(path)
    elif isinstance(path, (pathlib.Path, bytes, str)):
        if isinstance(path, pathlib.Path):
            path = str(path.resolve())
        with open(path, "rb") as stream:
            img = image.open(io.BytesIO(stream.read()))
    else:
        raise TypeError(f"path should be path-like or io.BytesIO, not {type(path)}")
    if color_mode == "grayscale":
        if img.mode not in ("L", "I;16", "I"):
            img = img.convert("L")
    elif color_mode == "rgba":
        if img.mode != "RGBA":
            img = img.convert("RGBA")
    elif color_mode == "rgb":
        if img.mode != "RGB":
            img = img.convert("RGB")
    else:
        raise ValueError('color_mode must be "grayscale", "rgb", or "rgba"')
    if target_size is not None:
        size = (target_size[1], target_size[0])
        if img.size != size:
            if interpolation not in _INTERPOLATIONS:
                raise ValueError(f"Invalid interpolation method {interpolation} specified. Supported methods are "
                                 f"{', '.join(_INTERPOLATIONS)}")
            resample = getattr(image.Resampling, interpolation.upper())
            box = _crop_box(img.size, size) if keep_aspect_ratio else None
            img = img.resize(size, resample, box=box)
    return img


"""Affine image warping with Keras's torch-backend semantics (`keras.ops.image.affine_transform`).

A transform `[a0, a1, a2, b0, b1, b2, c0, c1]` maps an output pixel `(x, y)` to the
input point `(a0 x + a1 y + a2, b0 x + b1 y + b2)` (no projective part is used by the
layers here). Points are sampled with nearest or bilinear interpolation; points
outside the image follow `fill_mode`: `"constant"` (use `fill_value`), `"nearest"`,
`"wrap"`, `"mirror"` or `"reflect"`, as `scipy.ndimage.map_coordinates`.
"""

from __future__ import annotations

import math

import torch

FILL_MODES = ("reflect", "wrap", "constant", "nearest")
INTERPOLATIONS = ("nearest", "bilinear")


def _mirror(index, size):
    period = size - 1
    if period == 0:
        return torch.zeros_like(index)
    return torch.abs((index + period) % (2 * period) - period)


def _fix_index(index, size, fill_mode):
    if fill_mode in ("constant", "nearest"):
        return torch.clamp(index, 0, size - 1)
    if fill_mode == "wrap":
        return index % size
    if fill_mode == "mirror":
        return _mirror(index, size)
    return torch.div(_mirror(2 * index + 1, 2 * size + 1) - 1, 2, rounding_mode="floor")


def _nodes(coordinate, interpolation):
    """(index, weight) pairs sampling `coordinate` along one axis."""
    if interpolation == "nearest":
        return [(torch.round(coordinate).to(torch.int32), None)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    index = lower.to(torch.int32)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0.0,
                     data_format="channels_last"):
    """Warp a batch of images `(B, H, W, C)` (or `(B, C, H, W)`) with one transform per image `(B, 8)`."""
    if images.shape[0] == 0:
        return images
    if data_format == "channels_first":
        images = images.permute(0, 2, 3, 1)
    batch, height, width, _ = images.shape
    transform = transform.to(images.dtype if images.is_floating_point() else torch.float32)
    rows = torch.arange(height, dtype=transform.dtype, device=images.device).view(1, height, 1)
    cols = torch.arange(width, dtype=transform.dtype, device=images.device).view(1, 1, width)
    t = transform.view(batch, 8, 1, 1)
    # Keras multiplies the (row, col) grid by the transform with rows/cols swapped, then adds the offset.
    src_y = rows * t[:, 4] + cols * t[:, 3] + t[:, 5]
    src_x = rows * t[:, 1] + cols * t[:, 0] + t[:, 2]
    batch_index = torch.arange(batch, device=images.device).view(batch, 1, 1)
    output = None
    for y_index, y_weight in _nodes(src_y, interpolation):
        for x_index, x_weight in _nodes(src_x, interpolation):
            values = images[batch_index, _fix_index(y_index, height, fill_mode),
                            _fix_index(x_index, width, fill_mode)]
            if fill_mode == "constant":
                valid = (y_index >= 0) & (y_index < height) & (x_index >= 0) & (x_index < width)
                values = torch.where(valid.unsqueeze(-1), values, torch.as_tensor(fill_value, dtype=values.dtype))
            if y_weight is not None:
                values = (y_weight * x_weight).unsqueeze(-1) * values
            output = values if output is None else output + values
    if not images.is_floating_point():
        output = torch.round(output).to(images.dtype) if output.is_floating_point() else output.to(images.dtype)
    if data_format == "channels_first":
        output = output.permute(0, 3, 1, 2)
    return output


def rotation_matrix(angles_degrees, height, width):
    """Transforms rotating images by `angles_degrees` (B,) about their centre (Keras's affine matrix)."""
    angle = angles_degrees * torch.as_tensor(math.pi / 180.0, dtype=angles_degrees.dtype)
    cx = 0.5 * (width - 1)
    cy = 0.5 * (height - 1)
    cos, sin = torch.cos(angle), torch.sin(angle)
    a0, a1 = cos, -sin
    b0, b1 = sin, cos
    a2 = cx - cx * a0 - cy * a1
    b2 = cy - cx * b0 - cy * b1
    zeros = torch.zeros_like(angle)
    return torch.stack([a0, a1, a2, b0, b1, b2, zeros, zeros], dim=1)

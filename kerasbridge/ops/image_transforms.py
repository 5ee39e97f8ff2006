"""Geometric image ops of `keras.ops.image`: coordinate sampling, affine and perspective warps.

All warps sample the input at fractional coordinates with `map_coordinates` (nearest or linear
interpolation, several ways of filling points that fall outside the image), the way Keras's
torch backend does, so that values agree to float rounding.
"""

from __future__ import annotations

import itertools

import torch

from kerasbridge.backend.config import standardize_data_format
from kerasbridge.ops._utils import dname, is_int_or_bool, result_type, tensor, torch_dtype
from kerasbridge.ops.operation import symbolic_op

INTERPOLATION_ORDERS = {"nearest": 0, "bilinear": 1}
FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _mirror_index(index, size):
    half_period = size - 1
    return torch.abs((index + half_period) % (2 * half_period) - half_period)


def _reflect_index(index, size):
    return torch.floor_divide(_mirror_index(2 * index + 1, 2 * size + 1) - 1, 2)


def _fix_index(index, size, fill_mode):
    """Map out-of-range integer indices back into `[0, size)` following `fill_mode`."""
    if fill_mode in ("constant", "nearest"):
        return torch.clip(index, 0, size - 1)
    if fill_mode == "wrap":
        return index % size
    if fill_mode == "mirror":
        return _mirror_index(index, size)
    return _reflect_index(index, size)


def _sample_nodes(coordinate, order):
    """The (integer index, weight) pairs that interpolate at `coordinate` along one axis."""
    if order == 0:
        rounded = coordinate if is_int_or_bool(coordinate) else torch.round(coordinate)
        return [(rounded.to(torch.int32), 1)]
    lower = torch.floor(coordinate)
    upper_weight = coordinate - lower
    index = lower.to(torch.int32)
    return [(index, 1 - upper_weight), (index + 1, upper_weight)]


def _check_interpolation(interpolation):
    if interpolation not in INTERPOLATION_ORDERS:
        raise ValueError(
            f"Invalid value for argument `interpolation`. Expected of one {set(INTERPOLATION_ORDERS)}. "
            f"Received: interpolation={interpolation}"
        )


def _check_fill_mode(fill_mode):
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"Invalid value for argument `fill_mode`. Expected of one {FILL_MODES}. Received: fill_mode={fill_mode}"
        )


def _check_images(images):
    if images.ndim not in (3, 4):
        raise ValueError(
            "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
            f"Received input with shape: images.shape={tuple(images.shape)}"
        )


@symbolic_op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0):
    """Sample `inputs` at the given coordinates, with spline interpolation of order 0 or 1.

    Args:
        inputs: The array to sample, of rank N.
        coordinates: N coordinate arrays of one common shape (a sequence or an array whose first
            axis has size N); output point `i` samples `inputs` at `coordinates[:, i]`.
        order: `0` (nearest neighbour) or `1` (linear).
        fill_mode: How to treat points outside the input: `"constant"` (use `fill_value`),
            `"nearest"`, `"wrap"`, `"mirror"` or `"reflect"`.
        fill_value: The value of outside points when `fill_mode="constant"`.

    Returns:
        The sampled values, with the shape of one coordinate array and the dtype of `inputs`.
    """
    source = tensor(inputs)
    axes = [tensor(c) for c in coordinates]
    if len(axes) != source.ndim:
        raise ValueError(
            "First dim of `coordinates` must be the same as the rank of `inputs`. "
            f"Received inputs with shape: {tuple(source.shape)} and coordinate leading dim of {len(axes)}"
        )
    if axes[0].ndim < 1:
        raise ValueError(
            "Invalid coordinates rank: expected at least rank 2. "
            f"Received input with shape: {(len(axes),) + tuple(axes[0].shape)}"
        )
    if fill_mode not in FILL_MODES:
        raise ValueError(
            f"Invalid value for argument `fill_mode`. Expected one of {set(FILL_MODES)}. Received: fill_mode={fill_mode}"
        )
    if order not in (0, 1):
        raise ValueError(f"`map_coordinates` supports `order` 0 or 1 only. Received: order={order}")
    if isinstance(fill_value, (int, float)) and is_int_or_bool(source):
        fill_value = int(fill_value)
    per_axis = []
    for coordinate, size in zip(axes, source.shape):
        nodes = []
        for index, weight in _sample_nodes(coordinate, order):
            inside = ((index >= 0) & (index < size)) if fill_mode == "constant" else None
            nodes.append((_fix_index(index, size, fill_mode), inside, weight))
        per_axis.append(nodes)
    total = None
    for combination in itertools.product(*per_axis):
        indices = tuple(node[0] for node in combination)
        values = source[indices]
        masks = [node[1] for node in combination if node[1] is not None]
        if masks:
            inside = masks[0]
            for mask in masks[1:]:
                inside = inside & mask
            values = torch.where(inside, values, fill_value)
        weight = combination[0][2]
        for node in combination[1:]:
            weight = weight * node[2]
        term = weight * values
        total = term if total is None else total + term
    if is_int_or_bool(source) and not is_int_or_bool(total):
        total = torch.round(total)
    return total.to(source.dtype)


@symbolic_op
def affine_transform(images, transform, interpolation="bilinear", fill_mode="constant", fill_value=0,
                     data_format=None):
    """Warp images with projective transforms `[a0, a1, a2, b0, b1, b2, c0, c1]` (affine when c = 0).

    Output point `(x, y)` samples the input at `(a0 x + a1 y + a2, b0 x + b1 y + b2)`, the
    convention of Keras; as in Keras's torch backend the projective denominator
    `c0 x + c1 y + 1` is not applied.

    Args:
        images: Images of rank 3 or 4.
        transform: One transform of 8 values, or a batch of them `(batch, 8)`.
        interpolation: `"nearest"` or `"bilinear"`.
        fill_mode: `"constant"`, `"nearest"`, `"wrap"`, `"mirror"` or `"reflect"`.
        fill_value: The value of points outside the image when `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The transformed images, with the shape and dtype of `images`.
    """
    data_format = standardize_data_format(data_format)
    _check_interpolation(interpolation)
    _check_fill_mode(fill_mode)
    images = tensor(images)
    transform = tensor(transform)
    _check_images(images)
    if transform.ndim not in (1, 2):
        raise ValueError(
            "Invalid transform rank: expected rank 1 (single transform) or rank 2 (batch of transforms). "
            f"Received input with shape: transform.shape={tuple(transform.shape)}"
        )
    single = images.ndim == 3
    batch = images.unsqueeze(0) if single else images
    transform = transform.unsqueeze(0) if transform.ndim == 1 else transform
    if transform.shape[0] != batch.shape[0]:
        raise ValueError(
            "Expected one transform per image: got "
            f"{transform.shape[0]} transforms for {batch.shape[0]} images (transform.shape={tuple(transform.shape)})"
        )
    if data_format == "channels_first":
        batch = batch.permute(0, 2, 3, 1)
    grids = torch.meshgrid(
        *[torch.arange(size, dtype=transform.dtype, device=transform.device) for size in batch.shape[1:]],
        indexing="ij",
    )
    points = torch.stack(grids, dim=-1)  # (h, w, c, 3): row, column, channel
    # Per image, a 3x3 matrix mapping (row, column, channel) to input (row, column, channel).
    count = transform.shape[0]
    zero = torch.zeros(count, dtype=transform.dtype, device=transform.device)
    one = torch.ones_like(zero)
    matrix = torch.stack(
        [
            torch.stack([transform[:, 4], transform[:, 1], zero], dim=-1),
            torch.stack([transform[:, 3], transform[:, 0], zero], dim=-1),
            torch.stack([transform[:, 6], transform[:, 7], one], dim=-1),
        ],
        dim=1,
    )
    offset = torch.stack([transform[:, 5], transform[:, 2], zero], dim=-1)
    coordinates = torch.einsum("hwcj,bjk->bhwck", points, matrix)
    coordinates = torch.moveaxis(coordinates, -1, 1) + offset.reshape(count, 3, 1, 1, 1)
    order = INTERPOLATION_ORDERS[interpolation]
    warped = torch.stack(
        [
            map_coordinates._eager(batch[i], coordinates[i], order, fill_mode=fill_mode, fill_value=fill_value)
            for i in range(batch.shape[0])
        ]
    )
    if data_format == "channels_first":
        warped = warped.permute(0, 3, 1, 2)
    return warped.squeeze(0) if single else warped


@symbolic_op
def compute_homography_matrix(start_points, end_points):
    """The 8 perspective coefficients mapping `end_points` back onto `start_points`.

    Args:
        start_points: Corners `(batch, 4, 2)` as `(x, y)` in the input image.
        end_points: The corresponding corners `(batch, 4, 2)` in the output image.

    Returns:
        `(batch, 8)` coefficients `[a0, a1, a2, a3, a4, a5, a6, a7]`.
    """
    start_points = tensor(start_points)
    end_points = tensor(end_points)
    dtype = result_type(dname(start_points), dname(end_points), float)
    solve_dtype = torch_dtype(result_type(dtype, "float32"))
    start_points = start_points.to(torch_dtype(dtype))
    end_points = end_points.to(torch_dtype(dtype))
    rows = []
    targets = []
    for corner in range(4):
        sx, sy = start_points[:, corner, 0], start_points[:, corner, 1]
        ex, ey = end_points[:, corner, 0], end_points[:, corner, 1]
        zero, one = torch.zeros_like(ex), torch.ones_like(ex)
        rows.append(torch.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], dim=-1))
        rows.append(torch.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], dim=-1))
        targets.extend([sx, sy])
    system = torch.stack(rows, dim=1).to(solve_dtype)
    target = torch.stack(targets, dim=-1).unsqueeze(-1).to(solve_dtype)
    return torch.linalg.solve(system, target).reshape(-1, 8).to(torch_dtype(dtype))


@symbolic_op
def perspective_transform(images, start_points, end_points, interpolation="bilinear", fill_value=0,
                          data_format=None):
    """Warp images so that the quadrilateral `start_points` lands on `end_points`.

    Args:
        images: Images of rank 3 or 4.
        start_points: Corners `(4, 2)` or `(batch, 4, 2)`, as `(x, y)`, in the input image.
        end_points: Where those corners go in the output, same shape as `start_points`.
        interpolation: `"nearest"` or `"bilinear"`.
        fill_value: The value of points that come from outside the input image.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The transformed images, with the shape and dtype of `images`.
    """
    data_format = standardize_data_format(data_format)
    images = tensor(images)
    dtype = images.dtype
    start_points = tensor(start_points, dname(images))
    end_points = tensor(end_points, dname(images))
    _check_interpolation(interpolation)
    _check_images(images)
    for points, name in ((start_points, "start_points"), (end_points, "end_points")):
        if tuple(points.shape[-2:]) != (4, 2) or points.ndim not in (2, 3):
            raise ValueError(
                f"Invalid {name} shape: expected (4,2) for a single image or (N,4,2) for a batch. "
                f"Received shape: {tuple(points.shape)}"
            )
    if start_points.shape != end_points.shape:
        raise ValueError(
            "start_points and end_points must have the same shape. "
            f"Received start_points.shape={tuple(start_points.shape)}, end_points.shape={tuple(end_points.shape)}"
        )
    single = images.ndim == 3
    batch = images.unsqueeze(0) if single else images
    if start_points.ndim == 2:
        start_points, end_points = start_points.unsqueeze(0), end_points.unsqueeze(0)
    if data_format == "channels_first":
        batch = batch.permute(0, 2, 3, 1)
    count, height, width, channels = batch.shape
    coefficients = compute_homography_matrix._eager(start_points, end_points)
    if coefficients.shape[0] == 1 and count > 1:
        coefficients = coefficients.repeat(count, 1)
    grid_x, grid_y = torch.meshgrid(
        torch.arange(width, dtype=dtype, device=batch.device),
        torch.arange(height, dtype=dtype, device=batch.device),
        indexing="xy",
    )
    order = INTERPOLATION_ORDERS[interpolation]
    warped = []
    for i in range(count):
        a0, a1, a2, a3, a4, a5, a6, a7 = coefficients[i]
        denominator = a6 * grid_x + a7 * grid_y + 1.0
        source_x = (a0 * grid_x + a1 * grid_y + a2) / denominator
        source_y = (a3 * grid_x + a4 * grid_y + a5) / denominator
        points = torch.stack([source_y.flatten(), source_x.flatten()], dim=0)
        planes = [
            map_coordinates._eager(batch[i, :, :, c], points, order, fill_mode="constant", fill_value=fill_value)
            .reshape(height, width)
            for c in range(channels)
        ]
        warped.append(torch.stack(planes, dim=-1).to(dtype))
    output = torch.stack(warped)
    if data_format == "channels_first":
        output = output.permute(0, 3, 1, 2)
    return output.squeeze(0) if single else output


__all__ = ["affine_transform", "map_coordinates", "perspective_transform"]

"""Unit tests of the geometric, filtering and resampling ops of `kerasbridge.ops.image`."""

import numpy as np
import pytest
import torch

from kerasbridge.ops import image
from kerasbridge.ops.keras_tensor import KerasTensor

rng = np.random.default_rng(0)
IMAGES = torch.tensor(rng.uniform(0, 1, size=(2, 6, 5, 3)).astype("float32"))
IDENTITY = torch.tensor([[1, 0, 0, 0, 1, 0, 0, 0]] * 2, dtype=torch.float32)


def test_identity_affine_transform_returns_the_images():
    for interpolation in ("nearest", "bilinear"):
        out = image.affine_transform(IMAGES, IDENTITY, interpolation=interpolation)
        torch.testing.assert_close(out, IMAGES)


def test_affine_translation_shifts_rows_and_fills_constant():
    shift_down = torch.tensor([[1, 0, 0, 0, 1, -1, 0, 0]] * 2, dtype=torch.float32)
    out = image.affine_transform(IMAGES, shift_down, fill_value=-2.0)
    torch.testing.assert_close(out[:, 1:], IMAGES[:, :-1])
    assert torch.all(out[:, 0] == -2.0)
    with pytest.raises(ValueError, match="one transform per image"):
        image.affine_transform(IMAGES, shift_down[:1])


def test_map_coordinates_at_integer_points_reads_values_and_fills_outside():
    values = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    coordinates = torch.tensor([[0.0, 2.0, 5.0], [1.0, 3.0, 0.0]])
    out = image.map_coordinates(values, coordinates, order=1, fill_value=-1.0)
    torch.testing.assert_close(out, torch.tensor([1.0, 11.0, -1.0]))
    wrapped = image.map_coordinates(values, coordinates, order=0, fill_mode="wrap")
    assert wrapped[2] == values[5 % 3, 0]


def test_map_coordinates_rejects_wrong_coordinate_count_and_order():
    with pytest.raises(ValueError, match="rank of `inputs`"):
        image.map_coordinates(torch.zeros(3, 4), torch.zeros(3, 2), order=1)
    with pytest.raises(ValueError, match="order"):
        image.map_coordinates(torch.zeros(3, 4), torch.zeros(2, 2), order=3)


def test_perspective_transform_with_equal_corners_is_identity():
    corners = torch.tensor([[0, 0], [4, 0], [0, 5], [4, 5]], dtype=torch.float32)
    out = image.perspective_transform(IMAGES, corners, corners)
    torch.testing.assert_close(out, IMAGES, atol=1e-4, rtol=1e-4)


def test_gaussian_blur_keeps_a_constant_image_inside_and_the_shape():
    constant = torch.full((1, 7, 7, 2), 3.0)
    out = image.gaussian_blur(constant, kernel_size=(3, 3), sigma=(1.0, 1.0))
    assert out.shape == constant.shape
    torch.testing.assert_close(out[:, 1:-1, 1:-1], constant[:, 1:-1, 1:-1])


def test_sobel_edges_of_a_horizontal_ramp():
    ramp = torch.arange(5, dtype=torch.float32).repeat(5, 1).reshape(1, 5, 5, 1)
    edges = image.sobel_edges(ramp)
    assert edges.shape == (1, 5, 5, 1, 2)
    assert torch.all(edges[0, 1:-1, 1:-1, 0, 1] == 8.0)
    assert torch.all(edges[0, 1:-1, 1:-1, 0, 0] == 0.0)


def test_ssim_of_identical_images_is_one():
    out = image.ssim(IMAGES, IMAGES, filter_size=3)
    assert out.shape == (2,)
    torch.testing.assert_close(out, torch.ones(2))


def test_elastic_transform_with_zero_alpha_returns_the_images():
    out = image.elastic_transform(IMAGES, alpha=0.0, sigma=1.0)
    torch.testing.assert_close(out, IMAGES)


def test_scale_and_translate_with_unit_scale_is_identity():
    out = image.scale_and_translate(IMAGES, IMAGES.shape, torch.ones(2), torch.zeros(2), (1, 2), "linear")
    torch.testing.assert_close(out, IMAGES)
    with pytest.raises(ValueError, match="method"):
        image.scale_and_translate(IMAGES, IMAGES.shape, torch.ones(2), torch.zeros(2), (1, 2), "area")


def test_extract_patches_gathers_windows_into_channels():
    patches = image.extract_patches(IMAGES, (2, 2))
    assert patches.shape == (2, 3, 2, 12)
    torch.testing.assert_close(patches[0, 0, 0, :3], IMAGES[0, 0, 0])
    torch.testing.assert_close(patches[0, 0, 0, 3:6], IMAGES[0, 0, 1])
    volumes = torch.randn(1, 4, 4, 4, 2)
    assert image.extract_patches_3d(volumes, 2).shape == (1, 2, 2, 2, 16)
    with pytest.raises(ValueError, match="length 2 or 3"):
        image.extract_patches(IMAGES, (1, 2, 3, 4))


def test_symbolic_calls_infer_shapes():
    images = KerasTensor((None, 6, 5, 3))
    assert tuple(image.gaussian_blur(images).shape) == (None, 6, 5, 3)
    assert tuple(image.sobel_edges(images).shape) == (None, 6, 5, 3, 2)

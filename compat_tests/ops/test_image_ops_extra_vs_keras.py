"""Differential tests: the geometric, filtering and resampling ops of `kerasbridge.ops.image`.

Each case calls `keras.ops.image.<name>` and `kerasbridge.ops.image.<name>` on the same numpy
inputs and compares dtypes, shapes and values (float32 atol 1e-5).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

rng = np.random.default_rng(7)
IMAGES = rng.uniform(0, 1, size=(2, 9, 8, 3)).astype("float32")
IMAGES_CF = np.ascontiguousarray(IMAGES.transpose(0, 3, 1, 2))
IMAGE = IMAGES[0]
UINT8_IMAGES = rng.integers(0, 256, size=(2, 6, 7, 2)).astype("uint8")
VOLUMES = rng.standard_normal((2, 6, 6, 4, 2)).astype("float32")
ROTATE_AND_SHIFT = np.array([[0.9, -0.3, 1.5, 0.3, 0.9, -0.7, 0.0, 0.0],
                             [1.2, 0.1, -0.4, -0.2, 0.8, 0.6, 0.0, 0.0]], dtype="float32")
START = np.array([[0, 0], [7, 0], [0, 8], [7, 8]], dtype="float32")
END = np.array([[1, 0.5], [6.5, 0], [0, 7], [7, 8.5]], dtype="float32")


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def assert_same(expected, actual, atol=1e-5):
    expected, actual = to_numpy(expected), to_numpy(actual)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual.astype("float64"), expected.astype("float64"), atol=atol, rtol=1e-5)


def compare(name, *args, atol=1e-5, **kwargs):
    expected = getattr(keras.ops.image, name)(*args, **kwargs)
    actual = getattr(kerasbridge.ops.image, name)(*args, **kwargs)
    assert_same(expected, actual, atol=atol)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_affine_transform(interpolation, fill_mode):
    compare("affine_transform", IMAGES, ROTATE_AND_SHIFT, interpolation=interpolation, fill_mode=fill_mode,
            fill_value=0.25, data_format="channels_last")


def test_affine_transform_single_image_channels_first_and_uint8():
    compare("affine_transform", IMAGES_CF, ROTATE_AND_SHIFT, data_format="channels_first")
    compare("affine_transform", IMAGE, ROTATE_AND_SHIFT[0], data_format="channels_last")
    compare("affine_transform", UINT8_IMAGES, ROTATE_AND_SHIFT, fill_value=7, data_format="channels_last")


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "mirror", "reflect"])
def test_map_coordinates(order, fill_mode):
    inputs = rng.standard_normal((5, 6)).astype("float32")
    coordinates = rng.uniform(-3, 8, size=(2, 4, 3)).astype("float32")
    compare("map_coordinates", inputs, coordinates, order, fill_mode=fill_mode, fill_value=-1.0)


def test_map_coordinates_integer_inputs():
    inputs = rng.integers(0, 50, size=(4, 5, 3)).astype("int32")
    coordinates = rng.uniform(-1, 5, size=(3, 7)).astype("float32")
    compare("map_coordinates", inputs, coordinates, 1, fill_mode="constant", fill_value=3)


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
def test_perspective_transform(interpolation):
    compare("perspective_transform", IMAGES, START, END, interpolation=interpolation, fill_value=0.5,
            data_format="channels_last", atol=1e-4)
    compare("perspective_transform", IMAGE, START, END, interpolation=interpolation, data_format="channels_last",
            atol=1e-4)


def test_perspective_transform_channels_first_batched_points():
    compare("perspective_transform", IMAGES_CF, np.stack([START, END]), np.stack([END, START]),
            data_format="channels_first", atol=1e-4)


@pytest.mark.parametrize(
    "kernel_size,sigma,data_format",
    [((3, 3), (1.0, 1.0), "channels_last"), ((5, 5), (1.5, 0.7), "channels_last"), ((3, 3), (2.0, 2.0), "channels_first")],
)
def test_gaussian_blur(kernel_size, sigma, data_format):
    images = IMAGES if data_format == "channels_last" else IMAGES_CF
    compare("gaussian_blur", images, kernel_size=kernel_size, sigma=sigma, data_format=data_format)
    compare("gaussian_blur", images[0], kernel_size=kernel_size, sigma=sigma, data_format=data_format)


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_sobel_edges(data_format):
    images = IMAGES if data_format == "channels_last" else IMAGES_CF
    compare("sobel_edges", images, data_format=data_format)


def test_ssim():
    noisy = (IMAGES + 0.1 * rng.standard_normal(IMAGES.shape)).astype("float32")
    compare("ssim", IMAGES, noisy, max_val=1.0, filter_size=5)
    compare("ssim", IMAGES[0], noisy[0], filter_size=3, filter_sigma=0.8, k1=0.02, k2=0.05)
    compare("ssim", IMAGES_CF, np.ascontiguousarray(noisy.transpose(0, 3, 1, 2)), filter_size=5,
            data_format="channels_first")


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("fill_mode,interpolation", [("reflect", "bilinear"), ("constant", "nearest")])
def test_elastic_transform(data_format, fill_mode, interpolation):
    images = IMAGES if data_format == "channels_last" else IMAGES_CF
    kwargs = dict(alpha=3.0, sigma=1.0, fill_mode=fill_mode, interpolation=interpolation, data_format=data_format)
    torch.manual_seed(11)
    expected = keras.ops.image.elastic_transform(images, **kwargs)
    torch.manual_seed(11)
    actual = kerasbridge.ops.image.elastic_transform(images, **kwargs)
    assert_same(expected, actual, atol=1e-4)


@pytest.mark.parametrize("method", ["linear", "bicubic", "lanczos3", "lanczos5"])
@pytest.mark.parametrize("antialias", [True, False])
def test_scale_and_translate(method, antialias):
    scale = np.array([0.6, 1.7], dtype="float32")
    translation = np.array([0.5, -1.0], dtype="float32")
    compare("scale_and_translate", IMAGES, (2, 5, 13, 3), scale, translation, (1, 2), method, antialias=antialias)


def test_scale_and_translate_integer_images():
    compare("scale_and_translate", UINT8_IMAGES, (2, 9, 4, 2), np.array([1.5, 0.6], "float32"),
            np.array([0.0, 0.3], "float32"), (1, 2), "bilinear")


@pytest.mark.parametrize(
    "size,strides,dilation_rate,padding",
    [(3, None, 1, "valid"), ((2, 3), (1, 2), 1, "same"), ((2, 2), 1, 2, "valid"), (4, 2, 1, "same")],
)
def test_extract_patches(size, strides, dilation_rate, padding):
    compare("extract_patches", IMAGES, size, strides=strides, dilation_rate=dilation_rate, padding=padding,
            data_format="channels_last")
    compare("extract_patches", IMAGE, size, strides=strides, dilation_rate=dilation_rate, padding=padding,
            data_format="channels_last")


def test_extract_patches_channels_first():
    compare("extract_patches", IMAGES_CF, (3, 2), strides=(2, 1), data_format="channels_first")


@pytest.mark.parametrize("size,strides,padding", [(2, None, "valid"), ((3, 2, 2), 1, "same"), ((2, 3, 1), (2, 1, 1), "valid")])
def test_extract_patches_3d(size, strides, padding):
    compare("extract_patches_3d", VOLUMES, size, strides=strides, padding=padding, data_format="channels_last")
    compare("extract_patches_3d", VOLUMES[0], size, strides=strides, padding=padding, data_format="channels_last")
    compare("extract_patches", VOLUMES, (2, 2, 2), data_format="channels_last")


def test_symbolic_shapes_match():
    names_and_args = [
        ("affine_transform", (ROTATE_AND_SHIFT,), {}),
        ("gaussian_blur", (), {}),
        ("sobel_edges", (), {}),
        ("extract_patches", (3,), {}),
    ]
    for name, args, kwargs in names_and_args:
        expected = getattr(keras.ops.image, name)(keras.KerasTensor((2, 9, 8, 3)), *args, **kwargs)
        actual = getattr(kerasbridge.ops.image, name)(kerasbridge.KerasTensor((2, 9, 8, 3)), *args, **kwargs)
        assert tuple(actual.shape) == tuple(expected.shape), name
        assert actual.dtype == expected.dtype, name

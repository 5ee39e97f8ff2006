"""Resizing, CenterCrop and the augmentation layers: inference identity, training statistics, inputs, errors.

Exact agreement with Keras (same seed, same outputs) is checked in compat_tests/layers/test_preprocessing_vs_keras.py.
"""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


IMAGES = np.random.default_rng(0).random((16, 8, 10, 3)).astype("float32") * 255

AUGMENTATIONS = [
    lambda: layers.RandomFlip(seed=1),
    lambda: layers.RandomRotation(0.25, seed=1),
    lambda: layers.RandomZoom(0.3, seed=1),
    lambda: layers.RandomTranslation(0.2, 0.2, seed=1),
    lambda: layers.RandomContrast(0.5, seed=1),
    lambda: layers.RandomBrightness(0.3, seed=1),
    lambda: layers.RandomCrop(8, 10, seed=1),
]


@pytest.mark.parametrize("make", AUGMENTATIONS)
def test_identity_when_not_training(make):
    out = make()(IMAGES, training=False)
    np.testing.assert_array_equal(out.numpy(), IMAGES)


@pytest.mark.parametrize("make", AUGMENTATIONS[:-1])
def test_training_changes_images_within_value_range(make):
    out = make()(IMAGES, training=True).numpy()
    assert out.shape == IMAGES.shape
    assert not np.allclose(out, IMAGES)
    assert out.min() >= -1e-3 and out.max() <= 255 + 1e-3


def test_random_flip_flips_about_half_of_the_batch():
    images = np.random.default_rng(1).random((200, 3, 4, 1)).astype("float32")
    out = layers.RandomFlip("horizontal", seed=5)(images).numpy()
    flipped = np.all(out == images[:, :, ::-1], axis=(1, 2, 3))
    assert np.all(flipped | np.all(out == images, axis=(1, 2, 3)))
    assert 70 < flipped.sum() < 130


def test_random_rotation_by_half_turn_is_a_double_flip():
    layer = layers.RandomRotation((0.5, 0.5), fill_mode="constant", interpolation="nearest")
    out = layer(IMAGES[:2]).numpy()
    np.testing.assert_allclose(out, IMAGES[:2, ::-1, ::-1], atol=1e-3)


def test_random_translation_shifts_content():
    layer = layers.RandomTranslation((0.5, 0.5), (0.0, 0.0), fill_mode="constant", interpolation="nearest")
    out = layer(IMAGES[:1]).numpy()
    np.testing.assert_allclose(out[0, 4:], IMAGES[0, :4], atol=1e-4)
    assert np.all(out[0, :4] == 0)


def test_random_brightness_shifts_every_pixel_by_one_delta():
    images = np.full((4, 3, 3, 1), 100.0, "float32")
    out = layers.RandomBrightness(0.2, seed=3)(images).numpy()
    for image in out:
        assert np.allclose(image, image.flat[0]) and 49 <= image.flat[0] <= 151


def test_random_crop_crops_when_training():
    out = layers.RandomCrop(4, 5, seed=2)(IMAGES, training=True)
    assert out.shape == (16, 4, 5, 3)


def test_seeded_layers_are_repeatable_and_single_images_work():
    first = layers.RandomZoom(0.3, seed=9)(IMAGES).numpy()
    second = layers.RandomZoom(0.3, seed=9)(IMAGES).numpy()
    np.testing.assert_array_equal(first, second)
    assert layers.RandomRotation(0.1, seed=2)(IMAGES[0]).shape == (8, 10, 3)


def test_dict_inputs_transform_images_and_pass_labels():
    labels = np.arange(16)
    out = layers.RandomFlip(seed=1)({"images": IMAGES, "labels": labels})
    assert out["images"].shape == IMAGES.shape
    assert np.asarray(out["labels"]).tolist() == labels.tolist()
    with pytest.raises(ValueError, match="bounding_boxes"):
        layers.RandomFlip()({"images": IMAGES, "bounding_boxes": {}})


def test_resizing_and_center_crop_shapes_and_channels_first():
    assert layers.Resizing(4, 6)(IMAGES).shape == (16, 4, 6, 3)
    assert layers.Resizing(4, 6, data_format="channels_first")(IMAGES.transpose(0, 3, 1, 2)).shape == (16, 3, 4, 6)
    crop = layers.CenterCrop(4, 6)(IMAGES)
    np.testing.assert_array_equal(crop.numpy(), IMAGES[:, 2:6, 2:8])
    assert layers.CenterCrop(12, 12)(IMAGES).shape == (16, 12, 12, 3)  # smaller input: crop to aspect + resize


def test_resizing_keeps_integer_dtype():
    out = layers.Resizing(4, 5)(IMAGES.astype("uint8"))
    assert out.dtype == torch.uint8


def test_argument_errors():
    with pytest.raises(ValueError, match="factor"):
        layers.RandomRotation(2.0)
    with pytest.raises(ValueError, match="fill_mode"):
        layers.RandomZoom(0.1, fill_mode="mirrored")
    with pytest.raises(ValueError, match="height_factor"):
        layers.RandomTranslation((0.1, 0.2, 0.3), 0.1)
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomBrightness(0.1, value_range=3)
    with pytest.raises(ValueError, match="rank 3"):
        layers.RandomFlip()(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="interpolation"):
        layers.Resizing(2, 2, interpolation="lanczos3")(IMAGES)


@pytest.mark.parametrize("make", AUGMENTATIONS + [lambda: layers.Resizing(3, 3), lambda: layers.CenterCrop(2, 2)])
def test_config_round_trip(make):
    layer = make()
    again = type(layer).from_config(layer.get_config())
    assert again.get_config() == layer.get_config()

"""Unit tests of the color and intensity augmentation layers (Keras parity lives in compat_tests/)."""

import numpy as np
import pytest
import torch

import kerasbridge
from kerasbridge import layers
from kerasbridge.ops.image import rgb_to_grayscale

IMAGES = np.random.default_rng(3).uniform(0, 255, size=(2, 5, 6, 3)).astype("float32")


@pytest.fixture(autouse=True)
def _fresh_session():
    kerasbridge.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy()


def test_solarization_defaults_invert_every_pixel():
    out = layers.Solarization(seed=1)(IMAGES, training=True)
    np.testing.assert_allclose(_np(out), 255 - IMAGES, atol=1e-4)


def test_solarization_rescales_unit_range_images():
    out = layers.Solarization(value_range=(0, 1), seed=1)(IMAGES / 255, training=True)
    np.testing.assert_allclose(_np(out), 1 - IMAGES / 255, atol=1e-6)


def test_solarization_is_identity_at_inference():
    layer = layers.Solarization(addition_factor=0.5, threshold_factor=0.5, seed=1)
    np.testing.assert_array_equal(_np(layer(IMAGES, training=False)), IMAGES)


def test_solarization_rejects_factor_outside_unit_interval():
    with pytest.raises(ValueError, match="addition_factor"):
        layers.Solarization(addition_factor=(0.1, 0.2, 0.3))
    with pytest.raises(ValueError, match="input_number=1.5"):
        layers.Solarization(threshold_factor=1.5)


def test_random_invert_with_certain_probability_inverts_all_images():
    out = layers.RandomInvert(factor=(1.0, 1.0), seed=2)(IMAGES, training=True)
    np.testing.assert_allclose(_np(out), 255 - IMAGES)


def test_random_invert_with_zero_probability_keeps_images():
    out = layers.RandomInvert(factor=0.0, seed=2)(IMAGES, training=True)
    np.testing.assert_array_equal(_np(out), IMAGES)


def test_random_grayscale_with_factor_one_makes_channels_equal_luma():
    out = _np(layers.RandomGrayscale(factor=1.0, seed=3)(IMAGES, training=True))
    expected = _np(rgb_to_grayscale(torch.as_tensor(IMAGES)))
    np.testing.assert_allclose(out, np.repeat(expected, 3, axis=-1))


def test_random_grayscale_config_has_no_seed_like_keras():
    config = layers.RandomGrayscale(factor=0.3, seed=3).get_config()
    assert config["factor"] == 0.3 and "seed" not in config


def test_random_grayscale_rejects_factor_above_one():
    with pytest.raises(ValueError, match="between 0 and 1"):
        layers.RandomGrayscale(factor=1.5)


def test_random_color_degeneration_full_factor_gives_grayscale():
    out = _np(layers.RandomColorDegeneration(factor=(1.0, 1.0), seed=4)(IMAGES, training=True))
    gray = _np(rgb_to_grayscale(torch.as_tensor(IMAGES)))
    np.testing.assert_allclose(out, np.broadcast_to(gray, IMAGES.shape), atol=1e-4)


def test_random_color_degeneration_requires_three_channels():
    with pytest.raises(ValueError, match="3 channels"):
        layers.RandomColorDegeneration(0.5).compute_output_shape((2, 5, 6, 4))


def test_random_saturation_zero_factor_makes_gray_images():
    out = _np(layers.RandomSaturation(factor=(0.0, 0.0), seed=5)(IMAGES, training=True))
    np.testing.assert_allclose(out, np.broadcast_to(IMAGES.max(axis=-1, keepdims=True), IMAGES.shape), rtol=1e-5)


def test_random_saturation_rejects_bad_value_range():
    with pytest.raises(ValueError, match="value_range"):
        layers.RandomSaturation(0.5, value_range=(0, 1, 2))


def test_random_hue_zero_factor_keeps_colors():
    out = _np(layers.RandomHue(factor=0.0, seed=6)(IMAGES, training=True))
    np.testing.assert_allclose(out, IMAGES, atol=1e-3)


def test_random_hue_changes_colors_but_keeps_range():
    out = _np(layers.RandomHue(factor=(0.5, 0.5), seed=6)(IMAGES, training=True))
    assert not np.allclose(out, IMAGES, atol=1.0)
    assert out.min() >= 0 and out.max() <= 255


def test_random_sharpness_half_factor_keeps_images():
    out = _np(layers.RandomSharpness(factor=(0.5, 0.5), seed=7)(IMAGES, training=True))
    np.testing.assert_allclose(out, IMAGES, atol=1e-4)


def test_random_sharpness_channels_first_equals_channels_last():
    first = layers.RandomSharpness(0.9, data_format="channels_first", seed=7)
    last = layers.RandomSharpness(0.9, seed=7)
    out_first = _np(first(np.transpose(IMAGES, (0, 3, 1, 2)), training=True))
    np.testing.assert_allclose(np.transpose(out_first, (0, 2, 3, 1)), _np(last(IMAGES, training=True)), atol=1e-4)


def test_random_posterization_one_bit_keeps_the_top_bit():
    out = _np(layers.RandomPosterization(factor=(1, 1), seed=8)(IMAGES, training=True))
    np.testing.assert_array_equal(out, np.where(IMAGES >= 128, 128.0, 0.0))


def test_random_posterization_rejects_factor_outside_bit_depths():
    with pytest.raises(ValueError, match=r"\[1, 8\]"):
        layers.RandomPosterization(factor=9)


def test_auto_contrast_stretches_each_channel_to_full_range():
    out = _np(layers.AutoContrast()(IMAGES * 0.5 + 20))
    np.testing.assert_allclose(out.min(axis=(1, 2)), 0, atol=1e-3)
    np.testing.assert_allclose(out.max(axis=(1, 2)), 255, atol=1e-3)


def test_auto_contrast_keeps_flat_images():
    flat = np.full((1, 4, 4, 3), 7.0, dtype="float32")
    np.testing.assert_array_equal(_np(layers.AutoContrast()(flat)), flat)


def test_equalization_spreads_values_and_is_identity_at_inference():
    layer = layers.Equalization()
    dark = IMAGES * 0.2
    out = _np(layer(dark, training=True))
    assert out.max() == 255 and out.min() == 0
    np.testing.assert_array_equal(_np(layer(dark, training=False)), dark)


def test_equalization_keeps_single_valued_channels():
    flat = np.full((2, 3, 3, 1), 100.0, dtype="float32")
    np.testing.assert_array_equal(_np(layers.Equalization()(flat)), flat)


def test_clahe_keeps_shape_dtype_and_range():
    layer = layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1), tile_grid_size=(2, 3))
    out = layer(IMAGES / 255, training=False)
    assert tuple(out.shape) == IMAGES.shape and out.dtype == torch.float32
    assert float(out.min()) >= 0 and float(out.max()) <= 1


def test_clahe_handles_sizes_not_divisible_by_the_grid():
    layer = layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(4, 4))
    assert tuple(layer(IMAGES[0]).shape) == IMAGES.shape[1:]


def test_random_color_jitter_without_factors_only_casts():
    out = layers.RandomColorJitter(seed=9)(IMAGES, training=True)
    np.testing.assert_array_equal(_np(out), IMAGES)


def test_random_color_jitter_tracks_its_adjustment_layers():
    layer = layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=9)
    assert isinstance(layer.random_brightness, layers.RandomBrightness)
    assert isinstance(layer.random_hue, layers.RandomHue)
    assert layer.random_contrast is None and layer.random_saturation is None
    np.testing.assert_array_equal(_np(layer(IMAGES, training=False)), IMAGES)


@pytest.mark.parametrize("make", [
    lambda: layers.Solarization(addition_factor=0.2, seed=1),
    lambda: layers.RandomInvert(0.5, seed=1),
    lambda: layers.RandomGrayscale(0.5, seed=1),
    lambda: layers.RandomColorDegeneration(0.5, seed=1),
    lambda: layers.RandomSaturation(0.5, seed=1),
    lambda: layers.RandomHue(0.5, seed=1),
    lambda: layers.RandomSharpness(0.5, seed=1),
    lambda: layers.RandomPosterization((2, 6), seed=1),
    lambda: layers.RandomColorJitter(brightness_factor=0.3, saturation_factor=0.5, seed=1),
], ids=lambda make: type(make()).__name__)
def test_seeded_layers_repeat_per_seed_and_vary_per_call(make):
    first, second = make(), make()
    images = np.tile(IMAGES, (8, 1, 1, 1))
    once = _np(first(images, training=True))
    np.testing.assert_array_equal(_np(second(images, training=True)), once)
    assert not np.array_equal(_np(first(images, training=True)), once)


@pytest.mark.parametrize("name,kwargs", [
    ("Solarization", {"addition_factor": (0.1, 0.2), "threshold_factor": 0.3, "value_range": (0, 1)}),
    ("RandomHue", {"factor": 0.3, "data_format": "channels_first", "seed": 2}),
    ("RandomPosterization", {"factor": 5, "seed": 2}),
    ("Equalization", {"bins": 32, "value_range": (0, 1)}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"clip_limit": 2.0, "tile_grid_size": (4, 4)}),
    ("RandomColorJitter", {"contrast_factor": 0.2, "hue_factor": 0.1, "seed": 3}),
])
def test_config_round_trip(name, kwargs):
    layer = getattr(layers, name)(**kwargs)
    assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_color_layers_work_in_a_functional_model():
    inputs = kerasbridge.Input((5, 6, 3))
    x = layers.RandomSaturation(0.5, seed=1)(inputs)
    x = layers.Equalization()(x)
    outputs = layers.AutoContrast()(x)
    model = kerasbridge.Model(inputs, outputs)
    assert tuple(outputs.shape) == (None, 5, 6, 3)
    assert model.predict(IMAGES, verbose=0).shape == IMAGES.shape

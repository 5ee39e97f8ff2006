"""The color and intensity augmentation layers against Keras 3 (torch backend).

Solarization, RandomInvert, RandomGrayscale, RandomColorDegeneration, RandomSaturation, RandomHue,
RandomSharpness, RandomPosterization, AutoContrast, Equalization, RandomColorJitter and
ContrastLimitedAdaptiveHistogramEqualization are built in keras and in kerasbridge with the same
arguments and seed, then compared on seeded training calls (twice, so the seed streams must stay in
step), a single unbatched image, inference, configs and the from_config round trip. float32 images in
`[0, 255]` and `[0, 1]`, both data formats.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5
RTOL = 1e-6
CF = {"data_format": "channels_first"}
UNIT = {"value_range": (0, 1)}

IMAGES = np.random.default_rng(7).uniform(0, 255, size=(3, 6, 7, 3)).astype("float32")

SEEDED = [
    ("Solarization", {}),
    ("Solarization", {"addition_factor": 0.2, "threshold_factor": 0.5}),
    ("Solarization", {"addition_factor": (0.1, 0.3), "threshold_factor": (0.2, 0.8), **UNIT}),
    ("RandomInvert", {}),
    ("RandomInvert", {"factor": 0.5}),
    ("RandomInvert", {"factor": (0.3, 0.9), **UNIT, **CF}),
    ("RandomGrayscale", {"factor": 0.5}),
    ("RandomGrayscale", {"factor": 1.0, **CF}),
    ("RandomColorDegeneration", {"factor": 0.5}),
    ("RandomColorDegeneration", {"factor": (0.2, 0.9), **UNIT}),
    ("RandomColorDegeneration", {"factor": 0.7, **CF}),
    ("RandomSaturation", {"factor": 0.5}),
    ("RandomSaturation", {"factor": (0.3, 0.9), **UNIT}),
    ("RandomSaturation", {"factor": (0.5, 1.0), **CF}),
    ("RandomHue", {"factor": 0.5}),
    ("RandomHue", {"factor": (0.2, 0.8), **UNIT}),
    ("RandomHue", {"factor": 1.0, **CF}),
    ("RandomSharpness", {"factor": 0.5}),
    ("RandomSharpness", {"factor": (0.1, 0.9), **UNIT}),
    ("RandomSharpness", {"factor": 0.8, **CF}),
    ("RandomPosterization", {"factor": (1, 4)}),
    ("RandomPosterization", {"factor": 6}),
    ("RandomPosterization", {"factor": (3, 8), **UNIT}),
    ("RandomPosterization", {"factor": (5, 5), **CF}),
    ("RandomColorJitter", {"brightness_factor": 0.2}),
    ("RandomColorJitter", {"brightness_factor": (-0.2, 0.3), "contrast_factor": 0.4, "saturation_factor": (0.3, 0.7),
                           "hue_factor": 0.3}),
    ("RandomColorJitter", {"contrast_factor": 0.3, "hue_factor": 0.2, **UNIT}),
    ("RandomColorJitter", {"brightness_factor": 0.1, "contrast_factor": 0.3, **UNIT, **CF}),
]

DETERMINISTIC = [
    ("AutoContrast", {}),
    ("AutoContrast", {**UNIT}),
    ("Equalization", {}),
    ("Equalization", {**UNIT}),
    ("Equalization", {"bins": 64, **CF}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (2, 2)}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (4, 3), "clip_limit": 2.0, **UNIT}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"clip_limit": 0, **CF}),
]


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _images(kwargs):
    images = IMAGES / 255.0 if kwargs.get("value_range") == (0, 1) else IMAGES
    if kwargs.get("data_format") == "channels_first":
        images = np.transpose(images, (0, 3, 1, 2))
    return np.ascontiguousarray(images)


def _assert_same(b_out, k_out):
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype, (b_out.dtype, k_out.dtype)
    np.testing.assert_allclose(_np(b_out), _np(k_out), atol=ATOL, rtol=RTOL)


def _assert_same_config(k_layer, b_layer):
    k_config, b_config = dict(k_layer.get_config()), dict(b_layer.get_config())
    assert b_config.pop("name") == k_config.pop("name")
    assert b_config == k_config
    again = type(b_layer).from_config(b_layer.get_config())
    assert again.get_config() == b_layer.get_config()


def _ids(value):
    return value if isinstance(value, str) else "-".join(f"{k}={v}" for k, v in value.items()) or "defaults"


@pytest.mark.parametrize("class_name,kwargs", SEEDED, ids=_ids)
def test_seeded_augmentation_matches_keras(class_name, kwargs):
    k_layer = getattr(keras.layers, class_name)(**kwargs, seed=11)
    b_layer = getattr(kb.layers, class_name)(**kwargs, seed=11)
    images = _images(kwargs)
    for _ in range(2):
        _assert_same(b_layer(images, training=True), k_layer(images, training=True))
    _assert_same(b_layer(images[0], training=True), k_layer(images[0], training=True))
    _assert_same(b_layer(images, training=False), k_layer(images, training=False))
    _assert_same(b_layer(images, training=True), k_layer(images, training=True))
    _assert_same_config(k_layer, b_layer)


@pytest.mark.parametrize("class_name,kwargs", DETERMINISTIC, ids=_ids)
def test_deterministic_layer_matches_keras(class_name, kwargs):
    k_layer = getattr(keras.layers, class_name)(**kwargs)
    b_layer = getattr(kb.layers, class_name)(**kwargs)
    images = _images(kwargs)
    for training in (True, False):
        _assert_same(b_layer(images, training=training), k_layer(images, training=training))
    _assert_same(b_layer(images[0]), k_layer(images[0]))
    _assert_same_config(k_layer, b_layer)


@pytest.mark.parametrize("class_name,kwargs", [
    ("Solarization", {"addition_factor": 0.3}),
    ("RandomHue", {"factor": 0.4}),
    ("RandomColorJitter", {"brightness_factor": 0.1, "saturation_factor": 0.6}),
    ("Equalization", {}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {"tile_grid_size": (3, 3)}),
], ids=_ids)
def test_symbolic_shapes_match(class_name, kwargs):
    k_out = getattr(keras.layers, class_name)(**kwargs)(keras.Input(batch_shape=(None, 6, 7, 3)))
    b_out = getattr(kb.layers, class_name)(**kwargs)(kb.Input(batch_shape=(None, 6, 7, 3)))
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype


def test_seeded_color_pipeline_model_follows_keras_streams():
    def build(lib):
        return lib.Sequential([
            lib.Input((6, 7, 3)),
            lib.layers.RandomColorJitter(brightness_factor=0.2, hue_factor=0.1, seed=1),
            lib.layers.RandomSharpness(0.4, seed=2),
            lib.layers.Solarization(addition_factor=0.1, threshold_factor=0.6, seed=3),
            lib.layers.RandomGrayscale(0.5, seed=4),
        ])

    k_model, b_model = build(keras), build(kb)
    for _ in range(2):
        _assert_same(b_model(IMAGES, training=True), k_model(IMAGES, training=True))
    _assert_same(b_model(IMAGES, training=False), k_model(IMAGES, training=False))


UINT8_IMAGES = np.random.default_rng(8).integers(0, 256, size=(2, 6, 7, 3)).astype("uint8")


@pytest.mark.parametrize("class_name,kwargs", [
    ("Solarization", {"addition_factor": 0.2, "seed": 3}),
    ("RandomInvert", {"seed": 3}),
    ("RandomGrayscale", {"factor": 0.5, "seed": 3}),
    ("RandomColorDegeneration", {"factor": 0.5, "seed": 3}),
    ("RandomHue", {"factor": 0.5, "seed": 3}),
    ("RandomSharpness", {"factor": 0.5, "seed": 3}),
    ("RandomPosterization", {"factor": (1, 4), "seed": 3}),
    ("RandomColorJitter", {"brightness_factor": 0.2, "seed": 3}),
    ("AutoContrast", {}),
    ("Equalization", {}),
    ("ContrastLimitedAdaptiveHistogramEqualization", {}),
], ids=_ids)
def test_uint8_images_give_keras_values_and_dtypes(class_name, kwargs):
    """Which calls cast to float (and which return the uint8 input untouched) follows Keras."""
    k_layer = getattr(keras.layers, class_name)(**kwargs)
    b_layer = getattr(kb.layers, class_name)(**kwargs)
    for training in (True, False):
        _assert_same(b_layer(UINT8_IMAGES, training=training), k_layer(UINT8_IMAGES, training=training))


@pytest.mark.parametrize("direction", ["kerasbridge_to_keras", "keras_to_kerasbridge"])
def test_keras_files_with_color_layers_load_both_ways(direction, tmp_path):
    writer, reader = (kb, keras) if direction == "kerasbridge_to_keras" else (keras, kb)
    model = writer.Sequential([
        writer.Input((6, 7, 3)),
        writer.layers.RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3, saturation_factor=0.5,
                                        hue_factor=0.1, seed=1),
        writer.layers.Solarization(addition_factor=0.1, seed=2),
        writer.layers.RandomPosterization(4, seed=3),
        writer.layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)),
        writer.layers.AutoContrast(),
        writer.layers.Flatten(),
        writer.layers.Dense(2),
    ])
    path = str(tmp_path / "colors.keras")
    model.save(path)
    loaded = reader.models.load_model(path)
    np.testing.assert_allclose(_np(loaded.predict(IMAGES, verbose=0)), _np(model.predict(IMAGES, verbose=0)),
                               atol=ATOL)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]

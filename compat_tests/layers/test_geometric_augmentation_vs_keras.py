"""The geometric and mixing augmentation layers against Keras 3 (torch backend), seeded random streams included.

RandomShear, RandomErasing, RandomGaussianBlur, MixUp, CutMix, RandomPerspective, RandomElasticTransform,
RandAugment and AugMix are built in keras and in kerasbridge with the same arguments and seed and called on
the same float32 images: training outputs (several calls in a row, batched and single images, both data
formats) and inference outputs agree within 1e-5, configs are equal and round-trip through `from_config`.
RandomElasticTransform draws its displacement noise from torch's global generator and AugMix picks its
operations with Python's `random`, as Keras's torch backend does: those are seeded identically per call.
"""

import json
import os
import random as py_random

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5
IMAGES = np.random.default_rng(3).uniform(0, 255, size=(4, 6, 7, 3)).astype("float32")


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _assert_same(b_out, k_out):
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype, (b_out.dtype, k_out.dtype)
    np.testing.assert_allclose(_np(b_out), _np(k_out), atol=ATOL, rtol=1e-6)


def _assert_same_config(k_layer, b_layer):
    k_config, b_config = dict(k_layer.get_config()), dict(b_layer.get_config())
    k_config.pop("name"), b_config.pop("name")
    assert b_config == k_config
    for config in (b_layer.get_config(), k_layer.get_config()):
        rebuilt = dict(type(b_layer).from_config(config).get_config())
        rebuilt.pop("name")
        assert rebuilt == k_config


def _seeded_call(layer, images, training, step):
    """Seeds what Keras's torch backend leaves unseeded (torch's and Python's global generators), then calls."""
    torch.manual_seed(step)
    py_random.seed(step)
    return layer(images, training=training)


CASES = [
    ("RandomShear", {"x_factor": 0.3}),
    ("RandomShear", {"x_factor": (0.1, 0.4), "y_factor": 0.2, "fill_mode": "constant", "fill_value": 9.0,
                     "interpolation": "nearest"}),
    ("RandomErasing", {"factor": 0.8}),
    ("RandomErasing", {"factor": (0.5, 1.0), "scale": 0.5, "fill_value": 100.0, "value_range": (0, 50)}),
    ("RandomGaussianBlur", {"factor": 0.7, "kernel_size": 5, "sigma": (0.3, 0.9)}),
    ("MixUp", {"alpha": 0.5}),
    ("CutMix", {"factor": 0.8}),
    ("RandomPerspective", {"factor": 0.9, "scale": 0.6}),
    ("RandomPerspective", {"scale": 0.3, "interpolation": "nearest", "fill_value": 5.0}),
    ("RandomElasticTransform", {"factor": 0.9, "scale": 0.8}),
    ("RandomElasticTransform", {"scale": (0.2, 0.5), "fill_mode": "constant", "value_range": (0, 200)}),
    ("RandAugment", {"num_ops": 3, "factor": 0.7}),
    # seed 19 picks the rotation on the second pass, where Keras rotates with its in-place swapped matrix
    ("RandAugment", {"factor": (0.2, 0.6), "interpolation": "nearest", "value_range": (0, 255), "seed": 19}),
    ("AugMix", {"num_chains": 2, "chain_depth": 2, "factor": 0.6, "alpha": 0.5}),
    ("AugMix", {"all_ops": False}),
]


@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("class_name,kwargs", CASES, ids=lambda v: v if isinstance(v, str) else None)
def test_seeded_outputs_and_config_match_keras(class_name, kwargs, data_format):
    kwargs = {"seed": 11, **kwargs, "data_format": data_format}
    k_layer = getattr(keras.layers, class_name)(**kwargs)
    b_layer = getattr(kb.layers, class_name)(**kwargs)
    images = IMAGES if data_format == "channels_last" else IMAGES.transpose(0, 3, 1, 2).copy()
    # a training call after the inference one: MixUp draws random numbers in inference too, as in Keras
    calls = [(images, True), (images, True), (images[0], True), (images, False), (images, True)]
    changed = False
    for step, (inputs, training) in enumerate(calls):
        k_out = _seeded_call(k_layer, torch.tensor(inputs), training, step)
        b_out = _seeded_call(b_layer, torch.tensor(inputs), training, step)
        _assert_same(b_out, k_out)
        changed |= training and not np.allclose(_np(b_out), inputs)
    assert changed, "training calls should change the images (else the comparison proves little)"
    _assert_same_config(k_layer, b_layer)


@pytest.mark.parametrize("class_name", ["MixUp", "CutMix"])
def test_mixed_labels_match_keras(class_name):
    labels = np.eye(4, dtype="float32")[[0, 1, 2, 3]]
    k_layer = getattr(keras.layers, class_name)(seed=5)
    b_layer = getattr(kb.layers, class_name)(seed=5)
    for _ in range(2):
        k_out = k_layer({"images": torch.tensor(IMAGES), "labels": torch.tensor(labels)}, training=True)
        b_out = b_layer({"images": torch.tensor(IMAGES), "labels": torch.tensor(labels)}, training=True)
        _assert_same(b_out["images"], k_out["images"])
        _assert_same(b_out["labels"], k_out["labels"])


def test_shear_config_with_a_symmetric_range_rebuilds():
    """Keras stores x_factor=0.2 as (-0.2, 0.2), which its own constructor rejects; kerasbridge rebuilds it."""
    k_layer = keras.layers.RandomShear(x_factor=0.2, y_factor=(0.1, 0.3), seed=3)
    rebuilt = kb.layers.RandomShear.from_config(k_layer.get_config())
    _assert_same(rebuilt(torch.tensor(IMAGES)), k_layer(torch.tensor(IMAGES)))


def test_seeded_augmentation_model_follows_keras_streams():
    """A model built symbolically draws no seeds; its training calls reproduce Keras's augmentations."""
    def build(lib):
        return lib.Sequential([
            lib.Input((6, 7, 3)),
            lib.layers.RandomShear(x_factor=0.2, y_factor=0.2, seed=1),
            lib.layers.RandomPerspective(scale=0.4, seed=2),
            lib.layers.RandomErasing(seed=3),
            lib.layers.RandomGaussianBlur(factor=0.5, seed=4),
            lib.layers.MixUp(seed=5),
            lib.layers.CutMix(seed=6),
            lib.layers.RandAugment(seed=7),
        ])

    k_model, b_model = build(keras), build(kb)
    assert tuple(b_model.output_shape) == tuple(k_model.output_shape)
    for _ in range(2):
        _assert_same(b_model(torch.tensor(IMAGES), training=True), k_model(torch.tensor(IMAGES), training=True))
    _assert_same(b_model(torch.tensor(IMAGES), training=False), k_model(torch.tensor(IMAGES), training=False))


@pytest.mark.parametrize("writer,reader", [(kb, keras), (keras, kb)], ids=["kerasbridge-to-keras", "keras-to-kerasbridge"])
def test_keras_files_with_these_layers_load_both_ways(writer, reader, tmp_path):
    model = writer.Sequential([
        writer.Input((6, 7, 3)),
        writer.layers.RandAugment(seed=1),
        writer.layers.AugMix(seed=2),
        writer.layers.MixUp(seed=3),
        writer.layers.RandomShear(x_factor=(0.1, 0.2), seed=4),
        writer.layers.RandomPerspective(seed=5),
        writer.layers.Dense(2),
    ])
    path = str(tmp_path / "augmenting.keras")
    model.save(path)
    loaded = reader.models.load_model(path)
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    for saved, rebuilt in zip(model.layers, loaded.layers):
        assert json.loads(json.dumps(rebuilt.get_config())) == json.loads(json.dumps(saved.get_config()))
    np.testing.assert_allclose(_np(loaded.predict(IMAGES, verbose=0)), _np(model.predict(IMAGES, verbose=0)), atol=ATOL)

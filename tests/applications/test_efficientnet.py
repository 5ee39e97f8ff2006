"""Unit tests for kerasbridge.applications.efficientnet (EfficientNet B0-B7)."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import efficientnet
from kerasbridge.utils import file_utils


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_b0_has_keras_parameter_count():
    # The parameter count does not depend on the image size, so a small input keeps the build fast.
    model = efficientnet.EfficientNetB0(weights=None, input_shape=(32, 32, 3))
    assert model.name == "efficientnetb0"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 5_330_571  # keras.applications.EfficientNetB0(weights=None).count_params()


def test_default_input_shape_with_top():
    with pytest.raises(ValueError, match="static `input_shape`"):
        efficientnet.EfficientNetB0(weights=None, input_shape=(None, None, 3))


@pytest.mark.parametrize("pooling,expected", [(None, (2, 1, 1, 1280)), ("avg", (2, 1280)), ("max", (2, 1280))])
def test_feature_extractor_pooling(pooling, expected):
    model = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3), pooling=pooling)
    with torch.no_grad():
        outputs = model(np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype("float32"))
    assert tuple(outputs.shape) == expected


def test_wider_variant_scales_stem_and_top():
    model = efficientnet.EfficientNetB2(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert model.get_layer("stem_conv").filters == 32
    assert model.get_layer("top_conv").filters == 1408
    assert model.get_layer("block1b_dwconv") is not None  # depth 1.2 gives stage 1 two blocks


def test_stochastic_depth_dropout_uses_per_sample_noise():
    model = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
    drop = model.get_layer("block2b_drop")
    assert drop.noise_shape == (None, 1, 1, 1)
    assert 0 < drop.rate < 0.2


def test_custom_head_and_input_tensor():
    inputs = kb.Input((32, 32, 3))
    model = efficientnet.EfficientNetB0(weights=None, input_tensor=inputs, classes=5, classifier_activation=None)
    assert model.inputs[0] is inputs
    assert tuple(model.output.shape) == (None, 5)
    assert model.get_layer("predictions").activation is kb.activations.linear


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="`weights` argument"):
        efficientnet.EfficientNetB0(weights="no/such/file.weights.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        efficientnet.EfficientNetB0(weights="imagenet", classes=10)
    with pytest.raises(ValueError, match="at least 32x32"):
        efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(16, 16, 3))


def test_imagenet_weights_come_from_get_file(monkeypatch, tmp_path):
    source = efficientnet.EfficientNetB0(weights=None, include_top=False, input_shape=(32, 32, 3))
    path = str(tmp_path / "b0.weights.h5")
    source.save_weights(path)
    requests = []

    def fake_get_file(fname, origin, cache_subdir, file_hash):
        requests.append((fname, origin, cache_subdir, file_hash))
        return path

    monkeypatch.setattr(file_utils, "get_file", fake_get_file)
    model = efficientnet.EfficientNetB0(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    assert requests == [("efficientnetb0_notop.h5",
                         "https://storage.googleapis.com/keras-applications/efficientnetb0_notop.h5",
                         "models", "50bc09e76180e00e4465e1a485ddc09d")]
    # The pretrained weights expect an extra per-channel rescaling after the normalization.
    assert len(model.layers) == len(source.layers) + 1
    for loaded, saved in zip(model.get_weights(), source.get_weights()):
        np.testing.assert_array_equal(loaded, saved)


def test_imagenet_weights_offline_error_is_clear(monkeypatch):
    def offline_get_file(*args, **kwargs):
        raise Exception("URL fetch failure: no network")

    monkeypatch.setattr(file_utils, "get_file", offline_get_file)
    with pytest.raises(RuntimeError, match="Could not obtain the ImageNet weights.*weights=None"):
        efficientnet.EfficientNetB0(weights="imagenet", include_top=False, input_shape=(32, 32, 3))


def test_preprocess_input_is_identity():
    images = np.arange(12, dtype="float32").reshape(1, 2, 2, 3)
    assert efficientnet.preprocess_input(images) is images

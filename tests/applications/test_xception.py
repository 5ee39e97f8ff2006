"""Unit tests for kerasbridge.applications.xception."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import xception


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_model_has_keras_parameter_count():
    model = xception.Xception(weights=None, input_shape=(71, 71, 3))
    assert model.name == "xception"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 22_910_480  # keras.applications.Xception(weights=None).count_params()


def test_feature_extractor_with_max_pooling():
    model = xception.Xception(weights=None, include_top=False, input_shape=(71, 71, 3), pooling="max")
    with torch.no_grad():
        outputs = model(np.ones((1, 71, 71, 3), dtype="float32"))
    assert tuple(outputs.shape) == (1, 2048)
    assert model.layers[-1].name == "global_max_pooling2d"


def test_minimum_input_size_is_71():
    with pytest.raises(ValueError, match="at least 71x71"):
        xception.Xception(weights=None, include_top=False, input_shape=(64, 64, 3))


def test_preprocess_input_scales_to_minus_one_one():
    images = np.array([[[[0.0, 127.5, 255.0]]]], dtype="float32")
    np.testing.assert_allclose(xception.preprocess_input(images).ravel(), [-1.0, 0.0, 1.0], atol=1e-6)

"""Unit tests for kerasbridge.applications.densenet (DenseNet 121, 169, 201)."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import densenet


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_121_has_keras_parameter_count():
    model = densenet.DenseNet121(weights=None, input_shape=(32, 32, 3))
    assert model.name == "densenet121"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 8_062_504  # keras.applications.DenseNet121(weights=None).count_params()


@pytest.mark.parametrize("pooling,expected", [(None, (2, 1, 1, 1024)), ("max", (2, 1024))])
def test_feature_extractor_pooling(pooling, expected):
    model = densenet.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3), pooling=pooling)
    with torch.no_grad():
        outputs = model(np.random.default_rng(0).uniform(0, 1, (2, 32, 32, 3)).astype("float32"))
    assert tuple(outputs.shape) == expected


def test_dense_blocks_grow_by_32_channels():
    model = densenet.DenseNet121(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert model.get_layer("conv2_block1_concat").output.shape[-1] == 64 + 32
    assert model.get_layer("conv2_block6_concat").output.shape[-1] == 64 + 6 * 32
    assert model.get_layer("pool2_conv").filters == (64 + 6 * 32) // 2


def test_channels_first_is_rejected():
    kb.backend.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match="channels_first"):
            densenet.DenseNet121(weights=None, include_top=False, input_shape=(3, 32, 32))
    finally:
        kb.backend.set_image_data_format("channels_last")


def test_preprocess_input_uses_torch_mode():
    images = np.full((1, 1, 1, 3), 255.0, dtype="float32")
    expected = (1.0 - np.array([0.485, 0.456, 0.406])) / np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(densenet.preprocess_input(images).ravel(), expected, rtol=1e-5)

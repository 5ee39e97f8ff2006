"""Unit tests for kerasbridge.applications.inception_v3."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import inception_v3


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_model_has_keras_parameter_count():
    model = inception_v3.InceptionV3(weights=None, input_shape=(75, 75, 3))
    assert model.name == "inception_v3"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 23_851_784  # keras.applications.InceptionV3(weights=None).count_params()
    assert [layer.name for layer in model.layers[-2:]] == ["avg_pool", "predictions"]
    assert model.get_layer("avg_pool").input.shape[-1] == model.get_layer("mixed10").output.shape[-1] == 2048


def test_mixed_blocks_have_keras_channel_counts():
    model = inception_v3.InceptionV3(weights=None, include_top=False, input_shape=(75, 75, 3))
    channels = {name: model.get_layer(name).output.shape[-1] for name in ("mixed0", "mixed3", "mixed7", "mixed10")}
    assert channels == {"mixed0": 256, "mixed3": 768, "mixed7": 768, "mixed10": 2048}


def test_conv2d_bn_names_its_layers():
    inputs = kb.Input((8, 8, 3))
    outputs = inception_v3.conv2d_bn(inputs, 4, 3, 3, name="stem")
    model = kb.Model(inputs, outputs)
    assert [layer.name for layer in model.layers[1:]] == ["stem_conv", "stem_bn", "stem"]
    assert model.get_layer("stem_bn").scale is False
    with torch.no_grad():
        assert tuple(model(np.ones((1, 8, 8, 3), dtype="float32")).shape) == (1, 8, 8, 4)


def test_minimum_input_size_is_75():
    with pytest.raises(ValueError, match="at least 75x75"):
        inception_v3.InceptionV3(weights=None, include_top=False, input_shape=(71, 71, 3))

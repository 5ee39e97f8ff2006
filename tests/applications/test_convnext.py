"""Unit tests for kerasbridge.applications.convnext and its LayerScale layer."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import convnext
from kerasbridge.applications.convnext_layer_scale import LayerScale


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_tiny_has_keras_parameter_count():
    model = convnext.ConvNeXtTiny(weights=None, input_shape=(32, 32, 3))
    assert model.name == "convnext_tiny"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 28_589_128  # keras.applications.ConvNeXtTiny(weights=None).count_params()
    assert model.layers[1].name == "convnext_tiny_prestem_normalization"


def test_stem_and_downsamplers_are_nested_sequentials():
    model = convnext.ConvNeXtTiny(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg",
                                  include_preprocessing=False)
    stem = model.get_layer("convnext_tiny_stem")
    assert model.layers[1] is stem  # no normalization layer without preprocessing
    assert isinstance(stem, kb.Sequential)
    assert stem.weights[0].path == "convnext_tiny_stem/convnext_tiny_stem_conv/kernel"
    with torch.no_grad():
        outputs = model(np.ones((2, 32, 32, 3), dtype="float32"))
    assert tuple(outputs.shape) == (2, 768)


def test_layer_scale_multiplies_channels():
    layer = LayerScale(0.5, 3)
    outputs = layer(torch.ones(2, 4, 3))
    np.testing.assert_allclose(outputs.detach().numpy(), np.full((2, 4, 3), 0.5))
    assert layer.get_config()["init_values"] == 0.5 and layer.get_config()["projection_dim"] == 3
    assert len(layer.trainable_weights) == 1


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="`weights` argument"):
        convnext.ConvNeXtTiny(weights="missing.h5")
    with pytest.raises(ValueError, match="at least 32x32"):
        convnext.ConvNeXtTiny(weights=None, include_top=False, input_shape=(16, 16, 3))


def test_imagenet_weights_need_the_variant_in_the_name():
    with pytest.raises(ValueError, match="does not match weights variant"):
        convnext.ConvNeXtTiny(weights="imagenet", name="my_model")

"""Unit tests for kerasbridge.applications.inception_resnet_v2 and its CustomScaleLayer."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import inception_resnet_v2
from kerasbridge.applications.inception_resnet_scale import CustomScaleLayer


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_custom_scale_layer_adds_scaled_residual():
    layer = CustomScaleLayer(0.25)
    outputs = layer([torch.ones(2, 3), torch.full((2, 3), 4.0)])
    np.testing.assert_allclose(outputs.detach().numpy(), np.full((2, 3), 2.0))
    assert layer.get_config()["scale"] == 0.25


@pytest.mark.parametrize("block_type,branch_convs", [("block35", 6), ("block17", 4), ("block8", 4)])
def test_block_keeps_shape_and_names_layers(block_type, branch_convs):
    inputs = kb.Input((5, 5, 16))
    outputs = inception_resnet_v2.inception_resnet_block(inputs, 0.1, block_type, 1)
    model = kb.Model(inputs, outputs)
    assert tuple(model.output.shape) == (None, 5, 5, 16)
    names = [layer.name for layer in model.layers]
    assert names[-4:] == [f"{block_type}_1_mixed", f"{block_type}_1_conv", "custom_scale_layer", f"{block_type}_1_ac"]
    assert sum(type(layer).__name__ == "Conv2D" for layer in model.layers) == branch_convs + 1
    assert model.get_layer(f"{block_type}_1_conv").use_bias


def test_unknown_block_type_raises():
    with pytest.raises(ValueError, match="Unknown Inception-ResNet block type"):
        inception_resnet_v2.inception_resnet_block(kb.Input((5, 5, 8)), 0.1, "block99", 1)


def test_last_block_has_no_activation_and_stem_shapes():
    model = inception_resnet_v2.InceptionResNetV2(weights=None, include_top=False, input_shape=(75, 75, 3),
                                                  pooling="avg")
    names = {layer.name for layer in model.layers}
    assert "block8_9_ac" in names and "block8_10_ac" not in names
    assert model.get_layer("mixed_5b").output.shape[-1] == 320
    assert model.get_layer("conv_7b").output.shape[-1] == 1536
    assert tuple(model.output.shape) == (None, 1536)

"""Unit tests for kerasbridge.applications.nasnet (NASNet-A Mobile and Large)."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import nasnet


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_mobile_has_keras_parameter_count():
    # Keras's NASNet builder with the NASNetMobile settings has 5,326,716 parameters.
    model = nasnet.NASNetMobile(weights=None, input_shape=(32, 32, 3))
    assert model.name == "nasnet_mobile"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 5_326_716


def test_cells_open_name_scopes_for_weight_paths():
    model = nasnet.NASNetMobile(weights=None, include_top=False, input_shape=(32, 32, 3), pooling="avg")
    paths = [w.path for w in model.weights]
    assert "reduction_A_block_stem_1/reduction_conv_1_stem_1/kernel" in paths
    assert ("normal_A_block_0/block_1/separable_conv_block_normal_left1_0/separable_conv_1_normal_left1_0/"
            "depthwise_kernel") in paths
    assert "reduction_A_block_stem_2/adjust_block/adjust_reduction_block_stem_2/adjust_conv_1_stem_2/kernel" in paths
    with torch.no_grad():
        outputs = model(np.ones((1, 32, 32, 3), dtype="float32"))
    assert tuple(outputs.shape) == (1, 1056)


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="must be static"):
        nasnet.NASNetLarge(input_shape=(None, None, 3), include_top=False, weights="imagenet")
    with pytest.raises(ValueError, match="at least 32x32"):
        nasnet.NASNetMobile(input_shape=(16, 16, 3), include_top=False, weights=None)

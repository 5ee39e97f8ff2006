import os

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge import applications

slow = pytest.mark.skipif(not os.environ.get("KERASBRIDGE_SLOW_TESTS"),
                          reason="deep network: set KERASBRIDGE_SLOW_TESTS=1 to run")


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_resnet50v2_parameter_count_matches_keras():
    model = applications.ResNet50V2(weights=None, input_shape=(32, 32, 3))
    assert model.count_params() == 25_613_800
    assert model.name == "resnet50v2"


@slow
@pytest.mark.parametrize("constructor, count", [("ResNet101V2", 44_675_560), ("ResNet152V2", 60_380_648)])
def test_deep_resnet_v2_parameter_counts_match_keras(constructor, count):
    assert getattr(applications, constructor)(weights=None, input_shape=(32, 32, 3)).count_params() == count


def test_pre_activation_structure():
    model = applications.ResNet50V2(weights=None, include_top=False, input_shape=(64, 64, 3))
    names = [layer.name for layer in model.layers]
    assert "conv1_bn" not in names
    assert names[-2:] == ["post_bn", "post_relu"]
    assert model.get_layer("conv2_block1_1_conv").use_bias is False
    assert model.get_layer("conv2_block1_3_conv").use_bias is True
    # Identity shortcuts of the strided last blocks are subsampled by unnamed 1x1 max pooling.
    assert [n for n in names if n.startswith("max_pooling2d")] == ["max_pooling2d", "max_pooling2d_1",
                                                                     "max_pooling2d_2"]
    assert model.output.shape == (None, 2, 2, 2048)


def test_forward_pass_shape():
    model = applications.ResNet50V2(weights=None, input_shape=(32, 32, 3), classes=4)
    probabilities = kb.ops.convert_to_numpy(model(np.ones((2, 32, 32, 3), "float32")))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_preprocess_input_is_tf_mode():
    x = np.array([0.0, 127.5, 255.0], dtype="float32").reshape(1, 1, 1, 3)
    np.testing.assert_allclose(applications.resnet_v2.preprocess_input(x).ravel(), [-1.0, 0.0, 1.0])

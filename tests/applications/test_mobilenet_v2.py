import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge import applications
from kerasbridge.applications._mobilenet_common import make_divisible


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_default_model_matches_keras():
    model = applications.MobileNetV2(weights=None)
    assert model.count_params() == 3_538_984
    assert model.name == "mobilenetv2_1.00_224"
    assert model.get_layer("out_relu").output.shape == (None, 7, 7, 1280)


def test_width_multiplier():
    model = applications.MobileNetV2(weights=None, alpha=1.3, input_shape=(96, 96, 3), include_top=False)
    assert model.name == "mobilenetv2_1.30_96"
    assert model.get_layer("Conv1").filters == make_divisible(32 * 1.3, 8) == 40
    assert model.get_layer("Conv_1").filters == make_divisible(1280 * 1.3, 8) == 1664
    assert model.get_layer("expanded_conv_project").filters == 24


def test_block_structure():
    model = applications.MobileNetV2(weights=None, input_shape=(33, 33, 3), include_top=False, pooling="avg")
    names = [layer.name for layer in model.layers]
    assert "expanded_conv_expand" not in names and "block_1_expand" in names
    assert "block_2_add" in names and "block_1_add" not in names
    assert model.get_layer("block_1_pad").padding == ((1, 1), (1, 1))
    assert model.get_layer("bn_Conv1").momentum == pytest.approx(0.999)
    assert model.output.shape == (None, 1280)


def test_make_divisible():
    assert make_divisible(16 * 0.35, 8) == 8
    assert make_divisible(24 * 0.75, 8) == 24
    assert make_divisible(33, 8) == 32
    assert make_divisible(37, 16) == 48  # never more than 10% below the request


def test_input_tensor_width_must_match_input_shape():
    with pytest.raises(ValueError, match=r"input_tensor.shape\[2\] must equal input_shape\[1\]"):
        applications.MobileNetV2(weights=None, input_tensor=kb.Input((64, 64, 3)), input_shape=(96, 96, 3))


def test_default_size_is_taken_from_a_symbolic_input_tensor():
    # With a top, the input size comes from the tensor; headless, Keras names the model "..._None".
    model = applications.MobileNetV2(weights=None, input_tensor=kb.Input((96, 96, 3)), alpha=0.35, classes=2)
    assert model.name == "mobilenetv2_0.35_96"


def test_imagenet_alpha_check():
    with pytest.raises(ValueError, match="alpha must be one of `0.35`"):
        applications.MobileNetV2(weights="imagenet", alpha=0.6)


def test_preprocess_and_forward():
    model = applications.MobileNetV2(weights=None, alpha=0.35, input_shape=(32, 32, 3), classes=3)
    x = applications.mobilenet_v2.preprocess_input(np.full((1, 32, 32, 3), 255.0, dtype="float32"))
    np.testing.assert_allclose(x, 1.0)
    assert tuple(model(x).shape) == (1, 3)

"""Unit tests for kerasbridge.applications.efficientnet_v2 (EfficientNetV2 B0-B3, S, M, L)."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import efficientnet_v2


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def test_full_b0_has_keras_parameter_count():
    model = efficientnet_v2.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3))
    assert model.name == "efficientnetv2-b0"
    assert tuple(model.output.shape) == (None, 1000)
    assert model.count_params() == 7_200_312  # keras.applications.EfficientNetV2B0(weights=None).count_params()


def test_b_variants_normalize_with_imagenet_statistics():
    model = efficientnet_v2.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3))
    normalization = model.layers[2]
    assert type(normalization).__name__ == "Normalization"
    np.testing.assert_allclose(np.asarray(normalization.mean).ravel(), [0.485, 0.456, 0.406], rtol=1e-6)


def test_without_preprocessing_the_stem_sees_raw_inputs():
    model = efficientnet_v2.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3),
                                             include_preprocessing=False)
    assert model.layers[1].name == "stem_conv"


def test_fused_and_mbconv_blocks():
    model = efficientnet_v2.EfficientNetV2B0(weights=None, include_top=False, input_shape=(32, 32, 3),
                                             pooling="avg")
    names = {layer.name for layer in model.layers}
    assert "block1a_project_activation" in names  # fused block without expansion
    assert "block2a_expand_conv" in names and "block2a_dwconv2" not in names  # fused block
    assert "block4a_dwconv2" in names and "block4a_se_excite" in names  # MBConv with squeeze-excite
    with torch.no_grad():
        outputs = model(np.ones((2, 32, 32, 3), dtype="float32"))
    assert tuple(outputs.shape) == (2, 1280)


def test_invalid_arguments_raise():
    with pytest.raises(ValueError, match="`weights` argument"):
        efficientnet_v2.EfficientNetV2S(weights="missing.h5")
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        efficientnet_v2.EfficientNetV2S(weights="imagenet", classes=3)
    with pytest.raises(ValueError, match="Only `None` and `softmax`"):
        efficientnet_v2.EfficientNetV2B0(weights="imagenet", classifier_activation="relu")


def test_preprocess_input_is_identity():
    images = np.ones((1, 2, 2, 3), dtype="float32")
    assert efficientnet_v2.preprocess_input(images) is images

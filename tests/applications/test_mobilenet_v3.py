import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge import applications


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


@pytest.mark.parametrize("constructor, count", [("MobileNetV3Small", 2_554_968), ("MobileNetV3Large", 5_507_432)])
def test_parameter_counts_match_keras(constructor, count):
    model = getattr(applications, constructor)(weights=None)
    assert model.count_params() == count
    assert model.name == constructor
    assert model.input.shape == (None, None, None, 3)  # the default input size is dynamic


def test_small_structure():
    model = applications.MobileNetV3Small(weights=None, input_shape=(64, 64, 3), classes=10)
    names = [layer.name for layer in model.layers]
    assert names[:3] == ["input_layer", "rescaling", "conv"]
    assert "expanded_conv_squeeze_excite_mul" in names  # block 0 of the small model has squeeze-excite
    assert "expanded_conv_1_squeeze_excite_mul" not in names
    assert names[-4:] == ["dropout", "logits", "flatten", "predictions"]
    assert model.get_layer("expanded_conv_3_depthwise").kernel_size == (5, 5)


def test_minimalistic_large():
    model = applications.MobileNetV3Large(weights=None, minimalistic=True, include_top=False,
                                          include_preprocessing=False, pooling="avg")
    names = [layer.name for layer in model.layers]
    assert not any("squeeze_excite" in n for n in names)
    assert not any(n.startswith("activation") for n in names)  # no hard swish: ReLU everywhere
    assert "rescaling" not in names
    assert model.get_layer("expanded_conv_12_depthwise").kernel_size == (3, 3)
    assert names[-1] == "avg_pool"


def test_alpha_above_one_widens_the_last_point_layer():
    model = applications.MobileNetV3Small(weights=None, alpha=1.25, input_shape=(32, 32, 3))
    assert model.get_layer("conv_2").filters == 1280


def test_forward_on_raw_pixels():
    model = applications.MobileNetV3Small(weights=None, input_shape=(32, 32, 3), classes=4)
    x = np.random.default_rng(0).uniform(0, 255, size=(2, 32, 32, 3)).astype("float32")
    probabilities = kb.ops.convert_to_numpy(model(applications.mobilenet_v3.preprocess_input(x)))
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_preprocess_input_is_the_identity():
    x = np.arange(6.0).reshape(1, 1, 2, 3)
    assert applications.mobilenet_v3.preprocess_input(x) is x


def test_argument_checks():
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        applications.MobileNetV3Small(weights=None, input_shape=(16, 16, 3))
    with pytest.raises(ValueError, match="alpha can be one of `0.75`, `1.0`"):
        applications.MobileNetV3Large(weights="imagenet", alpha=0.5)
    with pytest.raises(ValueError, match=r"input_shape\[1\] must equal input_tensor.shape\[2\]"):
        applications.MobileNetV3Small(weights=None, input_tensor=kb.Input((64, 64, 3)), input_shape=(32, 32, 3))


def test_imagenet_file_names_and_hashes_follow_keras(monkeypatch, tmp_path):
    requested = []

    def record(fname, origin, file_hash=None, what=""):
        requested.append((fname, origin, file_hash))
        raise RuntimeError("stop")

    monkeypatch.setattr("kerasbridge.applications._pretrained.fetch_file", record)
    with pytest.raises(RuntimeError, match="stop"):
        applications.MobileNetV3Small(weights="imagenet", include_top=False, input_shape=(224, 224, 3))
    assert requested == [(
        "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"
        "weights_mobilenet_v3_small_224_1.0_float_no_top_v2.h5",
        "d3e8ec802a04aa4fc771ee12a9a9b836",
    )]

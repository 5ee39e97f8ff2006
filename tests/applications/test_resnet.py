import os

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge import applications
from kerasbridge.applications import resnet

slow = pytest.mark.skipif(not os.environ.get("KERASBRIDGE_SLOW_TESTS"),
                          reason="deep network: set KERASBRIDGE_SLOW_TESTS=1 to run")


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def _offline(monkeypatch, tmp_path):
    def refuse(origin, target):
        raise Exception(f"URL fetch failure on {origin}: None -- offline")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr("kerasbridge.utils.file_utils._download", refuse)


def test_resnet50_parameter_count_matches_keras():
    # Keras's ResNet50 has 25,636,712 parameters; global pooling makes the count independent of the input size.
    model = applications.ResNet50(weights=None, input_shape=(32, 32, 3))
    assert model.count_params() == 25_636_712
    assert model.name == "resnet50"
    assert model.output.shape == (None, 1000)


@slow
@pytest.mark.parametrize("constructor, count", [("ResNet101", 44_707_176), ("ResNet152", 60_419_944)])
def test_deep_resnet_parameter_counts_match_keras(constructor, count):
    assert getattr(applications, constructor)(weights=None, input_shape=(32, 32, 3)).count_params() == count


def test_default_resnet50_builds_at_224():
    model = kb.applications.ResNet50(weights=None)
    assert model.input.shape == (None, 224, 224, 3)
    assert model.get_layer("conv5_block3_out").output.shape == (None, 7, 7, 2048)
    assert [layer.name for layer in model.layers[-2:]] == ["avg_pool", "predictions"]


def test_layer_names_pooling_and_input_tensor():
    inputs = kb.Input((40, 40, 3))
    resized = kb.layers.Resizing(32, 32)(inputs)
    model = applications.ResNet50(weights=None, include_top=False, input_tensor=resized, pooling="max")
    assert model.inputs[0] is inputs  # the predecessors of `input_tensor` stay in the model
    names = [layer.name for layer in model.layers]
    assert names[:7] == ["input_layer", "resizing", "conv1_pad", "conv1_conv", "conv1_bn", "conv1_relu", "pool1_pad"]
    assert "conv2_block1_0_conv" in names and "conv2_block2_0_conv" not in names
    assert names[-2:] == ["conv5_block3_out", "max_pool"]
    assert model.output.shape == (None, 2048)
    assert model.get_layer("conv1_bn").epsilon == pytest.approx(1.001e-5)


def test_invalid_weights_argument():
    with pytest.raises(ValueError, match="The `weights` argument should be either"):
        applications.ResNet50(weights="missing.weights.h5")


def test_imagenet_with_wrong_class_count():
    with pytest.raises(ValueError, match="`classes` should be 1000"):
        applications.ResNet50(weights="imagenet", classes=10)


def test_imagenet_offline_raises_a_clear_error(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    with pytest.raises(RuntimeError, match="Could not obtain the ImageNet weights of 'resnet50'") as error:
        applications.ResNet50(weights="imagenet", include_top=False, input_shape=(32, 32, 3))
    message = str(error.value)
    assert "resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5" in message
    assert "https://storage.googleapis.com/tensorflow/keras-applications/resnet/" in message
    assert "weights=None" in message


def test_pretrained_file_names_match_keras():
    assert resnet.pretrained_weights_file("resnet152", include_top=True) == (
        "resnet152_weights_tf_dim_ordering_tf_kernels.h5",
        "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"
        "resnet152_weights_tf_dim_ordering_tf_kernels.h5",
        "100835be76be38e30d865e96f2aaae62",
    )
    assert resnet.pretrained_weights_file("resnet50v2", include_top=False)[2] == "fac2f116257151a9d068a22e544a4917"
    assert resnet.pretrained_weights_file("custom", include_top=True) is None


def test_resnet50_module_and_preprocessing():
    assert applications.resnet50.ResNet50 is applications.ResNet50
    x = np.full((1, 1, 1, 3), 128.0, dtype="float32")
    np.testing.assert_allclose(applications.resnet.preprocess_input(x).ravel(),
                               [128 - 103.939, 128 - 116.779, 128 - 123.68], rtol=1e-6)


def test_keras_namespace_is_lazy():
    import subprocess
    import sys

    code = ("import sys, kerasbridge\n"
            "print('kerasbridge.applications' in sys.modules, kerasbridge.applications.ResNet50.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "ResNet50"]

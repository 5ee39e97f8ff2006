import os

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge import applications

slow = pytest.mark.skipif(not os.environ.get("KERASBRIDGE_SLOW_TESTS"),
                          reason="138M-parameter model: set KERASBRIDGE_SLOW_TESTS=1 to run")


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


@pytest.mark.parametrize("constructor, count", [("VGG16", 14_714_688), ("VGG19", 20_024_384)])
def test_headless_parameter_counts_match_keras(constructor, count):
    model = getattr(applications, constructor)(weights=None, include_top=False, input_shape=(32, 32, 3))
    assert model.count_params() == count


def _dense_params(inputs, units):
    return inputs * units + units


def test_vgg16_top_on_small_images():
    # Flatten makes the first dense layer depend on the input size: 1x1x512 features at 32x32.
    model = applications.VGG16(weights=None, input_shape=(32, 32, 3), classes=10)
    expected = 14_714_688 + _dense_params(512, 4096) + _dense_params(4096, 4096) + _dense_params(4096, 10)
    assert model.count_params() == expected
    assert [layer.name for layer in model.layers[-4:]] == ["flatten", "fc1", "fc2", "predictions"]


@slow
@pytest.mark.parametrize("constructor, count", [("VGG16", 138_357_544), ("VGG19", 143_667_240)])
def test_full_parameter_counts_match_keras(constructor, count):
    assert getattr(applications, constructor)(weights=None).count_params() == count


def test_block_structure_and_pooling():
    model = applications.VGG19(weights=None, include_top=False, input_shape=(64, 64, 3), pooling="max")
    names = [layer.name for layer in model.layers]
    assert "block3_conv4" in names and "block5_conv4" in names
    assert names[-1] == "global_max_pooling2d"
    out = model(np.random.default_rng(0).uniform(size=(2, 64, 64, 3)).astype("float32"))
    assert tuple(out.shape) == (2, 512)


def test_preprocess_input_is_caffe_mode():
    x = np.array([[[[255.0, 0.0, 0.0]]]], dtype="float32")
    np.testing.assert_allclose(applications.vgg16.preprocess_input(x).ravel(), [-103.939, -116.779, 255 - 123.68],
                               rtol=1e-6)
    assert applications.vgg19.decode_predictions.__doc__

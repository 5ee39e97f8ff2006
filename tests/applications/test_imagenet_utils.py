import json

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.applications import imagenet_utils


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def _pixel_image(channels_last=True):
    # One 1x2 image with channels (R, G, B) = (10, 20, 30) and (200, 100, 0).
    image = np.array([[[10.0, 20.0, 30.0], [200.0, 100.0, 0.0]]], dtype="float32")
    return image if channels_last else np.transpose(image, (2, 0, 1)).copy()


def test_tf_mode_scales_to_minus_one_one():
    out = imagenet_utils.preprocess_input(np.array([0.0, 127.5, 255.0], dtype="float32").reshape(1, 1, 3), mode="tf")
    np.testing.assert_allclose(out.ravel(), [-1.0, 0.0, 1.0])


def test_caffe_mode_flips_to_bgr_and_subtracts_mean():
    out = imagenet_utils.preprocess_input(_pixel_image(), mode="caffe")
    expected = np.array([[[30 - 103.939, 20 - 116.779, 10 - 123.68], [0 - 103.939, 100 - 116.779, 200 - 123.68]]])
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_torch_mode_normalizes_with_imagenet_statistics():
    out = imagenet_utils.preprocess_input(_pixel_image(), mode="torch")
    mean, std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    np.testing.assert_allclose(out, (_pixel_image() / 255.0 - mean) / std, rtol=1e-5)


@pytest.mark.parametrize("mode", ["caffe", "torch"])
def test_channels_first_matches_channels_last(mode):
    last = imagenet_utils.preprocess_input(_pixel_image(), mode=mode, data_format="channels_last")
    first = imagenet_utils.preprocess_input(_pixel_image(False), mode=mode, data_format="channels_first")
    np.testing.assert_allclose(np.transpose(first, (1, 2, 0)), last, rtol=1e-6)


def test_float_numpy_input_is_modified_in_place_like_keras():
    x = np.full((1, 1, 3), 255.0, dtype="float32")
    imagenet_utils.preprocess_input(x, mode="tf")
    np.testing.assert_allclose(x, 1.0)


def test_integer_numpy_input_is_converted_to_floatx():
    out = imagenet_utils.preprocess_input(np.full((1, 1, 3), 255, dtype="uint8"), mode="tf")
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, 1.0)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
def test_torch_tensor_input_gives_the_numpy_result(mode):
    image = np.random.default_rng(0).uniform(0, 255, size=(2, 3, 4, 3)).astype("float32")
    expected = imagenet_utils.preprocess_input(image.copy(), mode=mode)
    out = imagenet_utils.preprocess_input(torch.from_numpy(image.copy()), mode=mode)
    assert isinstance(out, torch.Tensor)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-6, atol=1e-5)


def test_symbolic_input_builds_a_preprocessing_model():
    inputs = kb.Input((2, 2, 3))
    model = kb.Model(inputs, imagenet_utils.preprocess_input(inputs, mode="caffe"))
    image = np.random.default_rng(1).uniform(0, 255, size=(1, 2, 2, 3)).astype("float32")
    expected = imagenet_utils.preprocess_input(image.copy(), mode="caffe")
    np.testing.assert_allclose(kb.ops.convert_to_numpy(model(image)), expected, rtol=1e-6, atol=1e-5)


def test_unknown_mode_raises():
    with pytest.raises(ValueError, match="Expected mode to be one of `caffe`, `tf` or `torch`"):
        imagenet_utils.preprocess_input(_pixel_image(), mode="onnx")


def test_unknown_data_format_raises():
    with pytest.raises(ValueError, match="Received: data_format=channels_middle"):
        imagenet_utils.preprocess_input(_pixel_image(), data_format="channels_middle")


def _cache_class_index(tmp_path, monkeypatch):
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    models = tmp_path / "models"
    models.mkdir()
    (models / "imagenet_class_index.json").write_text(json.dumps(index))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_FILE_HASH", None)


def _offline(monkeypatch):
    def refuse(origin, target):
        raise Exception(f"URL fetch failure on {origin}: None -- offline")

    monkeypatch.setattr("kerasbridge.utils.file_utils._download", refuse)


def test_decode_predictions_reads_the_cached_class_index(tmp_path, monkeypatch):
    _cache_class_index(tmp_path, monkeypatch)
    _offline(monkeypatch)
    preds = np.zeros((2, 1000), dtype="float32")
    preds[0, [3, 7, 5]] = [0.5, 0.3, 0.2]
    preds[1, 999] = 1.0
    decoded = imagenet_utils.decode_predictions(preds, top=3)
    assert [entry[:2] for entry in decoded[0]] == [("n00000003", "class_3"), ("n00000007", "class_7"),
                                                   ("n00000005", "class_5")]
    np.testing.assert_allclose([entry[2] for entry in decoded[0]], [0.5, 0.3, 0.2])
    assert decoded[1][0][:2] == ("n00000999", "class_999")
    assert len(decoded[1]) == 3


def test_decode_predictions_accepts_torch_tensors(tmp_path, monkeypatch):
    _cache_class_index(tmp_path, monkeypatch)
    preds = torch.zeros(1, 1000)
    preds[0, 42] = 1.0
    assert imagenet_utils.decode_predictions(preds, top=1)[0][0][1] == "class_42"


def test_decode_predictions_offline_without_cache_raises_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", None)
    _offline(monkeypatch)
    with pytest.raises(RuntimeError, match="imagenet_class_index.json' is not in the Keras cache") as error:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    assert str(tmp_path / "models" / "imagenet_class_index.json") in str(error.value)


def test_decode_predictions_rejects_wrong_shapes():
    with pytest.raises(ValueError, match=r"\(samples, 1000\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def test_obtain_input_shape_defaults():
    assert imagenet_utils.obtain_input_shape(None, 224, 32, "channels_last", require_flatten=True) == (224, 224, 3)
    assert imagenet_utils.obtain_input_shape(None, 224, 32, "channels_last", require_flatten=False) == (None, None, 3)
    assert imagenet_utils.obtain_input_shape(None, 224, 32, "channels_first", require_flatten=False) == (3, None, None)


def test_obtain_input_shape_validates_user_shapes():
    assert imagenet_utils.obtain_input_shape((64, 48, 3), 224, 32, "channels_last", False) == (64, 48, 3)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        imagenet_utils.obtain_input_shape((31, 64, 3), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match="must be a tuple of three integers"):
        imagenet_utils.obtain_input_shape((64, 64), 224, 32, "channels_last", False)
    with pytest.raises(ValueError, match="The input must have 3 channels"):
        imagenet_utils.obtain_input_shape((64, 64, 1), 224, 32, "channels_last", False, weights="imagenet")
    with pytest.raises(ValueError, match="should specify a static `input_shape`"):
        imagenet_utils.obtain_input_shape((None, None, 3), 224, 32, "channels_last", True)


def test_obtain_input_shape_imagenet_top_requires_the_default_shape():
    with pytest.raises(ValueError, match=r"`input_shape` should be \(224, 224, 3\)"):
        imagenet_utils.obtain_input_shape((128, 128, 3), 224, 32, "channels_last", True, weights="imagenet")


def test_obtain_input_shape_warns_on_unusual_channel_counts():
    with pytest.warns(UserWarning, match="expects 1 or 3 input channels"):
        shape = imagenet_utils.obtain_input_shape((40, 40, 5), 224, 32, "channels_last", False)
    assert shape == (40, 40, 5)


def test_correct_pad_depends_on_parity():
    assert imagenet_utils.correct_pad(kb.Input((32, 32, 3)), 3) == ((0, 1), (0, 1))
    assert imagenet_utils.correct_pad(kb.Input((33, 32, 3)), 5) == ((2, 2), (1, 2))
    assert imagenet_utils.correct_pad(kb.Input((None, None, 3)), (3, 3)) == ((0, 1), (0, 1))


def test_validate_activation():
    imagenet_utils.validate_activation("relu", None)
    imagenet_utils.validate_activation("softmax", "imagenet")
    imagenet_utils.validate_activation(None, "imagenet")
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        imagenet_utils.validate_activation("sigmoid", "imagenet")


@pytest.mark.parametrize("module_name, mode", [
    ("resnet", "caffe"), ("resnet_v2", "tf"), ("mobilenet_v2", "tf"), ("densenet", "torch"), ("vgg19", "caffe"),
])
def test_module_preprocess_input_uses_its_mode(module_name, mode):
    import importlib

    module = importlib.import_module(f"kerasbridge.applications.{module_name}")
    expected = imagenet_utils.preprocess_input(_pixel_image(), mode=mode)
    np.testing.assert_allclose(module.preprocess_input(_pixel_image()), expected, rtol=1e-6)


@pytest.mark.parametrize("module_name", ["efficientnet", "efficientnet_v2", "convnext", "mobilenet_v3"])
def test_self_preprocessing_modules_return_their_input(module_name):
    import importlib

    module = importlib.import_module(f"kerasbridge.applications.{module_name}")
    images = _pixel_image()
    assert module.preprocess_input(images, data_format="channels_last") is images


def test_module_functions_look_hand_written():
    import inspect

    from kerasbridge.applications import inception_v3

    for function, name in ((inception_v3.preprocess_input, "preprocess_input"),
                           (inception_v3.decode_predictions, "decode_predictions")):
        assert function.__name__ == function.__qualname__ == name
        assert function.__module__ == "kerasbridge.applications.inception_v3"
        assert "InceptionV3" in function.__doc__
    assert str(inspect.signature(inception_v3.preprocess_input)) == "(x, data_format=None)"
    assert str(inspect.signature(inception_v3.decode_predictions)) == "(preds, top=5)"


def test_module_decode_predictions_uses_the_shared_class_index(monkeypatch):
    from kerasbridge.applications import xception

    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX", {str(i): [f"n{i}", f"class_{i}"] for i in range(1000)})
    preds = np.zeros((1, 1000), dtype="float32")
    preds[0, 7] = 1.0
    assert xception.decode_predictions(preds, top=1)[0][0][:2] == ("n7", "class_7")


def test_preprocessing_functions_rejects_unknown_modes():
    with pytest.raises(ValueError, match="Expected mode to be one of"):
        imagenet_utils.preprocessing_functions("onnx", __name__, "Model")

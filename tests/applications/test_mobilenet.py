import h5py
import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge import applications


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def _offline(monkeypatch, tmp_path):
    def refuse(origin, target):
        raise Exception(f"URL fetch failure on {origin}: None -- offline")

    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr("kerasbridge.utils.file_utils._download", refuse)


def _write_keras2_weights(model, path):
    """A Keras 2 HDF5 weights file (the layout of Keras's published ImageNet files)."""
    with h5py.File(path, "w") as f:
        owners = [layer for layer in model.layers if layer.weights]
        f.attrs["layer_names"] = [layer.name.encode("utf8") for layer in owners]
        for layer in owners:
            group = f.create_group(layer.name)
            variables = layer.trainable_weights + layer.non_trainable_weights
            names = [f"{layer.name}/{v.name}:0" for v in variables]
            group.attrs["weight_names"] = [n.encode("utf8") for n in names]
            for name, variable in zip(names, variables):
                group.create_dataset(name, data=variable.numpy())


def test_parameter_count_and_name_match_keras():
    model = applications.MobileNet(weights=None, input_shape=(32, 32, 3))
    assert model.count_params() == 4_253_864
    assert model.name == "mobilenet_1.00_32"  # named after the actual input size, as in Keras
    assert [layer.name for layer in model.layers[-5:]] == ["global_average_pooling2d", "dropout", "conv_preds",
                                                           "reshape_2", "predictions"]


def test_default_name_follows_alpha_and_size():
    model = applications.MobileNet(weights=None, alpha=0.25, input_shape=(128, 128, 3), include_top=False)
    assert model.name == "mobilenet_0.25_128"
    assert model.get_layer("conv_pw_13").filters == 256
    assert model.get_layer("conv_dw_1").depth_multiplier == 1


def test_weights_path_round_trip(tmp_path):
    source = applications.MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3), classes=5)
    path = str(tmp_path / "mobilenet.weights.h5")
    source.save_weights(path)
    kb.utils.clear_session(free_memory=False)
    loaded = applications.MobileNet(weights=path, alpha=0.25, input_shape=(32, 32, 3), classes=5)
    for expected, got in zip(source.get_weights(), loaded.get_weights()):
        np.testing.assert_array_equal(got, expected)


def test_imagenet_weights_are_read_from_the_keras_cache(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    kwargs = {"alpha": 0.25, "input_shape": (128, 128, 3), "include_top": False}
    reference = applications.MobileNet(weights=None, **kwargs)
    (tmp_path / "models").mkdir()
    _write_keras2_weights(reference, str(tmp_path / "models" / "mobilenet_2_5_128_tf_no_top.h5"))
    kb.utils.clear_session(free_memory=False)
    pretrained = applications.MobileNet(weights="imagenet", **kwargs)
    for expected, got in zip(reference.get_weights(), pretrained.get_weights()):
        np.testing.assert_array_equal(got, expected)


def test_imagenet_offline_names_the_missing_file(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    with pytest.raises(RuntimeError, match="mobilenet_5_0_160_tf.h5' is not in the Keras cache"):
        applications.MobileNet(weights="imagenet", alpha=0.5, input_shape=(160, 160, 3))


def test_legacy_file_with_the_wrong_layers_raises(tmp_path):
    other = applications.MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3), include_top=False)
    path = str(tmp_path / "headless.h5")
    _write_keras2_weights(other, path)
    with pytest.raises(ValueError, match="Layer count mismatch"):
        applications.MobileNet(weights=path, alpha=0.25, input_shape=(32, 32, 3))


def test_imagenet_argument_checks():
    with pytest.raises(ValueError, match="depth multiplier must be 1"):
        applications.MobileNet(weights="imagenet", depth_multiplier=2)
    with pytest.raises(ValueError, match="alpha can be one of"):
        applications.MobileNet(weights="imagenet", alpha=0.3)
    with pytest.raises(ValueError, match="Input size must be at least 32x32"):
        applications.MobileNet(weights=None, input_shape=(16, 16, 3), include_top=False)


def test_imagenet_rejects_other_classifier_activations(monkeypatch, tmp_path):
    _offline(monkeypatch, tmp_path)
    with pytest.raises(ValueError, match="Only `None` and `softmax` activations are allowed"):
        applications.MobileNet(weights="imagenet", alpha=0.25, classifier_activation="sigmoid")


def test_forward_pass():
    model = applications.MobileNet(weights=None, alpha=0.25, input_shape=(32, 32, 3), classes=4)
    probabilities = kb.ops.convert_to_numpy(model(np.ones((2, 32, 32, 3), "float32")))
    assert probabilities.shape == (2, 4)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-5)


def test_preprocess_input_is_tf_mode():
    x = np.array([0.0, 127.5, 255.0], dtype="float32").reshape(1, 1, 1, 3)
    np.testing.assert_allclose(applications.mobilenet.preprocess_input(x).ravel(), [-1.0, 0.0, 1.0])

"""Wrapper, serialize/deserialize, TorchModuleWrapper, ReversibleEmbedding and Pipeline against Keras 3."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kerasbridge.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy() if torch.is_tensor(x) else np.asarray(x)


def _same_layout(keras_layer, bridge_layer):
    assert [w.name for w in bridge_layer.weights] == [w.name for w in keras_layer.weights]
    assert [tuple(w.shape) for w in bridge_layer.weights] == [tuple(w.shape) for w in keras_layer.weights]


@pytest.mark.parametrize("tie_weights", [True, False])
@pytest.mark.parametrize("soft_cap", [None, 2.0])
def test_reversible_embedding_matches_keras(tie_weights, soft_cap):
    kwargs = dict(input_dim=10, output_dim=4, tie_weights=tie_weights, logit_soft_cap=soft_cap, mask_zero=True)
    ids = np.array([[1, 2, 0], [9, 3, 0]], dtype="int32")
    hidden = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
    keras_layer = keras.layers.ReversibleEmbedding(**kwargs)
    bridge_layer = kerasbridge.layers.ReversibleEmbedding(**kwargs)
    keras_layer.build()
    bridge_layer.build()
    _same_layout(keras_layer, bridge_layer)
    bridge_layer.set_weights(keras_layer.get_weights())
    forward = bridge_layer(torch.as_tensor(ids))
    np.testing.assert_allclose(_np(forward), _np(keras_layer(torch.as_tensor(ids))), atol=1e-5)
    np.testing.assert_array_equal(_np(forward._keras_mask), ids != 0)
    expected = _np(keras_layer(torch.as_tensor(hidden), reverse=True))
    got = _np(bridge_layer(torch.as_tensor(hidden), reverse=True))
    assert got.shape == (2, 3, 10)
    np.testing.assert_allclose(got, expected, atol=1e-5)
    config = bridge_layer.get_config()
    assert config == keras_layer.get_config()
    assert kerasbridge.layers.ReversibleEmbedding.from_config(config).get_config() == config


def test_torch_module_wrapper_tracks_parameters_and_matches_keras():
    torch.manual_seed(0)
    keras_layer = keras.layers.TorchModuleWrapper(torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh()))
    module = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.Tanh())
    bridge_layer = kerasbridge.layers.TorchModuleWrapper(module)
    _same_layout(keras_layer, bridge_layer)
    assert len(bridge_layer.trainable_weights) == 2
    bridge_layer.set_weights(keras_layer.get_weights())
    np.testing.assert_array_equal(_np(module[0].weight), keras_layer.get_weights()[0])  # shared, not copied
    x = torch.as_tensor(np.random.default_rng(1).standard_normal((5, 4)).astype("float32"))
    np.testing.assert_allclose(_np(bridge_layer(x)), _np(keras_layer(x)), atol=1e-5)
    bridge_layer(x).sum().backward()
    assert bridge_layer.trainable_weights[0].value.grad is not None


def test_torch_module_wrapper_config_round_trip_needs_unsafe_mode():
    bridge_layer = kerasbridge.layers.TorchModuleWrapper(torch.nn.Linear(4, 2), output_shape=(None, 2))
    config = bridge_layer.get_config()
    assert set(config) == set(keras.layers.TorchModuleWrapper(torch.nn.Linear(4, 2)).get_config())
    with pytest.raises(ValueError, match="safe_mode=False"):
        kerasbridge.layers.TorchModuleWrapper.from_config(dict(config))
    rebuilt = kerasbridge.layers.TorchModuleWrapper.from_config(dict(config), safe_mode=False)
    np.testing.assert_array_equal(rebuilt.get_weights()[0], bridge_layer.get_weights()[0])
    assert rebuilt.compute_output_shape((3, 4)) == (None, 2)


def test_torch_module_wrapper_rejects_non_modules():
    with pytest.raises(TypeError, match="torch.nn.Module"):
        kerasbridge.layers.TorchModuleWrapper(np.ones(3))


def test_serialize_dense_matches_keras_and_deserializes():
    keras_config = keras.layers.serialize(keras.layers.Dense(3, activation="relu"))
    bridge_config = kerasbridge.layers.serialize(kerasbridge.layers.Dense(3, activation="relu"))
    assert bridge_config == keras_config
    rebuilt = kerasbridge.layers.deserialize(keras_config)
    assert isinstance(rebuilt, kerasbridge.layers.Dense)
    assert rebuilt.units == 3
    with pytest.raises(TypeError, match="config dict"):
        kerasbridge.layers.deserialize("dense")


class _KerasScale(keras.layers.Wrapper):
    def call(self, inputs):
        return self.layer(inputs) * 2.0


class _BridgeScale(kerasbridge.layers.Wrapper):
    def call(self, inputs):
        return self.layer(inputs) * 2.0


def test_wrapper_subclass_matches_keras():
    keras_layer = _KerasScale(keras.layers.Dense(3), name="scale")
    bridge_layer = _BridgeScale(kerasbridge.layers.Dense(3), name="scale")
    keras_layer.build((None, 4))
    bridge_layer.build((None, 4))
    assert bridge_layer.layer.built
    _same_layout(keras_layer, bridge_layer)
    bridge_layer.set_weights(keras_layer.get_weights())
    x = torch.as_tensor(np.random.default_rng(2).standard_normal((2, 4)).astype("float32"))
    np.testing.assert_allclose(_np(bridge_layer(x)), _np(keras_layer(x)), atol=1e-5)
    config = bridge_layer.get_config()
    keras_config = keras_layer.get_config()
    assert config["layer"]["class_name"] == keras_config["layer"]["class_name"] == "Dense"
    assert config["layer"]["config"] == keras_config["layer"]["config"]
    rebuilt = _BridgeScale.from_config(config)
    assert isinstance(rebuilt.layer, kerasbridge.layers.Dense) and rebuilt.layer.units == 3
    with pytest.raises(ValueError, match="valid Keras layer"):
        _BridgeScale(torch.nn.Linear(2, 2))


def test_pipeline_matches_keras_and_round_trips():
    x = torch.as_tensor(np.random.default_rng(3).uniform(0, 255, (2, 6, 6, 3)).astype("float32"))
    keras_layer = keras.layers.Pipeline([keras.layers.Rescaling(1 / 255.0), keras.layers.CenterCrop(4, 4)])
    bridge_layer = kerasbridge.layers.Pipeline(
        [kerasbridge.layers.Rescaling(1 / 255.0), kerasbridge.layers.CenterCrop(4, 4)]
    )
    np.testing.assert_allclose(_np(bridge_layer(x)), _np(keras_layer(x)), atol=1e-5)
    rebuilt = kerasbridge.layers.Pipeline.from_config(keras.layers.Pipeline([keras.layers.Rescaling(0.5)]).get_config())
    assert [type(layer).__name__ for layer in rebuilt.layers] == ["Rescaling"]
    np.testing.assert_allclose(_np(rebuilt(x)), _np(x) * 0.5, atol=1e-5)
    assert set(bridge_layer.get_config()) == {"layers", "name"}
    with pytest.raises(ValueError, match="layers"):
        kerasbridge.layers.Pipeline.from_config({"name": "p"})

"""Activation layer: applies the named/callable activation, keeps masks, serializes by name."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):  # torch-made inputs live where the weights do
        yield


def test_relu_by_name():
    out = layers.Activation("relu")(np.array([[-2.0, 0.5]], dtype="float32"))
    np.testing.assert_array_equal(out.cpu().numpy(), [[0.0, 0.5]])


def test_softmax_over_last_axis():
    x = np.array([[1.0, 2.0, 3.0]], dtype="float32")
    expected = np.exp(x) / np.exp(x).sum(-1, keepdims=True)
    np.testing.assert_allclose(layers.Activation("softmax")(x).cpu().numpy(), expected, rtol=1e-6)


def test_callable_activation():
    out = layers.Activation(torch.tanh)(torch.tensor([[0.5]]))
    assert out.item() == pytest.approx(np.tanh(0.5))


def test_mask_passes_through():
    x = torch.randn(2, 3, 4)
    x._keras_mask = torch.tensor([[True, False, True], [False, True, True]])
    assert torch.equal(layers.Activation("sigmoid")(x)._keras_mask, x._keras_mask)


def test_config_round_trip_serializes_the_name():
    layer = layers.Activation("gelu")
    config = layer.get_config()
    assert config["activation"] == "gelu"
    assert layers.Activation.from_config(config).get_config() == config


def test_unknown_activation_raises():
    with pytest.raises(ValueError):
        layers.Activation("not_an_activation")

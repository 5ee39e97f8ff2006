"""Dropout: identity at inference, scaled Bernoulli mask in training, seeds, noise_shape, config."""

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


def test_identity_when_not_training():
    x = torch.randn(4, 5)
    layer = layers.Dropout(0.5)
    assert layer(x) is x
    assert layer(x, training=False) is x


def test_training_zeroes_entries_and_scales_the_rest():
    x = torch.ones(50, 40)
    out = layers.Dropout(0.25, seed=1)(x, training=True)
    values = out.cpu().numpy()
    np.testing.assert_allclose(values[values != 0], 1 / 0.75, rtol=1e-6)
    kept = (out != 0).float().mean().item()
    assert 0.65 < kept < 0.85


def test_seeded_layers_repeat_the_same_masks():
    x = torch.ones(6, 7)
    a, b = layers.Dropout(0.5, seed=7), layers.Dropout(0.5, seed=7)
    first_a, first_b = a(x, training=True), b(x, training=True)
    assert torch.equal(first_a, first_b)
    assert not torch.equal(a(x, training=True), first_a)  # the seed generator advances


def test_noise_shape_broadcasts_the_mask():
    x = torch.ones(3, 4, 5)
    out = layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=2)(x, training=True)
    assert torch.equal(out, out[:, :1, :].expand(3, 4, 5))


def test_rate_zero_is_identity_even_in_training():
    x = torch.randn(3, 3)
    layer = layers.Dropout(0.0)
    assert torch.equal(layer(x, training=True), x)
    assert layer.variables == []


def test_rate_one_zeroes_everything():
    out = layers.Dropout(1.0)(torch.ones(2, 2), training=True)
    assert torch.equal(out, torch.zeros(2, 2))


def test_seed_generator_state_is_a_layer_variable():
    layer = layers.Dropout(0.5, seed=3)
    assert layer.weights == []
    assert len(layer.variables) == 1


@pytest.mark.parametrize("rate", [-0.1, 1.5])
def test_invalid_rate_raises(rate):
    with pytest.raises(ValueError, match="Expected a float value between 0 and 1"):
        layers.Dropout(rate)


@pytest.mark.parametrize("noise_shape,match", [("abc", "tuple or list"), ((2, 0), "positive"), ((2.0,), "integers")])
def test_invalid_noise_shape_raises(noise_shape, match):
    with pytest.raises(ValueError, match=match):
        layers.Dropout(0.5, noise_shape=noise_shape)


def test_mask_passes_through():
    x = torch.randn(2, 3, 4)
    x._keras_mask = torch.tensor([[True, False, True], [False, True, True]])
    assert torch.equal(layers.Dropout(0.5)(x)._keras_mask, x._keras_mask)


def test_config_round_trip():
    layer = layers.Dropout(0.3, noise_shape=[None, 1], seed=4)
    config = layer.get_config()
    assert (config["rate"], config["seed"], config["noise_shape"]) == (0.3, 4, (None, 1))
    assert layers.Dropout.from_config(config).get_config() == config

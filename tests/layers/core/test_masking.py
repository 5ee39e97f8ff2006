"""Masking: zero and mask the timesteps whose features all equal mask_value."""

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


def _inputs():
    x = np.array([[[1.0, 2.0], [0.0, 0.0], [0.0, 3.0]], [[0.0, 0.0], [5.0, 5.0], [5.0, 0.0]]], dtype="float32")
    return x


def test_mask_is_any_feature_different_from_mask_value():
    out = layers.Masking()(_inputs())
    assert torch.equal(out._keras_mask, torch.tensor([[True, False, True], [False, True, True]]))


def test_masked_timesteps_are_zeroed():
    out = layers.Masking(mask_value=5.0)(_inputs())
    expected = _inputs()
    expected[1, 1] = 0.0
    np.testing.assert_array_equal(out.cpu().numpy(), expected)
    assert torch.equal(out._keras_mask, torch.tensor([[True, True, True], [True, False, True]]))


def test_compute_mask_matches_call_mask():
    layer = layers.Masking(mask_value=0.0)
    x = torch.from_numpy(_inputs())
    assert torch.equal(layer.compute_mask(x), layer(x)._keras_mask)


def test_symbolic_output_carries_mask():
    out = layers.Masking()(keras.Input(shape=(4, 3)))
    assert out.shape == (None, 4, 3)
    assert out._keras_mask.shape == (None, 4)


def test_config_round_trip():
    layer = layers.Masking(mask_value=-1.0)
    config = layer.get_config()
    assert config["mask_value"] == -1.0
    assert layers.Masking.from_config(config).get_config() == config

"""Flatten: (batch, ...) -> (batch, prod), NHWC order for channels_first data."""

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


def test_flattens_all_but_batch_axis_in_c_order():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(layers.Flatten()(x).cpu().numpy(), x.reshape(2, 12))


def test_rank_one_input_becomes_a_column():
    out = layers.Flatten()(np.arange(3, dtype="float32"))
    assert tuple(out.shape) == (3, 1)


def test_channels_first_is_flattened_in_channels_last_order():
    x = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    out = layers.Flatten(data_format="channels_first")(x)
    np.testing.assert_array_equal(out.cpu().numpy(), x.transpose(0, 2, 3, 1).reshape(2, 60))


def test_symbolic_shapes():
    assert layers.Flatten()(keras.Input(shape=(3, 4))).shape == (None, 12)
    assert layers.Flatten()(keras.Input(shape=(None, 4))).shape == (None, None)


def test_scalar_input_is_rejected():
    with pytest.raises(ValueError, match="expected min_ndim=1, found ndim=0"):
        layers.Flatten()(np.float32(1.0))


def test_config_round_trip():
    layer = layers.Flatten(data_format="channels_first")
    config = layer.get_config()
    assert config["data_format"] == "channels_first"
    assert layers.Flatten.from_config(config).get_config() == config

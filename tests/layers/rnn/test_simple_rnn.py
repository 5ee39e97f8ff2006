"""SimpleRNN/SimpleRNNCell: the recurrence against numpy, config and properties."""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


def test_simple_rnn_matches_numpy_recurrence():
    x = np.random.default_rng(0).standard_normal((2, 4, 3)).astype("float32")
    layer = layers.SimpleRNN(5, return_sequences=True)
    outputs = layer(x).detach().numpy()
    kernel, recurrent, bias = layer.get_weights()
    h = np.zeros((2, 5), "float32")
    for t in range(4):
        h = np.tanh(x[:, t] @ kernel + h @ recurrent + bias)
        np.testing.assert_allclose(outputs[:, t], h, atol=1e-6)


def test_layer_exposes_cell_arguments_and_round_trips_config():
    layer = layers.SimpleRNN(4, activation="relu", dropout=0.2, name="rnn_a")
    assert layer.units == 4 and layer.dropout == 0.2 and layer.activation is keras.activations.relu
    config = layer.get_config()
    assert "cell" not in config and "seed" not in config and config["units"] == 4
    assert layers.SimpleRNN.from_config(config).get_config() == config


def test_cell_config_round_trip():
    cell = layers.SimpleRNNCell(3, use_bias=False, seed=4)
    assert layers.SimpleRNNCell.from_config(cell.get_config()).get_config() == cell.get_config()

"""Bidirectional and TimeDistributed: merging, flipping, masks, states and errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


def _steps(batch=2, steps=4, features=3, seed=0):
    return torch.as_tensor(np.random.default_rng(seed).standard_normal((batch, steps, features)).astype("float32"))


def test_bidirectional_concat_is_forward_and_flipped_backward():
    layer = layers.Bidirectional(layers.GRU(3, return_sequences=True))
    x = _steps()
    output = layer(x).detach().numpy()
    forward = layer.forward_layer(x).detach().numpy()
    backward = layer.backward_layer(x).detach().numpy()[:, ::-1]
    np.testing.assert_allclose(output, np.concatenate([forward, backward], axis=-1), atol=1e-6)
    assert layer.forward_layer.name == "forward_gru" and layer.backward_layer.go_backwards


@pytest.mark.parametrize("merge_mode, width", [("sum", 3), ("mul", 3), ("ave", 3), ("concat", 6)])
def test_bidirectional_merge_modes(merge_mode, width):
    layer = layers.Bidirectional(layers.LSTM(3), merge_mode=merge_mode)
    assert tuple(layer(_steps()).shape) == (2, width)


def test_bidirectional_none_merge_and_states():
    layer = layers.Bidirectional(layers.LSTM(3, return_state=True), merge_mode=None)
    forward, backward, *states = layer(_steps())
    assert tuple(forward.shape) == tuple(backward.shape) == (2, 3) and len(states) == 4


def test_bidirectional_validates_arguments():
    with pytest.raises(ValueError, match="merge mode"):
        layers.Bidirectional(layers.LSTM(2), merge_mode="max")
    with pytest.raises(ValueError, match="go_backwards"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2))
    with pytest.raises(ValueError, match="return_sequences"):
        layers.Bidirectional(layers.LSTM(2), backward_layer=layers.LSTM(2, go_backwards=True, return_sequences=True))
    with pytest.raises(ValueError, match="Layer"):
        layers.Bidirectional("lstm")


def test_bidirectional_stateful_reset():
    layer = layers.Bidirectional(layers.SimpleRNN(2, stateful=True))
    x = _steps()
    first = layer(x).detach().numpy()
    assert len(layer.states) == 2
    layer.reset_states()
    np.testing.assert_allclose(layer(x).detach().numpy(), first, atol=1e-6)
    with pytest.raises(AttributeError, match="stateful"):
        layers.Bidirectional(layers.SimpleRNN(2)).reset_state()


def test_bidirectional_config_round_trip():
    layer = layers.Bidirectional(layers.GRU(2, return_sequences=True), merge_mode="sum")
    rebuilt = layers.Bidirectional.from_config(layer.get_config())
    assert rebuilt.merge_mode == "sum" and rebuilt.backward_layer.go_backwards


def test_time_distributed_applies_the_layer_per_step():
    dense = layers.Dense(2)
    layer = layers.TimeDistributed(dense)
    x = _steps()
    output = layer(x).detach().numpy()
    kernel, bias = dense.get_weights()
    np.testing.assert_allclose(output, x.numpy() @ kernel + bias, atol=1e-6)
    assert [w.path for w in layer.weights] == ["time_distributed/dense/kernel", "time_distributed/dense/bias"]


def test_time_distributed_keeps_the_mask():
    x = _steps()
    x._keras_mask = torch.tensor([[True, False, True, True], [True, True, False, False]])
    output = layers.TimeDistributed(layers.Dense(2))(x)
    assert torch.equal(output._keras_mask, x._keras_mask)


def test_time_distributed_symbolic_shape():
    output = layers.TimeDistributed(layers.Conv1D(4, 3))(keras.Input((None, 7, 2)))
    assert tuple(output.shape) == (None, None, 5, 4)


def test_time_distributed_errors():
    with pytest.raises(ValueError, match="Layer"):
        layers.TimeDistributed(lambda x: x)
    with pytest.raises(ValueError, match="at least 3 dimensions"):
        layers.TimeDistributed(layers.Dense(2)).build((2, 3))
    with pytest.raises(ValueError, match="mask"):
        layers.TimeDistributed(layers.Dense(2))(_steps(), mask=torch.ones((2, 5), dtype=torch.bool))

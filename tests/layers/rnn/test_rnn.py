"""RNN with custom and stacked cells: masking rules, go_backwards, states, stateful, dropout, errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers, ops


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


class AccumulatorCell(layers.Layer):
    """state_t = state_{t-1} + x_t; output_t = state_t (sums the visited steps)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def call(self, inputs, states):
        new_state = states[0] + inputs
        return new_state, [new_state]


def _np(x):
    return x.detach().cpu().numpy()


def _steps(batch=2, steps=4, features=3, seed=0):
    return np.random.default_rng(seed).standard_normal((batch, steps, features)).astype("float32")


def test_custom_cell_runs_over_time():
    x = _steps()
    outputs = layers.RNN(AccumulatorCell(3), return_sequences=True)(x)
    np.testing.assert_allclose(_np(outputs), np.cumsum(x, axis=1), atol=1e-6)


def test_masked_steps_keep_state_and_repeat_previous_output():
    x = np.ones((1, 4, 1), "float32")
    mask = torch.tensor([[False, True, False, True]])
    outputs, state = layers.RNN(AccumulatorCell(1), return_sequences=True, return_state=True)(x, mask=mask)
    np.testing.assert_allclose(_np(outputs)[0, :, 0], [0.0, 1.0, 1.0, 2.0])
    np.testing.assert_allclose(_np(state), [[2.0]])


def test_zero_output_for_mask_zeroes_masked_steps():
    x = np.ones((1, 4, 1), "float32")
    mask = torch.tensor([[True, False, True, False]])
    layer = layers.RNN(AccumulatorCell(1), return_sequences=True, zero_output_for_mask=True)
    np.testing.assert_allclose(_np(layer(x, mask=mask))[0, :, 0], [1.0, 0.0, 2.0, 0.0])


def test_go_backwards_returns_the_reversed_sequence():
    x = _steps(seed=1)
    backwards = layers.RNN(AccumulatorCell(3), return_sequences=True, go_backwards=True)(x)
    np.testing.assert_allclose(_np(backwards), np.cumsum(x[:, ::-1], axis=1), atol=1e-6)


def test_output_mask_follows_return_sequences():
    mask = torch.tensor([[True, True, False]])
    x = torch.ones((1, 3, 2))
    assert layers.RNN(AccumulatorCell(2)).compute_mask(x, mask) is None
    assert layers.RNN(AccumulatorCell(2), return_sequences=True).compute_mask(x, mask) is mask
    masks = layers.RNN(AccumulatorCell(2), return_sequences=True, return_state=True).compute_mask(x, mask)
    assert masks[0] is mask and masks[1:] == [None]


def test_initial_state_is_used():
    x = np.zeros((2, 3, 2), "float32")
    initial = np.full((2, 2), 5.0, "float32")
    np.testing.assert_allclose(_np(layers.RNN(AccumulatorCell(2))(x, initial_state=[initial])), initial)


def test_stacked_cells_feed_each_other_and_return_nested_states():
    cells = [layers.SimpleRNNCell(4), layers.LSTMCell(3)]
    layer = layers.RNN(cells, return_state=True)
    output, simple_states, lstm_states = layer(_steps())
    assert isinstance(layer.cell, layers.StackedRNNCells)
    assert tuple(output.shape) == (2, 3) and [tuple(s.shape) for s in simple_states] == [(2, 4)]
    assert [tuple(s.shape) for s in lstm_states] == [(2, 3), (2, 3)]
    np.testing.assert_allclose(_np(output), _np(lstm_states[0]))
    assert [w.path for w in layer.weights][:2] == [
        "rnn/stacked_rnn_cells/simple_rnn_cell/kernel", "rnn/stacked_rnn_cells/simple_rnn_cell/recurrent_kernel",
    ]


def test_stateful_layer_carries_states_and_resets():
    x = _steps(seed=2)
    layer = layers.SimpleRNN(3, stateful=True)
    first = _np(layer(x))
    second = _np(layer(x))
    assert not np.allclose(first, second)
    layer.reset_states()
    np.testing.assert_allclose(_np(layer(x)), first, atol=1e-6)
    assert len(layer.weights) == 3 and len(layer.states) == 1


def test_stateful_layer_rejects_another_batch_size():
    layer = layers.GRU(3, stateful=True)
    layer(_steps(batch=2))
    with pytest.raises(ValueError, match="batch size"):
        layer(_steps(batch=3))


def test_stateful_layer_needs_a_static_batch_size():
    with pytest.raises(ValueError, match="batch size must be static"):
        layers.LSTM(2, stateful=True)(keras.Input((4, 3)))


def test_dropout_applies_only_in_training():
    x = _steps(seed=3)
    layer = layers.SimpleRNN(8, dropout=0.5, recurrent_dropout=0.5)
    inference = _np(layer(x))
    np.testing.assert_allclose(_np(layer(x, training=False)), inference)
    assert not np.allclose(_np(layer(x, training=True)), inference)
    assert layer.cell._dropout_mask is None and layer.cell._recurrent_dropout_mask is None


def test_invalid_cells_are_rejected():
    with pytest.raises(ValueError, match="state_size"):
        layers.RNN(layers.Dense(3))
    with pytest.raises(ValueError, match="call"):
        layers.RNN(object())


def test_unroll_works_with_unknown_symbolic_timesteps_as_in_keras():
    outputs = layers.SimpleRNN(2, unroll=True, return_sequences=True)(keras.Input((None, 3)))
    assert tuple(outputs.shape) == (None, None, 2)


def test_invalid_units_are_rejected():
    with pytest.raises(ValueError, match="units"):
        layers.LSTMCell(0)


def test_functional_model_with_masking_and_initial_states():
    inputs = keras.Input((5, 3))
    state_h, state_c = keras.Input((4,)), keras.Input((4,))
    masked = layers.Masking()(inputs)
    sequence, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(
        masked, initial_state=[state_h, state_c])
    assert tuple(sequence.shape) == (None, 5, 4) and tuple(h.shape) == (None, 4) and tuple(c.shape) == (None, 4)
    model = keras.Model([inputs, state_h, state_c], ops.sum(sequence, axis=1))
    x = _steps(batch=2, steps=5)
    x[0, 2:] = 0.0
    zeros = np.zeros((2, 4), "float32")
    assert model.predict([x, zeros, zeros], verbose=0).shape == (2, 4)


@pytest.mark.parametrize("layer_class", [layers.LSTM, layers.GRU])
def test_stateful_fused_layers_train(layer_class):
    x = np.random.default_rng(5).random((8, 5, 3)).astype("float32")
    y = np.random.default_rng(6).random((8, 1)).astype("float32")
    layer = layer_class(3, stateful=True)
    model = keras.Sequential([keras.Input(batch_shape=(4, 5, 3)), layer, layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    before = [w.copy() for w in model.get_weights()]
    losses = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    assert np.all(np.isfinite(losses))
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    assert any(np.abs(state.numpy()).sum() > 0 for state in layer.states)

"""LSTM/LSTMCell: the fused torch kernel equals the cell loop (values and gradients), layout, use_cudnn."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


def _steps(batch=3, steps=6, features=4, seed=0):
    return torch.as_tensor(np.random.default_rng(seed).standard_normal((batch, steps, features)).astype("float32"))


def _twins(**kwargs):
    """An LSTM on the fused path and one forced onto the cell loop, with the same weights."""
    fused, looped = layers.LSTM(5, **kwargs), layers.LSTM(5, use_cudnn=False, **kwargs)
    x = _steps()
    fused(x), looped(x)
    looped.set_weights(fused.get_weights())
    return fused, looped


def _flat(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


@pytest.mark.parametrize("kwargs", [
    {}, {"return_sequences": True, "return_state": True}, {"go_backwards": True, "return_sequences": True},
    {"use_bias": False, "return_state": True},
])
def test_fused_kernel_equals_cell_loop(kwargs):
    fused, looped = _twins(**kwargs)
    assert fused.can_use_fused_kernel(None) and not looped.can_use_fused_kernel(None)
    x = _steps(seed=1)
    for a, b in zip(_flat(fused(x)), _flat(looped(x))):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), atol=1e-6)


def test_fused_kernel_gradients_equal_cell_loop_gradients():
    fused, looped = _twins(return_sequences=True)
    x = _steps(seed=2)
    for layer in (fused, looped):
        (layer(x) ** 2).sum().backward()
    for a, b in zip(fused.weights, looped.weights):
        np.testing.assert_allclose(a.value.grad.numpy(), b.value.grad.numpy(), atol=1e-5)


def test_fused_kernel_is_used_only_when_keras_allows_it():
    mask = torch.ones((3, 6), dtype=torch.bool)
    assert not layers.LSTM(2).can_use_fused_kernel(mask)
    assert not layers.LSTM(2, recurrent_dropout=0.1).can_use_fused_kernel(None)
    assert not layers.LSTM(2, unroll=True).can_use_fused_kernel(None)
    assert not layers.LSTM(2, activation="relu").can_use_fused_kernel(None)
    assert layers.LSTM(2, dropout=0.5).can_use_fused_kernel(None)


def test_use_cudnn_true_with_a_mask_raises():
    layer = layers.LSTM(2, use_cudnn=True)
    with pytest.raises(ValueError, match="use_cudnn"):
        layer(_steps(), mask=torch.ones((3, 6), dtype=torch.bool))


def test_invalid_use_cudnn_raises():
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.LSTM(2, use_cudnn="yes")


def test_weight_layout_and_unit_forget_bias():
    layer = layers.LSTM(3)
    layer(_steps())
    assert [(w.path, w.shape) for w in layer.weights] == [
        ("lstm/lstm_cell/kernel", (4, 12)), ("lstm/lstm_cell/recurrent_kernel", (3, 12)), ("lstm/lstm_cell/bias", (12,)),
    ]
    np.testing.assert_array_equal(layer.cell.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6)
    assert not layers.LSTM(3, unit_forget_bias=False, bias_initializer="zeros")(_steps()).isnan().any()


def test_cell_step_matches_numpy_reference():
    cell = layers.LSTMCell(2)
    x = _steps(steps=1)[:, 0]
    h, c = torch.zeros(3, 2), torch.ones(3, 2)
    cell.build(tuple(x.shape))
    output, (new_h, new_c) = cell(x, [h, c])
    kernel, recurrent, bias = (w.numpy() for w in cell.weights)
    z = x.numpy() @ kernel + h.numpy() @ recurrent + bias
    sigmoid = 1 / (1 + np.exp(-z))
    expected_c = sigmoid[:, 2:4] * 1.0 + sigmoid[:, :2] * np.tanh(z[:, 4:6])
    np.testing.assert_allclose(new_c.detach().numpy(), expected_c, atol=1e-6)
    np.testing.assert_allclose(output.detach().numpy(), sigmoid[:, 6:] * np.tanh(expected_c), atol=1e-6)


def test_recurrent_dropout_switches_to_per_gate_masks():
    cell = layers.LSTMCell(2, recurrent_dropout=0.5)
    assert cell.implementation == 1 and cell.dropout_mask_count == 4


def test_torch_compile_tracing_uses_the_cell_loop(monkeypatch):
    layer = layers.LSTM(2)
    assert layer.can_use_fused_kernel(None)
    monkeypatch.setattr(torch.compiler, "is_compiling", lambda: True)
    assert not layer.can_use_fused_kernel(None) and not layers.GRU(2).can_use_fused_kernel(None)

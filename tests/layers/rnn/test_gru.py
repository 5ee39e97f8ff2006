"""GRU/GRUCell: fused kernel vs cell loop, reset_after both ways, bias layout."""

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


def _flat(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def _twins(**kwargs):
    fused, looped = layers.GRU(5, **kwargs), layers.GRU(5, use_cudnn=False, **kwargs)
    x = _steps()
    fused(x), looped(x)
    looped.set_weights([w + 0.1 * np.random.default_rng(i).standard_normal(w.shape).astype("float32")
                        for i, w in enumerate(fused.get_weights())])
    fused.set_weights(looped.get_weights())
    return fused, looped


@pytest.mark.parametrize("kwargs", [
    {}, {"return_sequences": True, "return_state": True}, {"go_backwards": True, "return_sequences": True},
    {"use_bias": False},
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


def test_reset_before_uses_the_loop_and_a_flat_bias():
    layer = layers.GRU(3, reset_after=False)
    layer(_steps())
    assert not layer.can_use_fused_kernel(None)
    assert layer.cell.bias.shape == (9,)
    with pytest.raises(ValueError, match="use_cudnn"):
        layers.GRU(3, reset_after=False, use_cudnn=True)(_steps())


def test_reset_after_bias_has_two_rows():
    layer = layers.GRU(3)
    layer(_steps())
    assert [(w.path, w.shape) for w in layer.weights] == [
        ("gru/gru_cell/kernel", (4, 9)), ("gru/gru_cell/recurrent_kernel", (3, 9)), ("gru/gru_cell/bias", (2, 9)),
    ]


@pytest.mark.parametrize("reset_after", [True, False])
def test_cell_step_matches_numpy_reference(reset_after):
    cell = layers.GRUCell(2, reset_after=reset_after, bias_initializer="random_normal")
    x = _steps(steps=1)[:, 0]
    h = torch.as_tensor(np.random.default_rng(3).standard_normal((3, 2)).astype("float32"))
    cell.build(tuple(x.shape))
    output, _ = cell(x, [h])
    kernel, recurrent, bias = (w.numpy() for w in cell.weights)
    xn, hn = x.numpy(), h.numpy()
    input_bias, recurrent_bias = (bias[0], bias[1]) if reset_after else (bias, np.zeros(6, "float32"))
    xz = xn @ kernel + input_bias
    hz = hn @ recurrent + recurrent_bias
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    z, r = sigmoid(xz[:, :2] + hz[:, :2]), sigmoid(xz[:, 2:4] + hz[:, 2:4])
    if reset_after:
        candidate = np.tanh(xz[:, 4:] + r * hz[:, 4:])
    else:
        candidate = np.tanh(xz[:, 4:] + (r * hn) @ recurrent[:, 4:])
    np.testing.assert_allclose(output.detach().numpy(), z * hn + (1 - z) * candidate, atol=1e-6)


def test_recurrent_dropout_in_training_changes_outputs_only_in_training():
    layer = layers.GRU(4, recurrent_dropout=0.5, return_sequences=True)
    x = _steps()
    inference = layer(x).detach().numpy()
    assert not np.allclose(layer(x, training=True).detach().numpy(), inference)
    np.testing.assert_allclose(layer(x).detach().numpy(), inference)

"""ReLU, LeakyReLU, PReLU, ELU and Softmax layers: values, validation, masks, weights, config."""

import math

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):
        yield


def _np(t):
    return t.detach().cpu().numpy()


def test_relu_default_and_options():
    x = torch.tensor([-10.0, -5.0, 0.0, 0.5, 5.0, 10.0])
    np.testing.assert_allclose(_np(layers.ReLU()(x)), [0, 0, 0, 0.5, 5, 10])
    out = layers.ReLU(max_value=6.0, negative_slope=0.5, threshold=1.0)(x)
    np.testing.assert_allclose(_np(out), [-5.5, -3.0, -0.5, -0.25, 5.0, 6.0])


@pytest.mark.parametrize("kwargs", [{"max_value": -1.0}, {"negative_slope": -0.1}, {"threshold": -1.0},
                                    {"negative_slope": None}])
def test_relu_rejects_negative_arguments(kwargs):
    with pytest.raises(ValueError):
        layers.ReLU(**kwargs)


def test_leaky_relu_and_deprecated_alpha():
    x = torch.tensor([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(_np(layers.LeakyReLU()(x)), [-0.6, 0.0, 3.0], rtol=1e-6)
    with pytest.warns(UserWarning, match="deprecated"):
        layer = layers.LeakyReLU(alpha=0.1)
    assert layer.negative_slope == 0.1
    assert layer.get_config()["negative_slope"] == 0.1
    with pytest.raises(ValueError):
        layers.LeakyReLU(negative_slope=-1)


def test_elu_values_and_config():
    x = torch.tensor([-1.0, 0.0, 2.0])
    np.testing.assert_allclose(_np(layers.ELU(alpha=0.5)(x)), [0.5 * (math.exp(-1) - 1), 0, 2], rtol=1e-6)
    config = layers.ELU(alpha=0.5).get_config()
    assert config["alpha"] == 0.5
    assert layers.ELU.from_config(config).alpha == 0.5


def test_prelu_weights_and_shared_axes():
    layer = layers.PReLU(shared_axes=[1, 2], alpha_initializer="ones")
    x = torch.randn(2, 3, 4, 5)
    out = layer(x)
    assert tuple(layer.alpha.shape) == (1, 1, 5)
    torch.testing.assert_close(out, x)  # slope 1 everywhere: identity
    layer.set_weights([np.full((1, 1, 5), 0.25, dtype="float32")])
    expected = torch.where(x >= 0, x, 0.25 * x)
    torch.testing.assert_close(layer(x), expected)
    assert len(layer.trainable_weights) == 1
    assert layer.get_config()["shared_axes"] == [1, 2]
    assert layers.PReLU(shared_axes=1).shared_axes == [1]


def test_prelu_default_is_relu_and_gradient_reaches_alpha():
    layer = layers.PReLU()
    x = torch.tensor([[-2.0, 3.0]])
    np.testing.assert_allclose(_np(layer(x)), [[0.0, 3.0]])
    assert tuple(layer.alpha.shape) == (2,)
    layer(x).sum().backward()
    grad = layer.alpha.value.grad
    np.testing.assert_allclose(_np(grad), [-2.0, 0.0])


def test_softmax_axes():
    x = torch.randn(2, 3, 4)
    torch.testing.assert_close(layers.Softmax()(x), torch.softmax(x, dim=-1))
    torch.testing.assert_close(layers.Softmax(axis=1)(x), torch.softmax(x, dim=1))
    out = layers.Softmax(axis=[1, 2])(x)
    torch.testing.assert_close(out.sum(dim=(1, 2)), torch.ones(2))


def test_softmax_mask_zeroes_masked_entries():
    x = torch.tensor([[1.0, 2.0, 3.0, 4.0]])
    mask = torch.tensor([[True, False, True, False]])
    out = layers.Softmax()(x, mask=mask)
    expected = torch.softmax(torch.tensor([1.0, 3.0]), dim=0)
    np.testing.assert_allclose(_np(out), [[expected[0].item(), 0.0, expected[1].item(), 0.0]], rtol=1e-6)
    float_mask = torch.tensor([[1.0, 0.0, 1.0, 0.0]])
    torch.testing.assert_close(layers.Softmax()(x, mask=float_mask), out)


def test_softmax_mask_must_broadcast():
    x = torch.randn(2, 4)
    with pytest.raises(ValueError, match="broadcastable"):
        layers.Softmax()(x, mask=torch.ones(2, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="more dimensions"):
        layers.Softmax()(x, mask=torch.ones(1, 2, 4, dtype=torch.bool))


@pytest.mark.parametrize("cls", ["ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU"])
def test_shape_preserved_and_config_round_trip(cls):
    layer = getattr(layers, cls)()
    x = torch.randn(3, 4)
    assert layer(x).shape == x.shape
    assert layer.compute_output_shape((None, 4)) == (None, 4)
    clone = getattr(layers, cls).from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()

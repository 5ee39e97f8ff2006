"""Conv1D/2D/3D: numerics against a numpy reference, padding modes, groups, layouts, config, errors."""

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


def _np(x):
    return x.detach().cpu().numpy()


def _conv1d_reference(x, kernel, bias, stride=1, dilation=1):
    """Valid 1-D cross-correlation, channels_last: x (b, n, c), kernel (k, c, f)."""
    k = kernel.shape[0]
    span = (k - 1) * dilation + 1
    steps = (x.shape[1] - span) // stride + 1
    out = np.zeros((x.shape[0], steps, kernel.shape[2]), dtype="float64")
    for t in range(steps):
        for j in range(k):
            out[:, t] += x[:, t * stride + j * dilation] @ kernel[j]
    return out + bias


def test_conv1d_matches_numpy_reference():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 9, 3)).astype("float32")
    kernel = rng.standard_normal((3, 3, 4)).astype("float32")
    bias = rng.standard_normal((4,)).astype("float32")
    layer = layers.Conv1D(4, 3, strides=2)
    layer.build((None, 9, 3))
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(_np(layer(x)), _conv1d_reference(x, kernel, bias, stride=2), atol=1e-5)


def test_conv1d_dilation_matches_numpy_reference():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 10, 2)).astype("float32")
    kernel = rng.standard_normal((3, 2, 3)).astype("float32")
    layer = layers.Conv1D(3, 3, dilation_rate=2, use_bias=False)
    layer.build((None, 10, 2))
    layer.set_weights([kernel])
    np.testing.assert_allclose(_np(layer(x)), _conv1d_reference(x, kernel, 0.0, dilation=2), atol=1e-5)


def test_causal_output_does_not_depend_on_the_future():
    layer = layers.Conv1D(2, 3, padding="causal", dilation_rate=2)
    x = torch.randn(1, 8, 3)
    base = _np(layer(x))
    x2 = x.clone()
    x2[:, 5:] = 100.0
    changed = _np(layer(x2))
    assert base.shape == (1, 8, 2)
    np.testing.assert_allclose(changed[:, :5], base[:, :5], atol=1e-6)
    assert not np.allclose(changed[:, 5:], base[:, 5:])


def test_same_padding_with_strides_gives_ceil_sizes():
    layer = layers.Conv2D(3, 3, strides=2, padding="same")
    assert tuple(layer(torch.zeros(2, 7, 8, 1)).shape) == (2, 4, 4, 3)


def test_same_padding_puts_the_odd_pixel_at_the_end():
    # a ones kernel of size 2 with stride 1 on length 3: pads only after -> sums x[t] + x[t+1]
    layer = layers.Conv1D(1, 2, padding="same", kernel_initializer="ones", use_bias=False)
    out = _np(layer(torch.tensor([[[1.0], [2.0], [4.0]]])))
    np.testing.assert_allclose(out[0, :, 0], [3.0, 6.0, 4.0])


def test_kernel_layout_and_weight_order():
    layer = layers.Conv3D(6, (1, 2, 3), groups=2)
    layer.build((None, 5, 5, 5, 4))
    assert [tuple(w.shape) for w in layer.weights] == [(1, 2, 3, 2, 6), (6,)]
    assert [w.path for w in layer.weights] == ["conv3d/kernel", "conv3d/bias"]
    assert layer.kernel is layer.weights[0]


def test_groups_do_not_mix_channels():
    layer = layers.Conv2D(2, 1, groups=2, use_bias=False, kernel_initializer="ones")
    x = torch.zeros(1, 2, 2, 2)
    x[..., 0] = 1.0
    out = _np(layer(x))
    np.testing.assert_allclose(out[..., 0], 1.0)
    np.testing.assert_allclose(out[..., 1], 0.0)


def test_channels_first_equals_transposed_channels_last():
    last = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu")
    first = layers.Conv2D(4, 3, strides=2, padding="same", activation="relu", data_format="channels_first")
    x = torch.randn(2, 7, 6, 3)
    y_last = last(x)
    first.build((None, 3, 7, 6))
    first.set_weights(last.get_weights())
    y_first = first(x.permute(0, 3, 1, 2))
    np.testing.assert_allclose(_np(y_first.permute(0, 2, 3, 1)), _np(y_last), atol=1e-5)


def test_activation_and_bias_are_applied():
    layer = layers.Conv1D(1, 1, kernel_initializer="ones", bias_initializer="ones", activation="relu")
    out = _np(layer(torch.tensor([[[-3.0], [2.0]]])))
    np.testing.assert_allclose(out[0, :, 0], [0.0, 3.0])


def test_symbolic_output_shape():
    out = layers.Conv2D(5, (3, 2), dilation_rate=(2, 1))(keras.Input((9, 8, 2)))
    assert tuple(out.shape) == (None, 5, 7, 5)


def test_get_config_and_round_trip():
    layer = layers.Conv2D(4, 3, strides=(2, 1), padding="SAME", activation="relu", kernel_regularizer="l2")
    config = layer.get_config()
    assert config["kernel_size"] == (3, 3)
    assert config["strides"] == (2, 1)
    assert config["dilation_rate"] == (1, 1)
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert config["groups"] == 1
    assert config["activation"] == "relu"
    assert layers.Conv2D.from_config(config).get_config() == config


def test_aliases():
    assert layers.Convolution1D is layers.Conv1D
    assert layers.Convolution2D is layers.Conv2D
    assert layers.Convolution3D is layers.Conv3D


def test_regularizer_losses_are_collected():
    layer = layers.Conv1D(2, 2, kernel_regularizer="l2", kernel_initializer="ones")
    layer(torch.ones(1, 3, 1))
    assert len(layer.losses) == 1
    np.testing.assert_allclose(float(_np(layer.losses[0])), 0.01 * 4, rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"filters": 0, "kernel_size": 3}, "filters"),
        ({"filters": 4, "kernel_size": 3, "groups": 3}, "groups"),
        ({"filters": 4, "kernel_size": 3, "groups": 0}, "groups"),
        ({"filters": 4, "kernel_size": 0}, "kernel_size"),
        ({"filters": 4, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 4, "kernel_size": 3, "strides": 2, "dilation_rate": 2}, "dilation_rate"),
        ({"filters": 4, "kernel_size": 3, "padding": "causal"}, "padding"),
        ({"filters": 4, "kernel_size": 3, "padding": "full"}, "padding"),
    ],
)
def test_invalid_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Conv2D(**kwargs)


def test_input_channels_must_divide_groups():
    layer = layers.Conv2D(4, 3, groups=2)
    with pytest.raises(ValueError, match="groups"):
        layer.build((None, 5, 5, 3))

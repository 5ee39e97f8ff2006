"""Conv1D/2D/3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D: numpy references, shapes, layouts, errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


def _np(x):
    return x.detach().cpu().numpy()


def _built(layer, input_shape, weights):
    layer.build(input_shape)
    layer.set_weights(weights)
    return layer


# -- transposed convolutions ---------------------------------------------------------------------


def _conv1d_transpose_reference(x, kernel, bias, stride, length):
    """Valid transposed convolution, channels_last: x (b, n, c), kernel (k, f, c) -> (b, length, f)."""
    out = np.zeros((x.shape[0], length, kernel.shape[1]), dtype="float64")
    for t in range(x.shape[1]):
        for j in range(kernel.shape[0]):
            out[:, t * stride + j] += x[:, t] @ kernel[j].T
    return out + bias


@pytest.mark.parametrize("stride, output_padding", [(1, None), (2, None), (2, 1), (3, 2), (3, 0)])
def test_conv1d_transpose_valid_matches_numpy_reference(stride, output_padding):
    rng = np.random.default_rng(stride)
    x = rng.standard_normal((2, 5, 3)).astype("float32")
    kernel = rng.standard_normal((3, 4, 3)).astype("float32")
    bias = rng.standard_normal((4,)).astype("float32")
    extra = max(3, stride) - 3 if output_padding is None else output_padding
    length = (5 - 1) * stride + 3 + extra
    layer = _built(layers.Conv1DTranspose(4, 3, strides=stride, output_padding=output_padding), (None, 5, 3),
                   [kernel, bias])
    out = layer(x)
    assert tuple(out.shape) == (2, length, 4)
    np.testing.assert_allclose(_np(out), _conv1d_transpose_reference(x, kernel, bias, stride, length), atol=1e-5)


@pytest.mark.parametrize("stride", [1, 2, 3])
@pytest.mark.parametrize("kernel_size", [2, 3, 4])
def test_same_padding_multiplies_the_size_by_the_stride(stride, kernel_size):
    layer = layers.Conv2DTranspose(2, kernel_size, strides=stride, padding="same")
    out = layer(np.ones((1, 5, 3, 2), "float32"))
    assert tuple(out.shape) == (1, 5 * stride, 3 * stride, 2)
    assert tuple(layer.compute_output_shape((None, 5, 3, 2))) == (None, 5 * stride, 3 * stride, 2)


def test_transpose_is_the_adjoint_of_the_convolution():
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((3, 3, 2, 4)).astype("float32")  # conv: (kh, kw, in=2, out=4)
    conv = _built(layers.Conv2D(4, 3, strides=2, use_bias=False), (None, 9, 9, 2), [kernel])
    transpose = _built(layers.Conv2DTranspose(2, 3, strides=2, use_bias=False), (None, 4, 4, 4), [kernel])
    x = torch.from_numpy(rng.standard_normal((1, 9, 9, 2)).astype("float32"))
    y = torch.from_numpy(rng.standard_normal((1, 4, 4, 4)).astype("float32"))
    lhs = float((conv(x) * y).sum())
    rhs = float((x * transpose(y)).sum())
    assert abs(lhs - rhs) < 1e-3 * max(1.0, abs(lhs))


def test_transpose_channels_first_equals_channels_last():
    rng = np.random.default_rng(1)
    kernel = rng.standard_normal((2, 3, 3, 4)).astype("float32")
    bias = rng.standard_normal((3,)).astype("float32")
    x = rng.standard_normal((2, 4, 5, 4)).astype("float32")
    last = _built(layers.Conv2DTranspose(3, (2, 3), strides=2, padding="same"), (None, 4, 5, 4), [kernel, bias])
    first = _built(layers.Conv2DTranspose(3, (2, 3), strides=2, padding="same", data_format="channels_first"),
                   (None, 4, 4, 5), [kernel, bias])
    np.testing.assert_allclose(_np(first(x.transpose(0, 3, 1, 2))).transpose(0, 2, 3, 1), _np(last(x)), atol=1e-5)


def test_transpose_weights_have_keras_layout():
    layer = layers.Conv3DTranspose(5, (2, 3, 1))
    layer.build((None, 4, 4, 4, 3))
    assert [w.path for w in layer.weights] == ["conv3d_transpose/kernel", "conv3d_transpose/bias"]
    assert tuple(layer.kernel.shape) == (2, 3, 1, 5, 3)
    assert tuple(layer.bias.shape) == (5,)


def test_transpose_output_shape_keeps_unknown_sizes():
    layer = layers.Conv1DTranspose(3, 3, strides=2, output_padding=1)
    assert layer.compute_output_shape((None, None, 4)) == (None, None, 3)
    assert layer.compute_output_shape((2, 6, 4)) == (2, 14, 3)


def test_transpose_gradients_reach_inputs_and_weights():
    layer = layers.Conv2DTranspose(2, 3, strides=2, activation="relu")
    x = torch.randn(2, 3, 3, 4, requires_grad=True)
    layer(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0
    assert layer.kernel.value.grad is not None and layer.bias.value.grad is not None


@pytest.mark.parametrize("kwargs, message", [
    ({"output_padding": 2, "strides": 2}, "output_padding"),
    ({"strides": 2, "dilation_rate": 2}, "dilation_rate"),
    ({"filters": 0}, "filters"),
    ({"padding": "causal"}, "padding"),
    ({"kernel_size": (2, 2, 2)}, "kernel_size"),
])
def test_transpose_rejects_bad_arguments(kwargs, message):
    arguments = {"filters": 2, "kernel_size": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        layers.Conv2DTranspose(**arguments)


def test_transpose_aliases_and_config_round_trip():
    assert layers.Convolution1DTranspose is layers.Conv1DTranspose
    assert layers.Convolution2DTranspose is layers.Conv2DTranspose
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    layer = layers.Conv2DTranspose(4, 3, strides=(2, 1), output_padding=(1, 0), padding="SAME", activation="relu")
    config = layer.get_config()
    assert config["output_padding"] == (1, 0) and config["padding"] == "same"
    assert layers.Conv2DTranspose.from_config(config).get_config() == config


# -- depthwise convolutions ------------------------------------------------------------------------


def _depthwise1d_reference(x, kernel, bias, stride=1, dilation=1):
    """Valid depthwise 1-D convolution, channels_last: x (b, n, c), kernel (k, c, m) -> (b, steps, c*m)."""
    k, channels, multiplier = kernel.shape
    span = (k - 1) * dilation + 1
    steps = (x.shape[1] - span) // stride + 1
    out = np.zeros((x.shape[0], steps, channels * multiplier), dtype="float64")
    for t in range(steps):
        for j in range(k):
            window = x[:, t * stride + j * dilation]  # (b, c)
            out[:, t] += (window[:, :, None] * kernel[j][None]).reshape(x.shape[0], -1)
    return out + bias


@pytest.mark.parametrize("stride, dilation", [(1, 1), (2, 1), (1, 2)])
def test_depthwise_conv1d_matches_numpy_reference(stride, dilation):
    rng = np.random.default_rng(stride + 10 * dilation)
    x = rng.standard_normal((2, 11, 3)).astype("float32")
    kernel = rng.standard_normal((3, 3, 2)).astype("float32")
    bias = rng.standard_normal((6,)).astype("float32")
    layer = _built(layers.DepthwiseConv1D(3, strides=stride, dilation_rate=dilation, depth_multiplier=2),
                   (None, 11, 3), [kernel, bias])
    expected = _depthwise1d_reference(x, kernel, bias, stride, dilation)
    np.testing.assert_allclose(_np(layer(x)), expected, atol=1e-5)


def test_depthwise_conv2d_same_shape_and_weights():
    layer = layers.DepthwiseConv2D(3, strides=2, padding="same", depth_multiplier=3)
    out = layer(np.ones((2, 7, 6, 4), "float32"))
    assert tuple(out.shape) == (2, 4, 3, 12)
    assert [w.path for w in layer.weights] == ["depthwise_conv2d/kernel", "depthwise_conv2d/bias"]
    assert tuple(layer.kernel.shape) == (3, 3, 4, 3)
    assert tuple(layer.bias.shape) == (12,)


def test_depthwise_channels_first_equals_channels_last():
    rng = np.random.default_rng(2)
    kernel = rng.standard_normal((3, 2, 3, 2)).astype("float32")
    bias = rng.standard_normal((6,)).astype("float32")
    x = rng.standard_normal((2, 6, 7, 3)).astype("float32")
    last = _built(layers.DepthwiseConv2D((3, 2), depth_multiplier=2), (None, 6, 7, 3), [kernel, bias])
    first = _built(layers.DepthwiseConv2D((3, 2), depth_multiplier=2, data_format="channels_first"),
                   (None, 3, 6, 7), [kernel, bias])
    np.testing.assert_allclose(_np(first(x.transpose(0, 3, 1, 2))).transpose(0, 2, 3, 1), _np(last(x)), atol=1e-5)


def test_depthwise_rejects_bad_arguments_and_too_small_inputs():
    with pytest.raises(ValueError, match="depth_multiplier"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="padding"):
        layers.DepthwiseConv1D(3, padding="causal")
    with pytest.raises(ValueError, match="zero or negative"):
        layers.DepthwiseConv2D(5)(np.ones((1, 3, 3, 2), "float32"))


def test_depthwise_config_round_trip():
    layer = layers.DepthwiseConv1D(4, strides=2, depth_multiplier=2, use_bias=False, depthwise_regularizer="l2")
    config = layer.get_config()
    assert config["depth_multiplier"] == 2 and config["kernel_size"] == (4,)
    assert layers.DepthwiseConv1D.from_config(config).get_config() == config


# -- separable convolutions ------------------------------------------------------------------------


@pytest.mark.parametrize("rank", [1, 2])
def test_separable_equals_depthwise_then_pointwise(rank):
    rng = np.random.default_rng(rank)
    spatial = (9,) * rank
    depthwise = rng.standard_normal((3,) * rank + (3, 2)).astype("float32")
    pointwise = rng.standard_normal((1,) * rank + (6, 4)).astype("float32")
    bias = rng.standard_normal((4,)).astype("float32")
    x = rng.standard_normal((2, *spatial, 3)).astype("float32")
    separable_cls = layers.SeparableConv1D if rank == 1 else layers.SeparableConv2D
    depthwise_cls = layers.DepthwiseConv1D if rank == 1 else layers.DepthwiseConv2D
    conv_cls = layers.Conv1D if rank == 1 else layers.Conv2D
    separable = _built(separable_cls(4, 3, strides=2, padding="same", depth_multiplier=2), (None, *spatial, 3),
                       [depthwise, pointwise, bias])
    first = _built(depthwise_cls(3, strides=2, padding="same", depth_multiplier=2, use_bias=False),
                   (None, *spatial, 3), [depthwise])
    second = _built(conv_cls(4, 1), (None,) + (5,) * rank + (6,), [pointwise, bias])
    np.testing.assert_allclose(_np(separable(x)), _np(second(first(x))), atol=1e-5)


def test_separable_weights_have_keras_layout():
    layer = layers.SeparableConv2D(5, (3, 2), depth_multiplier=2)
    layer.build((None, 8, 8, 3))
    assert [w.path for w in layer.weights] == [
        "separable_conv2d/depthwise_kernel", "separable_conv2d/pointwise_kernel", "separable_conv2d/bias"
    ]
    assert [tuple(w.shape) for w in layer.weights] == [(3, 2, 3, 2), (1, 1, 6, 5), (5,)]


def test_separable_aliases_errors_and_config():
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    with pytest.raises(ValueError, match="filters"):
        layers.SeparableConv2D(0, 3)
    with pytest.raises(ValueError, match="depth_multiplier"):
        layers.SeparableConv1D(2, 3, depth_multiplier=-1)
    layer = layers.SeparableConv1D(3, 2, data_format="channels_first", pointwise_constraint="max_norm")
    config = layer.get_config()
    assert config["data_format"] == "channels_first"
    assert layers.SeparableConv1D.from_config(config).get_config() == config


def test_separable_in_a_functional_model_infers_shapes():
    inputs = keras.Input(shape=(10, 10, 3))
    outputs = layers.SeparableConv2D(4, 3, strides=2)(inputs)
    outputs = layers.Conv2DTranspose(2, 3, strides=2, padding="same")(outputs)
    outputs = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(outputs)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (None, 8, 8, 4)
    assert tuple(model(np.ones((2, 10, 10, 3), "float32")).shape) == (2, 8, 8, 4)

"""ConvLSTM1D/2D/3D: shapes, weight layout, masks, errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


def _x(shape, seed=0):
    return torch.as_tensor(np.random.default_rng(seed).standard_normal(shape).astype("float32"))


@pytest.mark.parametrize("class_name, shape, expected", [
    ("ConvLSTM1D", (2, 3, 8, 2), (2, 6, 4)),
    ("ConvLSTM2D", (2, 3, 6, 5, 2), (2, 4, 3, 4)),
    ("ConvLSTM3D", (1, 2, 4, 4, 4, 1), (1, 2, 2, 2, 4)),
])
def test_output_and_weight_shapes(class_name, shape, expected):
    layer = getattr(layers, class_name)(4, 3)
    assert tuple(layer(_x(shape)).shape) == expected
    kernel, recurrent, bias = layer.weights
    rank = len(shape) - 3
    assert kernel.shape == (3,) * rank + (shape[-1], 16) and recurrent.shape == (3,) * rank + (4, 16)
    np.testing.assert_array_equal(bias.numpy(), [0] * 4 + [1] * 4 + [0] * 8)
    assert kernel.path == f"{layer.name}/conv_lstm_cell/kernel"


def test_one_step_matches_an_lstm_for_1x1_kernels():
    x = _x((2, 4, 1, 3))
    conv = layers.ConvLSTM1D(5, 1, return_sequences=True)
    lstm = layers.LSTM(5, return_sequences=True)
    conv(x), lstm(x[:, :, 0])
    lstm.set_weights([w.reshape(w.shape[1:]) if w.ndim == 3 else w for w in conv.get_weights()])
    np.testing.assert_allclose(conv(x)[:, :, 0].detach().numpy(), lstm(x[:, :, 0]).detach().numpy(), atol=1e-6)


def test_masked_last_step_repeats_the_previous_output():
    x = _x((1, 3, 4, 4, 2))
    layer = layers.ConvLSTM2D(2, 3, padding="same", return_sequences=True)
    outputs = layer(x, mask=torch.tensor([[True, True, False]])).detach().numpy()
    np.testing.assert_array_equal(outputs[:, 2], outputs[:, 1])


def test_errors():
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.ConvLSTM2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="static input shapes"):
        layers.ConvLSTM2D(2, 3)(keras.Input((3, None, 5, 2)))


def test_layer_attributes_and_config_round_trip():
    layer = layers.ConvLSTM2D(3, (2, 3), padding="same", data_format="channels_first")
    assert layer.filters == 3 and layer.kernel_size == (2, 3) and layer.data_format == "channels_first"
    config = layer.get_config()
    assert "cell" not in config and layers.ConvLSTM2D.from_config(config).get_config() == config

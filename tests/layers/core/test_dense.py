"""Dense: matmul + bias + activation, weights, N-D inputs, masks, config, errors, LoRA."""

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


def _set(layer, kernel, bias=None):
    layer.set_weights([kernel] if bias is None else [kernel, bias])


def test_output_is_inputs_times_kernel_plus_bias():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3)).astype("float32")
    kernel = rng.standard_normal((3, 2)).astype("float32")
    bias = rng.standard_normal((2,)).astype("float32")
    layer = layers.Dense(2)
    layer.build((None, 3))
    _set(layer, kernel, bias)
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), x @ kernel + bias, rtol=1e-6, atol=1e-6)


def test_activation_is_applied_after_bias():
    layer = layers.Dense(2, activation="relu", kernel_initializer="ones", bias_initializer="zeros")
    x = np.array([[1.0, -3.0], [2.0, 1.0]], dtype="float32")
    np.testing.assert_array_equal(layer(x).detach().cpu().numpy(), [[0.0, 0.0], [3.0, 3.0]])


def test_weights_are_kernel_then_bias_with_keras_shapes_and_paths():
    layer = layers.Dense(5)
    layer(np.ones((2, 3), dtype="float32"))
    assert [w.path for w in layer.weights] == ["dense/kernel", "dense/bias"]
    assert [w.shape for w in layer.weights] == [(3, 5), (5,)]
    assert dict(layer.named_parameters()).keys() == {"kernel", "bias"}


def test_use_bias_false_creates_only_the_kernel():
    layer = layers.Dense(2, use_bias=False)
    layer.build((None, 3))
    assert [w.name for w in layer.weights] == ["kernel"]
    assert layer.bias is None


def test_nd_inputs_contract_the_last_axis():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 3, 4, 5)).astype("float32")
    layer = layers.Dense(6)
    out = layer(x)
    kernel, bias = layer.get_weights()
    assert tuple(out.shape) == (2, 3, 4, 6)
    np.testing.assert_allclose(out.detach().cpu().numpy(), x @ kernel + bias, rtol=1e-5, atol=1e-6)


def test_integer_inputs_give_float_outputs():
    layer = layers.Dense(2, kernel_initializer="ones")
    out = layer(np.array([[1, 2, 3]], dtype="int32"))
    assert out.dtype == torch.float32
    np.testing.assert_array_equal(out.detach().cpu().numpy(), [[6.0, 6.0]])


def test_mask_passes_through():
    x = torch.ones(2, 3, 4)
    mask = torch.tensor([[True, False, True], [False, True, True]])
    x._keras_mask = mask
    out = layers.Dense(2)(x)
    assert torch.equal(out._keras_mask, mask)


def test_wrong_feature_width_raises_naming_layer_and_shapes():
    layer = layers.Dense(3, name="proj")
    layer(np.ones((2, 4), dtype="float32"))
    with pytest.raises(ValueError, match=r"layer 'proj'.*axis -1 of input shape to have value 4.*\(2, 5\)"):
        layer(np.ones((2, 5), dtype="float32"))


def test_rank_one_input_is_rejected():
    with pytest.raises(ValueError, match="expected min_ndim=2, found ndim=1"):
        layers.Dense(3)(np.ones((4,), dtype="float32"))


@pytest.mark.parametrize("units", [0, -2, 2.5, "3"])
def test_invalid_units_raise(units):
    with pytest.raises(ValueError, match="expected a positive integer"):
        layers.Dense(units)


def test_get_config_keys_in_keras_order():
    config = layers.Dense(4, activation="tanh").get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "units", "activation", "use_bias", "kernel_initializer", "bias_initializer",
        "kernel_regularizer", "bias_regularizer", "kernel_constraint", "bias_constraint", "quantization_config",
    ]
    assert config["activation"] == "tanh"
    assert config["kernel_initializer"]["class_name"] == "GlorotUniform"


def test_from_config_round_trip():
    layer = layers.Dense(4, activation="relu", use_bias=False, kernel_regularizer="l2", bias_constraint="non_neg")
    again = layers.Dense.from_config(layer.get_config())
    assert again.get_config() == layer.get_config()


def test_kernel_regularizer_penalty_is_in_losses():
    layer = layers.Dense(2, kernel_initializer="ones", kernel_regularizer=keras.regularizers.L2(0.5))
    layer(np.ones((1, 3), dtype="float32"))
    assert len(layer.losses) == 1
    assert float(layer.losses[0].detach()) == pytest.approx(0.5 * 6)


def test_gradients_reach_kernel_and_bias():
    layer = layers.Dense(2)
    layer(torch.ones(3, 4)).sum().backward()
    assert layer.kernel.value.grad is not None
    assert torch.allclose(layer.bias.value.grad, torch.full((2,), 3.0))


def test_symbolic_call_gives_keras_output_shape():
    out = layers.Dense(7)(keras.Input(shape=(3, 5)))
    assert out.shape == (None, 3, 7)


def test_lora_starts_as_the_frozen_kernel_and_adds_low_rank_delta():
    layer = layers.Dense(3, lora_rank=2)
    x = np.ones((2, 4), dtype="float32")
    before = layer(x).detach().clone()
    assert [w.name for w in layer.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert torch.equal(before, layer(x))
    layer.lora_kernel_b.assign(np.ones((2, 3), dtype="float32"))
    delta = layer.lora_kernel_a.numpy() @ np.ones((2, 3), dtype="float32")
    np.testing.assert_allclose(layer(x).detach().cpu().numpy(), before.cpu().numpy() + x @ delta, rtol=1e-5, atol=1e-5)


def test_lora_rejected_with_kernel_constraint():
    layer = layers.Dense(3, kernel_constraint="max_norm")
    layer.build((None, 2))
    with pytest.raises(ValueError, match="incompatible with kernel constraints"):
        layer.enable_lora(2)

"""Lambda: wraps a function; arguments, masks, output shapes, config and safe-mode deserialization."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers
from kerasbridge.saving.safe_mode import SafeModeScope


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):  # torch-made inputs live where the weights do
        yield


def _square_plus(x, offset=0.0):
    return x * x + offset


def test_applies_the_function():
    out = layers.Lambda(lambda x: x * 3.0)(np.array([[1.0, 2.0]], dtype="float32"))
    np.testing.assert_array_equal(out.cpu().numpy(), [[3.0, 6.0]])


def test_arguments_are_passed_as_keywords():
    out = layers.Lambda(_square_plus, arguments={"offset": 1.0})(np.array([[2.0]], dtype="float32"))
    assert out.item() == 5.0


def test_function_receives_training_when_declared():
    layer = layers.Lambda(lambda x, training=None: x + (1.0 if training else 0.0))
    x = torch.zeros(1, 1)
    assert layer(x, training=True).item() == 1.0
    assert layer(x).item() == 0.0


def test_callable_mask_is_applied():
    layer = layers.Lambda(lambda x: x, mask=lambda inputs, mask: inputs > 0)
    out = layer(torch.tensor([[1.0, -1.0]]))
    assert torch.equal(out._keras_mask, torch.tensor([[True, False]]))
    assert layer.supports_masking


def test_without_mask_the_layer_does_not_support_masking():
    assert not layers.Lambda(lambda x: x).supports_masking


def test_symbolic_shape_is_inferred_by_running_the_function():
    out = layers.Lambda(lambda x: x[:, :2] * 2.0)(keras.Input(shape=(5,)))
    assert out.shape == (None, 2)


def test_compute_output_shape_uses_output_shape_with_batch():
    layer = layers.Lambda(lambda x: x, output_shape=(3, 4))
    assert layer.compute_output_shape((None, 12)) == (None, 3, 4)


def test_lambda_config_holds_bytecode():
    config = layers.Lambda(lambda x: x + 1.0).get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert set(config["function"]["config"]) == {"code", "defaults", "closure"}
    assert config["arguments"] == {}


def test_named_function_config_is_a_reference():
    config = layers.Lambda(_square_plus, output_shape=(1,)).get_config()
    assert config["function"]["class_name"] == "function"
    assert config["function"]["config"] == "_square_plus"
    assert config["output_shape"] == (1,)


def test_from_config_refuses_python_lambdas_in_safe_mode():
    config = layers.Lambda(lambda x: x + 1.0).get_config()
    with pytest.raises(ValueError, match="Python lambda.*safe_mode=False"):
        layers.Lambda.from_config(config)


def test_from_config_loads_lambdas_with_safe_mode_off():
    scale = 4.0
    config = layers.Lambda(lambda x: x * scale).get_config()
    again = layers.Lambda.from_config(config, safe_mode=False)
    assert again(torch.ones(1, 1)).item() == 4.0


def test_safe_mode_scope_off_allows_lambdas():
    config = layers.Lambda(lambda x: x - 1.0).get_config()
    with SafeModeScope(False):
        again = layers.Lambda.from_config(config)
    assert again(torch.ones(1, 1)).item() == 0.0

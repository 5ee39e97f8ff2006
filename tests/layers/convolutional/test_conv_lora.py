"""LoRA on convolution layers: `lora_rank`, `lora_alpha`, `enable_lora()`."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def _fresh_session():
    keras.utils.clear_session(free_memory=False)


def _random_inputs(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


@pytest.mark.parametrize(
    "make, input_shape, a_shape",
    [
        (lambda **kw: layers.Conv1D(4, 3, **kw), (2, 6, 3), (3, 3, 2)),
        (lambda **kw: layers.Conv2D(4, 3, groups=2, **kw), (2, 5, 5, 6), (3, 3, 3, 2)),
        (lambda **kw: layers.Conv3D(4, 2, **kw), (1, 3, 3, 3, 2), (2, 2, 2, 2, 2)),
    ],
)
def test_lora_rank_creates_factors_and_freezes_kernel(make, input_shape, a_shape):
    layer = make(lora_rank=2)
    layer(_random_inputs(input_shape))
    assert layer.lora_enabled
    assert tuple(layer.lora_kernel_a.shape) == a_shape
    assert tuple(layer.lora_kernel_b.shape) == (2, 4)
    assert not layer._kernel.trainable
    assert [w.path.split("/")[-1] for w in layer.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert np.all(layer.lora_kernel_b.numpy() == 0)
    assert np.any(layer.lora_kernel_a.numpy() != 0)


def test_output_uses_the_scaled_low_rank_delta():
    x = _random_inputs((2, 5, 5, 3))
    layer = layers.Conv2D(4, 3, lora_rank=2, lora_alpha=6)
    layer(x)
    layer.lora_kernel_b.assign(_random_inputs((2, 4), seed=1))
    merged = layer._kernel.numpy() + 3.0 * np.matmul(layer.lora_kernel_a.numpy(), layer.lora_kernel_b.numpy())
    np.testing.assert_allclose(layer.kernel.detach().numpy(), merged, atol=1e-6)
    plain = layers.Conv2D(4, 3)
    plain(x)
    plain.set_weights([merged, layer.bias.numpy()])
    np.testing.assert_allclose(layer(x).detach().numpy(), plain(x).detach().numpy(), atol=1e-5)


def test_only_lora_factors_and_bias_receive_gradients():
    layer = layers.Conv1D(3, 2, lora_rank=1)
    x = torch.as_tensor(_random_inputs((2, 4, 2)))
    layer(x)
    layer.lora_kernel_b.assign(np.ones((1, 3), "float32"))
    layer(x).sum().backward()
    assert layer._kernel.value.grad is None
    assert layer.lora_kernel_a.value.grad is not None
    assert layer.lora_kernel_b.value.grad is not None


def test_enable_lora_after_build_and_config():
    layer = layers.Conv2D(2, 3)
    layer.build((None, 5, 5, 3))
    assert "lora_rank" not in layer.get_config()
    layer.enable_lora(3, lora_alpha=1.5)
    config = layer.get_config()
    assert (config["lora_rank"], config["lora_alpha"]) == (3, 1.5)
    rebuilt = layers.Conv2D.from_config(config)
    rebuilt.build((None, 5, 5, 3))
    assert rebuilt.lora_enabled and rebuilt.lora_alpha == 1.5
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)


def test_enable_lora_refuses_unbuilt_layers_and_kernel_constraints():
    with pytest.raises(ValueError, match="isn't yet built"):
        layers.Conv2D(2, 3).enable_lora(2)
    constrained = layers.Conv2D(2, 3, kernel_constraint="max_norm")
    constrained.build((None, 5, 5, 3))
    with pytest.raises(ValueError, match="incompatible with kernel constraints"):
        constrained.enable_lora(2)


def test_saved_weights_hold_the_merged_kernel_and_reload_with_zero_delta(tmp_path):
    x = _random_inputs((1, 6, 6, 2))
    inputs = keras.Input((6, 6, 2))
    model = keras.Model(inputs, layers.Conv2D(3, 3, lora_rank=2, name="conv")(inputs))
    conv = model.get_layer("conv")
    conv.lora_kernel_b.assign(_random_inputs((2, 3), seed=4))
    expected = model(x).detach().numpy()
    path = str(tmp_path / "lora.weights.h5")
    model.save_weights(path)

    plain_inputs = keras.Input((6, 6, 2))
    plain = keras.Model(plain_inputs, layers.Conv2D(3, 3, name="conv")(plain_inputs))
    plain.load_weights(path)
    np.testing.assert_allclose(plain(x).detach().numpy(), expected, atol=1e-5)

    model.load_weights(path)
    assert np.all(conv.lora_kernel_b.numpy() == 0)
    np.testing.assert_allclose(model(x).detach().numpy(), expected, atol=1e-5)

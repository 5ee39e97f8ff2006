"""EinsumDense: weight shapes from the equation, numerics, ellipses, LoRA, config, errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers
from kerasbridge.layers.core.einsum_dense import analyze_einsum_equation


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    yield


def _np(x):
    return x.detach().cpu().numpy()


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


@pytest.mark.parametrize(
    "equation, output_shape, bias_axes, input_shape, kernel_shape, bias_shape, full_output",
    [
        ("ab,bc->ac", 64, "c", (None, 32), (32, 64), (64,), (None, 64)),
        ("abc,cd->abd", (None, 64), "d", (None, 7, 32), (32, 64), (64,), (None, None, 64)),
        ("abc,cde->abde", (None, 4, 8), "de", (None, 7, 16), (16, 4, 8), (4, 8), (None, None, 4, 8)),
        ("abc,cde->abde", (None, 4, 8), "d", (None, 7, 16), (16, 4, 8), (4, 1), (None, None, 4, 8)),
        ("...b,bc->...c", 3, "c", (None, 5, 6, 4), (4, 3), (3,), (None, 5, 6, 3)),
        ("ab...,bc->ac...", 4, "c", (None, 3, 2, 5), (3, 4), (4, 1, 1), (None, 4, 2, 5)),
        ("abcd,cde->abe", (None, 6), None, (None, 3, 4, 5), (4, 5, 6), None, (None, None, 6)),
    ],
)
def test_shapes_follow_the_equation(equation, output_shape, bias_axes, input_shape, kernel_shape, bias_shape,
                                    full_output):
    kernel, bias, output, _, _ = analyze_einsum_equation(equation, bias_axes, input_shape, output_shape)
    assert tuple(kernel) == kernel_shape
    assert (None if bias is None else tuple(bias)) == bias_shape
    assert tuple(output) == full_output
    layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
    layer.build(input_shape)
    assert tuple(layer.kernel.shape) == kernel_shape
    assert (None if layer.bias is None else tuple(layer.bias.shape)) == bias_shape
    assert layer.compute_output_shape(input_shape) == full_output


def test_kernel_axes_are_split_into_fan_in_and_fan_out():
    _, _, _, input_axes, output_axes = analyze_einsum_equation("abc,cde->abde", "de", (None, 3, 5), (None, 2, 4))
    assert (input_axes, output_axes) == ([0], [1, 2])
    layer = layers.EinsumDense("abc,cde->abde", (None, 2, 4), kernel_initializer=keras.initializers.GlorotUniform(3))
    layer.build((None, 3, 5))
    expected = keras.initializers.GlorotUniform(seed=3, input_axes=[0], output_axes=[1, 2])((5, 2, 4))
    np.testing.assert_allclose(layer.get_weights()[0], _np(expected))


def test_call_matches_numpy_einsum_with_bias_and_activation():
    x = _rand(2, 3, 5)
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de", activation="relu")
    layer.build(x.shape)
    kernel, bias = _rand(5, 2, 4, seed=1), _rand(2, 4, seed=2)
    layer.set_weights([kernel, bias])
    expected = np.maximum(np.einsum("abc,cde->abde", x, kernel) + bias, 0)
    np.testing.assert_allclose(_np(layer(x)), expected, atol=1e-5)


def test_right_ellipsis_bias_broadcasts_over_the_trailing_axes():
    x = _rand(2, 3, 2, 2)
    layer = layers.EinsumDense("ab...,bc->ac...", output_shape=4, bias_axes="c")
    layer.build(x.shape)
    kernel, bias = _rand(3, 4, seed=1), _rand(4, 1, 1, seed=2)
    layer.set_weights([kernel, bias])
    np.testing.assert_allclose(_np(layer(x)), np.einsum("ab...,bc->ac...", x, kernel) + bias, atol=1e-5)


def test_symbolic_output_keeps_unspecified_axes_unknown():
    inputs = keras.Input((7, 16))
    outputs = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")(inputs)
    assert tuple(outputs.shape) == (None, None, 4, 8)
    model = keras.Model(inputs, outputs)
    assert tuple(model(_rand(2, 7, 16)).shape) == (2, 7, 4, 8)


def test_lora_freezes_the_kernel_and_adds_a_scaled_low_rank_delta():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de", lora_rank=3,
                               lora_alpha=6)
    layer.build((None, 3, 5))
    assert [v.name for v in layer.trainable_weights] == ["bias", "lora_kernel_a", "lora_kernel_b"]
    assert tuple(layer.lora_kernel_a.shape) == (5, 2, 3)
    assert tuple(layer.lora_kernel_b.shape) == (3, 4)
    a, b = _rand(5, 2, 3, seed=1), _rand(3, 4, seed=2)
    layer.lora_kernel_a.assign(a)
    layer.lora_kernel_b.assign(b)
    merged = layer._kernel.numpy() + 2.0 * (a @ b)
    np.testing.assert_allclose(_np(layer.kernel), merged, atol=1e-5)
    x = _rand(2, 3, 5)
    np.testing.assert_allclose(_np(layer(x)), np.einsum("abc,cde->abde", x, merged) + layer.bias.numpy(), atol=1e-4)
    assert layer.get_config()["lora_rank"] == 3 and layer.get_config()["lora_alpha"] == 6
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)


def test_lora_is_refused_with_a_kernel_constraint_or_before_build():
    with pytest.raises(ValueError, match="isn't yet built"):
        layers.EinsumDense("ab,bc->ac", 3).enable_lora(2)
    layer = layers.EinsumDense("ab,bc->ac", 3, kernel_constraint="non_neg")
    layer.build((None, 4))
    with pytest.raises(ValueError, match="kernel constraints"):
        layer.enable_lora(2)


def test_saved_variables_merge_lora_and_load_back():
    layer = layers.EinsumDense("ab,bc->ac", 3, bias_axes="c", lora_rank=2)
    layer.build((None, 4))
    layer.lora_kernel_b.assign(np.ones((2, 3), "float32"))
    store = {}
    layer.save_own_variables(store)
    np.testing.assert_allclose(store["0"], _np(layer.kernel), atol=1e-6)
    other = layers.EinsumDense("ab,bc->ac", 3, bias_axes="c")
    other.build((None, 4))
    other.load_own_variables(store)
    np.testing.assert_allclose(other.get_weights()[0], store["0"])
    with pytest.raises(ValueError, match="expected 2 variables"):
        other.load_own_variables({"0": store["0"]})


def test_config_round_trip():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d", activation="tanh",
                               kernel_regularizer="l2", name="proj")
    config = layer.get_config()
    assert config["output_shape"] == (None, 4) and config["equation"] == "abc,cd->abd"
    clone = layers.EinsumDense.from_config(config)
    assert clone.get_config() == config


def test_is_a_torch_module_with_registered_parameters():
    layer = layers.EinsumDense("ab,bc->ac", 3, bias_axes="c")
    layer.build((None, 4))
    assert sorted(name for name, _ in layer.named_parameters()) == ["bias", "kernel"]
    out = layer(torch.ones(2, 4))
    out.sum().backward()
    assert layer.kernel.value.grad is not None


@pytest.mark.parametrize(
    "equation, bias_axes, output_shape, match",
    [
        ("ab,bc", None, 3, "Invalid einsum equation"),
        ("ab,bc->ad", None, 3, "has no corresponding dim"),
        ("ab,bcd->ac", None, 3, "did not have a match"),
        ("ab,bc->ac", "x", 3, "Bias dimension 'x'"),
        ("abc,cd->abd", None, (5, 3), "do not match at shared dimension"),
    ],
)
def test_bad_equations_raise_value_errors(equation, bias_axes, output_shape, match):
    layer = layers.EinsumDense(equation, output_shape=output_shape, bias_axes=bias_axes)
    with pytest.raises(ValueError, match=match):
        layer.build((None, 4, 6))


def test_rank_mismatch_after_build_is_rejected():
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(None, 4))
    layer.build((None, 3, 5))
    with pytest.raises(ValueError):
        layer(_rand(2, 5))

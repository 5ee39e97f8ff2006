"""Unit tests of `quantize()` on Dense, EinsumDense and Embedding."""


import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge import layers


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)


def _built_dense(units=4, input_dim=6):
    layer = layers.Dense(units)
    layer.build((None, input_dim))
    return layer


@pytest.mark.parametrize("mode,tolerance", [("int8", 0.03), ("int4", 0.3), ("float8", 0.15)])
def test_dense_quantized_outputs_stay_close_to_float(mode, tolerance):
    kb.utils.set_random_seed(0)
    layer = _built_dense()
    x = torch.randn(3, 6)
    expected = layer(x).detach()
    layer.quantize(mode)
    assert layer.quantization_mode == mode
    assert torch.max(torch.abs(layer(x) - expected)) < tolerance * torch.max(torch.abs(expected))


def test_dense_int8_replaces_the_kernel_by_int8_and_a_scale():
    layer = _built_dense()
    layer.quantize("int8")
    assert [(v.name, v.dtype, v.trainable) for v in layer.weights] == [
        ("bias", "float32", True), ("kernel", "int8", False), ("kernel_scale", "float32", False)]
    assert layer.dtype_policy.name == "int8_from_float32"
    assert {name for name, _ in layer.named_parameters()} == {"bias", "kernel", "kernel_scale"}


def test_dense_int4_kernel_property_unpacks():
    layer = _built_dense(units=5)
    layer.quantize("int4")
    assert tuple(layer._kernel.shape) == (6, 3)
    assert tuple(layer.kernel.shape) == (6, 5) and layer.kernel.dtype == torch.int8


def test_quantized_dense_passes_gradients_to_inputs_and_bias():
    layer = _built_dense()
    layer.quantize("int8")
    x = torch.randn(2, 6, requires_grad=True)
    layer(x).sum().backward()
    assert x.grad is not None and torch.all(torch.isfinite(x.grad))
    assert layer.bias.value.grad is not None
    float_kernel = layer._kernel.value.float() / layer.kernel_scale.value
    torch.testing.assert_close(x.grad, float_kernel.sum(dim=1).expand(2, 6))


def test_float8_training_call_writes_new_scales_as_gradients():
    layer = _built_dense()
    layer.quantize("float8")
    x = torch.randn(2, 6)
    layer(x, training=True).sum().backward()
    assert layer.inputs_amax_history.value.grad[0].item() == pytest.approx(x.abs().max().item())
    assert layer.kernel_scale.overwrite_with_gradient


def test_einsum_dense_int8_scale_follows_the_output_layout():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 4), bias_axes="de")
    layer.build((None, 3, 5))
    layer.quantize("int8")
    assert tuple(layer.kernel_scale.shape) == (1, 1, 2, 4)
    out = layer(torch.randn(2, 3, 5))
    assert tuple(out.shape) == (2, 3, 2, 4)


def test_embedding_int4_outputs_close_to_float():
    layer = layers.Embedding(10, 6)
    layer.build()
    ids = torch.tensor([[1, 2, 9]])
    expected = layer(ids).detach()
    layer.quantize("int4")
    assert [v.name for v in layer.weights] == ["embeddings", "embeddings_scale", "embeddings_zero", "g_idx"]
    assert torch.max(torch.abs(layer(ids) - expected)) < 0.01


def test_embedding_refuses_float8():
    layer = layers.Embedding(10, 6)
    layer.build()
    with pytest.raises(NotImplementedError, match=r"Expected one of \('int8', 'int4'\)"):
        layer.quantize("float8")


def test_quantize_errors_for_unbuilt_requantized_and_subclassed_layers():
    with pytest.raises(ValueError, match="isn't yet built"):
        layers.Dense(3).quantize("int8")
    layer = _built_dense()
    layer.quantize("int8")
    with pytest.raises(ValueError, match="already quantized"):
        layer.quantize("int4")

    class MyDense(layers.Dense):
        pass

    custom = MyDense(3)
    custom.build((None, 2))
    with pytest.raises(NotImplementedError, match="does not have a `quantize` method"):
        custom.quantize("int8")
    custom.quantize("int8", type_check=False)
    assert custom.quantization_mode == "int8"


def test_quantize_names_unavailable_calibration_modes():
    with pytest.raises(ValueError, match="mode 'gptq' is not available in kerasbridge yet"):
        _built_dense().quantize("gptq")


def test_dense_built_from_a_quantized_policy_creates_quantized_variables():
    layer = layers.Dense(4, dtype="int4/2_from_float32")
    layer.build((None, 5))
    assert [v.name for v in layer.weights] == ["bias", "kernel", "kernel_scale", "kernel_zero", "g_idx"]
    assert tuple(layer.kernel_scale.shape) == (3, 4)
    np.testing.assert_array_equal(layer.g_idx.numpy(), [0, 0, 1, 1, 2])


@pytest.mark.parametrize("equation,output_shape,input_shape", [
    ("...b,bc->...c", 4, (2, 3, 5)),
    ("ab...,bc->ac...", (4, 3), (2, 5, 3)),
])
@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_einsum_dense_with_ellipsis_quantizes(equation, output_shape, input_shape, mode):
    kb.utils.set_random_seed(1)
    layer = layers.EinsumDense(equation, output_shape=output_shape)
    layer.build(input_shape)
    x = torch.randn(*input_shape)
    expected = layer(x).detach()
    layer.quantize(mode)
    assert torch.max(torch.abs(layer(x) - expected)) < 0.2 * torch.max(torch.abs(expected))


def test_quantizing_a_layer_with_a_policy_map_records_its_policy_in_the_map():
    policy_map = kb.dtype_policies.DTypePolicyMap(default_policy="float32")
    layer = layers.Dense(2, dtype=policy_map, name="mapped")
    layer.build((None, 3))
    layer.quantize("int8")
    assert layer.dtype_policy is policy_map
    assert policy_map["mapped"].name == "int8_from_float32"
    assert layer.quantization_mode == "int8"

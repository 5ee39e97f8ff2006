"""SpectralNormalization: power iteration, training vs inference, weights, errors, config."""

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


def _largest_singular_value(kernel):
    return np.linalg.svd(kernel.reshape(-1, kernel.shape[-1]), compute_uv=False)[0]


@pytest.mark.parametrize("make_layer, shape", [
    (lambda: layers.Dense(6), (4, 5)),
    (lambda: layers.Conv2D(4, 3), (2, 6, 6, 3)),
])
def test_training_call_scales_the_kernel_to_unit_spectral_norm(make_layer, shape):
    # Seeded: how fast power iteration converges depends on the initial kernel's singular-value gap.
    keras.utils.set_random_seed(0)
    layer = layers.SpectralNormalization(make_layer(), power_iterations=30)
    x = np.random.default_rng(0).standard_normal(shape).astype("float32")
    layer(x)
    layer.kernel.assign(layer.kernel.numpy() * 5.0)
    assert _largest_singular_value(layer.kernel.numpy()) > 2.0
    layer(x, training=True)
    np.testing.assert_allclose(_largest_singular_value(layer.kernel.numpy()), 1.0, rtol=1e-3)


def test_training_output_uses_the_normalized_kernel():
    layer = layers.SpectralNormalization(layers.Dense(3, use_bias=False), power_iterations=20)
    x = np.random.default_rng(1).standard_normal((4, 5)).astype("float32")
    layer(x)
    out = _np(layer(x, training=True))
    np.testing.assert_allclose(out, x @ layer.kernel.numpy(), atol=1e-5)


def test_inference_leaves_kernel_and_vector_u_unchanged():
    layer = layers.SpectralNormalization(layers.Dense(3))
    x = np.ones((2, 4), "float32")
    layer(x)
    kernel, vector_u = layer.kernel.numpy().copy(), layer.vector_u.numpy().copy()
    out = layer(x)
    np.testing.assert_array_equal(layer.kernel.numpy(), kernel)
    np.testing.assert_array_equal(layer.vector_u.numpy(), vector_u)
    np.testing.assert_allclose(_np(out), x @ kernel + layer.layer.bias.numpy(), atol=1e-6)


def test_vector_u_is_updated_to_a_unit_vector_in_training():
    layer = layers.SpectralNormalization(layers.Dense(3))
    x = np.ones((2, 4), "float32")
    layer(x)
    before = layer.vector_u.numpy().copy()
    layer(x, training=True)
    after = layer.vector_u.numpy()
    assert not np.allclose(before, after)
    np.testing.assert_allclose(np.linalg.norm(after), 1.0, rtol=1e-5)


def test_weights_order_and_trainability():
    layer = layers.SpectralNormalization(layers.Dense(3))
    layer(np.ones((2, 4), "float32"))
    assert [w.path for w in layer.weights] == [
        "spectral_normalization/dense/kernel", "spectral_normalization/vector_u", "spectral_normalization/dense/bias"
    ]
    assert [w.trainable for w in layer.weights] == [True, False, True]
    assert tuple(layer.vector_u.shape) == (1, 3)
    assert len(layer.trainable_weights) == 2


def test_gradients_reach_the_wrapped_weights_in_training():
    layer = layers.SpectralNormalization(layers.Dense(3))
    x = torch.randn(2, 4)
    layer(x)
    layer(x, training=True).sum().backward()
    assert layer.kernel.value.grad is not None and layer.layer.bias.value.grad is not None
    assert layer.vector_u.value.grad is None


def test_embedding_is_normalized_too():
    layer = layers.SpectralNormalization(layers.Embedding(10, 4), power_iterations=30)
    ids = np.array([[1, 2, 3]], "int32")
    layer(ids)
    layer(ids, training=True)
    np.testing.assert_allclose(_largest_singular_value(layer.kernel.numpy()), 1.0, rtol=1e-3)


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="valid Keras layer"):
        layers.SpectralNormalization("dense")
    with pytest.raises(ValueError, match="kernel"):
        layers.SpectralNormalization(layers.Dropout(0.5))(np.ones((2, 3), "float32"))


def test_config_round_trip_rebuilds_the_wrapped_layer():
    layer = layers.SpectralNormalization(layers.Dense(7, activation="relu"), power_iterations=4)
    config = layer.get_config()
    assert config["power_iterations"] == 4
    assert config["layer"]["class_name"] == "Dense"
    again = layers.SpectralNormalization.from_config(config)
    assert isinstance(again.layer, layers.Dense) and again.layer.units == 7
    assert again.get_config() == config


def test_functional_model_shape():
    inputs = keras.Input(shape=(6,))
    outputs = layers.SpectralNormalization(layers.Dense(3))(inputs)
    model = keras.Model(inputs, outputs)
    assert tuple(model.output_shape) == (None, 3)
    assert tuple(model(np.ones((2, 6), "float32")).shape) == (2, 3)

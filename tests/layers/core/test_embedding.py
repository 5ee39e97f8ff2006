"""Embedding: table lookup, dtypes, mask_zero, config, errors."""

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


def test_output_rows_are_table_rows():
    layer = layers.Embedding(5, 3)
    indices = np.array([[0, 4, 2], [1, 1, 3]], dtype="int32")
    out = layer(indices)
    table = layer.get_weights()[0]
    assert tuple(out.shape) == (2, 3, 3)
    np.testing.assert_array_equal(out.detach().cpu().numpy(), table[indices])


def test_table_weight_shape_and_path():
    layer = layers.Embedding(7, 2)
    layer.build()
    assert [(w.path, w.shape) for w in layer.weights] == [("embedding/embeddings", (7, 2))]


def test_default_initializer_is_uniform_within_0_05():
    layer = layers.Embedding(200, 50)
    layer.build()
    table = layer.get_weights()[0]
    assert table.min() >= -0.05 and table.max() <= 0.05
    assert table.std() > 0.02
    assert layer.get_config()["embeddings_initializer"]["config"] == {"seed": None, "minval": -0.05, "maxval": 0.05}


def test_negative_indices_count_from_the_end():
    layer = layers.Embedding(4, 2)
    out = layer(np.array([[-1, -4]], dtype="int64"))
    table = layer.get_weights()[0]
    np.testing.assert_array_equal(out.detach().cpu().numpy()[0], table[[3, 0]])


def test_float_indices_are_truncated():
    layer = layers.Embedding(4, 2)
    out = layer(np.array([[2.7, 1.2]], dtype="float32"))
    np.testing.assert_array_equal(out.detach().cpu().numpy()[0], layer.get_weights()[0][[2, 1]])


def test_mask_zero_attaches_nonzero_mask():
    layer = layers.Embedding(5, 2, mask_zero=True)
    out = layer(np.array([[3, 0, 1], [0, 0, 2]], dtype="int32"))
    assert torch.equal(out._keras_mask, torch.tensor([[True, False, True], [False, False, True]]))
    assert layer.supports_masking


def test_no_mask_without_mask_zero():
    out = layers.Embedding(5, 2)(np.array([[3, 0]], dtype="int32"))
    assert getattr(out, "_keras_mask", None) is None


def test_symbolic_mask_zero_output_has_mask():
    out = layers.Embedding(10, 4, mask_zero=True)(keras.Input(shape=(6,), dtype="int32"))
    assert out.shape == (None, 6, 4)
    assert out._keras_mask.shape == (None, 6)


def test_input_length_is_accepted_and_ignored():
    with pytest.warns(UserWarning, match="input_length"):
        layer = layers.Embedding(5, 2, input_length=3)
    assert "input_length" not in layer.get_config()


def test_weights_argument_sets_the_table():
    table = np.arange(6, dtype="float32").reshape(3, 2)
    layer = layers.Embedding(3, 2, weights=table)
    np.testing.assert_array_equal(layer.get_weights()[0], table)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True])
def test_invalid_input_dim_raises(bad):
    with pytest.raises(ValueError, match="`input_dim` must be a positive integer"):
        layers.Embedding(bad, 2)


def test_get_config_keys_in_keras_order_and_round_trip():
    layer = layers.Embedding(10, 3, mask_zero=True, embeddings_regularizer="l2")
    config = layer.get_config()
    assert list(config) == [
        "name", "trainable", "dtype", "input_dim", "output_dim", "embeddings_initializer",
        "embeddings_regularizer", "activity_regularizer", "embeddings_constraint", "mask_zero",
        "quantization_config",
    ]
    assert layers.Embedding.from_config(config).get_config() == config


def test_gradient_only_reaches_looked_up_rows():
    layer = layers.Embedding(4, 2)
    layer(np.array([[1, 1, 3]], dtype="int32")).sum().backward()
    grad = layer.embeddings.value.grad
    np.testing.assert_array_equal(grad.cpu().numpy(), [[0, 0], [2, 2], [0, 0], [1, 1]])

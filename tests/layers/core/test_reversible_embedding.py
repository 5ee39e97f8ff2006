"""ReversibleEmbedding: forward lookup, tied/untied reverse projection, soft cap, weights I/O."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)


def test_tied_reverse_is_matmul_with_transposed_table():
    layer = layers.ReversibleEmbedding(6, 3)
    layer.build()
    hidden = torch.randn(2, 3)
    expected = hidden.numpy() @ layer.embeddings.numpy().T
    np.testing.assert_allclose(layer(hidden, reverse=True).detach().numpy(), expected, rtol=1e-5, atol=1e-6)
    assert len(layer.weights) == 1


def test_untied_reverse_uses_its_own_weight():
    layer = layers.ReversibleEmbedding(6, 3, tie_weights=False)
    layer.build()
    assert [w.name for w in layer.weights] == ["embeddings", "reverse_embeddings"]
    hidden = torch.randn(2, 3)
    expected = hidden.numpy() @ layer.reverse_embeddings.numpy()
    np.testing.assert_allclose(layer(hidden, reverse=True).detach().numpy(), expected, rtol=1e-5, atol=1e-6)


def test_soft_cap_bounds_logits():
    layer = layers.ReversibleEmbedding(4, 2, embeddings_initializer="ones", logit_soft_cap=1.5)
    logits = layer(torch.full((1, 2), 100.0), reverse=True)
    assert float(logits.abs().max()) <= 1.5
    np.testing.assert_allclose(logits.detach().numpy(), np.tanh(200.0 / 1.5) * 1.5, rtol=1e-6)


def test_forward_lookup_sets_mask_and_shape():
    layer = layers.ReversibleEmbedding(5, 2, mask_zero=True)
    out = layer(np.array([[1, 0]], dtype="int32"))
    assert tuple(out.shape) == (1, 2, 2)
    np.testing.assert_array_equal(out._keras_mask.numpy(), [[True, False]])
    assert layer.compute_output_shape((1, 7, 2), reverse=True) == (1, 7, 5)


def test_untied_weights_save_and_load():
    source = layers.ReversibleEmbedding(4, 2, tie_weights=False)
    source.build()
    store = {}
    source.save_own_variables(store)
    target = layers.ReversibleEmbedding(4, 2, tie_weights=False)
    target.build()
    target.load_own_variables(store)
    for a, b in zip(source.get_weights(), target.get_weights()):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="expected 2 variables"):
        target.load_own_variables({"0": store["0"]})

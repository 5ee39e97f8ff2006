"""GroupQueryAttention: weights, shared key/value heads, equivalence with MultiHeadAttention, masks, errors."""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    yield


def _np(x):
    return x.detach().cpu().numpy()


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def test_weights_names_and_shapes():
    layer = layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    layer(_rand(2, 4, 6), _rand(2, 5, 6))
    assert layer.name == "grouped_query_attention"
    assert [(w.path.split("/", 1)[1], tuple(w.shape)) for w in layer.weights] == [
        ("query/kernel", (6, 4, 3)), ("query/bias", (4, 3)), ("key/kernel", (6, 2, 3)), ("key/bias", (2, 3)),
        ("value/kernel", (6, 2, 3)), ("value/bias", (2, 3)), ("attention_output/kernel", (4, 3, 6)),
        ("attention_output/bias", (6,)),
    ]


def test_each_key_value_head_serves_a_group_of_query_heads():
    query, value = _rand(2, 4, 6), _rand(2, 5, 6, seed=1)
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=2)
    layer(query, value)
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    k = np.repeat(np.einsum("bsd,dnh->bsnh", value, wk) + bk, 2, axis=2)
    v = np.repeat(np.einsum("bsd,dnh->bsnh", value, wv) + bv, 2, axis=2)
    scores = np.einsum("btnh,bsnh->bnts", q / np.sqrt(2.0), k)
    probs = np.exp(scores - scores.max(-1, keepdims=True))
    probs /= probs.sum(-1, keepdims=True)
    expected = np.einsum("btnh,nho->bto", np.einsum("bnts,bsnh->btnh", probs, v), wo) + bo
    fused = layer(query, value)
    explicit, returned_scores = layer(query, value, return_attention_scores=True)
    np.testing.assert_allclose(_np(fused), expected, atol=1e-5)
    np.testing.assert_allclose(_np(explicit), expected, atol=1e-5)
    np.testing.assert_allclose(_np(returned_scores), probs, atol=1e-6)


def test_as_many_key_value_heads_as_query_heads_is_multi_head_attention():
    query, value = _rand(2, 4, 6), _rand(2, 5, 6, seed=1)
    mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    gqa = layers.GroupQueryAttention(head_dim=3, num_query_heads=2, num_key_value_heads=2)
    mha = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    gqa(query, value)
    mha(query, value)
    mha.set_weights(gqa.get_weights())
    for kwargs in ({}, {"value_mask": mask}, {"use_causal_mask": True}):
        np.testing.assert_allclose(_np(gqa(query, value, **kwargs)), _np(mha(query, value, **kwargs)), atol=1e-5)


def test_sliding_window_limits_the_visible_steps():
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, sliding_window=2)
    x = _rand(1, 6, 4)
    _, scores = layer(x, x, return_attention_scores=True)
    distance = np.abs(np.arange(6)[:, None] - np.arange(6)[None, :])
    assert np.all(_np(scores)[..., distance >= 2] == 0)
    assert np.all(_np(scores)[..., distance < 2] > 0)


def test_symbolic_scores_shape_and_config_round_trip():
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=4, num_key_value_heads=1, dropout=0.2, seed=3)
    query, value = keras.Input((3, 8)), keras.Input((5, 8))
    out, scores = layer(query, value, return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 8) and tuple(scores.shape) == (None, 4, 3, 5)
    config = layer.get_config()
    assert layers.GroupQueryAttention.from_config(config).get_config() == config


def test_invalid_head_counts_and_shapes_raise():
    with pytest.raises(ValueError, match="divisible"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="sliding_window"):
        layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1, sliding_window=-1)
    layer = layers.GroupQueryAttention(head_dim=2, num_query_heads=2, num_key_value_heads=1)
    with pytest.raises(ValueError, match="last dimension"):
        layer.compute_output_shape((None, 3, 8), (None, 5, 6))

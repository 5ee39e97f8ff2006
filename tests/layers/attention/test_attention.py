"""Attention (Luong) and AdditiveAttention (Bahdanau): numerics against numpy, masks, causality, errors."""

import numpy as np
import pytest
import torch

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


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


QUERY, VALUE, KEY = _rand(2, 3, 4), _rand(2, 5, 4, seed=1), _rand(2, 5, 4, seed=2)


def test_dot_scores_with_a_learned_scale():
    layer = layers.Attention(use_scale=True)
    layer([QUERY, VALUE, KEY])
    layer.scale.assign(0.5)
    out, scores = layer([QUERY, VALUE, KEY], return_attention_scores=True)
    expected_scores = _softmax(0.5 * QUERY @ KEY.transpose(0, 2, 1))
    np.testing.assert_allclose(_np(scores), expected_scores, atol=1e-6)
    np.testing.assert_allclose(_np(out), expected_scores @ VALUE, atol=1e-6)


def test_concat_scores():
    layer = layers.Attention(score_mode="concat", use_scale=True)
    layer([QUERY, VALUE])
    layer.set_weights([np.float32(0.7), np.float32(1.3)])
    raw = 1.3 * np.tanh(0.7 * (QUERY[:, :, None, :] + VALUE[:, None, :, :])).sum(-1)
    np.testing.assert_allclose(_np(layer([QUERY, VALUE])), _softmax(raw) @ VALUE, atol=1e-5)
    assert [w.name for w in layer.weights] == ["scale", "concat_score_weight"]


def test_value_mask_query_mask_and_output_mask():
    value_mask = np.array([[1, 1, 0, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    query_mask = np.array([[1, 0, 1], [1, 1, 1]], dtype=bool)
    layer = layers.Attention()
    out, scores = layer([QUERY, VALUE], mask=[torch.as_tensor(query_mask), torch.as_tensor(value_mask)],
                        return_attention_scores=True)
    raw = np.where(value_mask[:, None, :], QUERY @ VALUE.transpose(0, 2, 1), -np.inf)
    np.testing.assert_allclose(_np(scores), _softmax(raw), atol=1e-6)
    expected = np.where(query_mask[..., None], _softmax(raw) @ VALUE, 0.0)
    np.testing.assert_allclose(_np(out), expected, atol=1e-6)
    assert torch.equal(out._keras_mask, torch.as_tensor(query_mask))


def test_causal_mask_hides_later_steps():
    value = _rand(2, 3, 4, seed=3)
    _, scores = layers.Attention()([QUERY, value], use_causal_mask=True, return_attention_scores=True)
    assert np.all(np.triu(_np(scores)[0], k=1) == 0)
    np.testing.assert_allclose(_np(scores).sum(-1), np.ones((2, 3)), atol=1e-6)


def test_dropout_only_in_training():
    layer = layers.Attention(dropout=0.5, seed=2)
    inference = _np(layer([QUERY, VALUE]))
    assert not np.allclose(_np(layer([QUERY, VALUE], training=True)), inference)


def test_additive_scores():
    layer = layers.AdditiveAttention()
    layer([QUERY, VALUE, KEY])
    scale = _rand(4, seed=5)
    layer.set_weights([scale])
    raw = (scale * np.tanh(QUERY[:, :, None, :] + KEY[:, None, :, :])).sum(-1)
    np.testing.assert_allclose(_np(layer([QUERY, VALUE, KEY])), _softmax(raw) @ VALUE, atol=1e-5)
    unscaled = layers.AdditiveAttention(use_scale=False)
    raw = np.tanh(QUERY[:, :, None, :] + KEY[:, None, :, :]).sum(-1)
    np.testing.assert_allclose(_np(unscaled([QUERY, VALUE, KEY])), _softmax(raw) @ VALUE, atol=1e-5)
    assert unscaled.weights == []


def test_symbolic_use_and_config():
    query, value = keras.Input((3, 4)), keras.Input((6, 4))
    out, scores = layers.AdditiveAttention(dropout=0.1)([query, value], return_attention_scores=True)
    assert tuple(out.shape) == (None, 3, 4) and tuple(scores.shape) == (None, 3, 6)
    config = layers.Attention(use_scale=True, score_mode="concat", dropout=0.2, seed=1).get_config()
    assert layers.Attention.from_config(config).get_config() == config
    additive = layers.AdditiveAttention(use_scale=False).get_config()
    assert "score_mode" not in additive and layers.AdditiveAttention.from_config(additive).get_config() == additive


def test_invalid_inputs_raise():
    with pytest.raises(ValueError, match="score_mode"):
        layers.Attention(score_mode="sum")
    layer = layers.Attention()
    with pytest.raises(ValueError, match="list of inputs"):
        layer(torch.as_tensor(QUERY))
    with pytest.raises(ValueError, match="length 2 or 3"):
        layer([QUERY])
    with pytest.raises(ValueError, match="mask must be a list"):
        layer([QUERY, VALUE], mask=torch.ones(2, 3, dtype=torch.bool))

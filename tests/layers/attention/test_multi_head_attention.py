"""MultiHeadAttention: sublayers and weights, numerics against numpy, both attention paths, masks, errors."""

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


def _softmax(x, mask=None):
    if mask is not None:
        x = np.where(mask, x, -1e9)
    e = np.exp(x - x.max(-1, keepdims=True))
    out = e / e.sum(-1, keepdims=True)
    return out if mask is None else np.where(mask, out, 0.0)


def _reference(layer, query, value, mask=None):
    """Multi-head attention in numpy from the layer's weights: (output, scores)."""
    wq, bq, wk, bk, wv, bv, wo, bo = layer.get_weights()
    q = np.einsum("btd,dnh->btnh", query, wq) + bq
    k = np.einsum("bsd,dnh->bsnh", value, wk) + bk
    v = np.einsum("bsd,dnh->bsnh", value, wv) + bv
    scores = np.einsum("btnh,bsnh->bnts", q / np.sqrt(wq.shape[-1]), k)
    probs = _softmax(scores, None if mask is None else mask[:, None])
    heads = np.einsum("bnts,bsnh->btnh", probs, v)
    return np.einsum("btnh,nho->bto", heads, wo) + bo, probs


def test_sublayers_weights_and_order():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=4)
    layer(_rand(2, 4, 6), _rand(2, 5, 7))
    assert [(w.path, tuple(w.shape)) for w in layer.weights] == [
        ("multi_head_attention/query/kernel", (6, 2, 3)), ("multi_head_attention/query/bias", (2, 3)),
        ("multi_head_attention/key/kernel", (7, 2, 3)), ("multi_head_attention/key/bias", (2, 3)),
        ("multi_head_attention/value/kernel", (7, 2, 4)), ("multi_head_attention/value/bias", (2, 4)),
        ("multi_head_attention/attention_output/kernel", (2, 4, 6)),
        ("multi_head_attention/attention_output/bias", (6,)),
    ]
    assert layer.query_dense.name == "query" and layer.output_dense.name == "attention_output"
    assert len(list(layer.parameters())) == 8


def test_output_matches_numpy_reference_on_both_paths():
    query, value = _rand(2, 4, 6), _rand(2, 5, 6, seed=1)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(query, value)
    rng = np.random.default_rng(3)
    layer.set_weights([w + 0.1 * rng.standard_normal(w.shape).astype("float32") for w in layer.get_weights()])
    expected, expected_scores = _reference(layer, query, value)
    fused = layer(query, value)
    explicit, scores = layer(query, value, return_attention_scores=True)
    np.testing.assert_allclose(_np(fused), expected, atol=1e-5)
    np.testing.assert_allclose(_np(explicit), expected, atol=1e-5)
    np.testing.assert_allclose(_np(scores), expected_scores, atol=1e-6)


def test_attention_mask_and_padding_masks_hide_key_steps():
    query, value = _rand(2, 4, 6), _rand(2, 5, 6, seed=1)
    attention_mask = np.random.default_rng(2).random((2, 4, 5)) > 0.4
    attention_mask[..., 0] = True
    value_mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], dtype=bool)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    layer(query, value)
    combined = attention_mask & value_mask[:, None, :]
    expected, expected_scores = _reference(layer, query, value, combined)
    fused = layer(query, value, attention_mask=attention_mask, value_mask=value_mask)
    explicit, scores = layer(query, value, attention_mask=attention_mask, value_mask=value_mask,
                             return_attention_scores=True)
    np.testing.assert_allclose(_np(fused), expected, atol=1e-5)
    np.testing.assert_allclose(_np(explicit), expected, atol=1e-5)
    np.testing.assert_allclose(_np(scores), expected_scores, atol=1e-6)
    assert np.all(_np(scores)[~np.broadcast_to(combined[:, None], scores.shape)] == 0)


@pytest.mark.parametrize("return_scores", [False, True])
def test_causal_mask_makes_outputs_independent_of_future_steps(return_scores):
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    x = _rand(1, 5, 4)
    changed = x.copy()
    changed[:, 3:] += 5.0
    first = layer(x, x, use_causal_mask=True, return_attention_scores=return_scores)
    second = layer(changed, changed, use_causal_mask=True, return_attention_scores=return_scores)
    first, second = (first[0], second[0]) if return_scores else (first, second)
    np.testing.assert_allclose(_np(first)[:, :3], _np(second)[:, :3], atol=1e-5)
    assert not np.allclose(_np(first)[:, 3:], _np(second)[:, 3:])


def test_keras_masks_of_the_inputs_become_padding_masks_and_the_output_mask():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3)
    x = torch.as_tensor(_rand(2, 5, 6))
    mask = torch.tensor([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]], dtype=torch.bool)
    plain = layer(x, x)
    x._keras_mask = mask
    out = layer(x, x)
    assert torch.equal(out._keras_mask, mask)
    assert getattr(x, "_keras_mask", None) is None
    expected = layer(x, x, attention_mask=mask[:, :, None] & mask[:, None, :])
    np.testing.assert_allclose(_np(out), _np(expected), atol=1e-6)
    assert not np.allclose(_np(out), _np(plain))


def test_extra_attention_axes_normalise_over_all_of_them():
    x = _rand(2, 3, 4, 5)
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2))
    out, scores = layer(x, x, return_attention_scores=True)
    assert tuple(out.shape) == (2, 3, 4, 5)
    assert tuple(scores.shape) == (2, 2, 3, 4, 3, 4)
    np.testing.assert_allclose(_np(scores).sum(axis=(-2, -1)), np.ones((2, 2, 3, 4)), atol=1e-5)
    assert layer.attention_axes == (1, 2)


def test_dropout_applies_only_in_training():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.5, seed=1)
    x = _rand(2, 4, 6)
    inference = _np(layer(x, x))
    np.testing.assert_allclose(_np(layer(x, x, training=False)), inference)
    assert not np.allclose(_np(layer(x, x, training=True)), inference)


def test_output_shape_and_symbolic_use():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, output_shape=(2, 4))
    query, value = keras.Input((4, 6)), keras.Input((7, 5))
    out, scores = layer(query, value, return_attention_scores=True)
    assert tuple(out.shape) == (None, 4, 2, 4)
    assert tuple(scores.shape) == (None, 2, 4, 7)
    assert layer.compute_output_shape((None, 4, 6), (None, 7, 5)) == (None, 4, 2, 4)
    model = keras.Model([query, value], out)
    assert tuple(model([_rand(3, 4, 6), _rand(3, 7, 5)]).shape) == (3, 4, 2, 4)


def test_config_round_trip():
    layer = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, dropout=0.1, use_bias=False,
                                      output_shape=7, attention_axes=1, kernel_regularizer="l2", seed=4)
    config = layer.get_config()
    assert config["output_shape"] == (7,) and config["attention_axes"] == (1,)
    clone = layers.MultiHeadAttention.from_config(config)
    assert clone.get_config() == config


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_heads": 0, "key_dim": 2}, "num_heads"),
        ({"num_heads": 2, "key_dim": -1}, "key_dim"),
        ({"num_heads": 2, "key_dim": 2, "value_dim": 0}, "value_dim"),
        ({"num_heads": 2, "key_dim": 2, "attention_axes": "1"}, "attention_axes"),
        ({"num_heads": 2, "key_dim": 2, "sliding_window": 0}, "sliding_window"),
        ({"num_heads": 2, "key_dim": 2, "dropout": 0.1, "flash_attention": True}, "Dropout is not supported"),
    ],
)
def test_invalid_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.MultiHeadAttention(**kwargs)


def test_key_and_value_must_share_their_step_axes():
    layer = layers.MultiHeadAttention(num_heads=2, key_dim=2)
    with pytest.raises(ValueError, match="value` and `key`"):
        layer(_rand(2, 4, 6), _rand(2, 5, 6), key=_rand(2, 3, 6))

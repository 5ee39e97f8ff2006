"""Differential sweep: EinsumDense and the attention layers against Keras 3 (torch backend).

Each case builds the same layer in keras and in kerasbridge, copies keras's weights over with
`get_weights()`/`set_weights()`, and compares outputs (and attention scores), weight names,
shapes and order, and configs. Cases cover both of Keras's attention paths: torch's fused
`scaled_dot_product_attention` and the explicit softmax (taken for returned scores, dropout and
extra attention axes). Functional models with `Embedding(mask_zero=True)` masks, symbolic
shapes and one training step are compared too.
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _bool_mask(*shape, seed=1):
    mask = np.random.default_rng(seed).random(shape) > 0.3
    mask[..., 0] = True
    return mask


PADDING = np.array([[True, True, True, False, False], [True, True, True, True, True]])
FULLY_MASKED = np.array([[False] * 5, [True, True, False, True, True]])

Q, V, K = _rand(2, 4, 6, seed=0), _rand(2, 5, 7, seed=1), _rand(2, 5, 3, seed=2)
X4 = _rand(2, 3, 4, 5, seed=3)

# (id, class name, constructor kwargs, positional inputs, call kwargs)
MHA_CASES = [
    ("self_fused", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, Q), {}),
    ("cross_key_fused", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, V, K), {}),
    ("cross_scores", "MultiHeadAttention", {"num_heads": 3, "key_dim": 2}, (Q, V, K),
     {"return_attention_scores": True}),
    ("causal_fused", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4}, (Q, Q), {"use_causal_mask": True}),
    ("causal_scores", "MultiHeadAttention", {"num_heads": 2, "key_dim": 4}, (Q, Q),
     {"use_causal_mask": True, "return_attention_scores": True}),
    ("attention_mask_fused", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, V),
     {"attention_mask": _bool_mask(2, 4, 5)}),
    ("attention_mask_causal_scores", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, V),
     {"attention_mask": _bool_mask(2, 4, 5), "use_causal_mask": True, "return_attention_scores": True}),
    ("value_mask_fused", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, V), {"value_mask": PADDING}),
    ("fully_masked_fused", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, V),
     {"value_mask": FULLY_MASKED}),
    ("fully_masked_scores", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, (Q, V),
     {"value_mask": FULLY_MASKED, "return_attention_scores": True}),
    ("axes_1_2", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "attention_axes": (1, 2)}, (X4, X4),
     {"return_attention_scores": True}),
    ("axes_2_4d", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "attention_axes": 2}, (X4, X4), {}),
    ("output_shape_value_dim_nobias", "MultiHeadAttention",
     {"num_heads": 2, "key_dim": 3, "value_dim": 4, "output_shape": (2, 5), "use_bias": False}, (Q, V), {}),
    ("dropout_training", "MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "dropout": 0.4, "seed": 7},
     (Q, V), {"training": True}),
    ("gate_sliding_window", "MultiHeadAttention",
     {"num_heads": 2, "key_dim": 3, "use_gate": True, "sliding_window": 2}, (Q, Q), {}),
    ("gqa_self_fused", "GroupQueryAttention", {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2},
     (Q, Q), {}),
    ("gqa_cross_key_scores", "GroupQueryAttention",
     {"head_dim": 3, "num_query_heads": 4, "num_key_value_heads": 2}, (Q, _rand(2, 5, 6, seed=4), K),
     {"return_attention_scores": True}),
    ("gqa_causal_fused", "GroupQueryAttention", {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1},
     (Q, Q), {"use_causal_mask": True}),
    ("gqa_masks_scores", "GroupQueryAttention", {"head_dim": 2, "num_query_heads": 4, "num_key_value_heads": 4},
     (Q, _rand(2, 5, 6, seed=5)),
     {"attention_mask": _bool_mask(2, 4, 5), "value_mask": PADDING, "use_causal_mask": True,
      "return_attention_scores": True}),
    ("gqa_dropout_nobias", "GroupQueryAttention",
     {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 2, "dropout": 0.3, "seed": 3, "use_bias": False},
     (Q, Q), {"training": True}),
    ("gqa_gate_window", "GroupQueryAttention",
     {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1, "use_gate": True, "sliding_window": 2},
     (Q, Q), {"value_mask": PADDING[:, :4]}),
    ("luong_dot", "Attention", {}, ([Q, _rand(2, 5, 6, seed=6)],), {}),
    ("luong_scale_key_scores", "Attention", {"use_scale": True}, ([Q, _rand(2, 5, 6, seed=6), _rand(2, 5, 6)],),
     {"return_attention_scores": True}),
    ("luong_concat_scale", "Attention", {"score_mode": "concat", "use_scale": True}, ([Q, _rand(2, 5, 6, seed=6)],),
     {}),
    ("luong_masks_causal", "Attention", {}, ([Q, _rand(2, 4, 6, seed=6)],),
     {"mask": [PADDING[:, :4], PADDING[::-1, :4]], "use_causal_mask": True, "return_attention_scores": True}),
    ("luong_dropout", "Attention", {"dropout": 0.5, "seed": 11}, ([Q, _rand(2, 5, 6, seed=6)],),
     {"training": True}),
    ("bahdanau", "AdditiveAttention", {}, ([Q, _rand(2, 5, 6, seed=6)],), {"return_attention_scores": True}),
    ("bahdanau_noscale_masks", "AdditiveAttention", {"use_scale": False},
     ([Q, _rand(2, 5, 6, seed=6), _rand(2, 5, 6, seed=8)],), {"mask": [None, PADDING]}),
    ("bahdanau_causal", "AdditiveAttention", {}, ([Q, _rand(2, 4, 6, seed=6)],), {"use_causal_mask": True}),
]

EINSUM_CASES = [
    ("dense_like", {"equation": "ab,bc->ac", "output_shape": 4, "bias_axes": "c"}, (3, 5)),
    ("sequence", {"equation": "abc,cd->abd", "output_shape": (None, 4), "bias_axes": "d", "activation": "relu"},
     (2, 3, 5)),
    ("heads", {"equation": "abc,cde->abde", "output_shape": (None, 3, 2), "bias_axes": "de"}, (2, 4, 5)),
    ("bias_inner_axis", {"equation": "abc,cde->abde", "output_shape": (None, 3, 2), "bias_axes": "d"}, (2, 4, 5)),
    ("left_ellipsis", {"equation": "...b,bc->...c", "output_shape": 3, "bias_axes": "c"}, (2, 3, 4, 5)),
    ("right_ellipsis", {"equation": "ab...,bc->ac...", "output_shape": 4, "bias_axes": "c"}, (2, 3, 2, 2)),
    ("contract_two", {"equation": "abcd,cde->abe", "output_shape": (None, 6), "bias_axes": "e"}, (2, 3, 4, 5)),
    ("no_bias", {"equation": "ab,bcd->acd", "output_shape": (2, 3)}, (3, 5)),
    ("lora", {"equation": "abc,cde->abde", "output_shape": (None, 3, 2), "bias_axes": "de", "lora_rank": 2},
     (2, 4, 5)),
]


def _numpy(x):
    return keras.ops.convert_to_numpy(x) if not isinstance(x, torch.Tensor) else x.detach().cpu().numpy()


def _as_tuple(out):
    return tuple(out) if isinstance(out, (tuple, list)) else (out,)


def _jsonable(config):
    return json.loads(json.dumps(config))


def _inference_kwargs(kwargs):
    return {k: v for k, v in kwargs.items() if k != "training"}


def _compare_layers(klayer, blayer, args, kwargs):
    """Build both, copy keras's weights, call both with `kwargs` and compare everything observable."""
    klayer(*args, **_inference_kwargs(kwargs))
    blayer(*args, **_inference_kwargs(kwargs))
    assert [w.path for w in blayer.weights] == [w.path for w in klayer.weights]
    assert [tuple(w.shape) for w in blayer.weights] == [tuple(w.shape) for w in klayer.weights]
    rng = np.random.default_rng(5)
    weights = [w + 0.1 * rng.standard_normal(w.shape).astype("float32") for w in klayer.get_weights()]
    klayer.set_weights(weights)
    blayer.set_weights(weights)
    k_out, b_out = _as_tuple(klayer(*args, **kwargs)), _as_tuple(blayer(*args, **kwargs))
    assert len(b_out) == len(k_out)
    for expected, got in zip(k_out, b_out):
        assert tuple(got.shape) == tuple(expected.shape)
        np.testing.assert_allclose(_numpy(got), _numpy(expected), atol=ATOL, rtol=0)
    assert _jsonable(blayer.get_config()) == _jsonable(klayer.get_config())
    return k_out, b_out


@pytest.mark.parametrize("case", MHA_CASES, ids=[c[0] for c in MHA_CASES])
def test_attention_layer_matches_keras(case):
    _, class_name, ctor, args, kwargs = case
    klayer, blayer = getattr(keras.layers, class_name)(**ctor), getattr(kb.layers, class_name)(**ctor)
    _compare_layers(klayer, blayer, args, kwargs)
    clone = type(blayer).from_config(_jsonable(klayer.get_config()))
    assert _jsonable(clone.get_config()) == _jsonable(blayer.get_config())


@pytest.mark.parametrize("case", EINSUM_CASES, ids=[c[0] for c in EINSUM_CASES])
def test_einsum_dense_matches_keras(case):
    _, ctor, shape = case
    klayer, blayer = keras.layers.EinsumDense(**ctor), kb.layers.EinsumDense(**ctor)
    k_out, _ = _compare_layers(klayer, blayer, (_rand(*shape),), {})
    expected = klayer.compute_output_shape((None, *shape[1:]))
    if ctor["equation"].startswith("...") and len(shape) > 3:
        # Keras lists two or more axes under a leading "..." in reverse order; kerasbridge gives
        # them in the order the layer actually returns them.
        expected = (None, *k_out[0].shape[1:-1], expected[-1])
    assert blayer.compute_output_shape((None, *shape[1:])) == expected
    symbolic = blayer(kb.Input(shape[1:]))
    assert tuple(symbolic.shape) == expected
    assert [w.trainable for w in blayer.weights] == [w.trainable for w in klayer.weights]


def test_einsum_dense_initial_values_match_keras_for_the_same_seed():
    ctor = {"equation": "abc,cde->abde", "output_shape": (None, 3, 4), "bias_axes": "de",
            "kernel_initializer": keras.initializers.GlorotUniform(seed=4)}
    klayer = keras.layers.EinsumDense(**ctor)
    blayer = kb.layers.EinsumDense(**{**ctor, "kernel_initializer": kb.initializers.GlorotUniform(seed=4)})
    klayer.build((None, 2, 5))
    blayer.build((None, 2, 5))
    np.testing.assert_allclose(blayer.get_weights()[0], klayer.get_weights()[0], atol=1e-6)


def _masked_text_model(k, num_heads=2):
    ids = k.Input((5,), dtype="int32")
    x = k.layers.Embedding(12, 6, mask_zero=True)(ids)
    y, scores = k.layers.MultiHeadAttention(num_heads, 3)(x, x, return_attention_scores=True)
    y = k.layers.MultiHeadAttention(num_heads, 2, name="causal_mha")(y, x, use_causal_mask=True)
    z = k.layers.GroupQueryAttention(2, 4, 2)(y, x)
    a = k.layers.Attention()([z, x])
    b = k.layers.AdditiveAttention()([a, y])
    pooled = k.layers.GlobalAveragePooling1D()(b)
    return k.Model(ids, [k.layers.Dense(1)(pooled), scores])


TOKENS = np.array([[1, 2, 3, 0, 0], [4, 5, 6, 7, 0], [8, 9, 10, 11, 3]], dtype="int32")


def test_embedding_masks_reach_attention_layers_in_functional_models():
    kmodel, bmodel = _masked_text_model(keras), _masked_text_model(kb)
    assert [tuple(t.shape) for t in bmodel.outputs] == [tuple(t.shape) for t in kmodel.outputs]
    assert [w.path for w in bmodel.weights] == [w.path for w in kmodel.weights]
    bmodel.set_weights(kmodel.get_weights())
    for expected, got in zip(kmodel(TOKENS), bmodel(TOKENS)):
        np.testing.assert_allclose(_numpy(got), _numpy(expected), atol=ATOL, rtol=0)
    np.testing.assert_allclose(bmodel.predict(TOKENS, verbose=0)[0], kmodel.predict(TOKENS, verbose=0)[0],
                               atol=ATOL, rtol=0)


def test_attention_output_keeps_the_query_mask_like_keras():
    embedded = _rand(3, 5, 6)
    for k, convert in ((keras, keras.ops.convert_to_tensor), (kb, torch.as_tensor)):
        x = convert(embedded)
        x._keras_mask = convert(TOKENS != 0)
        out = k.layers.MultiHeadAttention(2, 3)(x, x)
        np.testing.assert_array_equal(_numpy(out._keras_mask), TOKENS != 0)
        assert getattr(x, "_keras_mask", None) is None  # Keras strips the input masks


def _training_model(k):
    ids = k.Input((5,), dtype="int32")
    x = k.layers.Embedding(12, 8, mask_zero=True)(ids)
    x = k.layers.MultiHeadAttention(2, 4, dropout=0.0)(x, x, use_causal_mask=True)
    x = k.layers.GroupQueryAttention(2, 2, 1)(x, x)
    x = k.layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d", activation="tanh")(x)
    x = k.layers.Attention(use_scale=True)([x, x])
    x = k.layers.GlobalAveragePooling1D()(x)
    return k.Model(ids, k.layers.Dense(1)(x))


def test_one_fit_step_matches_keras():
    kmodel, bmodel = _training_model(keras), _training_model(kb)
    bmodel.set_weights(kmodel.get_weights())
    initial = [np.array(w, copy=True) for w in kmodel.get_weights()]
    targets = np.array([[0.5], [-1.0], [2.0]], dtype="float32")
    for model, k in ((kmodel, keras), (bmodel, kb)):
        model.compile(optimizer=k.optimizers.Adam(learning_rate=0.01), loss="mse")
    k_hist = kmodel.fit(TOKENS, targets, batch_size=3, epochs=2, shuffle=False, verbose=0)
    b_hist = bmodel.fit(TOKENS, targets, batch_size=3, epochs=2, shuffle=False, verbose=0)
    np.testing.assert_allclose(b_hist.history["loss"], k_hist.history["loss"], atol=2e-4, rtol=0)
    for expected, got in zip(kmodel.get_weights(), bmodel.get_weights()):
        np.testing.assert_allclose(got, expected, atol=2e-4, rtol=0)
    # Every weight trained, except the key biases: adding a constant to all scores of a query
    # leaves the softmax unchanged, so their gradient is (numerically) zero.
    for variable, w0 in zip(bmodel.weights, initial):
        if not variable.path.endswith("key/bias"):
            assert not np.array_equal(variable.numpy(), w0), variable.path


def test_symbolic_shapes_match_keras():
    for class_name, ctor, call_kwargs in (
        ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3, "output_shape": 5}, {}),
        ("MultiHeadAttention", {"num_heads": 2, "key_dim": 3}, {"return_attention_scores": True}),
        ("GroupQueryAttention", {"head_dim": 2, "num_query_heads": 2, "num_key_value_heads": 1},
         {"return_attention_scores": True}),
    ):
        shapes = []
        for k in (keras, kb):
            q = k.Input((4, 6))
            out = getattr(k.layers, class_name)(**ctor)(q, q, **call_kwargs)
            shapes.append([tuple(t.shape) for t in _as_tuple(out)])
        assert shapes[1] == shapes[0]
    shapes = []
    for k in (keras, kb):
        q, v = k.Input((4, 6)), k.Input((7, 6))
        shapes.append([tuple(t.shape) for t in _as_tuple(k.layers.Attention()([q, v], return_attention_scores=True))])
    assert shapes[1] == shapes[0]


def _saving_model(k):
    inputs = k.Input((5, 6))
    x = k.layers.MultiHeadAttention(2, 3)(inputs, inputs, use_causal_mask=True)
    x = k.layers.GroupQueryAttention(2, 4, 2)(x, inputs)
    x = k.layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d")(x)
    x = k.layers.Attention(use_scale=True)([x, x])
    x = k.layers.AdditiveAttention()([x, x])
    return k.Model(inputs, k.layers.Dense(1)(k.layers.GlobalAveragePooling1D()(x)))


def test_keras_files_move_both_ways(tmp_path):
    kmodel, bmodel = _saving_model(keras), _saving_model(kb)
    x = _rand(2, 5, 6)
    kmodel.save(tmp_path / "from_keras.keras")
    loaded = kb.models.load_model(tmp_path / "from_keras.keras")
    np.testing.assert_allclose(_numpy(loaded(x)), _numpy(kmodel(x)), atol=ATOL, rtol=0)
    kmodel.save_weights(tmp_path / "from_keras.weights.h5")
    bmodel.load_weights(tmp_path / "from_keras.weights.h5")
    bmodel.save(tmp_path / "from_kb.keras")
    reloaded = keras.models.load_model(tmp_path / "from_kb.keras")
    np.testing.assert_allclose(_numpy(bmodel(x)), _numpy(reloaded(x)), atol=ATOL, rtol=0)
    np.testing.assert_allclose(_numpy(bmodel(x)), _numpy(kmodel(x)), atol=ATOL, rtol=0)

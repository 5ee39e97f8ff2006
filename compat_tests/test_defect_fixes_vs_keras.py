"""Differential checks, against Keras 3 (torch backend), of behaviours kerasbridge used to lack:
beam-search CTC decoding, LoRA on convolutions, `Model.to_json`, `InputSpec` configs, dtype and
epsilon handling, the `Wrapper` base of `TimeDistributed`/`SpectralNormalization`, and the build
config recorded when a layer without its own `build` is built directly.
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)


def _np(x):
    return keras.ops.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x


def _bridge_np(x):
    return x.detach().cpu().numpy()


# -- ctc_decode(strategy="beam_search") ------------------------------------------------------------
# (batch, max_time, classes, beam_width, top_paths, mask_index, scores): "ties" uses 0/1 scores so
# that many paths tie and the tie-breaking order is compared too.
CTC_CASES = [
    (2, 5, 4, 3, 2, 0, "normal"),
    (3, 7, 5, 10, 3, 0, "normal"),
    (2, 6, 3, 100, 5, None, "normal"),
    (4, 8, 6, 4, 4, 2, "normal"),
    (1, 1, 3, 2, 2, 0, "normal"),
    (2, 6, 4, 5, 3, 0, "ties"),
    (3, 5, 3, 2, 2, 1, "ties"),
]


@pytest.mark.parametrize("case", CTC_CASES, ids=[f"ctc{i}" for i in range(len(CTC_CASES))])
def test_ctc_beam_search_decode_matches_keras(case):
    batch, max_time, classes, beam_width, top_paths, mask_index, kind = case
    rng = np.random.default_rng(sum(case[:5]))
    if kind == "ties":
        scores = rng.integers(0, 2, size=(batch, max_time, classes)).astype("float32")
    else:
        scores = rng.normal(size=(batch, max_time, classes)).astype("float32")
    lengths = rng.integers(1, max_time + 1, size=(batch,)).astype("int32")
    kwargs = dict(strategy="beam_search", beam_width=beam_width, top_paths=top_paths, mask_index=mask_index)
    keras_paths, keras_scores = keras.ops.ctc_decode(scores, lengths, **kwargs)
    paths, log_probs = kb.ops.ctc_decode(scores, lengths, **kwargs)
    np.testing.assert_array_equal(_bridge_np(paths), _np(keras_paths))
    assert str(paths.dtype) == str(keras_paths.dtype)
    np.testing.assert_allclose(_bridge_np(log_probs), _np(keras_scores), atol=ATOL)
    assert str(log_probs.dtype) == str(keras_scores.dtype)


# -- LoRA on convolutions --------------------------------------------------------------------------
CONV_CASES = [
    ("Conv1D", {"filters": 4, "kernel_size": 3, "padding": "causal"}, (2, 7, 3)),
    ("Conv2D", {"filters": 6, "kernel_size": 3, "groups": 2}, (2, 6, 6, 4)),
    ("Conv2D", {"filters": 3, "kernel_size": 2, "data_format": "channels_first", "strides": 2}, (2, 3, 6, 6)),
    ("Conv3D", {"filters": 2, "kernel_size": 2}, (1, 4, 4, 4, 3)),
]


def _conv_pair(class_name, kwargs, input_shape, **lora):
    x = np.random.default_rng(0).normal(size=input_shape).astype("float32")
    keras_layer = getattr(keras.layers, class_name)(**kwargs, **lora)
    bridge_layer = getattr(kb.layers, class_name)(**kwargs, **lora)
    keras_layer(x)
    bridge_layer(x)
    rng = np.random.default_rng(1)
    weights = [rng.normal(size=w.shape).astype("float32") for w in keras_layer.get_weights()]
    keras_layer.set_weights(weights)
    bridge_layer.set_weights(weights)
    return keras_layer, bridge_layer, x


@pytest.mark.parametrize("case", CONV_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONV_CASES)])
def test_conv_lora_matches_keras(case):
    keras_layer, bridge_layer, x = _conv_pair(*case, lora_rank=2, lora_alpha=3)
    describe = [(w.path, tuple(w.shape), w.trainable) for w in keras_layer.weights]
    assert [(w.path, tuple(w.shape), w.trainable) for w in bridge_layer.weights] == describe
    assert [w.path for w in bridge_layer.trainable_weights] == [w.path for w in keras_layer.trainable_weights]
    np.testing.assert_allclose(_bridge_np(bridge_layer.kernel), _np(keras_layer.kernel), atol=ATOL)
    np.testing.assert_allclose(_bridge_np(bridge_layer(x)), _np(keras_layer(x)), atol=ATOL)
    assert bridge_layer.get_config() == keras_layer.get_config()


def test_conv_enable_lora_after_build_matches_keras_config_and_initial_output():
    keras_layer, bridge_layer, x = _conv_pair("Conv2D", {"filters": 3, "kernel_size": 3}, (2, 5, 5, 2))
    keras_layer.enable_lora(4, lora_alpha=2)
    bridge_layer.enable_lora(4, lora_alpha=2)
    assert bridge_layer.get_config() == keras_layer.get_config()
    assert bridge_layer.lora_kernel_a.shape == tuple(keras_layer.lora_kernel_a.shape)
    np.testing.assert_allclose(_bridge_np(bridge_layer(x)), _np(keras_layer(x)), atol=ATOL)


def _lora_models(module):
    inputs = module.Input((6, 6, 2))
    hidden = module.layers.Conv2D(3, 3, lora_rank=2, name="conv")(inputs)
    return module.Model(inputs, module.layers.Conv1D(2, 2, name="conv1d")(module.layers.Reshape((16, 3))(hidden)))


@pytest.mark.parametrize("direction", ["keras_to_bridge", "bridge_to_keras"])
def test_conv_lora_weights_files_move_between_keras_and_kerasbridge(tmp_path, direction):
    x = np.random.default_rng(2).normal(size=(2, 6, 6, 2)).astype("float32")
    keras_model, bridge_model = _lora_models(keras), _lora_models(kb)
    source, target = (keras_model, bridge_model) if direction == "keras_to_bridge" else (bridge_model, keras_model)
    rng = np.random.default_rng(3)
    source.set_weights([rng.normal(size=w.shape).astype("float32") for w in source.get_weights()])
    path = str(tmp_path / "model.weights.h5")
    source.save_weights(path)
    target.load_weights(path)
    np.testing.assert_allclose(_np(bridge_model(x).detach().numpy()), _np(keras_model(x)), atol=ATOL)
    assert np.all(_np(target.get_layer("conv").lora_kernel_b.numpy()) == 0)  # loading restarts the delta


# -- Model.to_json / model_from_json --------------------------------------------------------------
def _functional(module):
    inputs = module.Input((5,), name="features")
    hidden = module.layers.Dense(4, activation="relu", name="hidden")(inputs)
    return module.Model(inputs, module.layers.Dense(2, name="out")(hidden), name="net")


def _sequential(module):
    return module.Sequential([module.Input((3,)), module.layers.Dense(2, name="d")], name="seq")


@pytest.mark.parametrize("make", [_functional, _sequential], ids=["functional", "sequential"])
def test_to_json_matches_keras_and_round_trips_both_ways(make):
    keras_model, bridge_model = make(keras), make(kb)
    assert bridge_model.to_json() == keras_model.to_json()
    assert bridge_model.to_json(indent=2, sort_keys=True) == keras_model.to_json(indent=2, sort_keys=True)
    from_keras = kb.models.model_from_json(keras_model.to_json())
    from_bridge = keras.models.model_from_json(bridge_model.to_json())
    assert json.loads(from_keras.to_json()) == json.loads(from_bridge.to_json())
    x = np.random.default_rng(4).normal(size=(3, keras_model.input_shape[-1])).astype("float32")
    from_keras.set_weights(keras_model.get_weights())
    np.testing.assert_allclose(_bridge_np(from_keras(x)), _np(keras_model(x)), atol=ATOL)


# -- small API mismatches -------------------------------------------------------------------------
def test_input_spec_get_config_matches_keras():
    kwargs = dict(ndim=3, axes={-1: 4}, optional=True, dtype="float32")
    assert kb.layers.InputSpec(**kwargs).get_config() == keras.layers.InputSpec(**kwargs).get_config()
    assert kb.layers.InputSpec(min_ndim=2).get_config() == keras.layers.InputSpec(min_ndim=2).get_config()


@pytest.mark.parametrize("dtype", ["float", "double", "half", "uint", "boolean", "int", "float32", "int4"])
def test_standardize_dtype_accepts_and_rejects_like_keras(dtype):
    try:
        expected = keras.backend.standardize_dtype(dtype)
    except ValueError as error:
        with pytest.raises(ValueError, match=str(error)):
            kb.backend.standardize_dtype(dtype)
    else:
        assert kb.backend.standardize_dtype(dtype) == expected


@pytest.mark.parametrize("value", [1e-5, "1e-5", 1])
def test_set_epsilon_stores_the_value_as_keras_does(value):
    try:
        keras.config.set_epsilon(value)
        kb.config.set_epsilon(value)
        assert kb.config.epsilon() == keras.config.epsilon()
        assert type(kb.config.epsilon()) is type(keras.config.epsilon())
    finally:
        keras.config.set_epsilon(1e-7)
        kb.config.set_epsilon(1e-7)


def _wrapped(module, class_name):
    if class_name == "TimeDistributed":
        return module.layers.TimeDistributed(module.layers.Dense(3)), (2, 4, 5)
    if class_name == "SpectralNormalization":
        return module.layers.SpectralNormalization(module.layers.Dense(3), power_iterations=2), (2, 5)
    return module.layers.Bidirectional(module.layers.LSTM(3)), (2, 4, 5)


@pytest.mark.parametrize("class_name", ["TimeDistributed", "SpectralNormalization", "Bidirectional"])
def test_wrapper_base_class_and_config_match_keras(class_name):
    keras_layer, shape = _wrapped(keras, class_name)
    bridge_layer, _ = _wrapped(kb, class_name)
    assert isinstance(bridge_layer, kb.layers.Wrapper) == isinstance(keras_layer, keras.layers.Wrapper)
    x = np.random.default_rng(5).normal(size=shape).astype("float32")
    keras_layer(x)
    bridge_layer(x)
    bridge_layer.set_weights(keras_layer.get_weights())
    assert [w.path for w in bridge_layer.weights] == [w.path for w in keras_layer.weights]
    np.testing.assert_allclose(_bridge_np(bridge_layer(x)), _np(keras_layer(x)), atol=ATOL)
    assert kb.saving.serialize_keras_object(bridge_layer) == keras.saving.serialize_keras_object(keras_layer)
    rebuilt = type(bridge_layer).from_config(keras_layer.get_config())
    assert rebuilt.get_config() == keras_layer.get_config()
    if isinstance(keras_layer, keras.layers.Wrapper):
        assert isinstance(bridge_layer.layer, kb.layers.Dense)


def test_layer_without_build_records_a_direct_build_like_keras():
    keras_layer, bridge_layer = keras.layers.Rescaling(0.5), kb.layers.Rescaling(0.5)
    keras_layer.build((None, 4, 4, 3))
    bridge_layer.build((None, 4, 4, 3))
    assert bridge_layer.get_build_config() == keras_layer.get_build_config()
    rebuilt = kb.layers.Rescaling.from_config(bridge_layer.get_config())
    rebuilt.build_from_config(keras_layer.get_build_config())
    assert rebuilt.get_build_config() == keras_layer.get_build_config()


def test_unnamed_weights_get_keras_automatic_names():
    paths = {}
    for module in (keras, kb):
        module.utils.clear_session()

        class TwoWeights(module.layers.Layer):
            def build(self, input_shape):
                self.a = self.add_weight(shape=(1,))
                self.b = self.add_weight(shape=(1,))

        first, second = TwoWeights(), TwoWeights()
        first.build((1,))
        second.build((1,))
        paths[module.__name__] = [v.path for v in first.weights + second.weights] + [module.Variable(1.0).name]
    assert paths["kerasbridge"] == paths["keras"]

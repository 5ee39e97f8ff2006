"""Unit tests of `Model.quantize` and of saving quantized models."""

import warnings

import numpy as np
import pytest

import kerasbridge as kb


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def _model():
    inputs = kb.Input((4,), dtype="int32")
    x = kb.layers.Embedding(12, 8, name="emb")(inputs)
    x = kb.layers.Dense(6, activation="relu", name="hidden")(x)
    outputs = kb.layers.Dense(2, name="head")(x)
    return kb.Model(inputs, outputs)


def test_model_quantize_filters_layers_by_regex():
    model = _model()
    model.quantize("int8", filters="head")
    assert [layer.quantization_mode for layer in model.layers[1:]] == [None, None, "int8"]


def test_model_quantize_warns_for_layers_without_quantize():
    model = _model()
    with pytest.warns(UserWarning, match="InputLayer does not have a `quantize` method"):
        warnings.simplefilter("always")
        model.quantize("int8")


def test_model_quantize_rejects_unknown_keyword_arguments():
    with pytest.raises(ValueError, match="Unrecognized keyword arguments"):
        _model().quantize("int8", bogus=True)


@pytest.mark.parametrize("mode", ["int8", "int4", "float8"])
def test_quantized_model_round_trips_through_a_keras_file(mode, tmp_path):
    model = _model()
    model.quantize(mode)
    ids = np.array([[1, 2, 3, 11]], "int32")
    expected = model.predict(ids, verbose=0)
    model.save(tmp_path / "model.keras")
    restored = kb.saving.load_model(tmp_path / "model.keras")
    assert restored.get_layer("head").dtype_policy == model.get_layer("head").dtype_policy
    np.testing.assert_allclose(restored.predict(ids, verbose=0), expected, atol=1e-6)


def test_quantized_weights_file_loads_into_a_model_quantized_the_same_way(tmp_path):
    model = _model()
    model.quantize("int4")
    model.save_weights(tmp_path / "model.weights.h5")
    other = _model()
    other.quantize("int4")
    other.load_weights(tmp_path / "model.weights.h5")
    for saved, loaded in zip(model.weights, other.weights):
        np.testing.assert_array_equal(loaded.numpy(), saved.numpy())


def test_quantized_model_trains_its_float_variables():
    model = _model()
    model.quantize("int8")
    model.compile(optimizer="sgd", loss="mse")
    before = model.get_layer("head").bias.numpy()
    model.fit(np.ones((4, 4), "int32"), np.ones((4, 4, 2), "float32"), epochs=1, verbose=0)
    assert not np.allclose(model.get_layer("head").bias.numpy(), before)


@pytest.mark.parametrize("mode", ["int8", "int4"])
def test_weights_load_into_quantized_layers_with_lora_enabled(tmp_path, mode):
    # A QLoRA checkpoint: the file holds the LoRA delta folded into the quantized weights; loading it
    # into a model whose quantized layers have LoRA enabled fills the quantized variables and restarts
    # LoRA from zero, so that model predicts what a model without LoRA loading the same file predicts.
    x = np.random.default_rng(0).integers(0, 12, size=(8, 4))
    y = np.random.default_rng(1).normal(size=(8, 4, 2)).astype("float32")

    def quantized(lora):
        kb.utils.set_random_seed(0)
        model = _model()
        model.quantize(mode)
        if lora:
            for layer in model.layers[1:]:
                layer.enable_lora(2)
        return model

    trained = quantized(lora=True)
    trained.compile(optimizer=kb.optimizers.SGD(0.1), loss="mse")
    trained.fit(x, y, epochs=2, batch_size=4, verbose=0)
    path = str(tmp_path / "qlora.weights.h5")
    trained.save_weights(path)

    resumed, plain = quantized(lora=True), quantized(lora=False)
    resumed.load_weights(path)
    plain.load_weights(path)
    for layer in resumed.layers[1:]:
        lora_b = layer.lora_embeddings_b if hasattr(layer, "lora_embeddings_b") else layer.lora_kernel_b
        assert not np.any(lora_b.numpy())
    np.testing.assert_allclose(resumed.predict(x, verbose=0), plain.predict(x, verbose=0), atol=1e-6)

"""`.keras` archives with assets (lookup vocabularies) and Functional models on "string" inputs."""

import zipfile

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge.backend.dtypes import standardize_dtype, to_torch_dtype
from kerasbridge.saving.assets_store import AssetsDirectory


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def _assets(path):
    return sorted(n for n in zipfile.ZipFile(path).namelist() if n.startswith("assets/"))


def test_string_dtype_is_symbolic_only():
    assert standardize_dtype("string") == "string"
    assert standardize_dtype("str") == "string"
    assert standardize_dtype(str) == "string"
    assert standardize_dtype(np.array(["a"]).dtype) == "string"
    with pytest.raises(TypeError, match="no torch counterpart"):
        to_torch_dtype("string")


@pytest.mark.parametrize("shape", [(), (1,)])
def test_string_input_string_lookup_predicts_and_round_trips(tmp_path, shape):
    inputs = kb.Input(shape=shape, dtype="string")
    assert inputs.dtype == "string" and inputs.shape == (None, *shape)
    lookup = kb.layers.StringLookup()
    lookup.adapt(np.array(["red", "green", "green", "blue", "green", "red"]))
    model = kb.Model(inputs, lookup(inputs))
    data = np.array(["green", "red", "purple"]).reshape((3, *shape))
    expected = np.array([1, 2, 0]).reshape((3, *shape))
    np.testing.assert_array_equal(model.predict(data, verbose=0), expected)
    model.save(tmp_path / "lookup.keras")
    assert _assets(tmp_path / "lookup.keras") == ["assets/layers/string_lookup/vocabulary.txt"]
    loaded = kb.models.load_model(tmp_path / "lookup.keras")
    assert loaded.layers[1].get_vocabulary() == lookup.get_vocabulary()
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), expected)


def test_integer_lookup_vocabulary_survives_archive(tmp_path):
    inputs = kb.Input((3,), dtype="int32")
    lookup = kb.layers.IntegerLookup()
    lookup.adapt(np.array([[5, 7, 7], [9, 7, 5]]))
    model = kb.Model(inputs, lookup(inputs))
    model.save(tmp_path / "ints.keras")
    loaded = kb.models.load_model(tmp_path / "ints.keras")
    assert loaded.layers[1].get_vocabulary() == lookup.get_vocabulary() == [-1, 7, 5, 9]
    data = np.array([[5, 9, 4], [7, 7, 1]])
    np.testing.assert_array_equal(loaded.predict(data, verbose=0), model.predict(data, verbose=0))


def test_text_vectorization_masked_lstm_round_trips(tmp_path):
    vectorize = kb.layers.TextVectorization(max_tokens=12, output_sequence_length=5)
    vectorize.adapt(np.array(["the cat sat on the mat", "the dog ran far away"]))
    text = kb.Input(shape=(), dtype="string")
    ids = vectorize(text)
    hidden = kb.layers.LSTM(3)(kb.layers.Embedding(12, 4)(ids), mask=kb.ops.not_equal(ids, 0))
    model = kb.Model(text, kb.layers.Dense(1)(hidden))
    data = np.array(["the cat ran", "a dog sat on a mat", "zebra"])
    expected = model.predict(data, verbose=0)
    model.save(tmp_path / "text.keras")
    loaded = kb.models.load_model(tmp_path / "text.keras")
    assert loaded.layers[1].get_vocabulary() == vectorize.get_vocabulary()
    np.testing.assert_allclose(loaded.predict(data, verbose=0), expected, atol=1e-6)


def test_weights_only_files_have_no_assets(tmp_path):
    inputs = kb.Input((2,), dtype="int32")
    lookup = kb.layers.IntegerLookup(vocabulary=[3, 4])
    model = kb.Model(inputs, lookup(inputs))
    model.save(tmp_path / "fixed.keras")
    assert _assets(tmp_path / "fixed.keras") == []  # a vocabulary given in the config is not an asset


def test_assets_directory_rejects_escaping_paths():
    with AssetsDirectory("r") as assets:
        with pytest.raises(ValueError, match="escapes"):
            assets.get("../outside")
        assert assets.get("layers/missing") is None

"""StringLookup in pure Python: vocabulary, OOV/mask layout, encodings, invert, files and config.

Keras 3's StringLookup needs TensorFlow, which is not installed. The expectations are hand-checked
against Keras's documented behaviour: the examples of the StringLookup docstring (keras.io) and the
adapt ordering of keras/src/layers/preprocessing/index_lookup.py (decreasing count, ties by decreasing token).
"""

import os

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


VOCAB = ["a", "b", "c", "d"]
DATA = [["a", "c", "d"], ["d", "z", "b"]]
BAG = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]


def test_adapt_orders_by_frequency_then_decreasing_token():
    layer = layers.StringLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    out = layer(DATA)
    assert out.dtype == torch.int64
    assert out.tolist() == [[5, 3, 1], [1, 2, 4]]


def test_given_vocabulary_and_oov():
    assert layers.StringLookup(vocabulary=VOCAB)(DATA).tolist() == [[1, 3, 4], [4, 0, 2]]


def test_several_oov_indices_hash_unknown_tokens():
    out = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2)([["a", "c", "d"], ["m", "z", "b"]])
    assert out.tolist() == [[2, 4, 5], [0, 1, 3]]


def test_mask_token_takes_index_zero():
    layer = layers.StringLookup(vocabulary=VOCAB, mask_token="[MASK]")
    assert layer([["a", "c", "[MASK]"], ["d", "z", "b"]]).tolist() == [[2, 4, 0], [5, 1, 3]]
    assert layer.get_vocabulary() == ["[MASK]", "[UNK]", "a", "b", "c", "d"]


@pytest.mark.parametrize("mode,expected", [
    ("multi_hot", [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]),
    ("count", [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]),
])
def test_bag_encodings(mode, expected):
    out = layers.StringLookup(vocabulary=VOCAB, output_mode=mode)(BAG)
    assert out.dtype == torch.int64  # Keras's torch backend returns the int64 bincount
    assert out.tolist() == expected


def test_one_hot_and_pad_to_max_tokens():
    out = layers.StringLookup(vocabulary=VOCAB, output_mode="one_hot")(["a", "b", "c", "d", "z"])
    assert out.tolist() == [[0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1], [1, 0, 0, 0, 0]]
    padded = layers.StringLookup(vocabulary=VOCAB, output_mode="multi_hot", max_tokens=8, pad_to_max_tokens=True)
    assert padded(BAG).shape == (2, 8)


def test_tf_idf_with_given_weights():
    layer = layers.StringLookup(output_mode="tf_idf", vocabulary=VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    np.testing.assert_allclose(layer(BAG).numpy(), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]], atol=1e-6)


def test_tf_idf_adapt_uses_document_frequencies():
    layer = layers.StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "a", "b"], ["b", "c", "c"]])
    assert layer.get_vocabulary() == ["[UNK]", "c", "b", "a"]
    idf = [np.log(1 + 2 / 2), np.log(1 + 2 / 3), np.log(1 + 2 / 2)]
    np.testing.assert_allclose(layer.idf_weights.numpy(), [np.mean(np.float32(idf))] + idf, atol=1e-6)


def test_invert_returns_strings():
    out = layers.StringLookup(vocabulary=VOCAB, invert=True)([[1, 3, 4], [4, 0, 2]])
    assert out.tolist() == [["a", "c", "d"], ["d", "[UNK]", "b"]]


def test_max_tokens_keeps_most_frequent():
    layer = layers.StringLookup(max_tokens=3)
    layer.adapt(["x", "y", "y", "z", "z", "z"])
    assert layer.get_vocabulary() == ["[UNK]", "z", "y"]
    assert layer.vocabulary_size() == 3


def test_set_vocabulary_accepts_leading_special_tokens_and_rejects_repeats():
    layer = layers.StringLookup(mask_token="")
    layer.set_vocabulary(["", "[UNK]", "p", "q"])
    assert layer.get_vocabulary(include_special_tokens=False) == ["p", "q"]
    with pytest.raises(ValueError, match="repeated term"):
        layer.set_vocabulary(["p", "p"])
    with pytest.raises(ValueError, match="reserved mask token"):
        layer.set_vocabulary(["p", ""])


def test_vocabulary_file_bytes_inputs_and_numpy_arrays(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\n", encoding="utf-8")
    layer = layers.StringLookup(vocabulary=str(path))
    assert layer.get_vocabulary() == ["[UNK]", "a", "b", "c"]
    assert layer(np.array([b"c", b"q"])).tolist() == [3, 0]
    assert layer(np.array([["a"], ["b"]])).tolist() == [[1], [2]]


def test_num_oov_indices_zero_rejects_unknown_tokens():
    with pytest.raises(ValueError, match="num_oov_indices=0"):
        layers.StringLookup(vocabulary=VOCAB, num_oov_indices=0)(["z"])


def test_argument_errors():
    with pytest.raises(ValueError, match="max_tokens"):
        layers.StringLookup(max_tokens=1)
    with pytest.raises(ValueError, match="output_mode"):
        layers.StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="after setting a static vocabulary"):
        layers.StringLookup(vocabulary=VOCAB).adapt(["a"])
    with pytest.raises(RuntimeError, match="set the layer's vocabulary"):
        layers.StringLookup(output_mode="multi_hot")(["a"])


def test_config_round_trip_with_vocabulary():
    layer = layers.StringLookup(vocabulary=VOCAB, num_oov_indices=2, mask_token="[M]")
    config = layer.get_config()
    assert config["vocabulary"] == VOCAB and config["vocabulary_size"] == 7 and "vocabulary_dtype" not in config
    again = layers.StringLookup.from_config(config)
    assert again(DATA).tolist() == layer(DATA).tolist()


def test_adapted_vocabulary_round_trips_through_assets(tmp_path):
    layer = layers.StringLookup()
    layer.adapt(DATA)
    layer.save_assets(str(tmp_path))
    assert os.path.exists(tmp_path / "vocabulary.txt")
    again = layers.StringLookup.from_config(layer.get_config())
    again.load_assets(str(tmp_path))
    assert again.get_vocabulary() == layer.get_vocabulary()

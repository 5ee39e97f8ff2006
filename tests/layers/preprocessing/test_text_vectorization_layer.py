"""TextVectorization in pure Python, checked against Keras's documented behaviour.

Keras 3's TextVectorization needs TensorFlow, which is not installed. The first two tests reproduce the
examples of the TextVectorization docstring (keras.io); the others check each documented option
(standardize, split, ngrams, output modes) with hand-derived expectations.
"""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


def test_docstring_example_adapt():
    layer = layers.TextVectorization(max_tokens=5000, output_mode="int", output_sequence_length=4)
    layer.adapt(["foo bar", "bar baz", "baz bada boom"])
    assert layer.get_vocabulary() == ["", "[UNK]", "baz", "bar", "foo", "boom", "bada"]
    out = layer([["foo qux bar"], ["qux baz"]])
    assert out.dtype == torch.int64 and out.tolist() == [[4, 1, 3, 0], [1, 2, 0, 0]]


def test_docstring_example_vocabulary():
    layer = layers.TextVectorization(vocabulary=["earth", "wind", "and", "fire"], output_sequence_length=4)
    assert layer([["earth wind and also fire"], ["fire and earth"]]).tolist() == [[2, 3, 4, 1], [5, 4, 2, 0]]


def test_rows_pad_to_longest_without_sequence_length_and_truncate_with_it():
    layer = layers.TextVectorization(vocabulary=["a", "b"])
    assert layer(["a b a", "b"]).tolist() == [[2, 3, 2], [3, 0, 0]]
    short = layers.TextVectorization(vocabulary=["a", "b"], output_sequence_length=2)
    assert short(np.array(["a b a", "b"])).tolist() == [[2, 3], [3, 0]]


def test_default_standardization_lowercases_ascii_and_strips_punctuation():
    layer = layers.TextVectorization(vocabulary=["hello", "world"])
    assert layer(["Hello, WORLD!!"]).tolist() == [[2, 3]]
    assert layers.TextVectorization(vocabulary=["Hello"], standardize=None)(["Hello hello"]).tolist() == [[2, 1]]
    assert layers.TextVectorization(vocabulary=["a.b"], standardize="lower")(["A.B"]).tolist() == [[2]]


def test_callable_standardize_and_split():
    layer = layers.TextVectorization(
        vocabulary=["x", "y"], standardize=lambda s: np.char.replace(s, "-", " "),
        split=lambda strings: [s.split(" ") for s in strings],
    )
    assert layer(["x-y", "y"]).tolist() == [[2, 3], [3, 0]]


def test_character_split_and_ngrams():
    chars = layers.TextVectorization(split="character", standardize=None)
    chars.adapt(["abca"])
    assert chars.get_vocabulary() == ["", "[UNK]", "a", "c", "b"]
    bigrams = layers.TextVectorization(ngrams=2)
    bigrams.adapt(["the cat sat"])
    assert set(bigrams.get_vocabulary()[2:]) == {"the", "cat", "sat", "the cat", "cat sat"}
    vocabulary = bigrams.get_vocabulary()
    expected = [vocabulary.index(token) for token in ("the", "cat", "the cat")]  # grouped by width, as TF
    assert bigrams(["the cat"]).tolist() == [expected]


def test_bag_of_words_modes():
    layer = layers.TextVectorization(vocabulary=["a", "b"], output_mode="multi_hot")
    assert layer(["a a z", "b"]).tolist() == [[1, 1, 0], [0, 0, 1]]
    count = layers.TextVectorization(vocabulary=["a", "b"], output_mode="count", max_tokens=5, pad_to_max_tokens=True)
    assert count(["a a z"]).tolist() == [[1, 2, 0, 0, 0]]
    tfidf = layers.TextVectorization(output_mode="tf_idf")
    tfidf.adapt(["a a b", "b c"])
    weights = tfidf._lookup_layer.idf_weights.numpy()
    np.testing.assert_allclose(tfidf(["a a b"]).numpy(), [[0.0, weights[1], 2 * weights[2], 0.0]], atol=1e-6)


def test_adapt_on_batches_and_set_vocabulary():
    layer = layers.TextVectorization()
    layer.adapt(batch for batch in (np.array(["b a"]), np.array(["b"])))
    assert layer.get_vocabulary() == ["", "[UNK]", "b", "a"]
    layer.set_vocabulary(["q", "r"])
    assert layer(["r q"]).tolist() == [[3, 2]]


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("sun\nmoon\n", encoding="utf-8")
    assert layers.TextVectorization(vocabulary=str(path))(["moon sun star"]).tolist() == [[3, 2, 1]]


def test_errors():
    with pytest.raises(ValueError, match="standardize"):
        layers.TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="output_sequence_length"):
        layers.TextVectorization(output_mode="count", output_sequence_length=3)
    with pytest.raises(ValueError, match="ragged"):
        layers.TextVectorization(ragged=True)
    with pytest.raises(ValueError, match="last shape dimension must be 1"):
        layers.TextVectorization(vocabulary=["a"])([["a", "b"]])


def test_config_round_trip():
    layer = layers.TextVectorization(vocabulary=["a", "b"], ngrams=(1, 2), output_sequence_length=3)
    config = layer.get_config()
    assert config["vocabulary"] == ["a", "b"] and config["vocabulary_size"] == 4 and config["ngrams"] == (1, 2)
    config["ngrams"] = list(config["ngrams"])  # as read back from JSON
    again = layers.TextVectorization.from_config(config)
    assert again(["a b"]).tolist() == layer(["a b"]).tolist()

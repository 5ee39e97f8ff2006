"""IntegerLookup in pure Python, checked against Keras's documented examples (Keras needs TensorFlow here)."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


DATA = np.array([[12, 1138, 42], [42, 1000, 36]])
VOCAB = [12, 1138, 42, 1000]


def test_adapt_and_lookup():
    layer = layers.IntegerLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    out = layer(DATA)
    assert out.dtype == torch.int64 and out.tolist() == [[5, 2, 1], [1, 3, 4]]


def test_floormod_oov_indices():
    assert layers.IntegerLookup(vocabulary=VOCAB, num_oov_indices=2)(DATA).tolist() == [[2, 3, 4], [4, 5, 0]]


def test_mask_token_and_invert():
    masked = layers.IntegerLookup(vocabulary=VOCAB, mask_token=0)
    assert masked(np.array([[12, 0, 7]])).tolist() == [[2, 0, 1]]
    inverse = layers.IntegerLookup(vocabulary=VOCAB, invert=True)
    out = inverse(np.array([[1, 3, 4], [4, 0, 2]]))
    assert out.dtype == torch.int64 and out.tolist() == [[12, 42, 1000], [1000, -1, 1138]]


def test_farmhash_oov_method_hashes_decimal_text():
    from kerasbridge.layers.preprocessing._string_hash import fingerprint64

    layer = layers.IntegerLookup(vocabulary=VOCAB, num_oov_indices=3, oov_method="farmhash")
    assert layer(np.array([77])).tolist() == [fingerprint64(b"77") % 3]


def test_multi_hot_from_torch_inputs():
    out = layers.IntegerLookup(vocabulary=VOCAB, output_mode="multi_hot")(torch.tensor([[12, 12, 5]]))
    assert out.tolist() == [[1, 1, 0, 0, 0]]


def test_errors_and_config_round_trip():
    with pytest.raises(ValueError, match="int64"):
        layers.IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(ValueError, match="integer inputs"):
        layers.IntegerLookup(vocabulary=VOCAB)(["a"])
    layer = layers.IntegerLookup(vocabulary=np.array(VOCAB), mask_token=0)
    config = layer.get_config()
    assert config["vocabulary"] == VOCAB and config["mask_token"] == 0 and config["oov_token"] == -1
    assert layers.IntegerLookup.from_config(config)(DATA).tolist() == layer(DATA).tolist()

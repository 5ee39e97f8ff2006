"""Hashing: FarmHash64 / SipHash bins identical to Keras's (TensorFlow) hashes.

Keras's Hashing needs TensorFlow, which is not installed; the expected bins below are the values
Keras's own test suite (keras/src/layers/preprocessing/hashing_test.py) asserts, and the hash functions
are checked against published FarmHash Fingerprint64 and SipHash-2-4 reference vectors.
"""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers
from kerasbridge.layers.preprocessing._string_hash import fingerprint64, siphash24


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


# Published FarmHash Fingerprint64 values (every length class: 0-16, 17-32, 33-64, >64 bytes).
FINGERPRINTS = {
    "": 0x9AE16A3B2F90404F,
    "a": 0xB3454265B6DF75E3,
    "abcdefgh": 0xFEE9D22990C82909,
    "Hello": 15404698994557526151,
    "0123456789=012345": 0x46A7416ED4861E3B,
    "C is as portable as Stonehedge!!": 0xB944F8A16261E414,
    "Discard medicine more than two years old.": 0xE8F89AB6DF9BDD25,
    "For every action there is an equal and opposite government program.": 0x55182F8859ECA4CE,
    "The fugacity of a constituent in a mixture of gases at a given temperature is proportional to its mole "
    "fraction.  Lewis-Randall Rule": 0x098EFF6958C5E91A,
}


@pytest.mark.parametrize("text", list(FINGERPRINTS), ids=lambda t: f"len{len(t)}")
def test_fingerprint64_reference_vectors(text):
    assert fingerprint64(text.encode()) == FINGERPRINTS[text]


def test_siphash24_reference_vector():
    key = (int.from_bytes(bytes(range(8)), "little"), int.from_bytes(bytes(range(8, 16)), "little"))
    assert siphash24(key, bytes(range(15))) == 0xA129CA6149BE45E5


LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]
NAMES = np.asarray([["omar"], ["stringer"], ["marlo"], ["wire"], ["skywalker"]])


@pytest.mark.parametrize("kwargs,inputs,expected", [
    ({"num_bins": 3}, LETTERS, [1, 0, 1, 1, 2]),
    ({"num_bins": 3, "mask_value": ""}, [["A"], ["B"], [""], ["C"], ["D"]], [1, 1, 0, 2, 2]),
    ({"num_bins": 3, "salt": [133, 137]}, LETTERS, [1, 2, 1, 0, 2]),
    ({"num_bins": 3, "salt": 133}, LETTERS, [0, 0, 2, 1, 0]),
    ({"num_bins": 2}, NAMES, [0, 0, 1, 0, 0]),
    ({"num_bins": 3, "mask_value": "omar"}, NAMES, [0, 1, 2, 1, 1]),
    ({"num_bins": 2, "salt": [211, 137]}, NAMES, [1, 0, 1, 0, 1]),
    ({"num_bins": 3}, np.asarray([[0], [1], [2], [3], [4]]), [1, 0, 1, 0, 2]),
    ({"num_bins": 3, "salt": [133, 137]}, np.asarray([[0], [1], [2], [3], [4]]), [1, 1, 2, 0, 1]),
    ({"num_bins": 1}, LETTERS, [0, 0, 0, 0, 0]),
])
def test_bins_match_keras(kwargs, inputs, expected):
    out = layers.Hashing(**kwargs)(inputs)
    assert out.dtype == torch.int64
    assert out.reshape(-1).tolist() == expected


def test_inputs_of_bytes_floats_and_tensors_hash_like_strings_and_integers():
    layer = layers.Hashing(num_bins=3)
    assert layer(np.array([b"A", b"B"])).tolist() == [1, 0]
    assert layer(np.array([0.7, 1.2, 4.9])).tolist() == [1, 0, 2]  # floats are truncated to 0, 1, 4
    assert layer(torch.tensor([0, 1, 4])).tolist() == [1, 0, 2]


def test_encoded_output_modes_match_keras():
    assert layers.Hashing(3, output_mode="one_hot")(np.array([0, 1, 2, 3, 4])).tolist() == [
        [0, 1, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0], [0, 0, 1]]
    assert layers.Hashing(3, output_mode="multi_hot")(np.array([[0, 1, 2, 3, 4]])).tolist() == [[1, 1, 1]]
    count = layers.Hashing(3, output_mode="count")(np.array([[0, 1, 2, 3, 4]]))
    assert count.dtype == torch.float32 and count.tolist() == [[2.0, 2.0, 1.0]]


def test_errors_and_config_round_trip():
    with pytest.raises(ValueError, match="num_bins"):
        layers.Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=2, salt="string")
    with pytest.raises(ValueError, match="salt"):
        layers.Hashing(num_bins=2, salt=[1])
    with pytest.raises(ValueError, match="output_mode"):
        layers.Hashing(num_bins=2, output_mode="tf_idf")
    layer = layers.Hashing(num_bins=5, salt=7, mask_value="x")
    config = layer.get_config()
    assert config["salt"] == [7, 7] and config["mask_value"] == "x"
    again = layers.Hashing.from_config(config)
    assert again(LETTERS).tolist() == layer(LETTERS).tolist()

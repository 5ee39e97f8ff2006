"""HashedCrossing: TensorFlow's `cross_hashed` bins, shapes, modes and input checks.

Keras's HashedCrossing needs TensorFlow, which is not installed; the expected bins below are the
values Keras's own test suite (keras/src/layers/preprocessing/hashed_crossing_test.py) asserts.
"""

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers
from kerasbridge.layers.preprocessing.hashed_crossing import fingerprint_cat64


@pytest.fixture(autouse=True)
def fresh_session():
    keras.utils.clear_session(free_memory=False)
    yield


FEATURE_1 = ["A", "B", "A", "B", "A"]
FEATURE_2 = [101, 101, 101, 102, 102]


def test_bins_match_keras_for_strings_crossed_with_integers():
    out = layers.HashedCrossing(num_bins=5)((np.array(FEATURE_1), np.array(FEATURE_2)))
    assert out.dtype.is_floating_point is False
    np.testing.assert_array_equal(out.numpy(), [1, 4, 1, 1, 3])


def test_python_lists_and_column_vectors_give_the_same_bins():
    layer = layers.HashedCrossing(num_bins=5)
    out = layer((np.array(FEATURE_1)[:, None], np.array(FEATURE_2, "int32")[:, None]))
    assert tuple(out.shape) == (5, 1)
    np.testing.assert_array_equal(out.numpy()[:, 0], [1, 4, 1, 1, 3])


def test_scalar_inputs_give_a_scalar_bin():
    out = layers.HashedCrossing(num_bins=10)((np.array("A"), np.array(101)))
    assert tuple(out.shape) == () and int(out) == 1


def test_one_hot_output():
    out = layers.HashedCrossing(num_bins=5, output_mode="one_hot")((np.array(FEATURE_1), np.array(FEATURE_2)))
    np.testing.assert_array_equal(out.numpy(), np.eye(5)[[1, 4, 1, 1, 3]])
    assert str(out.dtype) == "torch.float32"


def test_order_of_features_matters():
    a, b = np.arange(20), np.arange(20)[::-1].copy()
    layer = layers.HashedCrossing(num_bins=1000)
    assert not np.array_equal(layer((a, b)).numpy(), layer((b, a)).numpy())


def test_fingerprint_cat64_is_not_commutative_and_stays_in_64_bits():
    assert fingerprint_cat64(1, 2) != fingerprint_cat64(2, 1)
    assert 0 <= fingerprint_cat64(2**64 - 1, 2**64 - 1) < 2**64


def test_symbolic_output_shape():
    first, second = keras.Input((1,), dtype="int64"), keras.Input((1,), dtype="int64")
    assert tuple(layers.HashedCrossing(num_bins=4, output_mode="one_hot")((first, second)).shape) == (None, 4)
    assert tuple(layers.HashedCrossing(num_bins=4)((first, second)).shape) == (None, 1)


@pytest.mark.parametrize(
    "inputs, message",
    [
        (np.array(1), "list or tuple"),
        ([np.array(1)], "at least two"),
        ((np.array([[[1]]]), np.array([[[1]]])), "should have shape"),
        ((np.array([1, 2]), np.array([1])), "equal shape"),
        ((np.array([1.0]), np.array([1.0])), "integer or string"),
    ],
)
def test_bad_inputs_are_rejected(inputs, message):
    with pytest.raises(ValueError, match=message):
        layers.HashedCrossing(num_bins=10)(inputs)


def test_bad_arguments_are_rejected():
    with pytest.raises(ValueError, match="output_mode"):
        layers.HashedCrossing(num_bins=3, output_mode="multi_hot")
    with pytest.raises(ValueError, match="sparse"):
        layers.HashedCrossing(num_bins=3, sparse=True)


def test_config_round_trip():
    layer = layers.HashedCrossing(num_bins=7, output_mode="one_hot", name="cross")
    config = layer.get_config()
    assert config == {"num_bins": 7, "output_mode": "one_hot", "sparse": False, "name": "cross", "dtype": "float32"}
    assert layers.HashedCrossing.from_config(config).get_config() == config

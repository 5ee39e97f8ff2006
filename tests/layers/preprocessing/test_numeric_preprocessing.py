"""Normalization, Discretization, Rescaling and CategoryEncoding: adapt paths, errors and config round trips.

Their outputs are compared with Keras in compat_tests/layers/test_preprocessing_vs_keras.py; these tests cover
what Keras's torch backend cannot run without TensorFlow (adapt on iterables) and kerasbridge's own behaviour.
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


DATA = np.random.default_rng(0).standard_normal((30, 4)).astype("float32") * 2 + 3


@pytest.mark.parametrize("batches", [
    lambda: [DATA[:7], DATA[7:19], DATA[19:]],
    lambda: (DATA[i : i + 8] for i in range(0, 30, 8)),
    lambda: [(DATA[:15], np.zeros(15)), (DATA[15:], np.zeros(15))],
], ids=["list", "generator", "xy_tuples"])
def test_normalization_adapt_on_batches_equals_whole_array(batches):
    whole, batched = layers.Normalization(), layers.Normalization()
    whole.adapt(DATA)
    batched.adapt(batches())
    np.testing.assert_allclose(batched.adapt_mean.numpy(), DATA.mean(0), atol=1e-5)
    np.testing.assert_allclose(batched.adapt_variance.numpy(), DATA.var(0), atol=1e-4)
    np.testing.assert_allclose(batched(DATA).numpy(), whole(DATA).numpy(), atol=1e-5)


def test_normalization_output_is_standardized_and_invert_undoes_it():
    norm = layers.Normalization()
    norm.adapt(DATA)
    out = norm(DATA).numpy()
    np.testing.assert_allclose(out.mean(0), 0.0, atol=1e-5)
    np.testing.assert_allclose(out.std(0), 1.0, atol=1e-4)
    inverse = layers.Normalization(mean=norm.adapt_mean.numpy(), variance=norm.adapt_variance.numpy(), invert=True)
    np.testing.assert_allclose(inverse(out).numpy(), DATA, atol=1e-4)


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="empty iterable"):
        layers.Normalization().adapt([])
    norm = layers.Normalization()
    norm.adapt(DATA)
    with pytest.raises(ValueError, match="incompatible shape"):
        norm.adapt(np.ones((3, 5), "float32"))


def test_normalization_config_round_trip_and_weights():
    norm = layers.Normalization(axis=(1, 2))
    norm.adapt(np.random.rand(6, 3, 2).astype("float32"))
    config = norm.get_config()
    assert config["axis"] == (1, 2) and config["mean"] is None
    again = layers.Normalization.from_config(config)
    again.build_from_config(norm.get_build_config())
    again.set_weights(norm.get_weights())
    again.finalize_state()
    x = np.random.rand(2, 3, 2).astype("float32")
    np.testing.assert_allclose(again(x).numpy(), norm(x).numpy(), atol=1e-6)
    assert [w.name for w in norm.weights] == ["mean", "variance", "count"]
    assert all(not w.trainable for w in norm.weights)


def test_discretization_bins_and_encodings():
    layer = layers.Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = layer(np.array([[-1.5, 0.0, 1.2, 2.0, 9.0]], "float32"))
    assert out.dtype == torch.int32
    assert out.tolist() == [[0, 1, 2, 3, 3]]
    counts = layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="count")(np.array([[-1.0, 0.5, 0.7]]))
    assert counts.tolist() == [[1.0, 2.0, 0.0]]


def test_discretization_adapt_gives_quantile_boundaries_and_round_trips():
    data = np.arange(1000, dtype="float32")
    layer = layers.Discretization(num_bins=4, epsilon=0.001)
    layer.adapt(data)
    np.testing.assert_allclose(layer.bin_boundaries, [250.0, 500.0, 750.0], atol=2.0)
    again = layers.Discretization.from_config(layer.get_config())
    assert again.bin_boundaries == layer.bin_boundaries
    assert again(np.array([100.0, 600.0])).tolist() == [0, 2]


def test_discretization_errors():
    with pytest.raises(ValueError, match="either `num_bins` or `bin_boundaries`"):
        layers.Discretization()
    with pytest.raises(ValueError, match="should not be set"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=2)
    with pytest.raises(ValueError, match="Cannot adapt"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(DATA)
    with pytest.raises(ValueError, match="output_mode"):
        layers.Discretization(bin_boundaries=[0.0], output_mode="tf_idf")


def test_rescaling_casts_integers_and_round_trips():
    layer = layers.Rescaling(scale=1 / 255.0, offset=-0.5)
    out = layer(np.array([[0, 255]], "uint8"))
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), [[-0.5, 0.5]], atol=1e-6)
    again = layers.Rescaling.from_config(layer.get_config())
    assert again.scale == pytest.approx(1 / 255.0) and again.offset == -0.5


def test_category_encoding_modes_and_errors():
    data = np.array([[0, 1, 1], [3, 3, 2]])
    assert layers.CategoryEncoding(4)(data).tolist() == [[1, 1, 0, 0], [0, 0, 1, 1]]
    assert layers.CategoryEncoding(4, output_mode="count")(data).tolist() == [[1, 2, 0, 0], [0, 0, 1, 2]]
    assert layers.CategoryEncoding(3, output_mode="one_hot")(np.array([2, 0])).tolist() == [[0, 0, 1], [1, 0, 0]]
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(4)(data, count_weights=np.ones((2, 3)))
    assert layers.CategoryEncoding.from_config(layers.CategoryEncoding(4, "binary").get_config()).output_mode == (
        "multi_hot")


class _ConstantBatches(keras.utils.PyDataset):
    """Three (x, y) batches whose x values are 0, 1 and 2."""

    def __init__(self):
        super().__init__()

    def __len__(self):
        return 3

    def __getitem__(self, index):
        return np.full((4, 2), float(index), "float32"), np.zeros(4)


def test_adapt_on_a_py_dataset():
    norm = layers.Normalization()
    norm.adapt(_ConstantBatches())
    np.testing.assert_allclose(norm.adapt_mean.numpy(), [1.0, 1.0], atol=1e-6)
    np.testing.assert_allclose(norm.adapt_variance.numpy(), [2 / 3, 2 / 3], atol=1e-6)
    bins = layers.Discretization(num_bins=2)
    bins.adapt(_ConstantBatches())
    assert bins.bin_boundaries == [1.0]

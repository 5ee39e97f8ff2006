"""Reshape: per-sample reshape with one inferred (-1) axis, Keras's validation errors."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):  # torch-made inputs live where the weights do
        yield


def test_reshapes_each_sample():
    x = np.arange(24, dtype="float32").reshape(2, 12)
    np.testing.assert_array_equal(layers.Reshape((3, 4))(x).cpu().numpy(), x.reshape(2, 3, 4))


def test_minus_one_is_inferred():
    out = layers.Reshape((-1, 2))(np.zeros((2, 3, 4), dtype="float32"))
    assert tuple(out.shape) == (2, 6, 2)


def test_symbolic_shape_with_unknown_axes_keeps_none():
    assert layers.Reshape((-1, 2))(keras.Input(shape=(None, 4))).shape == (None, None, 2)
    assert layers.Reshape((2, -1))(keras.Input(shape=(6,))).shape == (None, 2, 3)


def test_incompatible_size_raises():
    with pytest.raises(ValueError, match=r"total size of the tensor must be unchanged.*input_shape=\(12,\)"):
        layers.Reshape((5, 3))(np.zeros((2, 12), dtype="float32"))


def test_indivisible_size_with_minus_one_raises():
    with pytest.raises(ValueError, match="cannot by divided by the specified dimensions in target_shape"):
        layers.Reshape((5, -1))(np.zeros((2, 12), dtype="float32"))


def test_two_unknown_dimensions_rejected_at_construction():
    with pytest.raises(ValueError, match=r"at most one unknown dimension \(-1\) in `target_shape`"):
        layers.Reshape((-1, -1))


def test_negative_dimension_rejected_at_construction():
    with pytest.raises(ValueError, match="must be a non-negative integer"):
        layers.Reshape((3, -2))


def test_config_stores_target_shape_as_tuple():
    layer = layers.Reshape([2, 3])
    config = layer.get_config()
    assert config["target_shape"] == (2, 3)
    assert layers.Reshape.from_config(config).get_config() == config

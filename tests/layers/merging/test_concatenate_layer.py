"""Concatenate: join along an axis, shape validation, concatenated masks."""

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


def test_concatenates_along_last_axis_by_default():
    a, b = np.zeros((2, 3), dtype="float32"), np.ones((2, 2), dtype="float32")
    np.testing.assert_array_equal(layers.Concatenate()([a, b]).cpu().numpy(), np.concatenate([a, b], -1))


def test_axis_argument():
    a, b = np.zeros((2, 3, 4), dtype="float32"), np.ones((2, 1, 4), dtype="float32")
    out = layers.Concatenate(axis=1)([a, b])
    np.testing.assert_array_equal(out.cpu().numpy(), np.concatenate([a, b], 1))


def test_functional_form():
    a = np.ones((1, 2), dtype="float32")
    assert tuple(layers.concatenate([a, a, a]).shape) == (1, 6)


def test_mismatched_non_concat_axes_raise():
    a, b = np.zeros((2, 4, 3), dtype="float32"), np.zeros((2, 5, 3), dtype="float32")
    with pytest.raises(ValueError, match="requires inputs with matching shapes except for the concatenation axis"):
        layers.Concatenate()([a, b])


def test_masks_are_concatenated_along_the_axis():
    a, b = torch.ones(1, 2, 3), torch.ones(1, 3, 3)
    a._keras_mask = torch.tensor([[True, False]])
    out = layers.Concatenate(axis=1)([a, b])
    assert torch.equal(out._keras_mask, torch.tensor([[True, False, True, True, True]]))


def test_no_mask_when_no_input_is_masked():
    out = layers.Concatenate(axis=1)([torch.ones(1, 2, 3), torch.ones(1, 2, 3)])
    assert getattr(out, "_keras_mask", None) is None


def test_symbolic_shape():
    out = layers.Concatenate(axis=1)([keras.Input(shape=(3, 4)), keras.Input(shape=(5, 4))])
    assert out.shape == (None, 8, 4)


def test_config_round_trip():
    layer = layers.Concatenate(axis=2)
    config = layer.get_config()
    assert config["axis"] == 2
    assert layers.Concatenate.from_config(config).get_config() == config

"""Merge base: list validation, batch-size check, rank broadcasting, OR of masks."""

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


def _masked(shape, mask):
    x = torch.randn(*shape)
    x._keras_mask = torch.tensor(mask)
    return x


def test_single_tensor_is_rejected():
    with pytest.raises(ValueError, match="A merge layer should be called on a list of inputs"):
        layers.Add()(np.ones((2, 3), dtype="float32"))


def test_different_batch_sizes_are_rejected():
    with pytest.raises(ValueError, match="Cannot merge tensors with different batch sizes"):
        layers.Add()([np.ones((2, 3), dtype="float32"), np.ones((3, 3), dtype="float32")])


def test_incompatible_shapes_error_names_both_shapes():
    with pytest.raises(ValueError, match=r"Inputs have incompatible shapes. Received shapes \(4,\) and \(5,\)"):
        layers.Add()([np.ones((2, 4), dtype="float32"), np.ones((2, 5), dtype="float32")])


def test_lower_rank_inputs_get_axes_after_batch():
    a = np.arange(24, dtype="float32").reshape(2, 3, 4)
    b = np.arange(8, dtype="float32").reshape(2, 4)
    out = layers.Add()([a, b])
    np.testing.assert_array_equal(out.cpu().numpy(), a + b[:, None, :])


def test_output_mask_is_or_of_input_masks():
    a = _masked((2, 3, 4), [[True, False, False], [False, True, False]])
    b = _masked((2, 3, 4), [[False, False, True], [False, True, False]])
    out = layers.Add()([a, b])
    assert torch.equal(out._keras_mask, torch.tensor([[True, False, True], [False, True, False]]))


def test_no_output_mask_when_one_input_is_unmasked():
    a = _masked((2, 3, 4), [[True, False, False], [False, True, False]])
    out = layers.Add()([a, torch.randn(2, 3, 4)])
    assert getattr(out, "_keras_mask", None) is None


def test_compute_mask_validates_lists():
    layer = layers.Add()
    with pytest.raises(ValueError, match="`mask` should be a list"):
        layer.compute_mask([torch.ones(1)], torch.ones(1, dtype=torch.bool))
    with pytest.raises(ValueError, match="should have the same length"):
        layer.compute_mask([torch.ones(1), torch.ones(1)], [None])


def test_symbolic_batch_axis_and_broadcast():
    a, b = keras.Input(shape=(3, 4)), keras.Input(shape=(1, 4))
    assert layers.Add()([a, b]).shape == (None, 3, 4)


def test_compute_output_shape_prefers_known_batch():
    assert layers.Add().compute_output_shape([(None, 3), (5, 3)]) == (5, 3)


def test_config_has_base_keys_only():
    config = layers.Add(name="plus").get_config()
    assert list(config) == ["name", "trainable", "dtype"]
    assert layers.Add.from_config(config).name == "plus"

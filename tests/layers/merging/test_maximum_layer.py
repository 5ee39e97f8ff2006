"""Maximum: element-wise maximum; masked entries are ignored."""

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


def test_elementwise_maximum():
    rng = np.random.default_rng(3)
    a, b, c = (rng.standard_normal((2, 3)).astype("float32") for _ in range(3))
    np.testing.assert_array_equal(layers.Maximum()([a, b, c]).cpu().numpy(), np.maximum(np.maximum(a, b), c))


def test_functional_form():
    a = np.array([[1.0, 5.0]], dtype="float32")
    b = np.array([[4.0, 2.0]], dtype="float32")
    np.testing.assert_array_equal(layers.maximum([a, b]).cpu().numpy(), np.maximum(a, b))


def test_masked_entries_take_the_other_inputs_value():
    a = torch.tensor([[[1.0], [9.0], [-9.0]]])
    b = torch.tensor([[[4.0], [2.0], [3.0]]])
    a._keras_mask = torch.tensor([[True, False, False]])
    b._keras_mask = torch.tensor([[True, True, False]])
    out = layers.Maximum()([a, b])
    # step 0: both valid; step 1: only b valid; step 2: neither (a's value stands in for both)
    expected = [np.maximum(1.0, 4.0), 2.0, -9.0]
    np.testing.assert_array_equal(out.cpu().numpy().reshape(-1), expected)
    assert torch.equal(out._keras_mask, torch.tensor([[True, True, False]]))

"""Multiply: element-wise product; masked entries count as 1, fully masked entries give 0."""

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


def test_product_of_all_inputs():
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal((2, 3)).astype("float32") for _ in range(3))
    np.testing.assert_allclose(layers.Multiply()([a, b, c]).cpu().numpy(), a * b * c, rtol=1e-6)


def test_functional_form():
    a = np.full((1, 2), 3.0, dtype="float32")
    np.testing.assert_array_equal(layers.multiply([a, a]).cpu().numpy(), [[9.0, 9.0]])


def test_masked_entries_act_as_one_and_fully_masked_as_zero():
    a = torch.full((1, 3, 1), 2.0)
    b = torch.full((1, 3, 1), 5.0)
    a._keras_mask = torch.tensor([[True, False, False]])
    b._keras_mask = torch.tensor([[True, True, False]])
    out = layers.Multiply()([a, b])
    np.testing.assert_array_equal(out.cpu().numpy().reshape(-1), [10.0, 5.0, 0.0])
    assert torch.equal(out._keras_mask, torch.tensor([[True, True, False]]))


def test_one_masked_input_replaces_its_masked_entries_by_one():
    a = torch.full((1, 2, 1), 2.0)
    a._keras_mask = torch.tensor([[True, False]])
    out = layers.Multiply()([a, torch.full((1, 2, 1), 5.0)])
    np.testing.assert_array_equal(out.cpu().numpy().reshape(-1), [10.0, 5.0])
    assert getattr(out, "_keras_mask", None) is None

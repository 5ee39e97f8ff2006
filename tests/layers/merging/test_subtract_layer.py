"""Subtract: inputs[0] - inputs[1], exactly two inputs."""

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


def test_first_minus_second():
    a = np.array([[5.0, 1.0]], dtype="float32")
    b = np.array([[2.0, 4.0]], dtype="float32")
    np.testing.assert_array_equal(layers.Subtract()([a, b]).cpu().numpy(), [[3.0, -3.0]])


def test_functional_form():
    a = np.ones((2, 2), dtype="float32")
    np.testing.assert_array_equal(layers.subtract([a, a * 3]).cpu().numpy(), -2 * a)


def test_three_inputs_rejected():
    a = np.ones((2, 2), dtype="float32")
    with pytest.raises(ValueError, match="A `Subtract` layer should be called on exactly 2 inputs"):
        layers.Subtract()([a, a, a])

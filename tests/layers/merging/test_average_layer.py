"""Average: element-wise mean."""

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


def test_mean_of_inputs():
    rng = np.random.default_rng(2)
    a, b, c = (rng.standard_normal((2, 3)).astype("float32") for _ in range(3))
    np.testing.assert_allclose(layers.Average()([a, b, c]).cpu().numpy(), (a + b + c) / 3, rtol=1e-6)


def test_functional_form():
    a = np.ones((1, 2), dtype="float32")
    np.testing.assert_array_equal(layers.average([a, 3 * a]).cpu().numpy(), [[2.0, 2.0]])

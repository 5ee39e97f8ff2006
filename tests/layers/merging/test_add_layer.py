"""Add: element-wise sum."""

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


def _three():
    rng = np.random.default_rng(0)
    return [rng.standard_normal((2, 3)).astype("float32") for _ in range(3)]


def test_sums_all_inputs():
    a, b, c = _three()
    np.testing.assert_allclose(layers.Add()([a, b, c]).cpu().numpy(), a + b + c, rtol=1e-6)


def test_functional_form():
    a, b, _ = _three()
    np.testing.assert_allclose(layers.add([a, b]).cpu().numpy(), a + b, rtol=1e-6)


def test_functional_form_passes_layer_kwargs():
    a, b, _ = _three()
    out = layers.add([keras.Input(shape=(3,)), keras.Input(shape=(3,))], name="plus")
    assert out._keras_history.operation.name == "plus"


def test_integer_inputs_stay_integer():
    out = layers.Add()([np.array([[1, 2]], dtype="int32"), np.array([[3, 4]], dtype="int32")])
    assert out.dtype.is_floating_point is False
    np.testing.assert_array_equal(out.cpu().numpy(), [[4, 6]])

"""Identity: returns its inputs unchanged, masks included."""

import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):  # torch-made inputs live where the weights do
        yield


def test_returns_inputs_unchanged():
    x = torch.randn(2, 3)
    assert torch.equal(layers.Identity()(x), x)


def test_nested_structures_pass_through():
    x, y = torch.randn(2, 3), torch.randn(2, 1)
    out = layers.Identity()({"a": x, "b": [y]})
    assert torch.equal(out["a"], x) and torch.equal(out["b"][0], y)


def test_mask_is_kept():
    x = torch.randn(2, 3, 4)
    x._keras_mask = torch.tensor([[True, False, True], [True, True, False]])
    assert torch.equal(layers.Identity()(x)._keras_mask, x._keras_mask)


def test_built_at_construction_without_weights():
    layer = layers.Identity()
    assert layer.built and layer.weights == []


def test_config_has_only_base_keys():
    assert list(layers.Identity(name="noop").get_config()) == ["name", "trainable", "dtype"]

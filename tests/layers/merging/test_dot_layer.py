"""Dot: batched dot product over given axes, optional L2 normalization (cosine similarity)."""

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


def _rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def test_rank_two_inputs_give_batch_by_one():
    a, b = _rand(3, 4), _rand(3, 4, seed=1)
    out = layers.Dot(axes=1)([a, b])
    np.testing.assert_allclose(out.cpu().numpy(), (a * b).sum(-1, keepdims=True), rtol=1e-5)


def test_three_d_contracts_given_axes():
    a, b = _rand(2, 3, 4), _rand(2, 5, 4, seed=1)
    out = layers.Dot(axes=(2, 2))([a, b])
    np.testing.assert_allclose(out.cpu().numpy(), np.einsum("bik,bjk->bij", a, b), rtol=1e-5, atol=1e-6)


def test_different_axes_per_input():
    a, b = _rand(2, 4, 3), _rand(2, 5, 4, seed=1)
    out = layers.Dot(axes=[1, 2])([a, b])
    np.testing.assert_allclose(out.cpu().numpy(), np.einsum("bki,bjk->bij", a, b), rtol=1e-5, atol=1e-6)


def test_normalize_gives_cosine_similarity():
    a, b = _rand(3, 4), _rand(3, 4, seed=1)
    cos = (a * b).sum(-1) / (np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1))
    out = layers.Dot(axes=-1, normalize=True)([a, b])
    np.testing.assert_allclose(out.cpu().numpy()[:, 0], cos, rtol=1e-5)


def test_functional_form_defaults_to_last_axis():
    a, b = _rand(2, 3), _rand(2, 3, seed=1)
    np.testing.assert_allclose(layers.dot([a, b]).cpu().numpy(), (a * b).sum(-1, keepdims=True), rtol=1e-5)


def test_incompatible_axis_sizes_raise():
    with pytest.raises(ValueError, match=r"Incompatible input shapes: axis values 3 \(at axis 1\) != 4 \(at axis 1\)"):
        layers.Dot(axes=1)([_rand(2, 3), _rand(2, 4)])


def test_batch_axis_cannot_be_contracted():
    with pytest.raises(ValueError, match="Cannot perform batch_dot over axis 0"):
        layers.Dot(axes=0)([_rand(2, 3), _rand(2, 3)])


@pytest.mark.parametrize("axes,error", [("x", TypeError), ((1, 2, 3), ValueError), ((1.0, 2), ValueError)])
def test_invalid_axes_raise(axes, error):
    with pytest.raises(error):
        layers.Dot(axes=axes)


def test_output_has_no_mask():
    import torch

    a, b = torch.ones(1, 2, 3), torch.ones(1, 2, 3)
    a._keras_mask = b._keras_mask = torch.tensor([[True, False]])
    assert getattr(layers.Dot(axes=2)([a, b]), "_keras_mask", None) is None


def test_symbolic_shape_and_config_round_trip():
    out = layers.Dot(axes=(1, 1))([keras.Input(shape=(4, 3)), keras.Input(shape=(4, 5))])
    assert out.shape == (None, 3, 5)
    config = layers.Dot(axes=(1, 2), normalize=True).get_config()
    assert (config["axes"], config["normalize"]) == ((1, 2), True)
    assert layers.Dot.from_config(config).get_config() == config

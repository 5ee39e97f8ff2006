"""Differential sweep: activation and regularization layers against Keras 3 (torch backend).

Deterministic layers (and random layers at inference) must agree within 1e-6; seeded random
layers must draw the same noise in training too, since kerasbridge.random reproduces keras's
torch-backend streams. Configs must be equal; PReLU weights are copied with set_weights.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-6


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


# (layer class name, constructor kwargs, input shape)
DETERMINISTIC = [
    ("ReLU", {}, (3, 7)),
    ("ReLU", {"max_value": 1.5}, (3, 7)),
    ("ReLU", {"max_value": 6.0, "negative_slope": 0.1, "threshold": 0.5}, (2, 3, 4)),
    ("LeakyReLU", {}, (3, 7)),
    ("LeakyReLU", {"negative_slope": 0.05}, (2, 3, 4)),
    ("ELU", {}, (3, 7)),
    ("ELU", {"alpha": 0.3}, (2, 3, 4)),
    ("Softmax", {}, (3, 7)),
    ("Softmax", {"axis": 1}, (2, 3, 4)),
    ("Softmax", {"axis": [1, 2]}, (2, 3, 4)),
    ("Softmax", {"axis": [2]}, (2, 3, 4)),
    ("PReLU", {}, (3, 7)),
    ("PReLU", {"shared_axes": [1, 2]}, (2, 3, 4, 5)),
    ("PReLU", {"shared_axes": 1, "alpha_initializer": "ones"}, (2, 3, 4)),
    ("ActivityRegularization", {"l1": 0.1, "l2": 0.02}, (3, 7)),
]

# seeded random layers: (class name, kwargs, input shape)
RANDOM = [
    ("SpatialDropout1D", {"rate": 0.4, "seed": 11}, (4, 5, 6)),
    ("SpatialDropout2D", {"rate": 0.4, "seed": 11}, (2, 3, 4, 5)),
    ("SpatialDropout2D", {"rate": 0.4, "data_format": "channels_first", "seed": 12}, (2, 3, 4, 5)),
    ("SpatialDropout3D", {"rate": 0.4, "seed": 13}, (2, 3, 4, 5, 6)),
    ("SpatialDropout3D", {"rate": 0.6, "data_format": "channels_first", "seed": 13}, (2, 3, 4, 5, 6)),
    ("GaussianNoise", {"stddev": 0.3, "seed": 14}, (5, 6)),
    ("GaussianDropout", {"rate": 0.3, "seed": 15}, (5, 6)),
    ("AlphaDropout", {"rate": 0.3, "seed": 16}, (5, 6)),
    ("AlphaDropout", {"rate": 0.5, "noise_shape": (None, 1, 4), "seed": 17}, (3, 5, 4)),
]


def _input(shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype("float32")


def _to_torch(x):
    return torch.from_numpy(x).to(kb.backend.get_device())


def _np(value):
    return keras.ops.convert_to_numpy(value) if not isinstance(value, torch.Tensor) else value.detach().cpu().numpy()


def _pair(name, kwargs):
    return getattr(keras.layers, name)(**kwargs), getattr(kb.layers, name)(**kwargs)


def _case_id(case):
    return f"{case[0]}-{case[1]}"


@pytest.mark.parametrize("case", DETERMINISTIC, ids=_case_id)
def test_deterministic_outputs_weights_losses_and_config(case):
    name, kwargs, shape = case
    k_layer, b_layer = _pair(name, kwargs)
    x = _input(shape)
    k_layer.build(shape)
    b_layer.build(shape)
    k_weights = k_layer.get_weights()
    if k_weights:  # PReLU: random-looking slopes so the comparison means something
        k_weights = [np.random.default_rng(1).uniform(-0.5, 0.5, w.shape).astype("float32") for w in k_weights]
        k_layer.set_weights(k_weights)
    b_layer.set_weights(k_weights)
    for a, b in zip(k_layer.get_weights(), b_layer.get_weights()):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(_np(b_layer(_to_torch(x))), _np(k_layer(x)), atol=ATOL, rtol=0)
    assert [w.shape for w in b_layer.get_weights()] == [w.shape for w in k_weights]
    assert len(b_layer.losses) == len(k_layer.losses)
    for kl, bl in zip(k_layer.losses, b_layer.losses):
        np.testing.assert_allclose(_np(bl), _np(kl), rtol=1e-6)
    assert b_layer.get_config() == k_layer.get_config()


@pytest.mark.parametrize(
    "mask_shape", [(3, 7), (1, 7), (3, 1), (7,)], ids=lambda s: "x".join(map(str, s))
)
@pytest.mark.parametrize("float_mask", [False, True])
def test_softmax_mask(mask_shape, float_mask):
    k_layer, b_layer = _pair("Softmax", {})
    x = _input((3, 7))
    mask = np.random.default_rng(2).integers(0, 2, size=mask_shape).astype(bool)
    mask.reshape(-1)[0] = True
    if float_mask:
        mask = mask.astype("float32")
    expected = _np(k_layer(x, mask=keras.ops.convert_to_tensor(mask)))
    got = _np(b_layer(_to_torch(x), mask=_to_torch(mask)))
    np.testing.assert_allclose(got, expected, atol=ATOL, rtol=0)


@pytest.mark.parametrize("case", RANDOM, ids=_case_id)
def test_random_layers_at_inference_and_training(case):
    name, kwargs, shape = case
    k_layer, b_layer = _pair(name, kwargs)
    x = _input(shape, seed=3)
    assert b_layer.get_config() == k_layer.get_config()
    np.testing.assert_allclose(_np(b_layer(_to_torch(x), training=False)), _np(k_layer(x, training=False)),
                               atol=ATOL, rtol=0)
    np.testing.assert_allclose(_np(b_layer(_to_torch(x))), _np(k_layer(x)), atol=ATOL, rtol=0)
    for _ in range(3):  # same seeded stream, call after call
        np.testing.assert_allclose(_np(b_layer(_to_torch(x), training=True)), _np(k_layer(x, training=True)),
                                   atol=ATOL, rtol=0)


@pytest.mark.parametrize("name,kwargs", [("GaussianNoise", {"stddev": 0.25}), ("GaussianDropout", {"rate": 0.25}),
                                         ("AlphaDropout", {"rate": 0.25}), ("SpatialDropout1D", {"rate": 0.25})])
def test_unseeded_training_statistics_match(name, kwargs):
    k_layer, b_layer = _pair(name, kwargs)
    x = _input((2000, 5, 50), seed=4)  # many (sample, channel) draws for SpatialDropout1D
    k_out, b_out = _np(k_layer(x, training=True)), _np(b_layer(_to_torch(x), training=True))
    assert abs(k_out.mean() - b_out.mean()) < 0.02
    assert abs(k_out.std() - b_out.std()) < 0.05
    assert abs((k_out == 0).mean() - (b_out == 0).mean()) < 0.05

"""Differential tests: kerasbridge.activations against keras.activations (torch backend)."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import warnings  # noqa: E402

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from kerasbridge import activations as ka  # noqa: E402

_RNG = np.random.default_rng(1)
_BASE = np.concatenate(
    [
        _RNG.standard_normal((6, 8)) * 4,
        np.array([[0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 6.0, 3.0]]),
        np.array([[80.0, -80.0, 30.0, -30.0, 1e-4, -1e-4, 100.0, -100.0]]),
    ]
)

# (id, function name, kwargs)
CASES = [
    ("relu", "relu", {}),
    ("relu_slope", "relu", {"negative_slope": 0.1}),
    ("relu_max6", "relu", {"max_value": 6}),
    ("relu_max", "relu", {"max_value": 2.5}),
    ("relu_threshold", "relu", {"threshold": 0.7}),
    ("relu_slope_max", "relu", {"negative_slope": 0.2, "max_value": 4.0}),
    ("relu_all", "relu", {"negative_slope": 0.3, "max_value": 5.0, "threshold": 1.0}),
    ("leaky_relu", "leaky_relu", {}),
    ("leaky_relu_slope", "leaky_relu", {"negative_slope": 0.01}),
    ("relu6", "relu6", {}),
    ("elu", "elu", {}),
    ("elu_alpha", "elu", {"alpha": 0.5}),
    ("selu", "selu", {}),
    ("celu", "celu", {"alpha": 2.0}),
    ("softplus", "softplus", {}),
    ("softsign", "softsign", {}),
    ("soft_shrink", "soft_shrink", {}),
    ("soft_shrink_t", "soft_shrink", {"threshold": 1.5}),
    ("hard_shrink", "hard_shrink", {"threshold": 0.8}),
    ("tanh_shrink", "tanh_shrink", {}),
    ("sparse_plus", "sparse_plus", {}),
    ("squareplus", "squareplus", {}),
    ("squareplus_b", "squareplus", {"b": 0.5}),
    ("silu", "silu", {}),
    ("swish", "swish", {}),
    ("gelu", "gelu", {}),
    ("gelu_tanh", "gelu", {"approximate": True}),
    ("glu", "glu", {}),
    ("glu_axis0", "glu", {"axis": 0}),
    ("tanh", "tanh", {}),
    ("hard_tanh", "hard_tanh", {}),
    ("threshold", "threshold", {"threshold": 0.2, "default_value": -3.0}),
    ("sigmoid", "sigmoid", {}),
    ("sparse_sigmoid", "sparse_sigmoid", {}),
    ("exponential", "exponential", {}),
    ("hard_sigmoid", "hard_sigmoid", {}),
    ("hard_silu", "hard_silu", {}),
    ("hard_swish", "hard_swish", {}),
    ("log_sigmoid", "log_sigmoid", {}),
    ("linear", "linear", {}),
    ("mish", "mish", {}),
    ("softmax", "softmax", {}),
    ("softmax_axis0", "softmax", {"axis": 0}),
    ("softmax_axis_none", "softmax", {"axis": None}),
    ("softmax_axis_tuple", "softmax", {"axis": (0, 1)}),
    ("log_softmax", "log_softmax", {}),
    ("log_softmax_axis0", "log_softmax", {"axis": 0}),
    ("log_softmax_axis_tuple", "log_softmax", {"axis": (0, 1)}),
    ("sparsemax", "sparsemax", {}),
    ("sparsemax_axis0", "sparsemax", {"axis": 0}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("name, kwargs", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_values_match_keras(name, kwargs, dtype):
    x = _BASE.astype(dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = getattr(keras.activations, name)(torch.tensor(x), **kwargs)
        actual = getattr(ka, name)(torch.tensor(x), **kwargs)
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual.float().numpy(), expected.float().numpy(), rtol=1e-6, atol=1e-6)


_FLOATS = np.array([[-1.5, 0.0, 2.0]], "float32")
_INTS = np.array([[-1, 0, 3]], "int32")
# Inputs Keras accepts besides tensors (Keras itself rejects e.g. int softmax or a list for softmax).
NON_TENSOR_CASES = [
    *[(name, _FLOATS) for name in ["relu", "sigmoid", "softmax", "exponential", "mish", "hard_silu", "gelu"]],
    *[(name, [[-1.5, 0.0, 2.0]]) for name in ["relu", "sigmoid", "exponential", "mish", "hard_silu", "tanh"]],
    *[(name, _INTS) for name in ["relu", "sigmoid", "exponential", "tanh", "relu6"]],
]


@pytest.mark.parametrize("name, x", NON_TENSOR_CASES, ids=[f"{n}-{type(x).__name__}-{np.asarray(x).dtype}" for n, x in NON_TENSOR_CASES])
def test_non_tensor_inputs_match_keras(name, x):
    expected = getattr(keras.activations, name)(x)
    actual = getattr(ka, name)(x)
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(actual.numpy(), np.asarray(expected), rtol=1e-6, atol=1e-6)


def test_public_names_match_keras():
    names = {n for n in dir(keras.activations) if not n.startswith("_")}
    assert names <= set(dir(ka))


@pytest.mark.parametrize("identifier", sorted(keras.src.activations.ALL_OBJECTS_DICT) + [None])
def test_get_resolves_same_function(identifier):
    assert ka.get(identifier).__name__ == keras.activations.get(identifier).__name__


@pytest.mark.parametrize("name", sorted(keras.src.activations.ALL_OBJECTS_DICT))
def test_serialize_gives_same_name(name):
    assert ka.serialize(getattr(ka, name)) == keras.activations.serialize(getattr(keras.activations, name))


@pytest.mark.parametrize("identifier", ["nope", "ReLU", 3])
def test_get_error_matches_keras(identifier):
    with pytest.raises(ValueError) as expected:
        keras.activations.get(identifier)
    with pytest.raises(ValueError) as actual:
        ka.get(identifier)
    assert str(actual.value) == str(expected.value)


def test_softmax_size_one_warning_matches_keras():
    x = torch.ones(3, 1)
    with pytest.warns(UserWarning) as expected:
        keras.activations.softmax(x)
    with pytest.warns(UserWarning) as actual:
        ka.softmax(x)
    assert str(actual[0].message) == str(expected[0].message)

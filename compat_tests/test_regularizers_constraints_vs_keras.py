"""Differential tests: kerasbridge regularizers, constraints and serialization vs Keras 3."""

import json
import os
import warnings

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from kerasbridge import activations as kb_activations  # noqa: E402
from kerasbridge import constraints as kb_constraints  # noqa: E402
from kerasbridge import regularizers as kb_regularizers  # noqa: E402
from kerasbridge.saving import serialization_lib as kb_lib  # noqa: E402

RNG = np.random.default_rng(0)


def _to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _inputs(shape, dtype):
    return (RNG.standard_normal(shape) * 3).astype(dtype)


REGULARIZER_CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L1", {"l1": 2}),
    ("L2", {}),
    ("L2", {"l2": 0.125}),
    ("L2", {"l2": 1e-4}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.01, "l2": 0.02}),
    ("L1L2", {"l1": None, "l2": 0.7}),
    ("l1", {"l1": 0.05}),
    ("l2", {"l2": 0.05}),
    ("l1_l2", {"l1": 0.1, "l2": 0.1}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.3, "mode": "columns"}),
    ("orthogonal_regularizer", {"factor": 1, "mode": "rows"}),
]


def _pair(name, kwargs):
    return getattr(keras.regularizers, name)(**kwargs), getattr(kb_regularizers, name)(**kwargs)


@pytest.mark.parametrize("name, kwargs", REGULARIZER_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 3), (3, 5), (6,)])
def test_regularizer_values_match(name, kwargs, dtype, shape):
    if "rthogonal" in name and len(shape) != 2:
        pytest.skip("OrthogonalRegularizer takes rank-2 inputs")
    x = _inputs(shape, dtype)
    ours, theirs = _pair(name, kwargs)[1], _pair(name, kwargs)[0]
    expected = _to_numpy(theirs(torch.as_tensor(x)))
    actual = _to_numpy(ours(torch.as_tensor(x)))
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, kwargs", REGULARIZER_CASES)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.int32, torch.int64])
def test_regularizer_low_precision_and_int_dtypes_match(name, kwargs, dtype):
    x = torch.as_tensor(_inputs((4, 3), "float32")).to(dtype)
    theirs, ours = _pair(name, kwargs)
    expected, actual = theirs(x), ours(x)
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(_to_numpy(actual.double()), _to_numpy(expected.double()), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, kwargs", REGULARIZER_CASES)
def test_regularizer_configs_match(name, kwargs):
    theirs, ours = _pair(name, kwargs)
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("name, kwargs", REGULARIZER_CASES)
def test_regularizer_serialize_matches(name, kwargs):
    theirs, ours = _pair(name, kwargs)
    assert kb_regularizers.serialize(ours) == keras.regularizers.serialize(theirs)


@pytest.mark.parametrize("name, kwargs", REGULARIZER_CASES)
def test_keras_regularizer_config_loads_in_kerasbridge(name, kwargs):
    theirs, _ = _pair(name, kwargs)
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(theirs)))
    ours = kb_lib.deserialize_keras_object(config)
    assert type(ours).__name__ == type(theirs).__name__ and ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("name, kwargs", REGULARIZER_CASES)
def test_kerasbridge_regularizer_config_loads_in_keras(name, kwargs):
    _, ours = _pair(name, kwargs)
    config = json.loads(json.dumps(kb_lib.serialize_keras_object(ours)))
    theirs = keras.saving.deserialize_keras_object(config)
    assert type(theirs).__name__ == type(ours).__name__ and theirs.get_config() == ours.get_config()


@pytest.mark.parametrize("identifier", ["l1", "l2", "l1l2", "L1L2", "regularizer", "orthogonal_regularizer"])
def test_regularizer_get_by_name_matches(identifier):
    theirs, ours = keras.regularizers.get(identifier), kb_regularizers.get(identifier)
    assert type(ours).__name__ == type(theirs).__name__


@pytest.mark.parametrize("identifier", ["l1_l2", "L3", 5])
def test_regularizer_get_errors_match(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.regularizers.get(identifier)
    with pytest.raises(ValueError) as ours:
        kb_regularizers.get(identifier)
    assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("L1", {"l1": -1}),
        ("L2", {"l2": float("nan")}),
        ("L1L2", {"l1": "x"}),
        ("OrthogonalRegularizer", {"factor": -0.5}),
        ("OrthogonalRegularizer", {"mode": "diagonal"}),
    ],
)
def test_regularizer_validation_errors_match(name, kwargs):
    with pytest.raises(ValueError) as theirs:
        getattr(keras.regularizers, name)(**kwargs)
    with pytest.raises(ValueError) as ours:
        getattr(kb_regularizers, name)(**kwargs)
    assert str(ours.value) == str(theirs.value)


def test_orthogonal_rank_error_matches():
    x = torch.ones(2, 3, 4)
    with pytest.raises(ValueError) as theirs:
        keras.regularizers.OrthogonalRegularizer()(x)
    with pytest.raises(ValueError) as ours:
        kb_regularizers.OrthogonalRegularizer()(x)
    assert str(ours.value) == str(theirs.value)


CONSTRAINT_CASES = [
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 1.5, "axis": 1}),
    ("MaxNorm", {"max_value": 3, "axis": [0, 1]}),
    ("max_norm", {"max_value": 0.5}),
    ("MinMaxNorm", {}),
    ("MinMaxNorm", {"min_value": 1.0, "max_value": 2.0, "rate": 0.5, "axis": 1}),
    ("min_max_norm", {"min_value": 4.0, "max_value": 5.0}),
    ("NonNeg", {}),
    ("non_neg", {}),
    ("UnitNorm", {}),
    ("UnitNorm", {"axis": 1}),
    ("unit_norm", {"axis": [0, 1]}),
    ("Constraint", {}),
]


def _cpair(name, kwargs):
    return getattr(keras.constraints, name)(**kwargs), getattr(kb_constraints, name)(**kwargs)


@pytest.mark.parametrize("name, kwargs", CONSTRAINT_CASES)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5)])
def test_constraint_values_match(name, kwargs, dtype, shape):
    x = _inputs(shape, dtype)
    x[0] = 0.0  # include all-zero slices
    theirs, ours = _cpair(name, kwargs)
    expected = _to_numpy(theirs(torch.as_tensor(x)))
    actual = _to_numpy(ours(torch.as_tensor(x)))
    assert actual.dtype == expected.dtype and actual.shape == expected.shape
    np.testing.assert_allclose(actual, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, kwargs", CONSTRAINT_CASES)
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.int32, torch.int64])
def test_constraint_low_precision_and_int_dtypes_match(name, kwargs, dtype):
    x = torch.as_tensor(_inputs((2, 3, 4), "float32")).to(dtype)
    theirs, ours = _cpair(name, kwargs)
    expected, actual = theirs(x), ours(x)
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(_to_numpy(actual.double()), _to_numpy(expected.double()), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name, kwargs", CONSTRAINT_CASES)
def test_constraint_configs_match(name, kwargs):
    theirs, ours = _cpair(name, kwargs)
    assert ours.get_config() == theirs.get_config()


@pytest.mark.parametrize("name, kwargs", CONSTRAINT_CASES)
def test_constraint_serialize_matches(name, kwargs):
    theirs, ours = _cpair(name, kwargs)
    assert kb_constraints.serialize(ours) == keras.constraints.serialize(theirs)


@pytest.mark.parametrize("name, kwargs", CONSTRAINT_CASES)
def test_constraint_configs_cross_load(name, kwargs):
    theirs, ours = _cpair(name, kwargs)
    from_keras = kb_lib.deserialize_keras_object(
        json.loads(json.dumps(keras.saving.serialize_keras_object(theirs)))
    )
    from_ours = keras.saving.deserialize_keras_object(
        json.loads(json.dumps(kb_lib.serialize_keras_object(ours)))
    )
    assert from_keras.get_config() == theirs.get_config()
    assert from_ours.get_config() == ours.get_config()


@pytest.mark.parametrize(
    "identifier", ["max_norm", "MaxNorm", "min_max_norm", "non_neg", "unit_norm", "constraint"]
)
def test_constraint_get_by_name_matches(identifier):
    assert type(kb_constraints.get(identifier)).__name__ == type(keras.constraints.get(identifier)).__name__


@pytest.mark.parametrize("identifier", ["nonneg", 3])
def test_constraint_get_errors_match(identifier):
    with pytest.raises(ValueError) as theirs:
        keras.constraints.get(identifier)
    with pytest.raises(ValueError) as ours:
        kb_constraints.get(identifier)
    assert str(ours.value) == str(theirs.value)


def test_deserialize_by_name_matches():
    assert kb_regularizers.deserialize("l2").get_config() == keras.regularizers.deserialize("l2").get_config()
    assert (
        kb_constraints.deserialize("MaxNorm").get_config()
        == keras.constraints.deserialize("MaxNorm").get_config()
    )


def _registered_fn(x):
    return x


PLAIN_VALUES = [
    None,
    3,
    "s",
    [1, 2.5, None],
    (1, (2, 3)),
    {"a": [1], "b": {"c": None}},
    np.array([[1.0, 2.0]], dtype="float32"),
    np.array([1, 2], dtype="int64"),
    np.float32(1.5),
    np.int32(7),
    b"bytes",
    slice(0, 5, 2),
    Ellipsis,
    _registered_fn,
]


@pytest.mark.parametrize("value", PLAIN_VALUES, ids=lambda v: type(v).__name__)
def test_serialize_values_match(value):
    assert kb_lib.serialize_keras_object(value) == keras.saving.serialize_keras_object(value)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.int32, torch.bool])
def test_serialize_torch_tensor_matches(dtype):
    value = torch.tensor([[1, 0], [2, 3]]).to(dtype)
    assert kb_lib.serialize_keras_object(value) == keras.saving.serialize_keras_object(value)


def test_serialize_activation_function_matches():
    assert kb_lib.serialize_keras_object(kb_activations.relu) == keras.saving.serialize_keras_object(
        keras.activations.relu
    )


def test_keras_activation_config_loads_in_kerasbridge():
    config = keras.saving.serialize_keras_object(keras.activations.tanh)
    assert kb_lib.deserialize_keras_object(config) is kb_activations.tanh


def test_lambda_error_message_matches():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = json.loads(json.dumps(keras.saving.serialize_keras_object(lambda x: x * 2)))
    with pytest.raises(ValueError) as theirs:
        keras.saving.deserialize_keras_object(config)
    with pytest.raises(ValueError) as ours:
        kb_lib.deserialize_keras_object(config)
    assert str(ours.value) == str(theirs.value)


def test_keras_lambda_loads_unsafely_in_kerasbridge():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = json.loads(json.dumps(keras.saving.serialize_keras_object(lambda x, k=4: x * k)))
    assert kb_lib.deserialize_keras_object(config, safe_mode=False)(2) == 8


def test_unknown_class_error_matches():
    config = {"module": "my_mod", "class_name": "Missing", "config": {}, "registered_name": "Missing"}
    with pytest.raises(TypeError) as theirs:
        keras.saving.deserialize_keras_object(config)
    with pytest.raises(TypeError) as ours:
        kb_lib.deserialize_keras_object(config)
    assert str(ours.value) == str(theirs.value)


def test_non_modeling_api_error_matches():
    config = {
        "module": "keras.saving",
        "class_name": "function",
        "config": "load_model",
        "registered_name": None,
    }
    with pytest.raises(ValueError) as theirs:
        keras.saving.deserialize_keras_object(config)
    with pytest.raises(ValueError) as ours:
        kb_lib.deserialize_keras_object(config)
    assert str(ours.value) == str(theirs.value)


def test_lambda_serialization_matches():
    fn = lambda x, k=2: x * k  # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert kb_lib.serialize_keras_object(fn) == keras.saving.serialize_keras_object(fn)


def test_dense_with_regularizer_and_constraint_serializes_like_keras():
    import kerasbridge

    dense = getattr(kerasbridge.layers, "Dense", None)
    if dense is None:
        pytest.skip("kerasbridge.layers.Dense not available")
    ours = dense(3, kernel_regularizer="l2", kernel_constraint="max_norm", name="d")
    theirs = keras.layers.Dense(3, kernel_regularizer="l2", kernel_constraint="max_norm", name="d")
    assert kb_lib.serialize_keras_object(ours) == keras.saving.serialize_keras_object(theirs)

"""Unit tests for `kerasbridge.initializers.get` and the Keras-named aliases."""

import numpy as np
import pytest
import torch

from kerasbridge import initializers


@pytest.mark.parametrize(
    "name, cls",
    [("glorot_uniform", initializers.GlorotUniform), ("GlorotUniform", initializers.GlorotUniform),
     ("zeros", initializers.Zeros), ("zero", initializers.Zeros), ("one", initializers.Ones),
     ("normal", initializers.RandomNormal), ("uniform", initializers.RandomUniform),
     ("IdentityInitializer", initializers.Identity), ("OrthogonalInitializer", initializers.Orthogonal),
     ("variance_scaling", initializers.VarianceScaling), ("he_normal", initializers.HeNormal)],
)
def test_get_by_name_instantiates_class(name, cls):
    assert type(initializers.get(name)) is cls


def test_snake_case_aliases_are_the_classes():
    assert initializers.glorot_uniform is initializers.GlorotUniform and initializers.zeros is initializers.Zeros


def test_get_none_returns_none():
    assert initializers.get(None) is None


def test_get_class_instantiates_it():
    assert isinstance(initializers.get(initializers.Ones), initializers.Ones)


def test_get_callable_passes_through():
    def fn(shape, dtype=None):
        return torch.zeros(shape)

    assert initializers.get(fn) is fn


def test_get_tensor_returns_initializer_with_those_values():
    values = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(initializers.get(values)((2, 3)).numpy(), values)


def test_get_tensor_rejects_other_shape():
    with pytest.raises(ValueError, match="Expected `shape`"):
        initializers.get(np.zeros((2, 3)))((3, 2))


def test_get_unknown_name_raises_keras_message():
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: nope"):
        initializers.get("nope")


def test_get_non_callable_raises():
    with pytest.raises(ValueError, match="Could not interpret initializer identifier: 3"):
        initializers.get(3)


def test_serialize_round_trip():
    pytest.importorskip("kerasbridge.saving.serialization_lib")
    config = initializers.serialize(initializers.RandomUniform(minval=-1.0, maxval=1.0, seed=2))
    assert config["class_name"] == "RandomUniform" and config["module"] == "keras.initializers"
    restored = initializers.deserialize(config)
    assert isinstance(restored, initializers.RandomUniform) and restored.get_config()["minval"] == -1.0

"""Unit tests for `kerasbridge.activations.get`, `serialize` and `deserialize`."""

import pytest

from kerasbridge import activations


def test_get_none_is_linear():
    assert activations.get(None) is activations.linear


@pytest.mark.parametrize("name", ["relu", "softmax", "gelu", "sparsemax", "hard_shrink", "log_sigmoid"])
def test_get_name_returns_function(name):
    assert activations.get(name) is getattr(activations, name)


def test_get_swish_is_silu():
    assert activations.get("swish") is activations.silu


def test_get_callable_passes_through():
    def fn(x):
        return x

    assert activations.get(fn) is fn


def test_get_unknown_name_raises_keras_message():
    with pytest.raises(ValueError, match="Could not interpret activation function identifier: nope"):
        activations.get("nope")


def test_get_is_case_sensitive():
    with pytest.raises(ValueError):
        activations.get("ReLU")


def test_serialize_builtin_returns_its_name():
    assert activations.serialize(activations.relu) == "relu"


def test_serialize_alias_returns_canonical_name():
    assert activations.serialize(activations.swish) == "silu"


def test_deserialize_name():
    pytest.importorskip("kerasbridge.saving.serialization_lib")
    assert activations.deserialize("gelu") is activations.gelu

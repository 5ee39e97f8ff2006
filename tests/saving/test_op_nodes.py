"""Symbolic `kerasbridge.ops` calls recorded and saved as Keras's operation classes."""

import json

import numpy as np
import pytest

import kerasbridge as kb
from kerasbridge.ops.op_serialization import KerasOperation, keras_op_class
from kerasbridge.saving import serialization_lib


@pytest.fixture(autouse=True)
def _fresh_session():
    kb.utils.clear_session(free_memory=False)
    yield


def _op_configs(model):
    return {c["name"]: c for c in model.get_config()["layers"] if c["module"].startswith("keras.src.ops.")}


def test_op_calls_become_keras_operation_classes():
    x = kb.Input((4,), dtype="int32")
    mask = kb.ops.not_equal(x, 0)
    summed = kb.ops.mean(kb.ops.cast(mask, "float32"), axis=-1, keepdims=True)
    configs = _op_configs(kb.Model(x, summed))
    assert configs["not_equal"]["class_name"] == "NotEqual"
    assert configs["not_equal"]["module"] == "keras.src.ops.numpy"
    assert configs["not_equal"]["registered_name"] == "NotEqual"
    assert configs["not_equal"]["inbound_nodes"][0]["args"][1] == 0
    assert configs["cast"]["config"] == {"name": "cast", "dtype": "float32"}
    assert configs["mean"]["config"] == {"name": "mean", "axis": -1, "keepdims": True}
    assert configs["mean"]["inbound_nodes"][0]["kwargs"] == {}


def test_alias_ops_are_recorded_as_the_keras_class():
    x = kb.Input((3,))
    configs = _op_configs(kb.Model(x, kb.ops.abs(x)))
    assert [c["class_name"] for c in configs.values()] == ["Absolute"]


def test_model_with_op_nodes_round_trips(tmp_path):
    x = kb.Input((5, 3))
    h = kb.layers.Dense(4)(x)
    y = kb.ops.expand_dims(kb.ops.sum(kb.ops.multiply(h, 2.0), axis=1), 1)
    model = kb.Model(x, kb.ops.squeeze(y, axis=1))
    data = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    model.save(tmp_path / "ops.keras")
    loaded = kb.models.load_model(tmp_path / "ops.keras")
    assert [type(op).__name__ for op in loaded._operations if isinstance(op, KerasOperation)] == [
        "Multiply", "Sum", "ExpandDims", "Squeeze"]
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0), atol=1e-6)
    assert json.dumps(_op_configs(loaded)) == json.dumps(_op_configs(model))


def test_keras_op_config_deserializes_onto_kerasbridge_op():
    config = {"module": "keras.src.ops.numpy", "class_name": "Any", "config": {"name": "any", "axis": -1,
              "keepdims": True}, "registered_name": "Any"}
    op = serialization_lib.deserialize_keras_object(config)
    assert type(op) is keras_op_class("Any")
    np.testing.assert_array_equal(op(kb.ops.convert_to_tensor([[True, False], [False, False]])).numpy(),
                                  [[True], [False]])


def test_unknown_op_class_and_bad_arguments_are_refused():
    unknown = {"module": "keras.src.ops.numpy", "class_name": "NoSuchOp", "config": {"name": "x"},
               "registered_name": "NoSuchOp"}
    with pytest.raises(TypeError, match="NoSuchOp"):
        serialization_lib.deserialize_keras_object(unknown)
    with pytest.raises(TypeError, match="unexpected arguments"):
        keras_op_class("Mean")(axis=1, bogus=2)

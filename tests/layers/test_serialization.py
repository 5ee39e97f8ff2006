"""kerasbridge.layers.serialize / deserialize."""

import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)


def test_round_trip_keeps_class_and_config():
    config = layers.serialize(layers.Dense(3, use_bias=False, name="d"))
    assert config["module"] == "keras.layers" and config["class_name"] == "Dense"
    rebuilt = layers.deserialize(config)
    assert isinstance(rebuilt, layers.Dense)
    assert rebuilt.get_config() == config["config"]


def test_custom_objects_resolve_unknown_classes():
    class Custom(layers.Layer):
        def call(self, inputs):
            return inputs

    config = {"module": None, "class_name": "Custom", "config": {"name": "c"}, "registered_name": "Custom"}
    assert isinstance(layers.deserialize(config, custom_objects={"Custom": Custom}), Custom)


def test_non_dict_is_rejected():
    with pytest.raises(TypeError, match="config dict"):
        layers.deserialize(["Dense"])

"""Differential tests: keras.utils' object registration and (de)serialization helpers."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)


def _make_custom_layer(lib, package):
    @lib.utils.register_keras_serializable(package=package, name="ScaledDense")
    class ScaledDense(lib.layers.Dense):
        def __init__(self, units, scale=2.0, **kwargs):
            super().__init__(units, **kwargs)
            self.scale = scale

        def call(self, x):
            return super().call(x) * self.scale

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    return ScaledDense


def test_register_keras_serializable_and_registry_lookups_match():
    results = []
    for lib in LIBS:
        cls = _make_custom_layer(lib, "UtilsCompatPkg")
        name = lib.utils.get_registered_name(cls)
        results.append((name, lib.utils.get_registered_object(name) is cls, name in lib.utils.get_custom_objects(),
                        lib.utils.get_registered_name(lib.layers.Dense)))
    assert results[0] == results[1]
    assert results[0][0] == "UtilsCompatPkg>ScaledDense"


def test_serialize_keras_object_gives_keras_dicts():
    for make in (lambda lib: lib.layers.Dense(3, activation="relu", name="d"),
                 lambda lib: lib.optimizers.Adam(learning_rate=0.01),
                 lambda lib: lib.losses.MeanSquaredError(),
                 lambda lib: lib.activations.relu,
                 lambda lib: "a string", lambda lib: [1, 2.5, None]):
        oracle = keras.utils.serialize_keras_object(make(keras))
        bridge = kerasbridge.utils.serialize_keras_object(make(kerasbridge))
        assert bridge == oracle


def test_deserialize_keras_object_reads_keras_dicts():
    for obj in (keras.layers.Dense(3, activation="relu", name="d"), keras.optimizers.SGD(0.2, momentum=0.5)):
        config = keras.utils.serialize_keras_object(obj)
        rebuilt = kerasbridge.utils.deserialize_keras_object(config)
        reference = keras.utils.deserialize_keras_object(config)
        assert type(rebuilt).__name__ == type(reference).__name__
        assert rebuilt.get_config() == reference.get_config()


def test_custom_object_scope_resolves_names_in_both():
    results = []
    for lib in LIBS:
        class Doubling(lib.layers.Layer):
            def call(self, x):
                return x * 2

        config = {"class_name": "Doubling", "config": {"name": "dbl", "trainable": True}, "module": None}
        with lib.utils.custom_object_scope({"Doubling": Doubling}):
            inside = lib.utils.deserialize_keras_object(config)
            in_registry = "Doubling" in lib.utils.get_custom_objects()
        with lib.utils.CustomObjectScope({"Doubling": Doubling}):
            again = lib.utils.deserialize_keras_object(config)
        with pytest.raises((TypeError, ValueError)):
            lib.utils.deserialize_keras_object(config)
        results.append((type(inside).__name__, inside.name, type(again).__name__, in_registry,
                        kerasbridge.ops.convert_to_numpy(inside(np.ones((1, 2), "float32"))).tolist()))
    assert results[0] == results[1]


def test_custom_layer_round_trips_through_config_in_both():
    outputs = []
    for lib in LIBS:
        cls = _make_custom_layer(lib, "UtilsCompatRoundTrip")
        layer = cls(2, scale=3.0, kernel_initializer="ones", name="scaled")
        config = lib.utils.serialize_keras_object(layer)
        rebuilt = lib.utils.deserialize_keras_object(config)
        outputs.append((config["registered_name"], config["config"]["scale"], type(rebuilt).__name__,
                        kerasbridge.ops.convert_to_numpy(rebuilt(np.ones((1, 3), "float32"))).tolist()))
    assert outputs[0] == outputs[1]

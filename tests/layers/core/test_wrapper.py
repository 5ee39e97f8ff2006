"""Wrapper: tracks and builds the inner layer, nests its config."""

import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)


class _Passthrough(layers.Wrapper):
    def call(self, inputs):
        return self.layer(inputs)


def test_build_builds_the_inner_layer_and_tracks_its_weights():
    wrapper = _Passthrough(layers.Dense(2))
    wrapper.build((None, 3))
    assert wrapper.built and wrapper.layer.built
    assert [tuple(w.shape) for w in wrapper.weights] == [(3, 2), (2,)]


def test_config_nests_layer_and_round_trips():
    wrapper = _Passthrough(layers.Dense(4, activation="relu"), name="wrap")
    config = wrapper.get_config()
    assert config["layer"]["class_name"] == "Dense"
    assert config["name"] == "wrap"
    rebuilt = _Passthrough.from_config(config)
    assert rebuilt.layer.units == 4 and rebuilt.name == "wrap"


def test_rejects_non_layers():
    with pytest.raises(ValueError, match="valid Keras layer"):
        _Passthrough("dense")

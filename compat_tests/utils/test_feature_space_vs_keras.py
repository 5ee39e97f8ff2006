"""`keras.utils.FeatureSpace` against Keras 3 (torch backend).

Keras's FeatureSpace adapts and calls through tf.data and TensorFlow, which is not installed, so the
comparison covers what runs without it: the serialized configs (exactly equal, for every feature type,
crosses included), the deserialization of Keras's configs by kerasbridge, and the outputs of models
built on `get_encoded_features()` for features that need no adapting (float, float_rescaled).
"""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge  # noqa: E402


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kerasbridge.utils.clear_session(free_memory=False)


def _features(lib):
    space = lib.utils.FeatureSpace
    return {
        "b": space.float_rescaled(scale=2.0, offset=1.0, name="bb"),
        "a": "float",
        "c": space.float_discretized(num_bins=5, name="cc"),
        "d": "float_normalized",
    }


def _serialized(lib, **kwargs):
    space = lib.utils.FeatureSpace(_features(lib), **kwargs)
    return json.loads(json.dumps(lib.saving.serialize_keras_object(space), default=list))


@pytest.mark.parametrize("kwargs", [{}, {"output_mode": "dict", "crossing_dim": 16, "hashing_dim": 8}])
def test_serialized_config_matches_keras(kwargs):
    assert _serialized(kerasbridge, **kwargs) == _serialized(keras, **kwargs)


def test_cross_and_feature_specs_serialize_like_keras():
    # as they appear inside a FeatureSpace config (Keras needs TensorFlow to build a FeatureSpace with crosses)
    from kerasbridge.utils.feature_space import _serialize_spec

    for make in (lambda lib: lib.utils.FeatureSpace.cross(("a", "b"), crossing_dim=4, output_mode="int"),
                 lambda lib: lib.utils.FeatureSpace.float(name="f")):
        assert _serialize_spec(make(kerasbridge)) == keras.saving.serialize_keras_object(make(keras))


def test_kerasbridge_reads_keras_configs():
    config = keras.saving.serialize_keras_object(keras.utils.FeatureSpace(_features(keras), output_mode="dict"))
    space = kerasbridge.saving.deserialize_keras_object(config)
    assert isinstance(space, kerasbridge.utils.FeatureSpace)
    assert space.features["b"].preprocessor.scale == 2.0 and space.features["c"].preprocessor.num_bins == 5
    written = json.loads(json.dumps(kerasbridge.saving.serialize_keras_object(space), default=list))
    assert written["config"] == _serialized(keras, output_mode="dict")["config"]


def test_encoded_float_features_match_keras():
    x = {name: np.random.default_rng(i).standard_normal((6, 1)).astype("float32") for i, name in enumerate("ab")}
    outputs, shapes = [], []
    for lib in (keras, kerasbridge):
        space = lib.utils.FeatureSpace({"b": lib.utils.FeatureSpace.float_rescaled(scale=2.0, offset=1.0),
                                        "a": "float"})
        encoded = space.get_encoded_features()
        shapes.append(tuple(encoded.shape))
        outputs.append(lib.Model(space.get_inputs(), encoded).predict(x, verbose=0))
    assert shapes[1] == shapes[0]
    np.testing.assert_allclose(outputs[1], outputs[0], atol=1e-6)

"""Differential tests: keras.models functions (clone_model, model_from_json, save/load_model) against Keras."""

import json
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)
X = np.random.default_rng(1).standard_normal((6, 4)).astype("float32")


@pytest.fixture(autouse=True)
def _fresh_names():
    keras.utils.clear_session(free_memory=False)
    kerasbridge.utils.clear_session(free_memory=False)


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _functional(lib):
    x = lib.Input((4,), name="features")
    hidden = lib.layers.Dense(8, activation="relu", name="hidden")(x)
    skip = lib.layers.Dense(8, name="skip")(x)
    merged = lib.layers.Add(name="add")([hidden, lib.ops.tanh(skip)])
    return lib.Model(x, lib.layers.Dense(2, name="head")(merged), name="net")


def _sequential(lib):
    return lib.Sequential([lib.Input((4,)), lib.layers.Dense(5, name="a"), lib.layers.Dense(3, name="b")], name="seq")


def _structure(model):
    return (type(model).__name__, model.name, [(type(layer).__name__, layer.name) for layer in model.layers],
            [tuple(w.shape) for w in model.weights], model.count_params())


def _assert_same_model(k_model, b_model):
    assert _structure(b_model) == _structure(k_model)
    b_model.set_weights(k_model.get_weights())
    np.testing.assert_allclose(_np(b_model(X)), _np(k_model(X)), atol=1e-5)


@pytest.mark.parametrize("build", [_functional, _sequential], ids=["functional", "sequential"])
def test_clone_model_rebuilds_the_same_architecture_with_new_weights(build):
    clones = []
    for lib in LIBS:
        original = build(lib)
        clone = lib.models.clone_model(original)
        assert all(a is not b for a, b in zip(original.weights, clone.weights))
        assert all(a is not b for a, b in zip(original.layers[1:], clone.layers[1:]))
        clones.append(clone)
    _assert_same_model(*clones)


def test_clone_model_with_clone_function_and_input_tensors():
    clones = []
    for lib in LIBS:
        def rename(layer):
            return layer.__class__.from_config({**layer.get_config(), "name": layer.name + "_copy"})

        clones.append(lib.models.clone_model(_sequential(lib), clone_function=rename,
                                             input_tensors=lib.Input((4,), name="new_input")))
    _assert_same_model(*clones)


def test_clone_model_with_call_function_changes_the_graph_alike():
    clones = []
    for lib in LIBS:
        def call_with_relu(layer, *args, _lib=lib, **kwargs):
            out = layer(*args, **kwargs)
            return _lib.ops.relu(out) if layer.name == "skip" else out

        clones.append(lib.models.clone_model(_functional(lib), call_function=call_with_relu))
    _assert_same_model(*clones)
    with pytest.raises(ValueError, match="call_function"):
        kerasbridge.models.clone_model(_sequential(kerasbridge), call_function=lambda layer, x: layer(x))
    with pytest.raises(ValueError, match="call_function"):
        keras.models.clone_model(_sequential(keras), call_function=lambda layer, x: layer(x))


def test_clone_model_keeps_the_compile_config():
    configs = []
    for lib in LIBS:
        model = _sequential(lib)
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        clone = lib.models.clone_model(model)
        configs.append((clone.compiled, clone.loss, type(clone.optimizer).__name__,
                        float(clone.optimizer.learning_rate)))
    assert configs[1] == pytest.approx(configs[0])


def test_clone_model_recursive_clones_inner_models():
    clones = []
    for lib in LIBS:
        inner = _sequential(lib)
        outer = lib.Sequential([lib.Input((4,)), inner, lib.layers.Dense(1, name="out")], name="outer")
        clone = lib.models.clone_model(outer, recursive=True)
        assert clone.layers[0] is not inner
        clones.append(clone)
    _assert_same_model(*clones)


def test_clone_model_rejects_unknown_arguments():
    for lib in LIBS:
        with pytest.raises(ValueError, match="Unexpected keyword"):
            lib.models.clone_model(_sequential(lib), colour="blue")


@pytest.mark.parametrize("build", [_functional, _sequential], ids=["functional", "sequential"])
def test_model_from_json_reads_keras_json(build):
    text = build(keras).to_json()
    rebuilt = [lib.models.model_from_json(text) for lib in LIBS]
    _assert_same_model(*rebuilt)


def test_keras_reads_kerasbridge_json():
    text = json.dumps(kerasbridge.saving.serialize_keras_object(_functional(kerasbridge)))
    k_model = keras.models.model_from_json(text)
    b_model = kerasbridge.models.model_from_json(text)
    _assert_same_model(k_model, b_model)


def test_save_model_and_load_model_round_trip_across_libraries(tmp_path):
    k_model, b_model = _functional(keras), _functional(kerasbridge)
    b_model.set_weights(k_model.get_weights())
    keras.models.save_model(k_model, tmp_path / "k.keras")
    kerasbridge.models.save_model(b_model, tmp_path / "b.keras")
    expected = _np(k_model(X))
    for path in ("k.keras", "b.keras"):
        for lib in LIBS:
            loaded = lib.models.load_model(tmp_path / path)
            np.testing.assert_allclose(_np(loaded(X)), expected, atol=1e-5, err_msg=f"{lib.__name__} loading {path}")

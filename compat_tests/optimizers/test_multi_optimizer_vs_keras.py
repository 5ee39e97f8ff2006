"""Differential tests: `MultiOptimizer` and `OptimizerMap` route variables and update them as Keras does.

Same initial weights and gradients in both libraries; the weights after every step, the
optimizer variables, `iterations` and the routing of paths (exact keys, regex keys, default)
must agree; a Keras `MultiOptimizer` config loads in kerasbridge and trains a model identically.
"""

import copy as copy_module
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

LIBS = (keras, kerasbridge)
rng = np.random.default_rng(17)
VALUES = {
    "encoder/kernel": rng.normal(size=(3, 2)).astype("float32"),
    "encoder/bias": rng.normal(size=(2,)).astype("float32"),
    "head/kernel": rng.normal(size=(2, 1)).astype("float32"),
}
GRADS = [[rng.normal(size=v.shape).astype("float32") for v in VALUES.values()] for _ in range(8)]


def clear(lib):
    if lib is kerasbridge:
        lib.utils.clear_session(free_memory=False)
    else:
        lib.utils.clear_session()


def copy(x):
    if hasattr(x, "numpy") and not isinstance(x, torch.Tensor):
        return np.array(x.numpy(), copy=True)
    return np.array(torch.as_tensor(x).detach().cpu(), copy=True)


def make_variables(lib):
    variables = []
    for path, value in VALUES.items():
        scope, name = path.split("/")
        with lib.name_scope(scope):
            variables.append(lib.Variable(value.copy(), name=name))
    return variables


def map_optimizer(lib):
    optimizer_map = lib.optimizers.OptimizerMap(default_optimizer=lib.optimizers.SGD(0.1, momentum=0.9))
    optimizer_map["encoder/.*"] = lib.optimizers.Adam(0.05)
    optimizer_map["encoder/bias"] = lib.optimizers.RMSprop(0.01)
    return lib.optimizers.MultiOptimizer(optimizer_map)


def function_optimizer(lib):
    adam, sgd = lib.optimizers.Adam(0.02, weight_decay=0.1), lib.optimizers.SGD(0.05, clipnorm=0.5)
    return lib.optimizers.MultiOptimizer(lambda variable: adam if "kernel" in variable.path else sgd)


def run(lib, make_optimizer):
    clear(lib)
    variables = make_variables(lib)
    optimizer = make_optimizer(lib)
    trajectory = []
    for step_grads in GRADS:
        optimizer.apply_gradients([(torch.tensor(g), v) for g, v in zip(step_grads, variables)])
        trajectory.append([copy(v) for v in variables])
    return {
        "trajectory": trajectory,
        "variables": [(tuple(v.shape), copy(v)) for v in optimizer.variables],
        "iterations": int(copy(optimizer.iterations)),
        "inner": [(type(o).__name__, int(copy(o.iterations))) for o in optimizer.optimizers],
    }


@pytest.mark.parametrize("make_optimizer", [map_optimizer, function_optimizer], ids=["map", "function"])
def test_multi_optimizer_trajectory_matches_keras(make_optimizer):
    want, got = (run(lib, make_optimizer) for lib in LIBS)
    for want_step, got_step in zip(want["trajectory"], got["trajectory"]):
        for w, g in zip(want_step, got_step):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert [shape for shape, _ in got["variables"]] == [shape for shape, _ in want["variables"]]
    for (_, w), (_, g) in zip(want["variables"], got["variables"]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    assert got["iterations"] == want["iterations"] == len(GRADS)
    assert got["inner"] == want["inner"]


def test_optimizer_map_routing_matches_keras():
    paths = ["encoder/layer_0/dense", "encoder/layer_0/attention/query", "decoder", "decoder/layer_0/dense"]
    picks = []
    for lib in LIBS:
        optimizer_map = lib.optimizers.OptimizerMap(default_optimizer=lib.optimizers.RMSprop())
        optimizer_map["encoder/layer_0/dense"] = lib.optimizers.Adam()
        optimizer_map["encoder/.*"] = lib.optimizers.SGD()
        optimizer_map["decoder"] = lib.optimizers.Adam()
        picks.append(([type(optimizer_map[p]).__name__ for p in paths], len(optimizer_map), sorted(optimizer_map)))
        with pytest.raises(ValueError):
            optimizer_map["decoder"] = lib.optimizers.SGD()
        with pytest.raises(ValueError):
            optimizer_map["other"] = lib.optimizers.LossScaleOptimizer(lib.optimizers.SGD())
        optimizer_map[".*/dense"] = lib.optimizers.SGD()
        with pytest.raises(ValueError, match="Multiple optimizers"):
            optimizer_map["encoder/layer_1/dense"]
        multi = lib.optimizers.MultiOptimizer(optimizer_map)
        with pytest.raises(AttributeError, match="Learning rate cannot be accessed"):
            _ = multi.learning_rate
    assert picks[1] == picks[0]


def test_multi_optimizer_from_keras_config_trains_like_keras():
    keras_optimizer = map_optimizer(keras)
    config = keras.optimizers.serialize(keras_optimizer)
    histories, weights = [], []
    x = rng.normal(size=(16, 3)).astype("float32")
    y = rng.normal(size=(16, 1)).astype("float32")
    for lib in LIBS:
        clear(lib)
        optimizer = lib.optimizers.deserialize(copy_module.deepcopy(config))
        assert type(optimizer).__name__ == "MultiOptimizer"
        model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2, name="encoder"), lib.layers.Dense(1, name="head")])
        model.set_weights([VALUES["encoder/kernel"], VALUES["encoder/bias"], VALUES["head/kernel"], np.zeros(1, "float32")])
        model.compile(optimizer=optimizer, loss="mse")
        histories.append(model.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"])
        weights.append(model.get_weights())
        assert [type(o).__name__ for o in optimizer.optimizers] == ["Adam", "RMSprop", "SGD"]
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
    for w, g in zip(*weights):
        np.testing.assert_allclose(g, w, atol=2e-4)
    bridge_config = kerasbridge.optimizers.serialize(kerasbridge.optimizers.deserialize(copy_module.deepcopy(config)))
    assert bridge_config["class_name"] == config["class_name"] == "MultiOptimizer"
    assert sorted(bridge_config["config"]["optimizer_map"]["config"]["optimizer_map"]) == ["encoder/.*", "encoder/bias"]

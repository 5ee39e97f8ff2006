"""Differential tests: kerasbridge optimizers and schedules follow Keras 3 (torch backend) step by step.

Every optimizer class runs under a table of configurations on both sides from the same initial
weights and the same 20 random gradient sets; the weights after every step, the optimizer
variables (names, paths, shapes, dtypes, values), `iterations` and `get_config()` must agree.
"""

import functools
import os
import zlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402
import kerasbridge.backend as kbackend  # noqa: E402
from kerasbridge import optimizers as kb_optimizers  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore:__array__ implementation:DeprecationWarning")

STEPS = 20
SHAPES = {"kernel": (5, 4), "bias": (4,), "extra": (2, 3, 3)}
RTOL = 1e-6
ATOL = 1e-7

SCHEDULE = ("ExponentialDecay", {"initial_learning_rate": 0.01, "decay_steps": 5, "decay_rate": 0.8})

COMMON_VARIANTS = [
    ("default", {}),
    ("weight_decay", {"weight_decay": 0.05}),
    ("clipnorm", {"clipnorm": 0.5}),
    ("clipvalue", {"clipvalue": 0.3}),
    ("global_clipnorm", {"global_clipnorm": 0.7}),
    ("schedule", {"learning_rate": SCHEDULE}),
    ("ema", {"use_ema": True, "ema_momentum": 0.9}),
    ("ema_overwrite", {"use_ema": True, "ema_overwrite_frequency": 3}),
    ("accumulation", {"gradient_accumulation_steps": 2}),
    ("loss_scale_factor", {"loss_scale_factor": 8.0}),
    ("accumulation_wd_clip", {"gradient_accumulation_steps": 3, "weight_decay": 0.05, "clipnorm": 0.5}),
]

SPECIFIC_VARIANTS = {
    "SGD": [
        ("momentum", {"momentum": 0.9}),
        ("nesterov", {"momentum": 0.8, "nesterov": True}),
        ("momentum_schedule_wd", {"momentum": 0.9, "learning_rate": SCHEDULE, "weight_decay": 0.1}),
    ],
    "Adam": [("amsgrad", {"amsgrad": True}), ("betas", {"beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3})],
    "AdamW": [("amsgrad", {"amsgrad": True})],
    "RMSprop": [
        ("momentum", {"momentum": 0.5}),
        ("centered", {"centered": True}),
        ("centered_momentum", {"centered": True, "momentum": 0.9, "rho": 0.8}),
    ],
    "Adagrad": [("initial_accumulator", {"initial_accumulator_value": 1.0, "epsilon": 1e-4})],
    "Adadelta": [("rho", {"rho": 0.5, "learning_rate": 1.0})],
    "Adamax": [("betas", {"beta_1": 0.5, "beta_2": 0.9})],
    "Nadam": [("betas", {"beta_1": 0.8, "beta_2": 0.99})],
    "Ftrl": [
        ("regularized", {"l1_regularization_strength": 0.01, "l2_regularization_strength": 0.02}),
        (
            "shrinkage_beta",
            {"l2_shrinkage_regularization_strength": 0.01, "beta": 0.5, "learning_rate_power": -0.7},
        ),
    ],
    "Lion": [("betas", {"beta_1": 0.5, "beta_2": 0.9})],
    "Lamb": [("betas", {"beta_1": 0.8, "beta_2": 0.9})],
    "Adafactor": [("absolute_step", {"relative_step": False, "learning_rate": 0.05, "clip_threshold": 0.5})],
    "Muon": [
        ("no_nesterov_no_rms", {"nesterov": False, "rms_rate": None, "momentum": 0.9}),
        ("exclude_layers", {"exclude_layers": ["kernel"], "adam_lr_ratio": 0.5, "ns_steps": 3}),
    ],
}

CASES = [
    (name, variant, kwargs)
    for name in SPECIFIC_VARIANTS
    for variant, kwargs in COMMON_VARIANTS + SPECIFIC_VARIANTS[name]
]


def _kwargs(lib, name, kwargs):
    kwargs = dict(kwargs)
    if name == "AdamW" and "weight_decay" not in kwargs:
        kwargs["weight_decay"] = 0.004
    if isinstance(kwargs.get("learning_rate"), tuple):
        schedule_name, schedule_kwargs = kwargs["learning_rate"]
        kwargs["learning_rate"] = getattr(lib.optimizers.schedules, schedule_name)(**schedule_kwargs)
    return kwargs


def _variables(lib, values):
    with lib.name_scope("dense"):
        return [lib.Variable(value.copy(), name=name) for name, value in values.items()]


def _numpy(x):
    """A copy (Keras's `Variable.numpy()` on CPU shares memory with the updated tensor)."""
    if hasattr(x, "numpy") and not isinstance(x, torch.Tensor):
        return np.array(x.numpy(), copy=True)
    return np.array(torch.as_tensor(x).detach().cpu(), copy=True)


def _run(lib, name, kwargs, values, grads):
    lib.backend.clear_session(free_memory=False)
    variables = _variables(lib, values)
    optimizer = getattr(lib.optimizers, name)(**_kwargs(lib, name, kwargs))
    trajectory = []
    for step_grads in grads:
        optimizer.apply_gradients([(torch.tensor(g), v) for g, v in zip(step_grads, variables)])
        trajectory.append([_numpy(v) for v in variables])
    if optimizer.use_ema:
        optimizer.finalize_variable_values(variables)
        trajectory.append([_numpy(v) for v in variables])
    return {
        "trajectory": trajectory,
        "variables": [(v.name, v.path, tuple(v.shape), str(v.dtype), _numpy(v)) for v in optimizer.variables],
        "iterations": int(_numpy(optimizer.iterations)),
        "config": optimizer.get_config(),
    }


@functools.cache
def _results(name, variant):
    kwargs = dict(next(k for n, v, k in CASES if n == name and v == variant))
    rng = np.random.default_rng(zlib.crc32(f"{name}-{variant}".encode()))
    values = {key: rng.normal(size=shape).astype("float32") for key, shape in SHAPES.items()}
    grads = [[rng.normal(size=shape).astype("float32") for shape in SHAPES.values()] for _ in range(STEPS)]
    return _run(keras, name, kwargs, values, grads), _run(kerasbridge, name, kwargs, values, grads)


CASE_PARAMS = [pytest.param(name, variant, id=f"{name}-{variant}") for name, variant, _ in CASES]


@pytest.mark.parametrize("name, variant", CASE_PARAMS)
def test_weight_trajectory_matches_keras(name, variant):
    expected, actual = _results(name, variant)
    assert len(actual["trajectory"]) == len(expected["trajectory"])
    for step, (want, got) in enumerate(zip(expected["trajectory"], actual["trajectory"])):
        for w, g in zip(want, got):
            np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL, err_msg=f"step {step}")


@pytest.mark.parametrize("name, variant", CASE_PARAMS)
def test_optimizer_variables_match_keras(name, variant):
    expected, actual = _results(name, variant)
    assert [v[:4] for v in actual["variables"]] == [v[:4] for v in expected["variables"]]
    for want, got in zip(expected["variables"], actual["variables"]):
        # Accumulators such as Ftrl's `linear` are sums of large terms of both signs: an element
        # is compared relative to the largest magnitude of its variable, not to itself.
        scale = float(np.max(np.abs(want[4]), initial=0.0))
        np.testing.assert_allclose(got[4], want[4], rtol=RTOL, atol=max(ATOL, RTOL * scale), err_msg=want[1])


@pytest.mark.parametrize("name, variant", CASE_PARAMS)
def test_iterations_and_config_match_keras(name, variant):
    expected, actual = _results(name, variant)
    assert actual["iterations"] == expected["iterations"]
    assert actual["config"] == expected["config"]


# -- schedules ------------------------------------------------------------------------------
SCHEDULE_CASES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.9}),
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.5, "decay_steps": 4, "decay_rate": 0.5, "staircase": True},
    ),
    ("PiecewiseConstantDecay", {"boundaries": [5, 12, 30], "values": [1.0, 0.5, 0.1, 0.01]}),
    ("PiecewiseConstantDecay", {"boundaries": [10], "values": [0.3, 0.03]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 20}),
    (
        "PolynomialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 15, "end_learning_rate": 0.01, "power": 2.0},
    ),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 8, "power": 0.5, "cycle": True}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5}),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.5, "staircase": True},
    ),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 30}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 30, "alpha": 0.1}),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.0, "decay_steps": 25, "warmup_target": 0.2, "warmup_steps": 10},
    ),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.05,
            "decay_steps": 20,
            "alpha": 0.2,
            "warmup_target": 0.1,
            "warmup_steps": 5,
        },
    ),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 6}),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 5, "t_mul": 1.0, "m_mul": 0.7},
    ),
    (
        "CosineDecayRestarts",
        {"initial_learning_rate": 0.1, "first_decay_steps": 4, "t_mul": 1.5, "m_mul": 0.9, "alpha": 0.05},
    ),
]
SCHEDULE_PARAMS = [pytest.param(n, k, id=f"{n}-{i}") for i, (n, k) in enumerate(SCHEDULE_CASES)]


@pytest.mark.parametrize("name, kwargs", SCHEDULE_PARAMS)
def test_schedule_values_match_keras_over_50_steps(name, kwargs):
    ours = getattr(kb_optimizers.schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    for step in range(50):
        want = _numpy(theirs(torch.tensor(step, dtype=torch.int32)))
        got = _numpy(ours(torch.tensor(step, dtype=torch.int32)))
        assert got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=RTOL, atol=0, err_msg=f"step {step}")


@pytest.mark.parametrize("name, kwargs", SCHEDULE_PARAMS)
def test_schedule_serialization_matches_keras(name, kwargs):
    ours = getattr(kb_optimizers.schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    assert kb_optimizers.schedules.serialize(ours) == keras.optimizers.schedules.serialize(theirs)


@pytest.mark.parametrize("name, kwargs", SCHEDULE_PARAMS)
def test_schedule_loads_keras_config(name, kwargs):
    config = keras.optimizers.schedules.serialize(getattr(keras.optimizers.schedules, name)(**kwargs))
    restored = kb_optimizers.schedules.deserialize(config)
    assert type(restored).__name__ == name
    assert restored.get_config() == config["config"]


# -- API surface ------------------------------------------------------------------------------
def test_default_names_match_keras():
    keras.backend.clear_session(free_memory=False)
    kbackend.clear_session(free_memory=False)
    names = list(SPECIFIC_VARIANTS)
    expected = [getattr(keras.optimizers, n)().name for n in names]
    actual = [getattr(kb_optimizers, n)().name for n in names]
    assert actual == expected


@pytest.mark.parametrize(
    "identifier", ["adam", "SGD", "rmsprop", "AdamW", "nadam", "ftrl", "lion", "adafactor"]
)
def test_get_by_name_matches_keras(identifier):
    keras.backend.clear_session(free_memory=False)
    kbackend.clear_session(free_memory=False)
    assert kb_optimizers.get(identifier).get_config() == keras.optimizers.get(identifier).get_config()


@pytest.mark.parametrize("name", list(SPECIFIC_VARIANTS))
def test_loads_keras_serialized_optimizer(name):
    keras.backend.clear_session(free_memory=False)
    config = keras.optimizers.serialize(
        getattr(keras.optimizers, name)(**_kwargs(keras, name, {"clipnorm": 1.0}))
    )
    restored = kb_optimizers.deserialize(config)
    assert type(restored).__name__ == name
    assert restored.get_config() == config["config"]


def test_loss_scale_optimizer_matches_keras():
    def run(lib):
        lib.backend.clear_session(free_memory=False)
        rng = np.random.default_rng(3)
        variables = _variables(lib, {k: rng.normal(size=s).astype("float32") for k, s in SHAPES.items()})
        optimizer = lib.optimizers.LossScaleOptimizer(
            lib.optimizers.Adam(), initial_scale=64.0, dynamic_growth_steps=3
        )
        for step in range(10):
            grads = [rng.normal(size=s).astype("float32") * 64.0 for s in SHAPES.values()]
            if step == 4:
                grads[1][0] = np.inf
            optimizer.apply_gradients([(torch.tensor(g), v) for g, v in zip(grads, variables)])
        return (
            [_numpy(v) for v in variables],
            [(v.path, _numpy(v)) for v in optimizer.variables],
            optimizer.get_config(),
            int(_numpy(optimizer.iterations)),
        )

    expected, actual = run(keras), run(kerasbridge)
    for w, g in zip(expected[0], actual[0]):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    assert [p for p, _ in actual[1]] == [p for p, _ in expected[1]]
    for (_, w), (_, g) in zip(expected[1], actual[1]):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)
    assert actual[2]["inner_optimizer"]["config"] == expected[2]["inner_optimizer"]["config"]
    assert {k: v for k, v in actual[2].items() if k != "inner_optimizer"} == {
        k: v for k, v in expected[2].items() if k != "inner_optimizer"
    }
    assert actual[3] == expected[3]

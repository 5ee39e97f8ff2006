"""Differential test: `kerasbridge.optimizers.ScheduleFreeAdamW` follows Keras 3 (torch backend) step by step.

Both libraries start from the same weights and apply the same 20 random gradient sets; the
weights after every step, the optimizer variables and `get_config()` must agree (float32
trajectories within 2e-6).
"""

import os
import zlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

STEPS = 20
SHAPES = {"kernel": (5, 4), "bias": (4,)}

VARIANTS = {
    "default": {},
    "betas_eps": {"beta_1": 0.8, "beta_2": 0.95, "epsilon": 1e-4, "learning_rate": 0.01},
    "warmup": {"warmup_steps": 5},
    "weight_decay_clipnorm": {"weight_decay": 0.05, "clipnorm": 0.5},
    "schedule": {"learning_rate": ("ExponentialDecay", {"initial_learning_rate": 0.01, "decay_steps": 5,
                                                        "decay_rate": 0.8})},
    "accumulation": {"gradient_accumulation_steps": 2},
}


def _copy(x):
    if hasattr(x, "numpy") and not isinstance(x, torch.Tensor):
        return np.array(x.numpy(), copy=True)
    return np.array(torch.as_tensor(x).detach().cpu(), copy=True)


def _run(lib, kwargs, values, grads):
    lib.utils.clear_session(free_memory=False) if lib is kerasbridge else lib.utils.clear_session()
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("learning_rate"), tuple):
        name, schedule_kwargs = kwargs["learning_rate"]
        kwargs["learning_rate"] = getattr(lib.optimizers.schedules, name)(**schedule_kwargs)
    with lib.name_scope("dense"):
        variables = [lib.Variable(value.copy(), name=name) for name, value in values.items()]
    optimizer = lib.optimizers.ScheduleFreeAdamW(**kwargs)
    trajectory = []
    for step_grads in grads:
        optimizer.apply_gradients([(torch.tensor(g), v) for g, v in zip(step_grads, variables)])
        trajectory.append([_copy(v) for v in variables])
    slots = [(v.name, tuple(v.shape), _copy(v)) for v in optimizer.variables]
    return trajectory, slots, optimizer.get_config()


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_schedule_free_adamw_matches_keras(variant):
    rng = np.random.default_rng(zlib.crc32(variant.encode()))
    values = {key: rng.normal(size=shape).astype("float32") for key, shape in SHAPES.items()}
    grads = [[rng.normal(size=shape).astype("float32") for shape in SHAPES.values()] for _ in range(STEPS)]
    expected = _run(keras, VARIANTS[variant], values, grads)
    actual = _run(kerasbridge, VARIANTS[variant], values, grads)
    for step, (want, got) in enumerate(zip(expected[0], actual[0])):
        for w, g in zip(want, got):
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=2e-6, err_msg=f"step {step}")
    assert [(n, s) for n, s, _ in actual[1]] == [(n, s) for n, s, _ in expected[1]]
    for (_, _, w), (_, _, g) in zip(expected[1], actual[1]):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=2e-6)
    want_config, got_config = dict(expected[2]), dict(actual[2])
    want_config.pop("learning_rate"), got_config.pop("learning_rate")
    assert got_config == want_config


def test_schedule_free_adamw_round_trips_config():
    optimizer = kerasbridge.optimizers.ScheduleFreeAdamW(beta_1=0.7, warmup_steps=3)
    restored = kerasbridge.optimizers.get(kerasbridge.optimizers.serialize(optimizer))
    assert isinstance(restored, kerasbridge.optimizers.ScheduleFreeAdamW)
    assert restored.get_config() == optimizer.get_config()
    keras_restored = keras.optimizers.ScheduleFreeAdamW.from_config(optimizer.get_config())
    assert keras_restored.warmup_steps == 3 and keras_restored.beta_1 == 0.7

"""Learning rate schedules: closed-form values, device placement, validation and serialization."""

import math

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge.optimizers import schedules


def values(schedule, steps):
    return [float(schedule(torch.tensor(s, dtype=torch.int32))) for s in steps]


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    np.testing.assert_allclose(values(s, [0, 5, 20]), [0.1, 0.1 * 0.5**0.5, 0.025], rtol=1e-6)


def test_exponential_decay_staircase():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose(values(s, [9, 10, 25]), [0.1, 0.05, 0.025], rtol=1e-6)


def test_piecewise_constant_decay_includes_the_boundary_in_the_lower_interval():
    s = schedules.PiecewiseConstantDecay(boundaries=[3, 6], values=[1.0, 0.5, 0.1])
    np.testing.assert_allclose(values(s, [0, 3, 4, 6, 7]), [1.0, 1.0, 0.5, 0.5, 0.1], rtol=1e-6)


def test_piecewise_constant_decay_checks_lengths():
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay(boundaries=[1, 2], values=[1.0, 0.5])


def test_polynomial_decay_reaches_the_end_rate_and_stays():
    s = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0)
    np.testing.assert_allclose(values(s, [5, 10, 50]), [0.09 * 0.25 + 0.01, 0.01, 0.01], rtol=1e-6)


def test_polynomial_decay_cycle_restarts():
    s = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, cycle=True)
    np.testing.assert_allclose(values(s, [0, 10, 15]), [0.1, 0.0, 0.1 * (1 - 15 / 20)], rtol=1e-6, atol=1e-9)


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5)
    np.testing.assert_allclose(values(s, [0, 4]), [0.1, 0.05], rtol=1e-6)


def test_cosine_decay_ends_at_alpha():
    s = schedules.CosineDecay(0.1, decay_steps=10, alpha=0.2)
    np.testing.assert_allclose(
        values(s, [0, 5, 10, 30]), [0.1, 0.1 * (0.8 * 0.5 + 0.2), 0.02, 0.02], rtol=1e-6
    )


def test_cosine_decay_warmup_is_linear_then_decays_from_the_target():
    s = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=0.2, warmup_steps=4)
    np.testing.assert_allclose(values(s, [0, 2, 4, 9, 14]), [0.0, 0.1, 0.2, 0.1, 0.0], rtol=1e-6, atol=1e-8)


def test_cosine_decay_restarts_at_the_end_of_each_period():
    s = schedules.CosineDecayRestarts(0.1, first_decay_steps=4, t_mul=2.0, m_mul=0.5)
    np.testing.assert_allclose(
        values(s, [0, 2, 4, 8, 12]),
        [0.1, 0.05, 0.05, 0.05 * 0.5 * (1 + math.cos(math.pi / 2)), 0.025],
        rtol=1e-5,
    )


def test_cosine_decay_restarts_with_constant_period():
    s = schedules.CosineDecayRestarts(0.1, first_decay_steps=4, t_mul=1.0)
    np.testing.assert_allclose(values(s, [0, 4, 8]), [0.1, 0.1, 0.1], rtol=1e-6)


@pytest.mark.parametrize("cls", [schedules.ExponentialDecay, schedules.InverseTimeDecay])
def test_non_positive_decay_steps_are_rejected(cls):
    with pytest.raises(ValueError, match="decay_steps"):
        cls(0.1, decay_steps=0, decay_rate=0.5)


def test_schedule_accepts_a_variable_and_returns_a_float32_tensor_on_its_device():
    step = kb.Variable(3, dtype="int32", name="step", trainable=False)
    out = schedules.CosineDecay(0.1, 10)(step)
    assert isinstance(out, torch.Tensor)
    assert out.dtype == torch.float32
    assert out.device == step.value.device


def test_schedule_accepts_a_python_int():
    np.testing.assert_allclose(float(schedules.InverseTimeDecay(0.1, 1, 1.0)(1)), 0.05, rtol=1e-6)


def test_serialize_round_trip():
    s = schedules.CosineDecay(0.1, 100, alpha=0.1, warmup_target=0.2, warmup_steps=5)
    config = schedules.serialize(s)
    assert config["module"] == "keras.optimizers.schedules"
    assert config["class_name"] == "CosineDecay"
    restored = schedules.deserialize(config)
    assert isinstance(restored, schedules.CosineDecay)
    assert restored.get_config() == s.get_config()


def test_base_schedule_must_be_subclassed():
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(0)


def test_custom_schedule_drives_an_optimizer():
    class Halving(schedules.LearningRateSchedule):
        def __call__(self, step):
            return 1.0 / (2.0 ** step.value.float())

        def get_config(self):
            return {}

    from kerasbridge import optimizers

    opt = optimizers.SGD(learning_rate=Halving())
    v = kb.Variable(np.zeros(1, "float32"), name="w")
    for _ in range(3):
        opt.apply_gradients([(torch.ones(1), v)])
    np.testing.assert_allclose(v.numpy(), [-1.75], rtol=1e-6)

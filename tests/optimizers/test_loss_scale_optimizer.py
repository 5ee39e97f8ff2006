"""LossScaleOptimizer: dynamic loss scaling around an inner optimizer."""

import numpy as np
import pytest
import torch

import kerasbridge as kb
from kerasbridge import optimizers


def make(initial_scale=8.0, growth=2):
    v = kb.Variable(np.ones(2, "float32"), name="w")
    opt = optimizers.LossScaleOptimizer(
        optimizers.SGD(learning_rate=1.0), initial_scale=initial_scale, dynamic_growth_steps=growth
    )
    return opt, v


def test_gradients_are_unscaled_before_the_inner_update():
    opt, v = make(initial_scale=8.0)
    opt.apply_gradients([(torch.full((2,), 8.0), v)])
    np.testing.assert_allclose(v.numpy(), [0.0, 0.0])


def test_non_finite_gradients_skip_the_step_and_halve_the_scale():
    opt, v = make(initial_scale=8.0)
    opt.apply_gradients([(torch.tensor([np.inf, 1.0]), v)])
    np.testing.assert_array_equal(v.numpy(), [1.0, 1.0])
    assert float(opt.dynamic_scale) == 4.0
    assert int(opt.iterations) == 0


def test_scale_doubles_after_dynamic_growth_steps_finite_steps():
    opt, v = make(initial_scale=8.0, growth=2)
    scales = []
    for _ in range(4):
        opt.apply_gradients([(torch.zeros(2), v)])
        scales.append(float(opt.dynamic_scale))
    assert scales == [8.0, 16.0, 16.0, 32.0]


def test_scale_loss_uses_the_current_scale():
    opt, v = make(initial_scale=8.0)
    assert float(opt.scale_loss(torch.tensor(2.0))) == 16.0
    opt.apply_gradients([(torch.tensor([np.nan, 0.0]), v)])
    assert float(opt.scale_loss(torch.tensor(2.0))) == 8.0


def test_variables_list_own_then_inner_variables():
    opt, v = make()
    opt.apply_gradients([(torch.zeros(2), v)])
    names = [x.name for x in opt.variables]
    assert names[:4] == ["iteration", "learning_rate", "step_counter", "dynamic_scale"]
    assert names[4:] == ["iteration", "learning_rate"]


def test_learning_rate_and_iterations_are_the_inner_ones():
    opt, v = make()
    opt.learning_rate = 0.25
    opt.apply_gradients([(torch.zeros(2), v)])
    assert float(opt.inner_optimizer.learning_rate) == 0.25
    assert opt.iterations is opt.inner_optimizer.iterations


def test_inner_loss_scale_factor_is_disabled():
    inner = optimizers.SGD(loss_scale_factor=4.0)
    optimizers.LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None


def test_config_round_trip():
    opt, _ = make(initial_scale=16.0, growth=5)
    restored = optimizers.LossScaleOptimizer.from_config(opt.get_config())
    assert restored.initial_scale == 16.0
    assert restored.dynamic_growth_steps == 5
    assert isinstance(restored.inner_optimizer, optimizers.SGD)


def test_base_arguments_are_rejected():
    with pytest.raises(ValueError, match="does not support `clipnorm`"):
        optimizers.LossScaleOptimizer(optimizers.SGD(), clipnorm=1.0)

"""Unit tests of `ScheduleFreeAdamW`, `OptimizerMap` and `MultiOptimizer`."""

import numpy as np
import pytest
import torch

import kerasbridge
from kerasbridge import optimizers


def _variables():
    kerasbridge.utils.clear_session(free_memory=False)
    with kerasbridge.name_scope("encoder"):
        kernel = kerasbridge.Variable(np.ones((2, 2), "float32"), name="kernel")
    with kerasbridge.name_scope("head"):
        bias = kerasbridge.Variable(np.zeros((2,), "float32"), name="bias")
    return kernel, bias


def test_schedule_free_adamw_starts_its_momentum_at_the_weights_and_moves_against_the_gradient():
    kernel, bias = _variables()
    optimizer = optimizers.ScheduleFreeAdamW(learning_rate=0.1)
    optimizer.build([kernel, bias])
    momentum = optimizer.variables[2]
    np.testing.assert_array_equal(momentum.numpy(), np.ones((2, 2)))
    optimizer.apply([torch.ones(2, 2), torch.ones(2)], [kernel, bias])
    assert np.all(kernel.numpy() < 1.0) and np.all(bias.numpy() < 0.0)
    assert optimizers.get("schedulefreeadamw").__class__ is optimizers.ScheduleFreeAdamW


def test_optimizer_map_prefers_exact_keys_then_one_pattern_then_default():
    default, adam, sgd = optimizers.RMSprop(), optimizers.Adam(), optimizers.SGD()
    mapping = optimizers.OptimizerMap(default, {"encoder/kernel": adam})
    mapping["encoder/.*"] = sgd
    assert mapping["encoder/kernel"] is adam
    assert mapping["encoder/bias"] is sgd
    assert mapping["head/bias"] is default
    with pytest.raises(ValueError, match="already exists"):
        mapping["encoder/.*"] = adam
    with pytest.raises(TypeError, match="default_optimizer"):
        optimizers.OptimizerMap("sgd")


def test_multi_optimizer_routes_variables_and_counts_its_own_iterations():
    kernel, bias = _variables()
    sgd, adam = optimizers.SGD(1.0), optimizers.Adam(0.1)
    multi = optimizers.MultiOptimizer(optimizers.OptimizerMap(sgd, {"encoder/.*": adam}))
    multi.apply([torch.ones(2, 2), torch.ones(2)], [kernel, bias])
    np.testing.assert_allclose(bias.numpy(), -np.ones(2))
    np.testing.assert_allclose(kernel.numpy(), np.full((2, 2), 0.9), rtol=1e-5)
    assert int(multi.iterations.numpy()) == 1
    assert [type(o).__name__ for o in multi.optimizers] == ["Adam", "SGD"]
    assert len(multi.variables) == 2 + len(adam.variables) + len(sgd.variables)
    with pytest.raises(AttributeError, match="Learning rate cannot be accessed"):
        _ = multi.learning_rate

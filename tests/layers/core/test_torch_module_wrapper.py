"""TorchModuleWrapper: shared parameters, train/eval mode, state_dict I/O, config."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)


def test_weights_are_the_module_parameters():
    module = torch.nn.Linear(3, 2)
    layer = layers.TorchModuleWrapper(module)
    assert layer.built
    assert [tuple(w.shape) for w in layer.trainable_weights] == [(2, 3), (2,)]
    assert layer.trainable_weights[0].value is module.weight
    layer.set_weights([np.ones((2, 3), "float32"), np.zeros(2, "float32")])
    np.testing.assert_array_equal(module.weight.detach().numpy(), np.ones((2, 3)))


def test_frozen_parameters_are_non_trainable():
    module = torch.nn.Linear(3, 2)
    module.bias.requires_grad_(False)
    layer = layers.TorchModuleWrapper(module)
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 1


def test_training_flag_switches_module_mode():
    layer = layers.TorchModuleWrapper(torch.nn.Dropout(0.5))
    x = torch.ones(4, 8)
    layer(x, training=False)
    assert not layer.module.training
    layer(x, training=True)
    assert layer.module.training


def test_state_dict_round_trip_includes_buffers():
    source = layers.TorchModuleWrapper(torch.nn.BatchNorm1d(3))
    source.module.running_mean.fill_(2.0)
    store = {}
    source.save_own_variables(store)
    assert "running_mean" in store
    target = layers.TorchModuleWrapper(torch.nn.BatchNorm1d(3))
    target.load_own_variables(store)
    np.testing.assert_array_equal(target.module.running_mean.numpy(), np.full(3, 2.0))


def test_declared_output_shape_is_reported():
    layer = layers.TorchModuleWrapper(torch.nn.Linear(4, 2), output_shape=(None, 2))
    assert layer.compute_output_shape((5, 4)) == (None, 2)
    assert tuple(layer(keras.Input((4,))).shape) == (None, 2)


def test_uninitialized_lazy_module_is_rejected():
    with pytest.raises(ValueError, match="LazyModules"):
        layers.TorchModuleWrapper(torch.nn.LazyLinear(2))

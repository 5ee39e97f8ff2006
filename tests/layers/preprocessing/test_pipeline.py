"""Pipeline: applies layers in order, forwards training and masks, config round trip."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)


def test_layers_apply_in_order():
    pipeline = layers.Pipeline([layers.Rescaling(2.0), layers.Rescaling(1.0, offset=1.0)])
    out = pipeline(torch.ones(2, 3))
    np.testing.assert_allclose(out.numpy(), np.full((2, 3), 3.0))
    assert len(pipeline.layers) == 2


def test_training_false_reaches_augmentation_layers():
    pipeline = layers.Pipeline([layers.RandomFlip(seed=1)])
    x = torch.arange(12, dtype=torch.float32).reshape(1, 2, 2, 3)
    np.testing.assert_array_equal(pipeline(x, training=False).numpy(), x.numpy())


def test_config_round_trip():
    pipeline = layers.Pipeline([layers.Rescaling(0.5)], name="prep")
    config = pipeline.get_config()
    assert set(config) == {"layers", "name"}
    rebuilt = layers.Pipeline.from_config(config)
    assert rebuilt.name == "prep" and isinstance(rebuilt.layers[0], layers.Rescaling)


def test_config_without_layers_is_rejected():
    with pytest.raises(ValueError, match="`layers` key"):
        layers.Pipeline.from_config({"name": "p"})

"""Normalization layers: hand-computed statistics, moving-average updates, masks and configs."""

import numpy as np
import pytest
import torch

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.backend.clear_session(free_memory=False)
    with torch.device(keras.backend.get_device()):
        yield


def _x(shape, seed=0):
    return (np.random.default_rng(seed).standard_normal(shape) * 3.0 + 1.0).astype("float32")


def _np(t):
    return t.detach().cpu().numpy()


def test_batch_norm_training_output_and_momentum_update():
    x = _x((16, 4))
    layer = layers.BatchNormalization()
    out = _np(layer(torch.from_numpy(x), training=True))
    mean, var = x.mean(0), x.var(0)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), atol=1e-5)
    np.testing.assert_allclose(layer.moving_mean.numpy(), 0.99 * 0.0 + 0.01 * mean, atol=1e-6)
    np.testing.assert_allclose(layer.moving_variance.numpy(), 0.99 * 1.0 + 0.01 * var, atol=1e-6)


def test_batch_norm_inference_uses_moving_stats_and_does_not_update():
    layer = layers.BatchNormalization(momentum=0.5, epsilon=0.0)
    layer.build((None, 3))
    layer.moving_mean.assign(np.array([1.0, 2.0, 3.0], "float32"))
    layer.moving_variance.assign(np.array([4.0, 1.0, 0.25], "float32"))
    x = _x((5, 3))
    out = _np(layer(torch.from_numpy(x), training=False))
    np.testing.assert_allclose(out, (x - [1.0, 2.0, 3.0]) / np.sqrt([4.0, 1.0, 0.25]), atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), [1.0, 2.0, 3.0])


def test_frozen_batch_norm_runs_in_inference_mode_even_when_training():
    layer = layers.BatchNormalization(trainable=False)
    x = _x((8, 2))
    out = _np(layer(torch.from_numpy(x), training=True))
    np.testing.assert_allclose(out, x / np.sqrt(1.0 + 1e-3), atol=1e-5)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(layer.moving_variance.numpy(), [1.0, 1.0])


def test_batch_norm_channels_first_axis():
    x = _x((4, 3, 2, 2))
    layer = layers.BatchNormalization(axis=1, momentum=0.0)
    layer(torch.from_numpy(x), training=True)
    np.testing.assert_allclose(layer.moving_mean.numpy(), x.mean(axis=(0, 2, 3)), atol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), x.var(axis=(0, 2, 3)), atol=1e-4)


def test_batch_norm_mask_excludes_positions_from_statistics():
    x = _x((2, 5, 3))
    mask = np.array([[True, True, False, True, False], [False, True, True, True, True]])
    layer = layers.BatchNormalization(momentum=0.0)
    layer(torch.from_numpy(x), training=True, mask=torch.from_numpy(mask))
    kept = x[mask]
    np.testing.assert_allclose(layer.moving_mean.numpy(), kept.mean(0), atol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), kept.var(0), atol=1e-4)


def test_batch_norm_bad_mask_rank_raises():
    layer = layers.BatchNormalization()
    with pytest.raises(ValueError, match="one dimension less"):
        layer(torch.from_numpy(_x((2, 5, 3))), training=True, mask=torch.ones(2, dtype=torch.bool))


def test_batch_norm_weights_names_and_trainability():
    layer = layers.BatchNormalization()
    layer.build((None, 6))
    assert [w.name for w in layer.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.name for w in layer.trainable_weights] == ["gamma", "beta"]
    assert [w.name for w in layer.non_trainable_weights] == ["moving_mean", "moving_variance"]
    bare = layers.BatchNormalization(center=False, scale=False)
    bare.build((None, 6))
    assert [w.name for w in bare.weights] == ["moving_mean", "moving_variance"]
    assert bare.gamma is None and bare.beta is None


def test_batch_norm_synchronized_is_accepted_and_local_without_distributed():
    x = _x((8, 3))
    a = layers.BatchNormalization(synchronized=True)
    b = layers.BatchNormalization()
    np.testing.assert_allclose(_np(a(torch.from_numpy(x), training=True)), _np(b(torch.from_numpy(x), training=True)),
                               atol=1e-6)
    assert a.get_config()["synchronized"] is True


def test_batch_norm_invalid_renorm_clipping():
    with pytest.raises(ValueError, match="invalid keys"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"bad": 1.0})
    with pytest.raises(ValueError, match="rmax should be greater"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"rmax": 0.5, "rmin": 2.0})


def test_batch_norm_config_round_trip():
    layer = layers.BatchNormalization(axis=1, momentum=0.9, epsilon=1e-4, center=False)
    config = layer.get_config()
    assert config["momentum"] == 0.9 and config["axis"] == 1 and config["center"] is False
    assert layers.BatchNormalization.from_config(config).get_config() == config


def test_batch_norm_symbolic_call_does_not_update_stats():
    layer = layers.BatchNormalization()
    out = layer(keras.Input(shape=(4,)), training=True)
    assert out.shape == (None, 4)
    np.testing.assert_array_equal(layer.moving_mean.numpy(), np.zeros(4))


def test_layer_norm_matches_numpy_on_middle_axis():
    x = _x((3, 4, 5))
    layer = layers.LayerNormalization(axis=1)
    out = _np(layer(torch.from_numpy(x)))
    mean, var = x.mean(1, keepdims=True), x.var(1, keepdims=True)
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-3), atol=1e-5)
    assert layer.get_config()["axis"] == [1]


def test_layer_norm_gamma_beta_applied():
    x = _x((2, 3))
    layer = layers.LayerNormalization(gamma_initializer="zeros", beta_initializer="ones")
    np.testing.assert_allclose(_np(layer(torch.from_numpy(x))), np.ones((2, 3)), atol=1e-6)
    assert [w.name for w in layer.weights] == ["gamma", "beta"]


def test_layer_norm_bad_axis_type():
    with pytest.raises(TypeError):
        layers.LayerNormalization(axis="x")


def test_group_norm_matches_numpy():
    x = _x((2, 3, 6))
    out = _np(layers.GroupNormalization(groups=2)(torch.from_numpy(x)))
    g = x.reshape(2, 3, 2, 3)
    expected = (g - g.mean((1, 3), keepdims=True)) / np.sqrt(g.var((1, 3), keepdims=True) + 1e-3)
    np.testing.assert_allclose(out, expected.reshape(2, 3, 6), atol=1e-5)


def test_group_norm_invalid_groups():
    with pytest.raises(ValueError, match="invalid value"):
        layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match="multiple"):
        layers.GroupNormalization(groups=4).build((None, 6))
    with pytest.raises(ValueError, match="cannot be more"):
        layers.GroupNormalization(groups=8).build((None, 6))


def test_group_norm_instance_mode_sets_groups():
    layer = layers.GroupNormalization(groups=-1)
    layer.build((None, 5, 4))
    assert layer.groups == 4


def test_rms_norm_matches_numpy_and_weight():
    x = _x((3, 4, 5))
    layer = layers.RMSNormalization(axis=1)
    out = _np(layer(torch.from_numpy(x)))
    np.testing.assert_allclose(out, x / np.sqrt((x ** 2).mean(1, keepdims=True) + 1e-6), atol=1e-5)
    assert [w.name for w in layer.weights] == ["scale"]
    assert layer.get_config()["epsilon"] == 1e-6


def test_unit_norm_gives_unit_l2_norm():
    x = _x((3, 4, 5))
    out = _np(layers.UnitNormalization(axis=[1, 2])(torch.from_numpy(x)))
    np.testing.assert_allclose(np.sqrt((out ** 2).sum((1, 2))), np.ones(3), atol=1e-5)
    zeros = _np(layers.UnitNormalization()(torch.zeros(2, 3)))
    np.testing.assert_array_equal(zeros, np.zeros((2, 3)))


def test_out_of_bounds_axis_raises_in_compute_output_shape():
    with pytest.raises(ValueError, match="out of bounds"):
        layers.LayerNormalization(axis=3).compute_output_shape((None, 4))
    with pytest.raises(ValueError, match="out of bounds"):
        layers.UnitNormalization(axis=-3).compute_output_shape((None, 4))

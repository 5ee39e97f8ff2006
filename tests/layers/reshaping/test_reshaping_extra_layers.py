"""Permute, RepeatVector, Cropping1D/2D/3D, UpSampling1D/2D/3D, ZeroPadding1D/2D/3D."""

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


def _np(x):
    return x.detach().cpu().numpy()


def test_permute_transposes_non_batch_axes():
    x = np.arange(2 * 3 * 4 * 5, dtype="float32").reshape(2, 3, 4, 5)
    out = layers.Permute((3, 1, 2))(x)
    np.testing.assert_array_equal(_np(out), x.transpose(0, 3, 1, 2))
    assert layers.Permute((2, 1))(keras.Input(shape=(None, 4))).shape == (None, 4, None)


@pytest.mark.parametrize("dims", [(0, 1), (1, 3), (2, 2)])
def test_permute_rejects_invalid_dims(dims):
    with pytest.raises(ValueError, match="Invalid permutation argument"):
        layers.Permute(dims)


def test_permute_checks_rank():
    with pytest.raises(ValueError, match="ndim"):
        layers.Permute((2, 1))(np.zeros((2, 3, 4, 5), "float32"))


def test_repeat_vector():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    out = layers.RepeatVector(4)(x)
    np.testing.assert_array_equal(_np(out), np.repeat(x[:, None, :], 4, axis=1))
    assert layers.RepeatVector(2)(keras.Input(shape=(5,))).shape == (None, 2, 5)
    with pytest.raises(TypeError):
        layers.RepeatVector(2.0)
    with pytest.raises(ValueError, match="positive"):
        layers.RepeatVector(0)


def test_cropping1d():
    x = np.arange(2 * 6 * 2, dtype="float32").reshape(2, 6, 2)
    np.testing.assert_array_equal(_np(layers.Cropping1D((1, 2))(x)), x[:, 1:4])
    np.testing.assert_array_equal(_np(layers.Cropping1D((2, 0))(x)), x[:, 2:])
    with pytest.raises(ValueError, match="smaller"):
        layers.Cropping1D(3)(x)


def test_cropping2d_both_formats():
    x = np.arange(2 * 5 * 6 * 3, dtype="float32").reshape(2, 5, 6, 3)
    out = layers.Cropping2D(((1, 0), (2, 1)))(x)
    np.testing.assert_array_equal(_np(out), x[:, 1:, 2:5, :])
    xc = x.transpose(0, 3, 1, 2)
    out_cf = layers.Cropping2D(((1, 0), (2, 1)), data_format="channels_first")(xc)
    np.testing.assert_array_equal(_np(out_cf), xc[:, :, 1:, 2:5])
    layer = layers.Cropping2D(1)
    assert layer.cropping == ((1, 1), (1, 1))
    assert layer.compute_output_shape((None, None, 6, 3)) == (None, None, 4, 3)


def test_cropping_validation():
    with pytest.raises(ValueError, match="negative"):
        layers.Cropping2D(-1)
    with pytest.raises(ValueError, match="should have 3 elements"):
        layers.Cropping3D((1, 1))
    with pytest.raises(ValueError, match="smaller"):
        layers.Cropping2D(((2, 2), (0, 0)))(keras.Input(shape=(4, 4, 1)))


def test_cropping3d():
    x = np.arange(2 * 4 * 5 * 6 * 1, dtype="float32").reshape(2, 4, 5, 6, 1)
    out = layers.Cropping3D(((0, 1), (1, 1), (2, 0)))(x)
    np.testing.assert_array_equal(_np(out), x[:, 0:3, 1:4, 2:, :])
    assert layers.Cropping3D()(keras.Input(shape=(4, None, 6, 2))).shape == (None, 2, None, 4, 2)


def test_upsampling1d_repeats_steps():
    x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    np.testing.assert_array_equal(_np(layers.UpSampling1D(3)(x)), np.repeat(x, 3, axis=1))
    with pytest.raises(TypeError):
        layers.UpSampling1D((2,))


def test_upsampling2d_nearest_both_formats():
    x = np.arange(2 * 2 * 3 * 2, dtype="float32").reshape(2, 2, 3, 2)
    out = layers.UpSampling2D((2, 3))(x)
    np.testing.assert_array_equal(_np(out), np.repeat(np.repeat(x, 2, axis=1), 3, axis=2))
    out_cf = layers.UpSampling2D((2, 3), data_format="channels_first")(x)
    np.testing.assert_array_equal(_np(out_cf), np.repeat(np.repeat(x, 2, axis=2), 3, axis=3))


def test_upsampling2d_bilinear_uses_half_pixel_centers():
    x = np.array([0.0, 4.0], dtype="float32").reshape(1, 1, 2, 1)
    out = _np(layers.UpSampling2D((1, 2), interpolation="bilinear")(x)).reshape(-1)
    np.testing.assert_allclose(out, [0.0, 1.0, 3.0, 4.0], atol=1e-6)
    assert layers.UpSampling2D(interpolation="BILINEAR").get_config()["interpolation"] == "bilinear"


def test_upsampling3d():
    x = np.arange(2 * 2 * 2 * 2 * 1, dtype="float32").reshape(2, 2, 2, 2, 1)
    out = layers.UpSampling3D((1, 2, 3))(x)
    expected = np.repeat(np.repeat(x, 2, axis=2), 3, axis=3)
    np.testing.assert_array_equal(_np(out), expected)
    assert layers.UpSampling3D()(keras.Input(shape=(None, 2, 3, 4))).shape == (None, None, 4, 6, 4)


def test_zero_padding1d_both_formats():
    x = np.ones((2, 3, 2), "float32")
    out = _np(layers.ZeroPadding1D((1, 2))(x))
    assert out.shape == (2, 6, 2)
    assert out[:, 0].sum() == 0 and out[:, 4:].sum() == 0
    np.testing.assert_array_equal(out[:, 1:4], x)
    out_cf = _np(layers.ZeroPadding1D(1, data_format="channels_first")(x))
    np.testing.assert_array_equal(out_cf, np.pad(x, ((0, 0), (0, 0), (1, 1))))


def test_zero_padding2d_and_3d():
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 2)).astype("float32")
    out = layers.ZeroPadding2D(((1, 0), (0, 2)))(x)
    np.testing.assert_array_equal(_np(out), np.pad(x, ((0, 0), (1, 0), (0, 2), (0, 0))))
    v = np.ones((1, 2, 2, 2, 3), "float32")
    out3 = layers.ZeroPadding3D((1, 0, 2), data_format="channels_first")(v)
    np.testing.assert_array_equal(_np(out3), np.pad(v, ((0, 0), (0, 0), (1, 1), (0, 0), (2, 2))))
    assert layers.ZeroPadding2D(2).padding == ((2, 2), (2, 2))
    with pytest.raises(ValueError):
        layers.ZeroPadding2D((1, 2, 3))


def test_layers_are_weightless_and_config_round_trips():
    for layer in [layers.Permute((2, 1)), layers.RepeatVector(2), layers.Cropping1D(), layers.Cropping2D(1),
                  layers.Cropping3D(), layers.UpSampling1D(), layers.UpSampling2D(interpolation="bilinear"),
                  layers.UpSampling3D(), layers.ZeroPadding1D(), layers.ZeroPadding2D(), layers.ZeroPadding3D()]:
        assert layer.weights == []
        assert type(layer).from_config(layer.get_config()).get_config() == layer.get_config()


def test_gradients_flow_through_padding_and_cropping():
    x = torch.randn(2, 4, 4, 1, requires_grad=True)
    y = layers.Cropping2D(1)(layers.ZeroPadding2D(1)(x))
    y.sum().backward()
    np.testing.assert_array_equal(_np(x.grad), np.ones((2, 4, 4, 1), "float32"))

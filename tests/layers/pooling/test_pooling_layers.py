"""Max/Average pooling 1D-3D and Global pooling: numerics, padding, layouts, masks, config."""

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


def test_max_pooling1d_default_window_and_strides():
    x = torch.tensor([[[1.0], [5.0], [2.0], [3.0], [9.0]]])
    out = _np(layers.MaxPooling1D()(x))
    np.testing.assert_array_equal(out[0, :, 0], [5.0, 3.0])


def test_average_pooling1d_same_excludes_padding():
    x = torch.tensor([[[1.0], [2.0], [3.0], [4.0]]])
    out = _np(layers.AveragePooling1D(3, strides=2, padding="same")(x))
    # windows [1,2,3] and [3,4,(pad)]
    np.testing.assert_allclose(out[0, :, 0], [2.0, 3.5])


def test_max_pooling2d_matches_numpy():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 6, 4, 3)).astype("float32")
    out = _np(layers.MaxPooling2D()(x))
    ref = x.reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4))
    np.testing.assert_allclose(out, ref)


def test_average_pooling3d_matches_numpy():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((1, 4, 4, 2, 2)).astype("float32")
    out = _np(layers.AveragePooling3D(2)(x))
    ref = x.reshape(1, 2, 2, 2, 2, 1, 2, 2).mean(axis=(2, 4, 6))
    np.testing.assert_allclose(out, ref, atol=1e-6)


def test_channels_first_pooling():
    x = torch.randn(2, 3, 6, 6)
    out = layers.MaxPooling2D(3, strides=2, padding="same", data_format="channels_first")(x)
    ref = layers.MaxPooling2D(3, strides=2, padding="same")(x.permute(0, 2, 3, 1))
    np.testing.assert_allclose(_np(out.permute(0, 2, 3, 1)), _np(ref))


def test_pooling_is_built_at_construction_with_no_weights():
    layer = layers.MaxPool2D()
    assert layer.built
    assert layer.weights == []


def test_pooling_config():
    config = layers.AveragePooling2D(3, padding="same").get_config()
    assert config["pool_size"] == (3, 3)
    assert config["strides"] == (3, 3)
    assert config["padding"] == "same"
    assert config["data_format"] == "channels_last"
    assert layers.AveragePooling2D.from_config(config).get_config() == config


def test_pooling_symbolic_shapes():
    assert tuple(layers.MaxPooling1D(3, strides=2, padding="same")(keras.Input((9, 4))).shape) == (None, 5, 4)
    assert tuple(layers.AveragePooling3D(2)(keras.Input((4, 5, 6, 2))).shape) == (None, 2, 2, 3, 2)


@pytest.mark.parametrize("cls,reduce", [(layers.GlobalMaxPooling2D, np.max), (layers.GlobalAveragePooling2D, np.mean)])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_global_pooling_2d(cls, reduce, data_format, keepdims):
    x = np.random.default_rng(2).standard_normal((2, 3, 4, 5)).astype("float32")
    axes = (1, 2) if data_format == "channels_last" else (2, 3)
    out = _np(cls(data_format=data_format, keepdims=keepdims)(x))
    np.testing.assert_allclose(out, reduce(x, axis=axes, keepdims=keepdims), atol=1e-6)


def test_global_pooling_1d_and_3d():
    x = np.random.default_rng(3).standard_normal((2, 3, 4, 5, 6)).astype("float32")
    np.testing.assert_allclose(_np(layers.GlobalMaxPooling3D()(x)), x.max(axis=(1, 2, 3)))
    np.testing.assert_allclose(_np(layers.GlobalAveragePooling3D()(x)), x.mean(axis=(1, 2, 3)), atol=1e-6)
    y = x[:, :, :, 0, 0]
    np.testing.assert_allclose(_np(layers.GlobalMaxPooling1D(data_format="channels_first")(y)), y.max(axis=2))


def test_global_average_pooling1d_mask_excludes_masked_steps():
    x = torch.tensor([[[1.0, 10.0], [3.0, 30.0], [100.0, 100.0]]])
    mask = torch.tensor([[True, True, False]])
    out = layers.GlobalAveragePooling1D()(x, mask=mask)
    np.testing.assert_allclose(_np(out), [[2.0, 20.0]])
    cf = layers.GlobalAveragePooling1D(data_format="channels_first", keepdims=True)
    np.testing.assert_allclose(_np(cf(x.permute(0, 2, 1), mask=mask)), [[[2.0], [20.0]]])


def test_global_average_pooling1d_consumes_the_mask():
    x = torch.ones(2, 3, 4)
    x._keras_mask = torch.tensor([[True, False, True], [True, True, True]])
    out = layers.GlobalAveragePooling1D()(x)
    assert getattr(out, "_keras_mask", None) is None
    assert layers.GlobalAveragePooling1D().supports_masking


def test_global_pooling_config_and_shapes():
    layer = layers.GlobalAvgPool2D(data_format="channels_first", keepdims=True)
    config = layer.get_config()
    assert config["data_format"] == "channels_first"
    assert config["keepdims"] is True
    assert tuple(layer(keras.Input((3, 4, 5))).shape) == (None, 3, 1, 1)
    assert tuple(layers.GlobalMaxPool1D()(keras.Input((7, 2))).shape) == (None, 2)


def test_aliases():
    assert layers.MaxPool1D is layers.MaxPooling1D
    assert layers.AvgPool3D is layers.AveragePooling3D
    assert layers.GlobalAvgPool1D is layers.GlobalAveragePooling1D
    assert layers.GlobalMaxPool3D is layers.GlobalMaxPooling3D


def test_wrong_rank_is_rejected():
    with pytest.raises(ValueError):
        layers.MaxPooling2D()(torch.zeros(2, 4, 3))

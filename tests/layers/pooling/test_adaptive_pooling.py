"""Adaptive{Average,Max}Pooling{1,2,3}D: numpy references, layouts, shapes, argument checks, config."""

import math

import numpy as np
import pytest

import kerasbridge as keras
from kerasbridge import layers


@pytest.fixture(autouse=True)
def fresh_names():
    keras.utils.clear_session(free_memory=False)
    yield


def _np(x):
    return x.detach().cpu().numpy()


def _windows(length, size):
    """Adaptive pooling bounds: cell i covers [floor(i * n / m), ceil((i + 1) * n / m))."""
    return [(math.floor(i * length / size), math.ceil((i + 1) * length / size)) for i in range(size)]


def _adaptive1d_reference(x, size, reduce):
    """channels_last x (b, n, c) -> (b, size, c)."""
    return np.stack([reduce(x[:, lo:hi], axis=1) for lo, hi in _windows(x.shape[1], size)], axis=1)


@pytest.mark.parametrize("length, size", [(9, 4), (10, 5), (4, 6), (7, 1), (5, 5)])
@pytest.mark.parametrize("mode", ["average", "max"])
def test_adaptive_pooling1d_matches_numpy_reference(length, size, mode):
    x = np.random.default_rng(length * size).standard_normal((2, length, 3)).astype("float32")
    layer_cls = layers.AdaptiveAveragePooling1D if mode == "average" else layers.AdaptiveMaxPooling1D
    reduce = np.mean if mode == "average" else np.max
    np.testing.assert_allclose(_np(layer_cls(size)(x)), _adaptive1d_reference(x, size, reduce), atol=1e-6)


def test_adaptive_pooling2d_matches_numpy_reference():
    x = np.random.default_rng(0).standard_normal((2, 7, 5, 3)).astype("float32")
    out = _np(layers.AdaptiveMaxPooling2D((3, 2))(x))
    rows, cols = _windows(7, 3), _windows(5, 2)
    expected = np.array([[x[:, r0:r1, c0:c1].max(axis=(1, 2)) for c0, c1 in cols] for r0, r1 in rows])
    np.testing.assert_allclose(out, expected.transpose(2, 0, 1, 3), atol=1e-6)


@pytest.mark.parametrize("layer_cls, shape", [
    (layers.AdaptiveAveragePooling1D, (2, 9, 3)),
    (layers.AdaptiveMaxPooling1D, (2, 9, 3)),
    (layers.AdaptiveAveragePooling2D, (2, 7, 8, 3)),
    (layers.AdaptiveMaxPooling2D, (2, 7, 8, 3)),
    (layers.AdaptiveAveragePooling3D, (2, 5, 4, 6, 3)),
    (layers.AdaptiveMaxPooling3D, (2, 5, 4, 6, 3)),
])
def test_channels_first_equals_channels_last(layer_cls, shape):
    x = np.random.default_rng(1).standard_normal(shape).astype("float32")
    rank = len(shape) - 2
    to_first = (0, rank + 1) + tuple(range(1, rank + 1))
    to_last = (0,) + tuple(range(2, rank + 2)) + (1,)
    last = _np(layer_cls(3)(x))
    first = _np(layer_cls(3, data_format="channels_first")(x.transpose(to_first)))
    np.testing.assert_allclose(first.transpose(to_last), last, atol=1e-6)
    assert last.shape == (2,) + (3,) * rank + (3,)


def test_output_shape_and_symbolic_call():
    layer = layers.AdaptiveAveragePooling2D((4, 2), data_format="channels_first")
    assert layer.compute_output_shape((None, 5, 9, 9)) == (None, 5, 4, 2)
    out = layers.AdaptiveMaxPooling3D(2)(keras.Input(shape=(6, 5, 4, 3)))
    assert tuple(out.shape) == (None, 2, 2, 2, 3)


@pytest.mark.parametrize("layer_cls, size, expected", [
    (layers.AdaptiveAveragePooling1D, 3, (3,)),
    (layers.AdaptiveMaxPooling1D, [4], (4,)),
    (layers.AdaptiveAveragePooling2D, 2, (2, 2)),
    (layers.AdaptiveMaxPooling2D, [2, 5], (2, 5)),
    (layers.AdaptiveAveragePooling3D, 1, (1, 1, 1)),
    (layers.AdaptiveMaxPooling3D, (1, 2, 3), (1, 2, 3)),
])
def test_output_size_is_standardized_and_round_trips(layer_cls, size, expected):
    layer = layer_cls(size)
    config = layer.get_config()
    assert config["output_size"] == expected
    assert config["data_format"] == "channels_last"
    assert layer_cls.from_config(config).get_config() == config


def test_bad_arguments_raise():
    with pytest.raises(ValueError, match="length 1"):
        layers.AdaptiveAveragePooling1D((2, 3))
    with pytest.raises(TypeError, match="output_size"):
        layers.AdaptiveMaxPooling1D("3")
    with pytest.raises(TypeError, match=r"\(height, width\)"):
        layers.AdaptiveAveragePooling2D((1, 2, 3))
    with pytest.raises(TypeError, match=r"\(depth, height, width\)"):
        layers.AdaptiveMaxPooling3D((1, 2))
    with pytest.raises(ValueError, match="data_format"):
        layers.AdaptiveMaxPooling2D(2, data_format="nhwc")

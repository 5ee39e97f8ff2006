"""Differential sweep: Permute, RepeatVector, Cropping*, UpSampling*, ZeroPadding* against Keras 3 (torch backend).

Each case builds the same layer in keras and in kerasbridge and compares outputs, configs, construction state,
symbolic output shapes and mask propagation (none of these layers supports masking, so Keras drops masks).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-6


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


CF = {"data_format": "channels_first"}

# (id, class name, kwargs, input shape[, mask shape])
CASES = [
    ("permute_2d", "Permute", {"dims": (2, 1)}, (2, 3, 4)),
    ("permute_3d", "Permute", {"dims": [3, 1, 2]}, (2, 3, 4, 5)),
    ("permute_masked", "Permute", {"dims": (2, 1)}, (2, 3, 4), (2, 3)),
    ("repeat_vector", "RepeatVector", {"n": 3}, (2, 5)),
    ("cropping1d_default", "Cropping1D", {}, (2, 6, 3)),
    ("cropping1d_int", "Cropping1D", {"cropping": 2}, (2, 7, 3)),
    ("cropping1d_asym", "Cropping1D", {"cropping": (0, 3)}, (2, 7, 3)),
    ("cropping1d_masked", "Cropping1D", {"cropping": (1, 2)}, (2, 7, 3), (2, 7)),
    ("cropping2d_default", "Cropping2D", {}, (2, 4, 5, 3)),
    ("cropping2d_int", "Cropping2D", {"cropping": 1}, (2, 4, 5, 3)),
    ("cropping2d_pair", "Cropping2D", {"cropping": (1, 2)}, (2, 5, 6, 3)),
    ("cropping2d_nested_cf", "Cropping2D", {"cropping": ((0, 2), (1, 0)), **CF}, (2, 3, 5, 6)),
    ("cropping3d_default", "Cropping3D", {}, (2, 4, 5, 6, 2)),
    ("cropping3d_nested", "Cropping3D", {"cropping": ((0, 1), (2, 0), (1, 1))}, (2, 4, 5, 6, 2)),
    ("cropping3d_int_cf", "Cropping3D", {"cropping": 1, **CF}, (2, 2, 4, 5, 6)),
    ("upsampling1d_default", "UpSampling1D", {}, (2, 4, 3)),
    ("upsampling1d_3", "UpSampling1D", {"size": 3}, (2, 4, 3)),
    ("upsampling2d_default", "UpSampling2D", {}, (2, 3, 4, 2)),
    ("upsampling2d_rect_cf", "UpSampling2D", {"size": (2, 3), **CF}, (2, 2, 3, 4)),
    ("upsampling2d_bilinear", "UpSampling2D", {"size": (2, 3), "interpolation": "bilinear"}, (2, 3, 4, 2)),
    ("upsampling2d_bilinear_cf", "UpSampling2D", {"size": 3, "interpolation": "Bilinear", **CF}, (2, 2, 4, 3)),
    ("upsampling2d_nearest_upper", "UpSampling2D", {"size": 2, "interpolation": "NEAREST"}, (2, 3, 3, 1)),
    ("upsampling3d_default", "UpSampling3D", {}, (2, 2, 3, 2, 2)),
    ("upsampling3d_rect_cf", "UpSampling3D", {"size": (1, 2, 3), **CF}, (2, 2, 2, 3, 2)),
    ("zeropad1d_default", "ZeroPadding1D", {}, (2, 4, 3)),
    ("zeropad1d_asym", "ZeroPadding1D", {"padding": (0, 2)}, (2, 4, 3)),
    ("zeropad1d_cf", "ZeroPadding1D", {"padding": (2, 1), **CF}, (2, 3, 4)),
    ("zeropad1d_masked", "ZeroPadding1D", {"padding": 1}, (2, 4, 3), (2, 4)),
    ("zeropad2d_default", "ZeroPadding2D", {}, (2, 3, 4, 2)),
    ("zeropad2d_int", "ZeroPadding2D", {"padding": 2}, (2, 3, 4, 2)),
    ("zeropad2d_nested_cf", "ZeroPadding2D", {"padding": ((0, 1), (2, 3)), **CF}, (2, 2, 3, 4)),
    ("zeropad3d_default", "ZeroPadding3D", {}, (2, 2, 3, 2, 2)),
    ("zeropad3d_nested_cf", "ZeroPadding3D", {"padding": ((1, 0), (0, 2), 1), **CF}, (2, 2, 2, 3, 2)),
    ("zeropad3d_triple", "ZeroPadding3D", {"padding": (1, 2, 0)}, (2, 2, 3, 2, 2)),
]
IDS = [c[0] for c in CASES]


def _inputs(case, seed):
    rng = np.random.default_rng(seed)
    value = rng.standard_normal(case[3]).astype("float32")
    mask = rng.integers(0, 2, size=case[4]).astype(bool) if len(case) > 4 else None

    def make():
        tensor = torch.from_numpy(value.copy()).to(kb.backend.get_device())
        if mask is not None:
            tensor._keras_mask = torch.from_numpy(mask.copy()).to(tensor.device)
        return tensor

    return make


def _build_pair(class_name, kwargs):
    return getattr(keras.layers, class_name)(**kwargs), getattr(kb.layers, class_name)(**kwargs)


def _run_pair(case, seed=0):
    k_layer, b_layer = _build_pair(case[1], case[2])
    make = _inputs(case, seed)
    with pytest.warns(UserWarning) if len(case) > 4 else _nullcontext():
        k_out = k_layer(make())
    b_out = b_layer(make())
    return k_layer, b_layer, k_out, b_out


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _np(x):
    return x.detach().cpu().numpy()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_outputs_match(case):
    _, _, k_out, b_out = _run_pair(case, seed=len(case[0]))
    assert isinstance(b_out, torch.Tensor)
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype
    np.testing.assert_allclose(_np(b_out), _np(k_out), atol=ATOL, rtol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_masks_match(case):
    _, _, k_out, b_out = _run_pair(case, seed=1)
    k_mask = getattr(k_out, "_keras_mask", None)
    b_mask = getattr(b_out, "_keras_mask", None)
    assert (b_mask is None) == (k_mask is None)
    if k_mask is not None:
        np.testing.assert_array_equal(_np(b_mask), _np(k_mask))


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_matches(case):
    k_layer, b_layer, _, _ = _run_pair(case)
    assert b_layer.name == k_layer.name
    assert b_layer.get_config() == k_layer.get_config()
    assert b_layer.built == k_layer.built
    assert b_layer.weights == [] and k_layer.weights == []


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_state_at_construction_matches(case):
    k_layer, b_layer = _build_pair(case[1], case[2])
    assert b_layer.built == k_layer.built
    assert b_layer.supports_masking == k_layer.supports_masking
    assert repr(b_layer.input_spec) == repr(k_layer.input_spec)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_config_round_trip_matches_keras(case):
    k_layer, b_layer = _build_pair(case[1], case[2])
    b_again = type(b_layer).from_config(b_layer.get_config())
    assert b_again.get_config() == type(k_layer).from_config(k_layer.get_config()).get_config()
    assert type(b_layer).from_config(k_layer.get_config()).get_config() == k_layer.get_config()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_symbolic_output_shape_matches(case):
    shape = (None,) + tuple(case[3][1:])
    k_layer, b_layer = _build_pair(case[1], case[2])
    k_out = k_layer(keras.Input(batch_shape=shape))
    b_out = b_layer(kb.Input(batch_shape=shape))
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype
    assert tuple(b_layer.compute_output_shape(shape)) == tuple(k_layer.compute_output_shape(shape))


@pytest.mark.parametrize("case", [c for c in CASES if c[1] != "RepeatVector"], ids=lambda c: c[0])
def test_symbolic_dynamic_spatial_shape_matches(case):
    shape = (None,) + tuple(None if i < len(case[3]) - 2 else d for i, d in enumerate(case[3][1:]))
    k_layer, b_layer = _build_pair(case[1], case[2])
    k_out = k_layer(keras.Input(batch_shape=shape))
    b_out = b_layer(kb.Input(batch_shape=shape))
    assert tuple(b_out.shape) == tuple(k_out.shape)


@pytest.mark.parametrize("dtype", ["int32", "float64", "bool"])
@pytest.mark.parametrize("class_name,kwargs", [("ZeroPadding2D", {"padding": 1}), ("UpSampling2D", {}),
                                               ("Cropping2D", {"cropping": 1}), ("Permute", {"dims": (3, 1, 2)})])
def test_non_float32_inputs_match(class_name, kwargs, dtype):
    value = (np.arange(2 * 3 * 4 * 2) % 3).reshape(2, 3, 4, 2).astype(dtype)
    k_layer, b_layer = _build_pair(class_name, {**kwargs, "dtype": dtype})
    k_out = k_layer(torch.from_numpy(value.copy()))
    b_out = b_layer(torch.from_numpy(value.copy()))
    assert b_out.dtype == k_out.dtype
    np.testing.assert_array_equal(_np(b_out), _np(k_out))

"""Differential sweep: normalization layers against Keras 3 (torch backend).

Each case builds the layer in keras and in kerasbridge, copies keras's weights over, and compares
outputs (training and inference), moving statistics after training calls, weight paths, configs
and the frozen (`trainable=False`) behaviour.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5
STAT_ATOL = 1e-6


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


# (class name, kwargs, input shape, mask shape or None)
CASES = [
    ("BatchNormalization", {}, (8, 5), None),
    ("BatchNormalization", {"momentum": 0.9, "epsilon": 1e-5}, (4, 6, 3), None),
    ("BatchNormalization", {"axis": 1}, (4, 3, 5, 5), None),
    ("BatchNormalization", {"center": False}, (6, 4), None),
    ("BatchNormalization", {"scale": False, "gamma_initializer": "zeros"}, (6, 4), None),
    ("BatchNormalization", {"moving_variance_initializer": "zeros", "moving_mean_initializer": "ones"},
     (6, 4), None),
    ("BatchNormalization", {}, (3, 7, 4), (3, 7)),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 2.0, "rmin": 0.5, "dmax": 1.0},
                            "renorm_momentum": 0.8, "momentum": 0.9}, (8, 3), None),
    ("LayerNormalization", {}, (4, 6), None),
    ("LayerNormalization", {"axis": [1, 2]}, (3, 4, 5), None),
    ("LayerNormalization", {"axis": [-1, 1]}, (3, 4, 2, 5), None),
    ("LayerNormalization", {"center": False, "scale": False, "epsilon": 1e-6}, (4, 6), None),
    ("LayerNormalization", {"rms_scaling": True}, (4, 6), None),
    ("GroupNormalization", {"groups": 2}, (3, 5, 4), None),
    ("GroupNormalization", {"groups": -1}, (3, 5, 4), None),
    ("GroupNormalization", {"groups": 3, "axis": 1}, (2, 6, 4, 4), None),
    ("GroupNormalization", {"groups": 1, "center": False}, (2, 3, 6), None),
    ("RMSNormalization", {}, (4, 6), None),
    ("RMSNormalization", {"axis": [1, 2], "epsilon": 1e-3}, (3, 4, 5), None),
    ("UnitNormalization", {}, (4, 6), None),
    ("UnitNormalization", {"axis": [1, 2]}, (3, 4, 5), None),
]


def _ids(case):
    return f"{case[0]}-{case[1]}-{case[2]}"


def _pair(name, kwargs, shape):
    k_layer = getattr(keras.layers, name)(**kwargs)
    b_layer = getattr(kb.layers, name)(**kwargs)
    k_layer.build(shape)
    b_layer.build(shape)
    rng = np.random.default_rng(1)
    weights = [rng.uniform(0.5, 1.5, size=w.shape).astype("float32") for w in k_layer.get_weights()]
    k_layer.set_weights(weights)
    b_layer.set_weights(weights)
    return k_layer, b_layer


def _data(shape, mask_shape, seed):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 2.0 + 0.5).astype("float32")
    mask = rng.integers(0, 2, size=mask_shape).astype(bool) if mask_shape is not None else None
    if mask is not None:
        mask.reshape(-1)[0] = True
    return x, mask


def _calls(k_layer, b_layer, x, mask, training):
    device = kb.backend.get_device()
    kw_k, kw_b = {}, {}
    if mask is not None:
        kw_k["mask"] = torch.from_numpy(mask).to(device)
        kw_b["mask"] = torch.from_numpy(mask).to(device)
    if training is not None:
        kw_k["training"] = kw_b["training"] = training
    k_out = k_layer(torch.from_numpy(x).to(device), **kw_k)
    b_out = b_layer(torch.from_numpy(x).to(device), **kw_b)
    return keras.ops.convert_to_numpy(k_out), b_out.detach().cpu().numpy()


def _accepts_training(name):
    return name == "BatchNormalization"


@pytest.mark.parametrize("case", CASES, ids=_ids)
@pytest.mark.parametrize("training", [True, False])
def test_outputs_match(case, training):
    name, kwargs, shape, mask_shape = case
    k_layer, b_layer = _pair(name, kwargs, shape)
    x, mask = _data(shape, mask_shape, 0)
    k_out, b_out = _calls(k_layer, b_layer, x, mask, training if _accepts_training(name) else None)
    assert b_out.shape == k_out.shape
    np.testing.assert_allclose(b_out, k_out, atol=ATOL, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_state_after_three_training_calls(case):
    name, kwargs, shape, mask_shape = case
    k_layer, b_layer = _pair(name, kwargs, shape)
    for seed in range(3):
        x, mask = _data(shape, mask_shape, 10 + seed)
        _calls(k_layer, b_layer, x, mask, True if _accepts_training(name) else None)
    for kw, bw in zip(k_layer.weights, b_layer.weights, strict=True):
        np.testing.assert_allclose(bw.numpy(), keras.ops.convert_to_numpy(kw), atol=STAT_ATOL, rtol=1e-6,
                                   err_msg=kw.path)
    # and inference afterwards uses the same moving statistics
    x, mask = _data(shape, mask_shape, 99)
    k_out, b_out = _calls(k_layer, b_layer, x, mask, False if _accepts_training(name) else None)
    np.testing.assert_allclose(b_out, k_out, atol=ATOL, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_weight_paths_and_config(case):
    name, kwargs, shape, _ = case
    k_layer, b_layer = _pair(name, kwargs, shape)
    assert [w.path for w in b_layer.weights] == [w.path for w in k_layer.weights]
    assert [w.trainable for w in b_layer.weights] == [w.trainable for w in k_layer.weights]
    assert [tuple(w.shape) for w in b_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert b_layer.get_config() == k_layer.get_config()


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_config_before_build(case):
    name, kwargs, _, _ = case
    assert getattr(kb.layers, name)(**kwargs).get_config() == getattr(keras.layers, name)(**kwargs).get_config()


@pytest.mark.parametrize("case", [c for c in CASES if c[0] == "BatchNormalization"], ids=_ids)
def test_frozen_batch_norm_uses_and_keeps_moving_stats(case):
    name, kwargs, shape, mask_shape = case
    k_layer, b_layer = _pair(name, kwargs, shape)
    k_layer.trainable = False
    b_layer.trainable = False
    before = [w.numpy().copy() for w in b_layer.weights]
    x, mask = _data(shape, mask_shape, 5)
    k_out, b_out = _calls(k_layer, b_layer, x, mask, True)
    np.testing.assert_allclose(b_out, k_out, atol=ATOL, rtol=1e-5)
    for b, after in zip(before, b_layer.weights, strict=True):
        np.testing.assert_array_equal(after.numpy(), b)
    for kw, bw in zip(k_layer.weights, b_layer.weights, strict=True):
        np.testing.assert_allclose(bw.numpy(), keras.ops.convert_to_numpy(kw), atol=STAT_ATOL)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_symbolic_output_shape(case):
    name, kwargs, shape, _ = case
    k_out = getattr(keras.layers, name)(**kwargs)(keras.Input(batch_shape=(None, *shape[1:])))
    b_out = getattr(kb.layers, name)(**kwargs)(kb.Input(batch_shape=(None, *shape[1:])))
    assert tuple(b_out.shape) == tuple(k_out.shape)

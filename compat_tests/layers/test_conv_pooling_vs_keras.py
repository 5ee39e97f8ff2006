"""Differential sweep: convolution and pooling layers against Keras 3 (torch backend).

Each case builds the same layer in keras and in kerasbridge, copies keras's weights over with
`get_weights()`/`set_weights()`, and compares outputs, weights, configs and symbolic output shapes.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


CF = {"data_format": "channels_first"}

# (id, class name, kwargs, input shape[, mask shape])
# Average pooling with "same" padding is compared only where the padding is symmetric: for an odd
# total pad, keras's torch backend replicate-pads the edge (counting the copies in the average),
# while kerasbridge.ops.average_pool excludes padded cells as Keras's TF/JAX backends do.
CASES = [
    ("conv1d", "Conv1D", {"filters": 4, "kernel_size": 3}, (2, 9, 3)),
    ("conv1d_same_s2", "Conv1D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 10, 3)),
    ("conv1d_causal", "Conv1D", {"filters": 2, "kernel_size": 3, "padding": "causal"}, (2, 8, 3)),
    ("conv1d_causal_dil", "Conv1D", {"filters": 2, "kernel_size": 2, "padding": "causal", "dilation_rate": 3},
     (2, 8, 3)),
    ("conv1d_cf", "Conv1D", {"filters": 3, "kernel_size": 2, "padding": "same", **CF}, (2, 4, 7)),
    ("conv1d_groups", "Conv1D", {"filters": 6, "kernel_size": 3, "groups": 2}, (2, 9, 4)),
    ("conv2d", "Conv2D", {"filters": 4, "kernel_size": 3}, (2, 7, 6, 3)),
    ("conv2d_same_s2", "Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same"}, (2, 7, 8, 3)),
    ("conv2d_same_s2_k4", "Conv2D", {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "SAME"},
     (2, 9, 8, 2)),
    ("conv2d_dilation", "Conv2D", {"filters": 3, "kernel_size": (3, 2), "dilation_rate": (2, 1)}, (2, 9, 8, 2)),
    ("conv2d_dilation_same", "Conv2D", {"filters": 3, "kernel_size": 3, "dilation_rate": 2, "padding": "same"},
     (2, 9, 8, 2)),
    ("conv2d_groups", "Conv2D", {"filters": 6, "kernel_size": 3, "groups": 3, "activation": "relu"}, (2, 6, 6, 6)),
    ("conv2d_cf", "Conv2D", {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", **CF}, (2, 3, 7, 8)),
    ("conv2d_cf_groups", "Conv2D", {"filters": 4, "kernel_size": 2, "groups": 2, **CF}, (2, 4, 5, 5)),
    ("conv2d_nobias_tanh", "Conv2D", {"filters": 2, "kernel_size": 1, "use_bias": False, "activation": "tanh"},
     (2, 4, 4, 3)),
    ("conv2d_regularized", "Conv2D",
     {"filters": 2, "kernel_size": 2, "kernel_regularizer": "l2", "bias_regularizer": "l1",
      "activity_regularizer": "l1", "kernel_initializer": "he_normal", "bias_initializer": "ones",
      "kernel_constraint": "max_norm", "bias_constraint": "non_neg"}, (2, 4, 4, 3)),
    ("conv2d_strides_rect", "Conv2D", {"filters": 2, "kernel_size": (2, 3), "strides": (1, 2)}, (2, 6, 9, 2)),
    ("convolution2d_alias", "Convolution2D", {"filters": 2, "kernel_size": 3}, (2, 5, 5, 1)),
    ("conv3d", "Conv3D", {"filters": 2, "kernel_size": 2}, (2, 4, 5, 4, 3)),
    ("conv3d_same_s2", "Conv3D", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same"},
     (2, 5, 6, 5, 2)),
    ("conv3d_cf", "Conv3D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, **CF}, (2, 2, 5, 5, 5)),
    ("conv3d_groups", "Conv3D", {"filters": 4, "kernel_size": 2, "groups": 2}, (2, 3, 3, 3, 4)),
    ("maxpool1d", "MaxPooling1D", {}, (2, 9, 3)),
    ("maxpool1d_same", "MaxPool1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 8, 3)),
    ("maxpool1d_cf", "MaxPooling1D", {"pool_size": 2, **CF}, (2, 3, 8)),
    ("avgpool1d", "AveragePooling1D", {"pool_size": 3}, (2, 9, 3)),
    ("avgpool1d_same", "AvgPool1D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 9, 3)),
    ("maxpool2d", "MaxPooling2D", {}, (2, 7, 6, 3)),
    ("maxpool2d_same", "MaxPool2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 8, 2)),
    ("maxpool2d_cf", "MaxPooling2D", {"pool_size": (2, 3), "strides": 1, **CF}, (2, 3, 6, 6)),
    ("avgpool2d", "AveragePooling2D", {"pool_size": 2}, (2, 6, 6, 3)),
    ("avgpool2d_same", "AvgPool2D", {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 9, 2)),
    ("avgpool2d_cf_same", "AveragePooling2D", {"pool_size": 3, "strides": 1, "padding": "same", **CF}, (2, 2, 5, 5)),
    ("maxpool3d", "MaxPooling3D", {}, (2, 4, 5, 4, 2)),
    ("maxpool3d_same", "MaxPool3D", {"pool_size": 2, "strides": 2, "padding": "same"}, (2, 5, 5, 3, 2)),
    ("avgpool3d", "AveragePooling3D", {"pool_size": 2}, (2, 4, 4, 4, 2)),
    ("avgpool3d_same_cf", "AvgPool3D", {"pool_size": 3, "strides": 2, "padding": "same", **CF}, (2, 2, 5, 5, 7)),
    ("gmax1d", "GlobalMaxPooling1D", {}, (2, 5, 3)),
    ("gmax1d_keep_cf", "GlobalMaxPool1D", {"keepdims": True, **CF}, (2, 3, 5)),
    ("gavg1d", "GlobalAveragePooling1D", {}, (2, 5, 3)),
    ("gavg1d_keep", "GlobalAvgPool1D", {"keepdims": True}, (2, 5, 3)),
    ("gavg1d_masked", "GlobalAveragePooling1D", {}, (2, 6, 3), (2, 6)),
    ("gavg1d_masked_cf_keep", "GlobalAveragePooling1D", {"keepdims": True, **CF}, (2, 3, 6), (2, 6)),
    ("gmax2d", "GlobalMaxPooling2D", {}, (2, 4, 5, 3)),
    ("gmax2d_cf_keep", "GlobalMaxPool2D", {"keepdims": True, **CF}, (2, 3, 4, 5)),
    ("gavg2d", "GlobalAveragePooling2D", {}, (2, 4, 5, 3)),
    ("gavg2d_cf", "GlobalAvgPool2D", CF, (2, 3, 4, 5)),
    ("gmax3d", "GlobalMaxPooling3D", {"keepdims": True}, (2, 3, 4, 2, 3)),
    ("gavg3d", "GlobalAveragePooling3D", {}, (2, 3, 4, 2, 3)),
    ("gavg3d_cf_keep", "GlobalAvgPool3D", {"keepdims": True, **CF}, (2, 3, 3, 4, 2)),
]
IDS = [c[0] for c in CASES]


def _inputs(case, seed):
    rng = np.random.default_rng(seed)
    value = rng.standard_normal(case[3]).astype("float32")
    mask = rng.integers(0, 2, size=case[4]).astype(bool) if len(case) > 4 else None
    if mask is not None:
        mask[:, 0] = True  # at least one unmasked step per row

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
    k_out = k_layer(make())
    if k_layer.weights:
        b_layer(make())
        b_layer.set_weights(k_layer.get_weights())
    b_out = b_layer(make())
    return k_layer, b_layer, k_out, b_out


def _np(x):
    return x.detach().cpu().numpy()


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_outputs_match(case):
    _, _, k_out, b_out = _run_pair(case, seed=len(case[0]))
    assert isinstance(b_out, torch.Tensor)
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype
    np.testing.assert_allclose(_np(b_out), _np(k_out), atol=ATOL, rtol=1e-5)
    assert getattr(b_out, "_keras_mask", None) is None
    assert getattr(k_out, "_keras_mask", None) is None


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weights_and_config_match(case):
    k_layer, b_layer, _, _ = _run_pair(case)
    assert b_layer.name == k_layer.name
    assert [w.path for w in b_layer.weights] == [w.path for w in k_layer.weights]
    assert [tuple(w.shape) for w in b_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert [w.trainable for w in b_layer.weights] == [w.trainable for w in k_layer.weights]
    assert b_layer.get_config() == k_layer.get_config()
    assert b_layer.built == k_layer.built


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
def test_regularization_losses_match(case):
    k_layer, b_layer, _, _ = _run_pair(case, seed=5)
    k_losses = [float(_np(loss)) for loss in k_layer.losses]
    b_losses = [float(_np(loss)) for loss in b_layer.losses]
    np.testing.assert_allclose(b_losses, k_losses, rtol=1e-5, atol=ATOL)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_symbolic_output_shape_matches(case):
    shape = (None,) + tuple(case[3][1:])
    k_layer, b_layer = _build_pair(case[1], case[2])
    k_out = k_layer(keras.Input(batch_shape=shape))
    b_out = b_layer(kb.Input(batch_shape=shape))
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype
    assert tuple(b_layer.compute_output_shape(shape)) == tuple(k_layer.compute_output_shape(shape))

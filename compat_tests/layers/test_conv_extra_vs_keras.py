"""Differential sweep: transposed, depthwise and separable convolutions, adaptive pooling and
SpectralNormalization against Keras 3 (torch backend).

Each case builds the same layer in keras and in kerasbridge, copies keras's weights over with
`get_weights()`/`set_weights()`, and compares outputs, weights, configs and output shapes.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5
CF = {"data_format": "channels_first"}


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.backend.clear_session(free_memory=False)
    kb.backend.clear_session(free_memory=False)
    yield


def _transpose_cases():
    cases = []
    # Kernels smaller than, equal to and larger than the stride, with every legal output_padding.
    for stride, kernels in ((1, (3,)), (2, (2, 3)), (3, (2, 4))):
        for padding in ("valid", "same"):
            for kernel in kernels:
                extras = [None] + list(range(stride))
                for extra in extras:
                    tag = f"s{stride}_{padding}_k{kernel}_op{extra}"
                    kwargs = {"filters": 3, "kernel_size": kernel, "strides": stride, "padding": padding,
                              "output_padding": extra}
                    cases.append((f"conv2dt_{tag}", "Conv2DTranspose", kwargs, (2, 5, 4, 2)))
    cases += [
        ("conv1dt_s2_same", "Conv1DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same"},
         (2, 7, 3)),
        ("conv1dt_dilation", "Conv1DTranspose", {"filters": 2, "kernel_size": 3, "dilation_rate": 2}, (2, 6, 3)),
        ("conv1dt_dilation_same", "Conv1DTranspose",
         {"filters": 2, "kernel_size": 3, "dilation_rate": 3, "padding": "same"}, (2, 7, 2)),
        ("conv1dt_cf_op", "Conv1DTranspose",
         {"filters": 4, "kernel_size": 5, "strides": 3, "output_padding": 2, **CF}, (2, 3, 5)),
        ("convolution1dt_alias", "Convolution1DTranspose", {"filters": 2, "kernel_size": 2}, (2, 5, 1)),
        ("conv2dt_rect", "Conv2DTranspose",
         {"filters": 2, "kernel_size": (2, 3), "strides": (2, 1), "output_padding": (1, 0), "padding": "same"},
         (2, 3, 5, 2)),
        ("conv2dt_dilation_cf", "Conv2DTranspose",
         {"filters": 3, "kernel_size": 3, "dilation_rate": (2, 1), "padding": "same", **CF}, (2, 2, 5, 6)),
        ("conv2dt_cf_s2", "Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, **CF}, (2, 4, 5, 3)),
        ("conv2dt_nobias_relu", "Conv2DTranspose",
         {"filters": 2, "kernel_size": 3, "use_bias": False, "activation": "relu"}, (2, 4, 4, 3)),
        ("conv2dt_regularized", "Conv2DTranspose",
         {"filters": 2, "kernel_size": 2, "kernel_regularizer": "l2", "bias_regularizer": "l1",
          "activity_regularizer": "l1", "bias_initializer": "ones", "kernel_constraint": "max_norm"},
         (2, 4, 4, 3)),
        ("convolution2dt_alias", "Convolution2DTranspose", {"filters": 2, "kernel_size": 3, "strides": 2},
         (2, 3, 3, 1)),
        ("conv3dt", "Conv3DTranspose", {"filters": 2, "kernel_size": 2}, (2, 3, 4, 3, 2)),
        ("conv3dt_same_s2_op", "Conv3DTranspose",
         {"filters": 2, "kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1}, (2, 3, 3, 2, 2)),
        ("conv3dt_cf_s3", "Conv3DTranspose", {"filters": 2, "kernel_size": (2, 3, 1), "strides": 3, **CF},
         (2, 2, 2, 3, 2)),
        ("convolution3dt_alias", "Convolution3DTranspose", {"filters": 1, "kernel_size": 2}, (1, 2, 2, 2, 1)),
    ]
    return cases


DEPTHWISE_SEPARABLE_CASES = [
    ("dw1d", "DepthwiseConv1D", {"kernel_size": 3}, (2, 9, 3)),
    ("dw1d_dm2_same_s2", "DepthwiseConv1D", {"kernel_size": 3, "depth_multiplier": 2, "strides": 2, "padding": "same"},
     (2, 10, 3)),
    ("dw1d_cf_dil", "DepthwiseConv1D", {"kernel_size": 2, "dilation_rate": 3, **CF}, (2, 4, 9)),
    ("dw2d", "DepthwiseConv2D", {"kernel_size": 3}, (2, 7, 6, 3)),
    ("dw2d_dm3_same_s2", "DepthwiseConv2D",
     {"kernel_size": 3, "depth_multiplier": 3, "strides": 2, "padding": "same"}, (2, 7, 8, 2)),
    ("dw2d_s3_valid_odd", "DepthwiseConv2D", {"kernel_size": (3, 2), "strides": 3}, (2, 11, 9, 2)),
    ("dw2d_dilation_same", "DepthwiseConv2D", {"kernel_size": 3, "dilation_rate": 2, "padding": "same"},
     (2, 9, 8, 2)),
    ("dw2d_cf_dm2", "DepthwiseConv2D",
     {"kernel_size": 3, "depth_multiplier": 2, "padding": "same", "strides": 2, **CF}, (2, 3, 7, 8)),
    ("dw2d_nobias_tanh", "DepthwiseConv2D", {"kernel_size": 2, "use_bias": False, "activation": "tanh"},
     (2, 4, 4, 3)),
    ("dw2d_regularized", "DepthwiseConv2D",
     {"kernel_size": 2, "depthwise_regularizer": "l2", "bias_regularizer": "l1", "activity_regularizer": "l2",
      "depthwise_initializer": "he_normal", "bias_initializer": "ones", "depthwise_constraint": "non_neg"},
     (2, 4, 4, 3)),
    ("sep1d", "SeparableConv1D", {"filters": 4, "kernel_size": 3}, (2, 9, 3)),
    ("sep1d_same_s2_dm2", "SeparableConv1D",
     {"filters": 4, "kernel_size": 3, "strides": 2, "padding": "same", "depth_multiplier": 2}, (2, 9, 3)),
    ("sep1d_cf_dil", "SeparableConvolution1D", {"filters": 2, "kernel_size": 2, "dilation_rate": 2, **CF},
     (2, 3, 8)),
    ("sep2d", "SeparableConv2D", {"filters": 4, "kernel_size": 3}, (2, 7, 6, 3)),
    ("sep2d_same_s3", "SeparableConv2D", {"filters": 3, "kernel_size": 3, "strides": 3, "padding": "same"},
     (2, 8, 7, 2)),
    ("sep2d_cf_dm2_relu", "SeparableConv2D",
     {"filters": 5, "kernel_size": (3, 2), "depth_multiplier": 2, "activation": "relu", **CF}, (2, 3, 6, 5)),
    ("sep2d_dilation", "SeparableConvolution2D", {"filters": 2, "kernel_size": 3, "dilation_rate": 2},
     (2, 9, 8, 2)),
    ("sep2d_regularized", "SeparableConv2D",
     {"filters": 2, "kernel_size": 2, "use_bias": False, "depthwise_regularizer": "l1",
      "pointwise_regularizer": "l2", "activity_regularizer": "l1", "pointwise_constraint": "max_norm",
      "pointwise_initializer": "lecun_normal"}, (2, 4, 4, 3)),
]

ADAPTIVE_CASES = [
    ("aavg1d", "AdaptiveAveragePooling1D", {"output_size": 4}, (2, 9, 3)),
    ("aavg1d_tuple_cf", "AdaptiveAveragePooling1D", {"output_size": (5,), **CF}, (2, 3, 7)),
    ("aavg1d_upsample", "AdaptiveAveragePooling1D", {"output_size": 6}, (2, 4, 2)),
    ("aavg2d", "AdaptiveAveragePooling2D", {"output_size": (3, 2)}, (2, 7, 5, 3)),
    ("aavg2d_int_cf", "AdaptiveAveragePooling2D", {"output_size": 3, **CF}, (2, 3, 8, 7)),
    ("aavg3d", "AdaptiveAveragePooling3D", {"output_size": (2, 3, 1)}, (2, 5, 7, 3, 2)),
    ("aavg3d_cf", "AdaptiveAveragePooling3D", {"output_size": 2, **CF}, (2, 2, 5, 4, 3)),
    ("amax1d", "AdaptiveMaxPooling1D", {"output_size": 4, **CF}, (2, 3, 9)),
    ("amax1d_list", "AdaptiveMaxPooling1D", {"output_size": [3]}, (2, 10, 2)),
    ("amax2d", "AdaptiveMaxPooling2D", {"output_size": (4, 3)}, (2, 9, 7, 3)),
    ("amax2d_cf", "AdaptiveMaxPooling2D", {"output_size": 2, **CF}, (2, 3, 5, 5)),
    ("amax3d", "AdaptiveMaxPooling3D", {"output_size": 2}, (2, 5, 4, 3, 2)),
    ("amax3d_cf", "AdaptiveMaxPooling3D", {"output_size": (1, 2, 3), **CF}, (2, 2, 4, 5, 7)),
]

CASES = _transpose_cases() + DEPTHWISE_SEPARABLE_CASES + ADAPTIVE_CASES
IDS = [c[0] for c in CASES]
WEIGHTED = [c for c in CASES if "Adaptive" not in c[1]]


def _build_pair(class_name, kwargs):
    return getattr(keras.layers, class_name)(**kwargs), getattr(kb.layers, class_name)(**kwargs)


def _run_pair(case, seed=0):
    value = np.random.default_rng(seed).standard_normal(case[3]).astype("float32")
    k_layer, b_layer = _build_pair(case[1], case[2])
    k_out = k_layer(torch.from_numpy(value.copy()))
    if k_layer.weights:
        b_layer(torch.from_numpy(value.copy()))
        b_layer.set_weights(k_layer.get_weights())
    b_out = b_layer(torch.from_numpy(value.copy()).to(kb.backend.get_device()))
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


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_weights_config_round_trip_and_construction_state_match(case):
    k_fresh, b_fresh = _build_pair(case[1], case[2])
    assert b_fresh.built == k_fresh.built
    assert b_fresh.supports_masking == k_fresh.supports_masking
    assert repr(b_fresh.input_spec) == repr(k_fresh.input_spec)
    k_layer, b_layer, _, _ = _run_pair(case)
    assert b_layer.name == k_layer.name
    assert [w.path for w in b_layer.weights] == [w.path for w in k_layer.weights]
    assert [tuple(w.shape) for w in b_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert [w.trainable for w in b_layer.weights] == [w.trainable for w in k_layer.weights]
    assert b_layer.get_config() == k_layer.get_config()
    assert b_layer.built == k_layer.built
    assert repr(b_layer.input_spec) == repr(k_layer.input_spec)
    # config round trip, from either library's config
    b_again = type(b_layer).from_config(b_fresh.get_config())
    assert b_again.get_config() == type(k_layer).from_config(k_fresh.get_config()).get_config()
    assert type(b_layer).from_config(k_fresh.get_config()).get_config() == k_fresh.get_config()


@pytest.mark.parametrize("case", WEIGHTED, ids=[c[0] for c in WEIGHTED])
def test_regularization_losses_match(case):
    k_layer, b_layer, _, _ = _run_pair(case, seed=5)
    k_losses = [float(_np(loss)) for loss in k_layer.losses]
    b_losses = [float(_np(loss)) for loss in b_layer.losses]
    np.testing.assert_allclose(b_losses, k_losses, rtol=1e-5, atol=ATOL)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_output_shapes_match(case):
    full = tuple(case[3])
    shape = (None,) + full[1:]
    k_layer, b_layer = _build_pair(case[1], case[2])
    k_out = k_layer(keras.Input(batch_shape=shape))
    b_out = b_layer(kb.Input(batch_shape=shape))
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype
    assert tuple(b_layer.compute_output_shape(shape)) == tuple(k_layer.compute_output_shape(shape))
    assert tuple(b_layer.compute_output_shape(full)) == tuple(k_layer.compute_output_shape(full))


def test_gradients_match_for_a_strided_transposed_convolution():
    case = ("grad", "Conv2DTranspose", {"filters": 3, "kernel_size": 3, "strides": 2, "padding": "same",
                                        "output_padding": 1}, (2, 4, 5, 2))
    k_layer, b_layer, _, _ = _run_pair(case)
    value = np.random.default_rng(3).standard_normal(case[3]).astype("float32")
    grads = []
    for layer in (k_layer, b_layer):
        x = torch.from_numpy(value.copy()).requires_grad_(True)
        out = layer(x)
        (out * out).sum().backward()
        grads.append((_np(x.grad), [_np(w.value.grad) for w in layer.trainable_weights]))
    np.testing.assert_allclose(grads[1][0], grads[0][0], atol=1e-4, rtol=1e-5)
    for b_grad, k_grad in zip(grads[1][1], grads[0][1]):
        np.testing.assert_allclose(b_grad, k_grad, atol=1e-4, rtol=1e-5)


# -- SpectralNormalization ------------------------------------------------------------------------

SPECTRAL_CASES = [
    ("dense", lambda m: m.layers.Dense(5), (3, 4), 1),
    ("dense_3_iterations", lambda m: m.layers.Dense(3, use_bias=False), (4, 6), 3),
    ("conv2d", lambda m: m.layers.Conv2D(3, 2), (2, 5, 5, 3), 2),
    ("conv1d_transpose", lambda m: m.layers.Conv1DTranspose(2, 3, strides=2), (2, 4, 3), 1),
    ("embedding", lambda m: m.layers.Embedding(10, 4), None, 1),
]


def _spectral_pair(case):
    _, make, shape, iterations = case
    rng = np.random.default_rng(7)
    value = rng.integers(0, 10, (3, 6)).astype("int32") if shape is None else rng.standard_normal(shape)
    value = value.astype("int32" if shape is None else "float32")
    k_layer = keras.layers.SpectralNormalization(make(keras), power_iterations=iterations)
    b_layer = kb.layers.SpectralNormalization(make(kb), power_iterations=iterations)
    k_layer(torch.from_numpy(value))
    b_layer(torch.from_numpy(value))
    b_layer.set_weights(k_layer.get_weights())
    return k_layer, b_layer, value


@pytest.mark.parametrize("case", SPECTRAL_CASES, ids=[c[0] for c in SPECTRAL_CASES])
def test_spectral_normalization_outputs_and_vector_u_match(case):
    k_layer, b_layer, value = _spectral_pair(case)
    for training in (False, True, True, False, True):
        k_out = k_layer(torch.from_numpy(value), training=training)
        b_out = b_layer(torch.from_numpy(value), training=training)
        assert b_out.dtype == k_out.dtype
        np.testing.assert_allclose(_np(b_out), _np(k_out), atol=ATOL, rtol=1e-5)
        np.testing.assert_allclose(b_layer.vector_u.numpy(), k_layer.vector_u.numpy(), atol=1e-6)
        np.testing.assert_allclose(b_layer.kernel.numpy(), k_layer.kernel.numpy(), atol=1e-6)


@pytest.mark.parametrize("case", SPECTRAL_CASES, ids=[c[0] for c in SPECTRAL_CASES])
def test_spectral_normalization_weights_and_config_match(case):
    k_layer, b_layer, _ = _spectral_pair(case)
    assert [w.path for w in b_layer.weights] == [w.path for w in k_layer.weights]
    assert [tuple(w.shape) for w in b_layer.weights] == [tuple(w.shape) for w in k_layer.weights]
    assert [w.trainable for w in b_layer.weights] == [w.trainable for w in k_layer.weights]
    assert b_layer.get_config() == k_layer.get_config()
    assert repr(b_layer.input_spec) == repr(k_layer.input_spec)
    again = kb.layers.SpectralNormalization.from_config(k_layer.get_config())
    assert again.get_config() == k_layer.get_config()


def test_spectral_normalization_leaves_an_all_zero_kernel_alone():
    case = SPECTRAL_CASES[0]
    k_layer, b_layer, value = _spectral_pair(case)
    weights = k_layer.get_weights()
    weights[0] = np.zeros_like(weights[0])
    k_layer.set_weights(weights)
    b_layer.set_weights(weights)
    k_out = k_layer(torch.from_numpy(value), training=True)
    b_out = b_layer(torch.from_numpy(value), training=True)
    np.testing.assert_allclose(_np(b_out), _np(k_out), atol=ATOL)
    np.testing.assert_allclose(b_layer.vector_u.numpy(), k_layer.vector_u.numpy(), atol=1e-6)
    assert not np.isnan(b_layer.kernel.numpy()).any()


def test_spectral_normalization_symbolic_shape_matches():
    k_layer = keras.layers.SpectralNormalization(keras.layers.Dense(5))
    b_layer = kb.layers.SpectralNormalization(kb.layers.Dense(5))
    k_out = k_layer(keras.Input(shape=(7, 4)))
    b_out = b_layer(kb.Input(shape=(7, 4)))
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert tuple(b_layer.compute_output_shape((None, 7, 4))) == tuple(k_layer.compute_output_shape((None, 7, 4)))


def test_spectral_normalization_fit_trajectory_matches():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((32, 5)).astype("float32")
    y = rng.standard_normal((32, 1)).astype("float32")

    def make(module):
        model = module.Sequential([
            module.Input((5,)),
            module.layers.SpectralNormalization(module.layers.Dense(4, activation="tanh"), power_iterations=2),
            module.layers.Dense(1),
        ])
        model.compile(optimizer=module.optimizers.SGD(0.1), loss="mse")
        return model

    k_model, b_model = make(keras), make(kb)
    b_model.set_weights(k_model.get_weights())
    k_history = k_model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history
    b_history = b_model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history
    np.testing.assert_allclose(b_history["loss"], k_history["loss"], rtol=1e-5, atol=2e-4)
    for b_weight, k_weight in zip(b_model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(b_weight, k_weight, atol=2e-4)


def test_keras_archives_with_these_layers_load_both_ways(tmp_path):
    x = np.random.default_rng(0).standard_normal((4, 6, 6, 3)).astype("float32")

    def make(module):
        layers = module.layers
        return module.Sequential([
            module.Input((6, 6, 3)),
            layers.SpectralNormalization(layers.Conv2D(4, 3)),
            layers.SeparableConv2D(3, 2, depth_multiplier=2),
            layers.Conv2DTranspose(2, 3, strides=2, padding="same", output_padding=1),
            layers.DepthwiseConv2D(2),
            layers.AdaptiveMaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(1),
        ])

    k_model, b_model = make(keras), make(kb)
    b_model.set_weights(k_model.get_weights())
    expected = k_model.predict(x, verbose=0)
    b_model.save(tmp_path / "bridge.keras")
    k_model.save(tmp_path / "keras.keras")
    from_bridge = keras.models.load_model(tmp_path / "bridge.keras")
    from_keras = kb.models.load_model(tmp_path / "keras.keras")
    np.testing.assert_allclose(from_bridge.predict(x, verbose=0), expected, atol=ATOL)
    np.testing.assert_allclose(from_keras.predict(x, verbose=0), expected, atol=ATOL)

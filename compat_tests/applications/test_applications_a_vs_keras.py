"""Differential tests: model-zoo part A (ResNet, ResNetV2, VGG, MobileNet V1/V2/V3) against Keras 3.

Each case builds the same architecture in keras and in kerasbridge with `weights=None`, compares
layer names, weight paths, shapes and `count_params()`, copies keras's weights over with
`get_weights()`/`set_weights()` and compares outputs on random images. Then keras's weights go
through files: a Keras 3 `.weights.h5` into `load_weights`, and a Keras 2 (legacy, the layout of the
published ImageNet files) `.h5` into the constructor's `weights=` argument.

Inputs are small (32x32 to 40x40; 32x32 for the dynamic-size MobileNetV3Large) and the deepest
networks (ResNet101/152 and their V2, compared headless) run only with KERASBRIDGE_SLOW_TESTS=1.

Tolerance: outputs agree to `ATOL + RTOL·|keras|` with ATOL = RTOL = 1e-4. With random weights
and untrained batch-norm statistics activations grow through 50-150 layers (float32 rounding of
both backends accumulates), so the comparison is relative to the output's magnitude.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge as kb  # noqa: E402
import kerasbridge.applications as kba  # noqa: E402

ATOL = 1e-4
RTOL = 1e-4


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session()
    kb.utils.clear_session(free_memory=False)
    yield


# The deepest networks take 10-20 s each on a loaded 2-core box; they run when KERASBRIDGE_SLOW_TESTS=1.
slow = pytest.mark.skipif(not os.environ.get("KERASBRIDGE_SLOW_TESTS"),
                          reason="deep network (ResNet101/152): set KERASBRIDGE_SLOW_TESTS=1 to run")

# (id, constructor, kwargs, how keras's weights reach kerasbridge: "set_weights" or "weights_h5")
CASES = [
    ("resnet50_top", "ResNet50", {"input_shape": (32, 32, 3), "classes": 7}, "weights_h5"),
    pytest.param("resnet101_avg", "ResNet101", {"input_shape": (32, 32, 3), "include_top": False, "pooling": "avg"},
                 "set_weights", marks=slow),
    pytest.param("resnet152_max", "ResNet152", {"input_shape": (32, 32, 3), "include_top": False, "pooling": "max"},
                 "weights_h5", marks=slow),
    ("resnet50v2_top", "ResNet50V2", {"input_shape": (32, 32, 3), "classes": 5, "classifier_activation": None},
     "set_weights"),
    pytest.param("resnet101v2_notop", "ResNet101V2", {"input_shape": (32, 32, 3), "include_top": False},
                 "set_weights", marks=slow),
    pytest.param("resnet152v2_avg", "ResNet152V2", {"input_shape": (32, 32, 3), "include_top": False,
                                                    "pooling": "avg"}, "set_weights", marks=slow),
    ("vgg16_top", "VGG16", {"input_shape": (32, 32, 3), "classes": 10}, "weights_h5"),
    ("vgg19_avg", "VGG19", {"input_shape": (32, 32, 3), "include_top": False, "pooling": "avg"}, "set_weights"),
    ("mobilenet_top", "MobileNet", {"input_shape": (32, 32, 3), "classes": 6, "alpha": 0.5}, "weights_h5"),
    ("mobilenet_notop_dm2", "MobileNet", {"input_shape": (35, 33, 3), "include_top": False, "depth_multiplier": 2,
                                          "alpha": 0.25}, "set_weights"),
    ("mobilenetv2_top", "MobileNetV2", {"input_shape": (32, 32, 3), "classes": 4, "alpha": 0.35}, "set_weights"),
    ("mobilenetv2_max_odd", "MobileNetV2", {"input_shape": (33, 37, 3), "include_top": False, "pooling": "max",
                                            "alpha": 1.4}, "weights_h5"),
    ("mobilenetv3small_top", "MobileNetV3Small", {"input_shape": (32, 32, 3), "classes": 3}, "weights_h5"),
    ("mobilenetv3small_min", "MobileNetV3Small", {"input_shape": (40, 40, 3), "minimalistic": True,
                                                  "include_top": False, "pooling": "avg", "alpha": 0.75},
     "set_weights"),
    ("mobilenetv3large_dynamic", "MobileNetV3Large", {"classes": 8, "include_preprocessing": False}, "weights_h5"),
]


def _case_id(case):
    return case.values[0] if hasattr(case, "values") else case[0]


def _build_pair(constructor, kwargs):
    k_model = getattr(keras.applications, constructor)(weights=None, **kwargs)
    b_model = getattr(kba, constructor)(weights=None, **kwargs)
    return k_model, b_model


def _images(model, seed=0):
    shape = tuple(32 if d is None else d for d in model.input.shape[1:])
    return np.random.default_rng(seed).uniform(0, 1, size=(1, *shape)).astype("float32")


def _assert_outputs_match(k_model, b_model, x):
    expected = keras.ops.convert_to_numpy(k_model(x, training=False))
    got = kb.ops.convert_to_numpy(b_model(x, training=False))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("case_id, constructor, kwargs, transfer", CASES, ids=[_case_id(c) for c in CASES])
def test_architecture_matches_keras(case_id, constructor, kwargs, transfer, tmp_path):
    k_model, b_model = _build_pair(constructor, kwargs)
    assert b_model.name == k_model.name
    assert [layer.name for layer in b_model.layers] == [layer.name for layer in k_model.layers]
    assert [type(layer).__name__ for layer in b_model.layers] == [type(layer).__name__ for layer in k_model.layers]
    assert [w.path for w in b_model.weights] == [w.path for w in k_model.weights]
    assert [tuple(w.shape) for w in b_model.weights] == [tuple(w.shape) for w in k_model.weights]
    assert b_model.count_params() == k_model.count_params()
    assert len(b_model.trainable_weights) == len(k_model.trainable_weights)
    assert tuple(b_model.output.shape) == tuple(k_model.output.shape)

    if transfer == "weights_h5":
        path = str(tmp_path / "model.weights.h5")
        k_model.save_weights(path)
        b_model.load_weights(path)
        for expected, got in zip(k_model.get_weights(), b_model.get_weights()):
            np.testing.assert_array_equal(got, expected)
    else:
        b_model.set_weights(k_model.get_weights())
    _assert_outputs_match(k_model, b_model, _images(k_model))


def _save_legacy_h5(k_model, path):
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    with h5py.File(path, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, k_model)


LEGACY_CASES = [("mobilenet_notop", "MobileNet", {"input_shape": (32, 32, 3), "include_top": False, "alpha": 0.25}),
                ("mobilenetv3small_top", "MobileNetV3Small", {"input_shape": (32, 32, 3), "alpha": 0.75})]


@pytest.mark.parametrize("case_id, constructor, kwargs", LEGACY_CASES, ids=[c[0] for c in LEGACY_CASES])
def test_legacy_h5_weights_argument_loads_like_keras(case_id, constructor, kwargs, tmp_path):
    # The published ImageNet files are Keras 2 HDF5 files, matched to the layers by order.
    k_model = getattr(keras.applications, constructor)(weights=None, **kwargs)
    path = str(tmp_path / "pretrained_like.h5")
    _save_legacy_h5(k_model, path)
    keras.utils.clear_session()
    k_loaded = getattr(keras.applications, constructor)(weights=path, **kwargs)
    b_loaded = getattr(kba, constructor)(weights=path, **kwargs)
    for expected, got in zip(k_loaded.get_weights(), b_loaded.get_weights()):
        np.testing.assert_array_equal(got, expected)
    _assert_outputs_match(k_loaded, b_loaded, _images(k_loaded, seed=2))


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
@pytest.mark.parametrize("rank", [3, 4])
def test_preprocess_input_matches_keras(mode, data_format, rank):
    shape = (4, 5, 3) if data_format == "channels_last" else (3, 4, 5)
    shape = shape if rank == 3 else (2, *shape)
    x = np.random.default_rng(3).uniform(0, 255, size=shape).astype("float32")
    expected = keras.applications.imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    got_numpy = kba.imagenet_utils.preprocess_input(x.copy(), data_format=data_format, mode=mode)
    np.testing.assert_allclose(got_numpy, expected, rtol=1e-6, atol=1e-5)
    got_tensor = kba.imagenet_utils.preprocess_input(kb.ops.convert_to_tensor(x), data_format=data_format, mode=mode)
    np.testing.assert_allclose(kb.ops.convert_to_numpy(got_tensor), expected, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("module", ["resnet", "resnet50", "resnet_v2", "vgg16", "vgg19", "mobilenet", "mobilenet_v2",
                                    "mobilenet_v3"])
def test_module_preprocess_input_matches_keras(module):
    x = np.random.default_rng(4).uniform(0, 255, size=(2, 4, 4, 3)).astype("float32")
    expected = getattr(keras.applications, module).preprocess_input(x.copy())
    got = getattr(kba, module).preprocess_input(x.copy())
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("kwargs", [
    {"input_shape": (31, 31, 3), "include_top": False},
    {"input_shape": (32, 32), "include_top": False},
    {"input_shape": (None, None, 3), "include_top": True},
    {"weights": "no/such/file.h5"},
])
def test_invalid_arguments_raise_like_keras(kwargs):
    kwargs = {"weights": None, **kwargs}
    with pytest.raises(ValueError) as k_error:
        keras.applications.ResNet50(**kwargs)
    with pytest.raises(ValueError) as b_error:
        kba.ResNet50(**kwargs)
    assert str(b_error.value) == str(k_error.value)

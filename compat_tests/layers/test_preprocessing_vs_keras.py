"""Differential sweep of the numeric and image preprocessing layers against Keras 3 (torch backend).

Normalization, Discretization, Rescaling, Resizing, CenterCrop, CategoryEncoding and the seven
augmentation layers are built in keras and in kerasbridge with the same arguments and compared on
adapted state, outputs (float32 within 1e-5), dtypes, configs and symbolic shapes. Seeded augmentation
layers reproduce Keras's random streams exactly. The string layers (StringLookup, IntegerLookup,
TextVectorization, Hashing) need TensorFlow in Keras 3, which is not installed: they are checked against
Keras's documented outputs in tests/layers/preprocessing/.
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
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)
    yield


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _pair(class_name, kwargs):
    return getattr(keras.layers, class_name)(**kwargs), getattr(kb.layers, class_name)(**kwargs)


def _assert_same(b_out, k_out, atol=ATOL):
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype, (b_out.dtype, k_out.dtype)
    np.testing.assert_allclose(_np(b_out), _np(k_out), atol=atol, rtol=1e-6)


def _same_config(k_layer, b_layer):
    k_config, b_config = dict(k_layer.get_config()), dict(b_layer.get_config())
    k_config.pop("name"), b_config.pop("name")
    assert b_config == k_config
    again = type(b_layer).from_config(b_layer.get_config())
    assert again.get_config() == b_layer.get_config()


RNG = np.random.default_rng(0)
DATA_2D = RNG.standard_normal((20, 3)).astype("float32") * 3 + 1
DATA_4D = RNG.random((3, 5, 6, 2)).astype("float32") * 10


# -- Normalization -------------------------------------------------------------------------
@pytest.mark.parametrize("axis,data", [(-1, DATA_2D), (None, DATA_2D), ((1, 2), DATA_4D), (1, DATA_4D),
                                       (-1, DATA_2D.astype("float64"))], ids=["last", "none", "axes12", "axis1", "f64"])
@pytest.mark.parametrize("source", ["numpy", "tensor", "batches", "generator"])
def test_normalization_adapt_matches(axis, data, source):
    """Iterables need TensorFlow in Keras: kerasbridge's batch-merged moments are compared to Keras's whole-array ones."""
    k_layer, b_layer = _pair("Normalization", {"axis": axis})
    if source == "numpy":
        k_data = b_data = data
    elif source == "tensor":
        k_data = b_data = torch.from_numpy(data)
    elif source == "batches":
        k_data, b_data = data, [data[:2], data[2:]]
    else:
        k_data, b_data = data, (data[i : i + 2] for i in range(0, len(data), 2))
    k_layer.adapt(k_data)
    b_layer.adapt(b_data)
    assert [w.path for w in b_layer.weights] == [w.path for w in k_layer.weights]
    for b_weight, k_weight in zip(b_layer.get_weights(), k_layer.get_weights()):
        assert b_weight.dtype == k_weight.dtype
        np.testing.assert_allclose(b_weight, k_weight, atol=ATOL, rtol=1e-6)
    _assert_same(b_layer(data.astype("float32")), k_layer(data.astype("float32")))
    _same_config(k_layer, b_layer)


@pytest.mark.parametrize("kwargs", [
    {"mean": 2.0, "variance": 4.0},
    {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 0.0]},
    {"mean": [1.0, 2.0, 3.0], "variance": [1.0, 4.0, 9.0], "invert": True},
    {"axis": None, "mean": 0.5, "variance": 2.0, "invert": True},
])
def test_normalization_given_moments_match(kwargs):
    k_layer, b_layer = _pair("Normalization", kwargs)
    _assert_same(b_layer(DATA_2D), k_layer(DATA_2D))
    assert b_layer.weights == [] and k_layer.weights == []
    _same_config(k_layer, b_layer)


def test_normalization_set_weights_and_invert_round_trip():
    k_layer, b_layer = _pair("Normalization", {"invert": True})
    k_layer.adapt(DATA_2D)
    b_layer.build((None, 3))
    b_layer.set_weights(k_layer.get_weights())
    b_layer.finalize_state()
    _assert_same(b_layer(DATA_2D), k_layer(DATA_2D))


# -- Discretization ------------------------------------------------------------------------
@pytest.mark.parametrize("output_mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_boundaries_match(output_mode):
    kwargs = {"bin_boundaries": [-1.0, 0.0, 0.5, 2.0], "output_mode": output_mode}
    k_layer, b_layer = _pair("Discretization", kwargs)
    data = DATA_2D[:6] if output_mode != "one_hot" else DATA_2D[:6, 0]
    _assert_same(b_layer(data), k_layer(data))
    _same_config(k_layer, b_layer)


@pytest.mark.parametrize("num_bins,epsilon", [(4, 0.01), (3, 0.1), (7, 0.001)])
@pytest.mark.parametrize("batched", [False, True])
def test_discretization_adapt_matches(num_bins, epsilon, batched):
    data = RNG.standard_normal((200, 2)).astype("float32")
    k_layer, b_layer = _pair("Discretization", {"num_bins": num_bins, "epsilon": epsilon})
    # Keras's Discretization.adapt() imports TensorFlow; its update_state/finalize_state do not.
    k_layer.reset_state()
    for batch in (data[:70], data[70:]) if batched else (data,):
        k_layer.update_state(batch)
    k_layer.finalize_state()
    b_layer.adapt([data[:70], data[70:]] if batched else data)
    np.testing.assert_allclose(b_layer.bin_boundaries, k_layer.bin_boundaries, atol=ATOL)
    _assert_same(b_layer(data), k_layer(data))
    _same_config(k_layer, b_layer)


# -- Rescaling -----------------------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [{"scale": 1 / 255.0}, {"scale": 2.0, "offset": -1.0},
                                    {"scale": [0.5, 2.0], "offset": [0.1, 0.2]}])
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_rescaling_matches(kwargs, dtype):
    k_layer, b_layer = _pair("Rescaling", kwargs)
    data = DATA_4D.astype(dtype)
    _assert_same(b_layer(data), k_layer(data))
    _same_config(k_layer, b_layer)


# -- Resizing and CenterCrop ---------------------------------------------------------------
@pytest.mark.parametrize("kwargs", [
    {"height": 3, "width": 4},
    {"height": 8, "width": 9, "interpolation": "nearest"},
    {"height": 4, "width": 7, "interpolation": "bicubic"},
    {"height": 2, "width": 5, "crop_to_aspect_ratio": True},
    {"height": 4, "width": 2, "pad_to_aspect_ratio": True, "fill_value": 3.0},
    {"height": 6, "width": 2, "pad_to_aspect_ratio": True},
    {"height": 3, "width": 3, "antialias": True},
    {"height": 4, "width": 3, "data_format": "channels_first"},
], ids=lambda k: "-".join(f"{a}={b}" for a, b in k.items()))
@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_resizing_matches(kwargs, dtype):
    k_layer, b_layer = _pair("Resizing", kwargs)
    data = DATA_4D.astype(dtype)
    _assert_same(b_layer(data), k_layer(data), atol=ATOL if dtype == "float32" else 0)
    _assert_same(b_layer(data[0]), k_layer(data[0]), atol=ATOL if dtype == "float32" else 0)
    _same_config(k_layer, b_layer)


@pytest.mark.parametrize("kwargs", [{"height": 3, "width": 4}, {"height": 5, "width": 6}, {"height": 7, "width": 3},
                                    {"height": 2, "width": 9}, {"height": 2, "width": 1, "data_format": "channels_first"}])
def test_center_crop_matches(kwargs):
    k_layer, b_layer = _pair("CenterCrop", kwargs)
    _assert_same(b_layer(DATA_4D), k_layer(DATA_4D))
    _assert_same(b_layer(DATA_4D[0]), k_layer(DATA_4D[0]))
    _same_config(k_layer, b_layer)


# -- CategoryEncoding ----------------------------------------------------------------------
CATEGORY_CASES = [
    (mode, name, data)
    for name, data in [("rank1", np.array([3, 2, 0, 1])), ("rank2", np.array([[0, 1], [0, 0], [1, 2], [3, 1]])),
                       ("column", np.array([[1], [3], [0]]))]
    for mode in ("one_hot", "multi_hot", "count")
    if not (mode == "one_hot" and name == "rank2")  # Keras one-hot encodes a rank-2 input element-wise to rank 3
]


@pytest.mark.parametrize("output_mode,name,data", CATEGORY_CASES, ids=[f"{c[0]}-{c[1]}" for c in CATEGORY_CASES])
def test_category_encoding_matches(output_mode, name, data):
    k_layer, b_layer = _pair("CategoryEncoding", {"num_tokens": 4, "output_mode": output_mode})
    _assert_same(b_layer(data), k_layer(data))
    _same_config(k_layer, b_layer)


def test_category_encoding_count_weights_match():
    data = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    weights = np.array([[0.1, 0.2], [0.1, 0.1], [0.2, 0.3], [0.4, 0.2]], dtype="float32")
    k_layer, b_layer = _pair("CategoryEncoding", {"num_tokens": 4, "output_mode": "count"})
    _assert_same(b_layer(data, count_weights=weights), k_layer(data, count_weights=weights))


# -- augmentation: Keras's random streams ---------------------------------------------------
AUGMENTATION = [
    ("RandomFlip", {}),
    ("RandomFlip", {"mode": "horizontal"}),
    ("RandomFlip", {"mode": "vertical", "data_format": "channels_first"}),
    ("RandomRotation", {"factor": 0.2}),
    ("RandomRotation", {"factor": (-0.1, 0.3), "fill_mode": "constant", "fill_value": 2.0}),
    ("RandomRotation", {"factor": 0.5, "fill_mode": "wrap", "interpolation": "nearest"}),
    ("RandomZoom", {"height_factor": 0.3}),
    ("RandomZoom", {"height_factor": (-0.3, 0.2), "width_factor": 0.4, "fill_mode": "nearest"}),
    ("RandomTranslation", {"height_factor": 0.2, "width_factor": 0.3}),
    ("RandomTranslation", {"height_factor": (-0.2, 0.1), "width_factor": 0.3, "fill_mode": "constant"}),
    ("RandomCrop", {"height": 3, "width": 4}),
    ("RandomCrop", {"height": 6, "width": 3}),
    ("RandomContrast", {"factor": 0.4, "value_range": (0, 10)}),
    ("RandomBrightness", {"factor": (-0.2, 0.4), "value_range": (0, 10)}),
]


@pytest.mark.parametrize("class_name,kwargs", AUGMENTATION, ids=lambda v: v if isinstance(v, str) else None)
def test_augmentation_matches_seeded_keras(class_name, kwargs):
    k_layer, b_layer = _pair(class_name, {**kwargs, "seed": 11})
    for _ in range(2):
        _assert_same(b_layer(DATA_4D, training=True), k_layer(DATA_4D, training=True))
    _assert_same(b_layer(DATA_4D[0]), k_layer(DATA_4D[0]))
    _assert_same(b_layer(DATA_4D, training=False), k_layer(DATA_4D, training=False))
    _same_config(k_layer, b_layer)


# -- symbolic shapes in models -------------------------------------------------------------
@pytest.mark.parametrize("class_name,kwargs,shape", [
    ("Normalization", {"mean": [1.0, 2.0], "variance": [1.0, 4.0]}, (None, 2)),
    ("Discretization", {"bin_boundaries": [0.0, 1.0], "output_mode": "one_hot"}, (None,)),
    ("Rescaling", {"scale": 0.5}, (None, 5, 6, 2)),
    ("Resizing", {"height": 3, "width": 4}, (None, 5, 6, 2)),
    ("CenterCrop", {"height": 3, "width": 4}, (None, 5, 6, 2)),
    ("CategoryEncoding", {"num_tokens": 5}, (None, 3)),
    ("RandomFlip", {}, (None, 5, 6, 2)),
    ("RandomRotation", {"factor": 0.1}, (None, 5, 6, 2)),
])
def test_symbolic_shapes_match(class_name, kwargs, shape):
    k_layer, b_layer = _pair(class_name, kwargs)
    dtype = "int32" if class_name == "CategoryEncoding" else "float32"
    k_out = k_layer(keras.Input(batch_shape=shape, dtype=dtype))
    b_out = b_layer(kb.Input(batch_shape=shape, dtype=dtype))
    assert tuple(b_out.shape) == tuple(k_out.shape)
    assert b_out.dtype == k_out.dtype


def test_image_pipeline_model_predicts_like_keras():
    """A Sequential preprocessing + Dense model: augmentation is off in predict, outputs match."""
    def build(lib):
        return lib.Sequential([
            lib.Input((5, 6, 2)),
            lib.layers.Rescaling(0.1),
            lib.layers.RandomFlip(seed=1),
            lib.layers.RandomRotation(0.2, seed=2),
            lib.layers.Resizing(4, 4),
            lib.layers.CenterCrop(3, 3),
            lib.layers.Normalization(mean=0.5, variance=0.25),
            lib.layers.Flatten(),
            lib.layers.Dense(2),
        ])

    k_model, b_model = build(keras), build(kb)
    b_model.set_weights(k_model.get_weights())
    np.testing.assert_allclose(b_model.predict(DATA_4D, verbose=0), k_model.predict(DATA_4D, verbose=0), atol=ATOL)


def _saved_pipeline(lib):
    norm = lib.layers.Normalization()
    norm.adapt(DATA_4D)
    return lib.Sequential([
        lib.Input((5, 6, 2)),
        lib.layers.Rescaling(0.5, offset=0.1),
        lib.layers.RandomFlip(seed=1),
        lib.layers.RandomZoom(0.1, seed=2),
        lib.layers.Resizing(4, 4),
        lib.layers.CenterCrop(3, 3),
        norm,
        lib.layers.Discretization(bin_boundaries=[0.0, 1.0]),
        lib.layers.Flatten(),
        lib.layers.Dense(2),
    ])


@pytest.mark.parametrize("direction", ["kerasbridge_to_keras", "keras_to_kerasbridge"])
def test_keras_files_with_preprocessing_layers_load_both_ways(direction, tmp_path):
    writer, reader = (kb, keras) if direction == "kerasbridge_to_keras" else (keras, kb)
    model = _saved_pipeline(writer)
    path = str(tmp_path / "pipeline.keras")
    model.save(path)
    loaded = reader.models.load_model(path)
    np.testing.assert_allclose(_np(loaded.predict(DATA_4D, verbose=0)), _np(model.predict(DATA_4D, verbose=0)),
                               atol=ATOL)


def test_seeded_augmentation_inside_a_model_follows_keras_streams():
    """Building the model symbolically draws no seeds, so training calls reproduce Keras's augmentations."""
    def build(lib):
        return lib.Sequential([
            lib.Input((5, 6, 2)),
            lib.layers.RandomFlip(seed=1),
            lib.layers.RandomRotation(0.2, seed=2),
            lib.layers.RandomTranslation(0.1, 0.2, seed=3),
            lib.layers.RandomContrast(0.3, value_range=(0, 10), seed=4),
        ])

    k_model, b_model = build(keras), build(kb)
    for _ in range(2):
        _assert_same(b_model(DATA_4D, training=True), k_model(DATA_4D, training=True))


@pytest.mark.parametrize("class_name,kwargs,data", [
    ("Rescaling", {"scale": 2.0}, DATA_4D),
    ("Discretization", {"bin_boundaries": [0.5]}, DATA_4D),
    ("CategoryEncoding", {"num_tokens": 3}, np.array([[0, 1]])),
    ("Resizing", {"height": 2, "width": 3}, DATA_4D),
    ("RandomFlip", {}, DATA_4D),
    ("RandomCrop", {"height": 2, "width": 3}, DATA_4D),
    ("RandomRotation", {"factor": 0.1}, DATA_4D),
    ("Normalization", {"mean": 1.0, "variance": 2.0}, DATA_4D),
], ids=lambda v: v if isinstance(v, str) else "")
def test_built_state_and_build_config_match(class_name, kwargs, data):
    k_layer, b_layer = _pair(class_name, kwargs)
    assert b_layer.built == k_layer.built
    k_layer(data)
    b_layer(data)
    assert b_layer.built == k_layer.built
    assert b_layer.get_build_config() == k_layer.get_build_config()

"""Differential sweep: every kerasbridge loss class and function against Keras 3 (torch backend).

For each case the same random `y_true` / `y_pred` go to both libraries, with every reduction,
without and with sample weights (per sample, per sample as a column, per element), with masks
(`_keras_mask` on `y_pred`) and with masks plus weights. Where Keras itself raises for a
combination, kerasbridge is not compared (it may accept more).
"""

import os
import zlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from kerasbridge import losses as kb_losses  # noqa: E402

B, T, F, C = 6, 5, 4, 4
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


def _rng(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


def _onehot(labels, num_classes=C):
    return np.eye(num_classes, dtype="float32")[labels]


def _softmax(x, axis=-1):
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def make_data(kind, rank, rng):
    """`(y_true, y_pred)` as float32/int64 numpy arrays for a data kind; `rank` 2 or 3."""
    lead = (B,) if rank == 2 else (B, T)
    shape = lead + (F,)
    cshape = lead + (C,)
    if kind == "reg":
        return rng.normal(size=shape) * 2, rng.normal(size=shape) * 2
    if kind == "pos":
        return rng.uniform(0, 3, size=shape), rng.uniform(0.01, 3, size=shape)
    if kind == "bin_prob":
        y_pred = rng.uniform(0, 1, size=shape)
        y_pred.flat[:3] = [0.0, 1.0, 1e-9]
        return rng.integers(0, 2, size=shape), y_pred
    if kind == "bin_logits":
        return rng.integers(0, 2, size=shape), rng.normal(size=shape) * 3
    if kind == "hinge_pm":
        return rng.choice([-1.0, 1.0], size=shape), rng.normal(size=shape)
    if kind == "hinge_01":
        return rng.integers(0, 2, size=shape), rng.normal(size=shape)
    if kind == "hinge_other":
        return rng.choice([0.0, 1.0, 2.0], size=shape), rng.normal(size=shape)
    if kind == "onehot_prob":
        y_pred = rng.uniform(0.05, 1, size=cshape)
        y_pred.flat[0] = 0.0
        return _onehot(rng.integers(0, C, size=lead)), y_pred
    if kind == "onehot_logits":
        return _onehot(rng.integers(0, C, size=lead)), rng.normal(size=cshape) * 2
    if kind == "dist":
        return _softmax(rng.normal(size=cshape)), _softmax(rng.normal(size=cshape))
    if kind == "sparse_prob":
        return rng.integers(0, C, size=lead), rng.uniform(0.05, 1, size=cshape)
    if kind == "sparse_col_prob":
        return rng.integers(0, C, size=lead + (1,)), rng.uniform(0.05, 1, size=cshape)
    if kind == "sparse_logits":
        return rng.integers(0, C, size=lead), rng.normal(size=cshape) * 2
    if kind == "sparse_classes_first":
        y_pred = rng.normal(size=(B, C) + lead[1:])
        return rng.integers(0, C, size=lead), y_pred
    if kind == "sparse_ignore":
        labels = rng.integers(0, C, size=lead)
        labels.flat[::3] = -1
        return labels, rng.uniform(0.05, 1, size=cshape)
    if kind == "gce":
        return rng.integers(0, C, size=(B,)), _softmax(rng.normal(size=(B, C)))
    if kind == "seg":
        return rng.integers(0, 2, size=(B, 3, 3, 1)), rng.uniform(0, 1, size=(B, 3, 3, 1))
    if kind == "ctc":
        labels = rng.integers(1, C, size=(B, 3))
        labels[::2, -1] = 0
        return labels, rng.normal(size=(B, 7, C))
    if kind == "circle":
        emb = rng.normal(size=(B, 8))
        labels = rng.integers(0, 2, size=(B,))
        labels[-1] = 7  # a sample without positives
        return labels, emb / np.linalg.norm(emb, axis=-1, keepdims=True)
    raise ValueError(kind)


def _cast(y_true, y_pred):
    y_true = y_true.astype("int64") if np.issubdtype(y_true.dtype, np.integer) else y_true.astype("float32")
    return y_true, y_pred.astype("float32")


# (id, class name, kwargs, data kind, ranks)
CLASS_CASES = [
    ("mse", "MeanSquaredError", {}, "reg", (2, 3)),
    ("mae", "MeanAbsoluteError", {}, "reg", (2, 3)),
    ("mape", "MeanAbsolutePercentageError", {}, "reg", (2, 3)),
    ("msle", "MeanSquaredLogarithmicError", {}, "pos", (2, 3)),
    ("msle_neg", "MeanSquaredLogarithmicError", {}, "reg", (2,)),
    ("cosine", "CosineSimilarity", {}, "reg", (2, 3)),
    ("cosine_axis1", "CosineSimilarity", {"axis": 1}, "reg", (3,)),
    ("huber", "Huber", {}, "reg", (2, 3)),
    ("huber_delta", "Huber", {"delta": 0.3}, "reg", (2,)),
    ("logcosh", "LogCosh", {}, "reg", (2, 3)),
    ("hinge_pm", "Hinge", {}, "hinge_pm", (2, 3)),
    ("hinge_01", "Hinge", {}, "hinge_01", (2,)),
    ("hinge_other", "Hinge", {}, "hinge_other", (2,)),
    ("sq_hinge_pm", "SquaredHinge", {}, "hinge_pm", (2, 3)),
    ("sq_hinge_01", "SquaredHinge", {}, "hinge_01", (2,)),
    ("cat_hinge", "CategoricalHinge", {}, "onehot_prob", (2, 3)),
    ("kld", "KLDivergence", {}, "dist", (2, 3)),
    ("poisson", "Poisson", {}, "pos", (2, 3)),
    ("bce", "BinaryCrossentropy", {}, "bin_prob", (2, 3)),
    ("bce_logits", "BinaryCrossentropy", {"from_logits": True}, "bin_logits", (2, 3)),
    ("bce_ls", "BinaryCrossentropy", {"label_smoothing": 0.1}, "bin_prob", (2,)),
    (
        "bce_logits_ls",
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.2},
        "bin_logits",
        (2,),
    ),
    ("bce_axis1", "BinaryCrossentropy", {"axis": 1}, "bin_prob", (3,)),
    ("bfce", "BinaryFocalCrossentropy", {}, "bin_prob", (2, 3)),
    (
        "bfce_balanced",
        "BinaryFocalCrossentropy",
        {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0},
        "bin_prob",
        (2,),
    ),
    (
        "bfce_logits_ls",
        "BinaryFocalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1},
        "bin_logits",
        (2,),
    ),
    ("bfce_gamma_half", "BinaryFocalCrossentropy", {"gamma": 0.5, "from_logits": True}, "bin_logits", (2,)),
    ("cce", "CategoricalCrossentropy", {}, "onehot_prob", (2, 3)),
    ("cce_logits", "CategoricalCrossentropy", {"from_logits": True}, "onehot_logits", (2, 3)),
    ("cce_ls", "CategoricalCrossentropy", {"label_smoothing": 0.1}, "onehot_prob", (2,)),
    (
        "cce_logits_ls",
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.3},
        "onehot_logits",
        (2,),
    ),
    ("cce_axis1", "CategoricalCrossentropy", {"axis": 1}, "onehot_prob", (3,)),
    ("cfce", "CategoricalFocalCrossentropy", {}, "onehot_prob", (2, 3)),
    ("cfce_alpha_list", "CategoricalFocalCrossentropy", {"alpha": [0.1, 0.2, 0.3, 0.4]}, "onehot_prob", (2,)),
    (
        "cfce_logits",
        "CategoricalFocalCrossentropy",
        {"from_logits": True, "gamma": 1.5},
        "onehot_logits",
        (2,),
    ),
    ("cfce_ls", "CategoricalFocalCrossentropy", {"label_smoothing": 0.1, "gamma": 1}, "onehot_prob", (2,)),
    ("scce", "SparseCategoricalCrossentropy", {}, "sparse_prob", (2, 3)),
    ("scce_col", "SparseCategoricalCrossentropy", {}, "sparse_col_prob", (2,)),
    ("scce_logits", "SparseCategoricalCrossentropy", {"from_logits": True}, "sparse_logits", (2, 3)),
    (
        "scce_axis1",
        "SparseCategoricalCrossentropy",
        {"axis": 1, "from_logits": True},
        "sparse_classes_first",
        (3,),
    ),
    ("scce_ignore", "SparseCategoricalCrossentropy", {"ignore_class": -1}, "sparse_ignore", (2, 3)),
    (
        "scce_ignore_logits",
        "SparseCategoricalCrossentropy",
        {"ignore_class": -1, "from_logits": True},
        "sparse_ignore",
        (3,),
    ),
    ("scce_ignore_0", "SparseCategoricalCrossentropy", {"ignore_class": 0}, "sparse_prob", (2,)),
    ("gce", "CategoricalGeneralizedCrossEntropy", {}, "gce", (2,)),
    ("gce_q", "CategoricalGeneralizedCrossEntropy", {"q": 0.8}, "gce", (2,)),
    ("ctc", "CTC", {}, "ctc", (3,)),
    ("dice", "Dice", {}, "seg", (4,)),
    ("dice_axis", "Dice", {"axis": (1, 2, 3)}, "seg", (4,)),
    ("tversky", "Tversky", {}, "seg", (4,)),
    ("tversky_ab", "Tversky", {"alpha": 0.7, "beta": 0.3, "axis": (1, 2)}, "seg", (4,)),
    ("circle", "Circle", {}, "circle", (2,)),
    ("circle_kw", "Circle", {"gamma": 30.0, "margin": 0.25, "remove_diagonal": False}, "circle", (2,)),
]

WEIGHTINGS = [
    "plain",
    "per_sample",
    "per_sample_col",
    "per_element",
    "mask",
    "mask_per_sample",
    "mask_per_element",
]


# Reductions share one code path (`Loss.__call__`), so each class case runs the default reduction
# plus one other, rotating through all of them; FULL_SWEEP cases run every reduction.
OTHER_REDUCTIONS = ["sum", "mean", "mean_with_sample_weight", "none", None]
FULL_SWEEP = {"mse", "scce_ignore", "circle", "dice", "bce_logits_ls"}


def _class_params():
    index = 0
    for case_id, name, kwargs, kind, ranks in CLASS_CASES:
        for rank in ranks:
            for weighting in WEIGHTINGS:
                if case_id in FULL_SWEEP:
                    reductions = REDUCTIONS
                else:
                    reductions = ["sum_over_batch_size", OTHER_REDUCTIONS[index % len(OTHER_REDUCTIONS)]]
                    index += 1
                yield pytest.param(
                    name, kwargs, kind, rank, weighting, reductions, id=f"{case_id}-r{rank}-{weighting}"
                )


def _np(x):
    return x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)


def _assert_close(ours, theirs):
    ours, theirs = _np(ours), _np(theirs)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def _weights_and_mask(weighting, value_shape, rng):
    """Sample weight and mask for a weighting mode, or `None` when the mode does not apply."""
    sample_weight = mask = None
    if weighting == "plain":
        return None, None
    if not value_shape:
        if weighting != "per_sample":
            return False
        return rng.uniform(0, 2, size=(B,)).astype("float32"), None
    if "per_sample" in weighting:
        shape = (value_shape[0], 1) if weighting.endswith("col") else (value_shape[0],)
        sample_weight = rng.uniform(0, 2, size=shape).astype("float32")
    if "per_element" in weighting:
        if len(value_shape) < 2:
            return False
        sample_weight = rng.uniform(0, 2, size=value_shape).astype("float32")
    if weighting.startswith("mask"):
        mask = rng.uniform(size=value_shape) > 0.4
        mask.flat[0] = True
    return sample_weight, mask


def _call(loss, y_true, y_pred, sample_weight, mask):
    y_pred = torch.tensor(y_pred)
    if mask is not None:
        y_pred._keras_mask = torch.tensor(mask)
    sw = None if sample_weight is None else torch.tensor(sample_weight)
    return loss(torch.tensor(y_true), y_pred, sample_weight=sw)


@pytest.mark.parametrize("name, kwargs, kind, rank, weighting, reductions", list(_class_params()))
def test_class_values_match(name, kwargs, kind, rank, weighting, reductions):
    rng = _rng(name, repr(kwargs), kind, rank, weighting)
    y_true, y_pred = _cast(*make_data(kind, rank, rng))
    value_shape = tuple(getattr(keras.losses, name)(reduction=None, **kwargs)(y_true, y_pred).shape)
    weights = _weights_and_mask(weighting, value_shape, rng)
    if weights is False:
        pytest.skip("weighting does not apply to this value shape")
    sample_weight, mask = weights
    compared = 0
    for reduction in reductions:
        k_loss = getattr(keras.losses, name)(reduction=reduction, **kwargs)
        try:
            expected = _call(k_loss, y_true, y_pred, sample_weight, mask)
        except (RuntimeError, ValueError):
            continue  # Keras rejects this combination; kerasbridge may accept it.
        ours = _call(
            getattr(kb_losses, name)(reduction=reduction, **kwargs), y_true, y_pred, sample_weight, mask
        )
        _assert_close(ours, expected)
        compared += 1
    if not compared:
        pytest.skip("Keras rejects this weighting for this value shape")


def test_fully_masked_batch_matches():
    y_true, y_pred = _cast(*make_data("reg", 3, _rng("masked")))
    mask = np.zeros((B, T), dtype=bool)
    for reduction in REDUCTIONS:
        expected = _call(keras.losses.MeanSquaredError(reduction=reduction), y_true, y_pred, None, mask)
        ours = _call(kb_losses.MeanSquaredError(reduction=reduction), y_true, y_pred, None, mask)
        _assert_close(ours, expected)


@pytest.mark.parametrize(
    "name", ["MeanSquaredError", "CategoricalCrossentropy", "Huber", "BinaryCrossentropy"]
)
def test_float64_loss_dtype_matches(name):
    kind = {"CategoricalCrossentropy": "onehot_prob", "BinaryCrossentropy": "bin_prob"}.get(name, "reg")
    y_true, y_pred = make_data(kind, 2, _rng(name, "f64"))
    sample_weight = _rng(name, "sw").uniform(size=(B,))
    expected = getattr(keras.losses, name)(dtype="float64")(y_true, y_pred, sample_weight=sample_weight)
    ours = getattr(kb_losses, name)(dtype="float64")(y_true, y_pred, sample_weight=sample_weight)
    _assert_close(ours, expected)


# -- plain functions -------------------------------------------------------------------------

# (function name, kwargs, data kind, rank)
FUNCTION_CASES = [
    ("mean_squared_error", {}, "reg", 3),
    ("mean_absolute_error", {}, "reg", 3),
    ("mean_absolute_percentage_error", {}, "reg", 2),
    ("mean_squared_logarithmic_error", {}, "reg", 3),
    ("cosine_similarity", {}, "reg", 2),
    ("cosine_similarity", {"axis": 1}, "reg", 3),
    ("huber", {}, "reg", 3),
    ("huber", {"delta": 0.7}, "reg", 2),
    ("log_cosh", {}, "reg", 3),
    ("hinge", {}, "hinge_01", 2),
    ("hinge", {}, "hinge_other", 3),
    ("squared_hinge", {}, "hinge_pm", 2),
    ("categorical_hinge", {}, "onehot_prob", 3),
    ("kl_divergence", {}, "dist", 3),
    ("poisson", {}, "pos", 2),
    ("binary_crossentropy", {}, "bin_prob", 3),
    ("binary_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "bin_logits", 2),
    ("binary_crossentropy", {"axis": 1}, "bin_prob", 3),
    ("binary_focal_crossentropy", {}, "bin_prob", 2),
    ("binary_focal_crossentropy", {"apply_class_balancing": True, "gamma": 1}, "bin_logits", 2),
    (
        "binary_focal_crossentropy",
        {"from_logits": True, "label_smoothing": 0.3, "alpha": 0.6},
        "bin_logits",
        3,
    ),
    ("categorical_crossentropy", {}, "onehot_prob", 3),
    ("categorical_crossentropy", {"from_logits": True, "label_smoothing": 0.1}, "onehot_logits", 2),
    ("categorical_crossentropy", {"axis": 1}, "onehot_prob", 3),
    ("categorical_focal_crossentropy", {}, "onehot_prob", 2),
    (
        "categorical_focal_crossentropy",
        {"alpha": [0.4, 0.3, 0.2, 0.1], "from_logits": True},
        "onehot_logits",
        3,
    ),
    ("sparse_categorical_crossentropy", {}, "sparse_prob", 3),
    ("sparse_categorical_crossentropy", {"from_logits": True}, "sparse_logits", 2),
    ("sparse_categorical_crossentropy", {}, "sparse_col_prob", 2),
    ("sparse_categorical_crossentropy", {"ignore_class": -1}, "sparse_ignore", 3),
    ("sparse_categorical_crossentropy", {"axis": 1, "from_logits": True}, "sparse_classes_first", 3),
    ("categorical_generalized_cross_entropy", {"q": 0.5}, "gce", 2),
    ("ctc", {}, "ctc", 3),
    ("dice", {}, "seg", 4),
    ("dice", {"axis": (1, 2)}, "seg", 4),
    ("tversky", {"alpha": 0.2, "beta": 0.8}, "seg", 4),
    ("tversky", {"axis": (1, 2, 3)}, "seg", 4),
    ("circle", {}, "circle", 2),
    ("circle", {"gamma": 10, "margin": 0.1, "remove_diagonal": False}, "circle", 2),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "fn_name, kwargs, kind, rank",
    [pytest.param(*case, id=f"{case[0]}-{i}") for i, case in enumerate(FUNCTION_CASES)],
)
def test_function_values_match(fn_name, kwargs, kind, rank, dtype):
    y_true, y_pred = make_data(kind, rank, _rng(fn_name, repr(kwargs), kind, rank))
    y_pred = y_pred.astype(dtype)
    if not np.issubdtype(y_true.dtype, np.integer):
        y_true = y_true.astype(dtype)
    expected = getattr(keras.losses, fn_name)(torch.tensor(y_true), torch.tensor(y_pred), **kwargs)
    ours = getattr(kb_losses, fn_name)(torch.tensor(y_true), torch.tensor(y_pred), **kwargs)
    _assert_close(ours, expected)
    expected_mask = getattr(expected, "_keras_mask", None)
    ours_mask = getattr(ours, "_keras_mask", None)
    assert (expected_mask is None) == (ours_mask is None)
    if expected_mask is not None:
        np.testing.assert_array_equal(_np(ours_mask), _np(expected_mask))


def test_every_keras_loss_function_is_swept():
    keras_functions = {
        name
        for name in dir(keras.losses)
        if name[0].islower() and name not in ("get", "serialize", "deserialize")
    }
    assert keras_functions == {case[0] for case in FUNCTION_CASES}


def test_every_keras_loss_class_is_swept():
    keras_classes = {name for name in dir(keras.losses) if name[0].isupper() and name != "Loss"}
    assert keras_classes == {case[1] for case in CLASS_CASES}


# -- configs and serialization ---------------------------------------------------------------

CONFIG_CASES = [(name, kwargs) for _, name, kwargs, _, _ in CLASS_CASES] + [
    ("MeanSquaredError", {"reduction": "sum", "name": "my_mse"}),
    ("BinaryCrossentropy", {"reduction": None, "name": "b"}),
    ("SparseCategoricalCrossentropy", {"reduction": "mean_with_sample_weight", "ignore_class": 3}),
    ("Huber", {"delta": 2.5, "reduction": "none"}),
    ("Dice", {"axis": [1, 2]}),
]


@pytest.mark.parametrize(
    "name, kwargs", [pytest.param(n, k, id=f"{n}-{i}") for i, (n, k) in enumerate(CONFIG_CASES)]
)
def test_config_and_serialization_match(name, kwargs):
    k_loss = getattr(keras.losses, name)(**kwargs)
    ours = getattr(kb_losses, name)(**kwargs)
    assert ours.get_config() == k_loss.get_config()
    assert kb_losses.serialize(ours) == keras.losses.serialize(k_loss)
    rebuilt = kb_losses.deserialize(keras.losses.serialize(k_loss))
    assert type(rebuilt) is type(ours)
    assert rebuilt.get_config() == k_loss.get_config()


@pytest.mark.parametrize("fn_name", sorted({case[0] for case in FUNCTION_CASES}))
def test_function_serialization_matches(fn_name):
    expected = keras.losses.serialize(getattr(keras.losses, fn_name))
    assert kb_losses.serialize(getattr(kb_losses, fn_name)) == expected
    assert kb_losses.deserialize(expected) is getattr(kb_losses, fn_name)


def test_loss_function_wrapper_config_matches():
    from keras.src.losses.losses import LossFunctionWrapper as KerasWrapper

    from kerasbridge.losses.losses import LossFunctionWrapper

    expected = keras.losses.serialize(KerasWrapper(keras.losses.huber, delta=2.0, name="w"))
    ours = kb_losses.serialize(LossFunctionWrapper(kb_losses.huber, delta=2.0, name="w"))
    assert ours == expected
    rebuilt = kb_losses.deserialize(expected)
    assert rebuilt.fn is kb_losses.huber
    assert rebuilt.get_config() == expected["config"]


def _keras_identifiers():
    from keras.src.losses import ALL_OBJECTS_DICT

    return sorted(ALL_OBJECTS_DICT)


@pytest.mark.parametrize("identifier", _keras_identifiers())
def test_get_resolves_like_keras(identifier):
    try:
        expected = keras.losses.get(identifier)
    except Exception as error:  # e.g. "LossFunctionWrapper" cannot be built without `fn`
        with pytest.raises(type(error)):
            kb_losses.get(identifier)
        return
    ours = kb_losses.get(identifier)
    expected_name = getattr(expected, "__name__", type(expected).__name__)
    assert getattr(ours, "__name__", type(ours).__name__) == expected_name


@pytest.mark.parametrize("identifier", ["not_a_loss", 3])
def test_get_rejects_like_keras(identifier):
    with pytest.raises(ValueError) as expected:
        keras.losses.get(identifier)
    with pytest.raises(ValueError) as ours:
        kb_losses.get(identifier)
    assert str(ours.value) == str(expected.value)


def test_public_names_cover_keras():
    keras_names = {name for name in dir(keras.losses) if not name.startswith("_")}
    missing = {name for name in keras_names if not hasattr(kb_losses, name)}
    assert not missing

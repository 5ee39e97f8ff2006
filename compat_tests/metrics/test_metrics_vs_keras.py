"""Differential sweep: every kerasbridge metric against Keras 3's (torch backend).

Each case feeds the same three random batches to both implementations, with and without
`sample_weight`, and compares `result()` after every update, after `reset_state()` and after
one more update; it also compares variable names/shapes/aggregations and `get_config()`.
"""

import os
import warnings
import zlib

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge.backend as kb_backend  # noqa: E402
from kerasbridge import metrics as kb_metrics  # noqa: E402

BATCH = 8
ATOL, RTOL = 1e-6, 1e-5


# -- input generators: (rng) -> (y_true, y_pred) -----------------------------------------------
def _binary(rng, shape=(BATCH, 3)):
    return rng.integers(0, 2, shape).astype("float32"), rng.uniform(0, 1, shape).astype("float32")


def _binary_1d(rng):
    return _binary(rng, (BATCH,))


def _binary_col(rng):
    return _binary(rng, (BATCH, 1))


def _binary_edges(rng):
    """Probabilities that hit 0, 1 and the thresholds exactly."""
    y_true = rng.integers(0, 2, (BATCH, 3)).astype("float32")
    y_pred = rng.choice(np.array([0.0, 0.25, 0.5, 0.75, 1.0, 0.3], "float32"), (BATCH, 3))
    return y_true, y_pred


def _logits(rng):
    return rng.integers(0, 2, (BATCH, 3)).astype("float32"), rng.normal(0, 2, (BATCH, 3)).astype("float32")


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype("float32")


def _categorical(rng, classes=5):
    labels = rng.integers(0, classes, BATCH)
    return np.eye(classes, dtype="float32")[labels], _softmax(rng.normal(0, 2, (BATCH, classes)))


def _categorical_logits(rng, classes=5):
    labels = rng.integers(0, classes, BATCH)
    return np.eye(classes, dtype="float32")[labels], rng.normal(0, 2, (BATCH, classes)).astype("float32")


def _sparse(rng, classes=5):
    return rng.integers(0, classes, BATCH).astype("int64"), _softmax(rng.normal(0, 2, (BATCH, classes)))


def _sparse_col(rng, classes=5):
    y_true, y_pred = _sparse(rng, classes)
    return y_true[:, None].astype("float32"), y_pred


def _sparse_logits(rng, classes=5):
    return rng.integers(0, classes, BATCH).astype("int64"), rng.normal(0, 2, (BATCH, classes)).astype("float32")


def _sorted_ids(rng, classes=5):
    scores = rng.normal(0, 1, (BATCH, classes))
    return rng.integers(0, classes, BATCH).astype("int32"), np.argsort(-scores, axis=-1).astype("int32")


def _multiclass_probs(rng, classes=4):
    """Multi-label targets and scores in [0, 1] (F-scores, AUC multi_label)."""
    return rng.integers(0, 2, (BATCH, classes)).astype("float32"), rng.uniform(0, 1, (BATCH, classes)).astype("float32")


def _regression(rng):
    return rng.normal(0, 1, (BATCH, 4)).astype("float32"), rng.normal(0, 1, (BATCH, 4)).astype("float32")


def _regression_f64(rng):
    return rng.normal(0, 1, (BATCH, 4)), rng.normal(0, 1, (BATCH, 4))


def _regression_1d(rng):
    return rng.normal(0, 1, (BATCH,)).astype("float32"), rng.normal(0, 1, (BATCH,)).astype("float32")


def _positive(rng):
    return rng.uniform(0.1, 2, (BATCH, 4)).astype("float32"), rng.uniform(0.1, 2, (BATCH, 4)).astype("float32")


def _distribution(rng):
    return _softmax(rng.normal(0, 1, (BATCH, 4))), _softmax(rng.normal(0, 1, (BATCH, 4)))


def _signed(rng):
    return rng.choice([-1.0, 1.0], (BATCH, 3)).astype("float32"), rng.normal(0, 1, (BATCH, 3)).astype("float32")


def _segmentation(rng, classes=3):
    shape = (BATCH, 4)
    return rng.integers(0, classes, shape).astype("int32"), rng.integers(0, classes, shape).astype("int32")


def _segmentation_ignore(rng, classes=3):
    shape = (BATCH, 4)
    return rng.integers(-1, classes + 1, shape).astype("int32"), rng.integers(0, classes, shape).astype("int32")


def _segmentation_onehot(rng, classes=3):
    labels = rng.integers(0, classes, (BATCH, 4))
    return np.eye(classes, dtype="float32")[labels], rng.uniform(0, 1, (BATCH, 4, classes)).astype("float32")


def _values(rng):
    return rng.normal(0, 1, (BATCH, 3)).astype("float32"), None


def _values_1d(rng):
    return rng.normal(0, 1, (BATCH,)).astype("float32"), None


def _mse(y_true, y_pred):
    return (y_true - y_pred) ** 2


# (class name, kwargs, generator); an optional 4th item "no_weights" skips the weighted run.
CASES = [
    ("Mean", {}, _values),
    ("Mean", {}, _values_1d),
    ("Mean", {"dtype": "float64"}, _values),
    ("Sum", {}, _values),
    ("MeanMetricWrapper", {"fn": "binary_accuracy", "threshold": 0.3}, _binary),
    ("Accuracy", {}, _sparse_col),
    ("BinaryAccuracy", {}, _binary),
    ("BinaryAccuracy", {"threshold": 0.7}, _binary_1d),
    ("BinaryAccuracy", {}, _binary_col),
    ("BinaryAccuracy", {"dtype": "float64", "threshold": 0.25}, _binary),
    ("CategoricalAccuracy", {}, _categorical),
    ("SparseCategoricalAccuracy", {}, _sparse),
    ("SparseCategoricalAccuracy", {}, _sparse_col),
    ("TopKCategoricalAccuracy", {"k": 2}, _categorical),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, _sparse),
    ("SparseTopKCategoricalAccuracy", {"k": 3, "from_sorted_ids": True}, _sorted_ids),
    ("AUC", {}, _binary),
    ("AUC", {"num_thresholds": 7}, _binary_edges),
    ("AUC", {"curve": "PR"}, _binary),
    ("AUC", {"curve": "PR", "summation_method": "majoring"}, _binary),
    ("AUC", {"curve": "ROC", "summation_method": "minoring"}, _binary_1d),
    ("AUC", {"curve": "PRGAIN"}, _binary),
    ("AUC", {"thresholds": [0.1, 0.5, 0.9]}, _binary_edges),
    ("AUC", {"multi_label": True}, _multiclass_probs),
    ("AUC", {"multi_label": True, "num_labels": 4, "label_weights": [0.1, 0.2, 0.3, 0.4]}, _multiclass_probs),
    ("AUC", {"multi_label": True, "curve": "PR", "thresholds": [0.2, 0.6]}, _multiclass_probs),
    ("AUC", {"label_weights": [0.5, 1.0, 2.0], "curve": "PR"}, _binary),
    ("AUC", {"label_weights": [0.5, 1.0, 2.0], "thresholds": [0.3, 0.6]}, _binary),
    ("AUC", {"from_logits": True}, _logits),
    ("Precision", {}, _binary),
    ("Precision", {"thresholds": [0.0, 0.5, 1.0]}, _binary_edges),
    ("Precision", {"thresholds": [0.2, 0.4, 0.8]}, _binary),
    ("Precision", {"top_k": 2}, _multiclass_probs),
    ("Precision", {"class_id": 1}, _multiclass_probs),
    ("Precision", {"top_k": 2, "class_id": 2, "thresholds": 0.3}, _multiclass_probs),
    ("Recall", {}, _binary_1d),
    ("Recall", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, _binary_edges),
    ("Recall", {"top_k": 1}, _multiclass_probs),
    ("Recall", {"class_id": 0, "thresholds": [0.3, 0.7]}, _multiclass_probs),
    ("TruePositives", {}, _binary),
    ("TrueNegatives", {"thresholds": [0.2, 0.5]}, _binary),
    ("FalsePositives", {"thresholds": [0.0, 0.5, 1.0]}, _binary_edges),
    ("FalseNegatives", {}, _binary_col),
    ("PrecisionAtRecall", {"recall": 0.6}, _binary),
    ("PrecisionAtRecall", {"recall": 0.5, "num_thresholds": 1}, _binary),
    ("RecallAtPrecision", {"precision": 0.7, "num_thresholds": 50}, _binary),
    ("SensitivityAtSpecificity", {"specificity": 0.5}, _binary),
    ("SensitivityAtSpecificity", {"specificity": 0.4, "class_id": 1}, _multiclass_probs),
    ("SpecificityAtSensitivity", {"sensitivity": 0.8, "num_thresholds": 11}, _binary_edges),
    ("F1Score", {}, _multiclass_probs),
    ("F1Score", {"average": "micro", "threshold": 0.5}, _multiclass_probs),
    ("F1Score", {"average": "macro"}, _categorical),
    ("FBetaScore", {"average": "weighted", "beta": 2.0, "threshold": 0.4}, _multiclass_probs),
    ("FBetaScore", {"beta": 0.5}, _multiclass_probs),
    ("F1Score", {"average": "weighted", "dtype": "float64"}, _multiclass_probs),
    ("Precision", {"dtype": "float64", "thresholds": [0.3, 0.6]}, _binary),
    ("AUC", {"dtype": "float64"}, _binary),
    ("IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, _segmentation),
    ("IoU", {"num_classes": 3, "target_class_ids": [1], "ignore_class": 0}, _segmentation_ignore),
    ("MeanIoU", {"num_classes": 3}, _segmentation),
    ("MeanIoU", {"num_classes": 3, "ignore_class": 2}, _segmentation_ignore),
    ("MeanIoU", {"num_classes": 3, "dtype": "float32"}, _segmentation),
    ("BinaryIoU", {}, _binary),
    ("BinaryIoU", {"target_class_ids": [1], "threshold": 0.3}, _binary),
    ("OneHotIoU", {"num_classes": 3, "target_class_ids": [0, 1]}, _segmentation_onehot),
    ("OneHotMeanIoU", {"num_classes": 3}, _segmentation_onehot),
    ("MeanSquaredError", {}, _regression),
    ("MeanSquaredError", {}, _regression_f64),
    ("RootMeanSquaredError", {}, _regression),
    ("RootMeanSquaredError", {}, _regression_1d),
    ("MeanAbsoluteError", {}, _regression),
    ("MeanAbsolutePercentageError", {}, _positive),
    ("MeanSquaredLogarithmicError", {}, _positive),
    ("CosineSimilarity", {}, _regression),
    ("CosineSimilarity", {"axis": 0}, _regression, "no_weights"),
    ("LogCoshError", {}, _regression),
    ("R2Score", {}, _regression),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, _regression),
    ("R2Score", {"class_aggregation": None}, _regression),
    ("R2Score", {"num_regressors": 2}, _regression),
    ("R2Score", {"num_regressors": 30}, _regression),
    ("Hinge", {}, _signed),
    ("SquaredHinge", {}, _signed),
    ("CategoricalHinge", {}, _categorical),
    ("KLDivergence", {}, _distribution),
    ("Poisson", {}, _positive),
    ("BinaryCrossentropy", {}, _binary),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, _logits),
    ("CategoricalCrossentropy", {}, _categorical),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, _categorical_logits),
    ("SparseCategoricalCrossentropy", {}, _sparse),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, _sparse_logits),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 1}, _sparse_logits),
    ("PearsonCorrelation", {}, _regression),
    ("ConcordanceCorrelation", {}, _regression),
]


def _case_id(case):
    name, kwargs, gen = case[:3]
    args = ",".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}({args})-{gen.__name__.lstrip('_')}"


def _resolve(module, kwargs):
    kwargs = dict(kwargs)
    if isinstance(kwargs.get("fn"), str):
        kwargs["fn"] = getattr(module, kwargs["fn"])
    return kwargs


def _pair(name, kwargs):
    keras.backend.clear_session(free_memory=False)
    kb_backend.clear_session(free_memory=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = getattr(kb_metrics, name)(**_resolve(kb_metrics, kwargs))
        theirs = getattr(keras.metrics, name)(**_resolve(keras.metrics, kwargs))
    return ours, theirs


def _np(x):
    if isinstance(x, dict):
        return {k: _np(v) for k, v in x.items()}
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def _update(metric, y_true, y_pred, weight):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if y_pred is None:
            metric.update_state(y_true, sample_weight=weight)
        else:
            metric.update_state(y_true, y_pred, sample_weight=weight)


def _assert_same_result(ours, theirs, step):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras's R2Score warns in result()
        expected = _np(theirs.result())
    actual = _np(ours.result())
    assert actual.shape == expected.shape, step
    np.testing.assert_allclose(actual, expected, atol=ATOL, rtol=RTOL, err_msg=step)


IOU_METRICS = ("IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "BinaryIoU")


def _weights(rng, name, y_true):
    """Per-sample float weights; per-element integer weights for the (int) IoU metrics."""
    if name in IOU_METRICS:
        shape = y_true.shape[:-1] if name.startswith("OneHot") else y_true.shape
        return rng.integers(0, 3, shape).astype("int32")
    return rng.uniform(0, 2, BATCH).astype("float32")


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_result_matches_keras_over_batches_and_reset(case, weighted):
    name, kwargs, gen = case[:3]
    if weighted and "no_weights" in case[3:]:
        pytest.skip("the weighting is not defined for this axis")
    rng = np.random.default_rng(zlib.crc32(_case_id(case).encode()))
    ours, theirs = _pair(name, kwargs)
    batches = [gen(rng) for _ in range(4)]
    weights = [_weights(rng, name, y_true) if weighted else None for y_true, _ in batches]
    for i, ((y_true, y_pred), weight) in enumerate(zip(batches[:3], weights[:3], strict=True)):
        _update(ours, y_true, y_pred, weight)
        _update(theirs, y_true, y_pred, weight)
        _assert_same_result(ours, theirs, f"after update {i + 1}")
    ours.reset_state()
    theirs.reset_state()
    _assert_same_result(ours, theirs, "after reset_state")
    (y_true, y_pred), weight = batches[3], weights[3]
    _update(ours, y_true, y_pred, weight)
    _update(theirs, y_true, y_pred, weight)
    _assert_same_result(ours, theirs, "after reset_state and one update")


PER_SAMPLE_LOSSES = ("MeanSquaredError", "BinaryCrossentropy", "CategoricalCrossentropy")
ELEMENTWISE_WEIGHT_CASES = [
    ("Mean", {}, _values),
    ("Sum", {}, _values),
    ("MeanSquaredError", {}, _regression),
    ("BinaryAccuracy", {}, _binary),
    ("BinaryCrossentropy", {}, _binary),
    ("CategoricalCrossentropy", {}, _categorical),
    ("AUC", {}, _binary),
    ("AUC", {"multi_label": True}, _multiclass_probs),
    ("AUC", {"thresholds": [0.25, 0.5]}, _binary),
    ("Precision", {"thresholds": [0.3, 0.6]}, _binary),
    ("Recall", {}, _binary),
    ("R2Score", {}, _regression),
]


@pytest.mark.parametrize("column", [False, True], ids=["elementwise", "column"])
@pytest.mark.parametrize(
    "case", ELEMENTWISE_WEIGHT_CASES, ids=[_case_id(c) for c in ELEMENTWISE_WEIGHT_CASES]
)
def test_weights_of_other_ranks_match_keras(case, column):
    """Weights shaped like the inputs, or `(batch, 1)`."""
    name, kwargs, gen = case
    if not column and name in PER_SAMPLE_LOSSES:
        pytest.skip("Keras rejects element-wise weights on per-sample loss values too")
    rng = np.random.default_rng(zlib.crc32(_case_id(case).encode()))
    ours, theirs = _pair(name, kwargs)
    for i in range(2):
        y_true, y_pred = gen(rng)
        shape = (BATCH, 1) if column else y_true.shape
        weight = rng.uniform(0, 2, shape).astype("float32")
        _update(ours, y_true, y_pred, weight)
        _update(theirs, y_true, y_pred, weight)
        _assert_same_result(ours, theirs, f"after update {i + 1}")


def test_torch_inputs_match_numpy_inputs():
    rng = np.random.default_rng(3)
    y_true, y_pred = _binary(rng)
    ours, theirs = _pair("AUC", {"curve": "PR"})
    ours.update_state(torch.as_tensor(y_true), torch.as_tensor(y_pred))
    theirs.update_state(y_true, y_pred)
    _assert_same_result(ours, theirs, "torch inputs")


def _config_np(config):
    return {k: (_np(v).tolist() if isinstance(v, torch.Tensor) else v) for k, v in config.items()}


UNIQUE_CASES = list({_case_id(c): c for c in CASES}.values())


@pytest.mark.parametrize("case", UNIQUE_CASES, ids=[_case_id(c) for c in UNIQUE_CASES])
def test_variables_and_config_match_keras(case):
    name, kwargs, gen = case[:3]
    ours, theirs = _pair(name, kwargs)
    y_true, y_pred = gen(np.random.default_rng(0))
    _update(ours, y_true, y_pred, None)  # builds lazily created variables
    _update(theirs, y_true, y_pred, None)
    assert ours.name == theirs.name
    assert ours.dtype == theirs.dtype
    assert [v.path for v in ours.variables] == [v.path for v in theirs.variables]
    assert [tuple(v.shape) for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
    assert [v.dtype for v in ours.variables] == [v.dtype for v in theirs.variables]
    assert [v.aggregation for v in ours.variables] == [v.aggregation for v in theirs.variables]
    assert all(not v.trainable for v in ours.variables)
    assert _config_np(ours.get_config()) == _config_np(theirs.get_config())


@pytest.mark.parametrize("case", UNIQUE_CASES[::6], ids=[_case_id(c) for c in UNIQUE_CASES[::6]])
def test_serialize_matches_keras_and_round_trips(case):
    name, kwargs, _ = case[:3]
    ours, theirs = _pair(name, kwargs)
    ours_config = kb_metrics.serialize(ours)
    theirs_config = keras.metrics.serialize(theirs)
    assert ours_config["module"] == theirs_config["module"]
    assert ours_config["class_name"] == theirs_config["class_name"]
    assert _config_np(ours_config["config"]) == _config_np(theirs_config["config"])
    restored = kb_metrics.deserialize(theirs_config)
    assert type(restored) is type(ours)
    assert _config_np(restored.get_config()) == _config_np(ours.get_config())


@pytest.mark.parametrize(
    "identifier", ["accuracy", "mse", "MAE", "bce", "auc", "AUC", "binary_accuracy", "categorical_crossentropy"]
)
def test_get_resolves_names_like_keras(identifier):
    assert type(kb_metrics.get(identifier)).__name__ == type(keras.metrics.get(identifier)).__name__


def test_public_names_match_keras():
    keras_names = {n for n in dir(keras.metrics) if not n.startswith("_")}
    ours = {n for n in dir(kb_metrics) if not n.startswith("_")}
    assert keras_names - ours == set()


@pytest.mark.parametrize(
    "fn_name, gen, kwargs",
    [
        ("binary_accuracy", _binary, {}),
        ("binary_accuracy", _binary_col, {"threshold": 0.2}),
        ("categorical_accuracy", _categorical, {}),
        ("sparse_categorical_accuracy", _sparse_col, {}),
        ("top_k_categorical_accuracy", _categorical, {"k": 3}),
        ("sparse_top_k_categorical_accuracy", _sparse, {"k": 1}),
        ("sparse_top_k_categorical_accuracy", _sorted_ids, {"k": 2, "from_sorted_ids": True}),
        ("pearson_correlation", _regression, {}),
        ("concordance_correlation", _regression, {"axis": 0}),
    ],
)
def test_metric_functions_match_keras(fn_name, gen, kwargs):
    y_true, y_pred = gen(np.random.default_rng(1))
    expected = _np(getattr(keras.metrics, fn_name)(y_true, y_pred, **kwargs))
    actual = _np(getattr(kb_metrics, fn_name)(y_true, y_pred, **kwargs))
    assert actual.shape == expected.shape
    assert actual.dtype == expected.dtype
    np.testing.assert_allclose(actual, expected, atol=ATOL, rtol=RTOL)


def test_mean_metric_wrapper_with_custom_fn_matches_keras():
    rng = np.random.default_rng(2)
    ours = kb_metrics.MeanMetricWrapper(fn=_mse)
    theirs = keras.metrics.MeanMetricWrapper(fn=_mse)
    for _ in range(2):
        y_true, y_pred = _regression(rng)
        weight = rng.uniform(0, 1, (BATCH, 1)).astype("float32")
        ours.update_state(torch.as_tensor(y_true), torch.as_tensor(y_pred), sample_weight=weight)
        theirs.update_state(torch.as_tensor(y_true), torch.as_tensor(y_pred), sample_weight=weight)
    np.testing.assert_allclose(_np(ours.result()), _np(theirs.result()), atol=ATOL, rtol=RTOL)


@pytest.mark.parametrize("weight", [None, [1.0, 0.5, 2.0, 1.0]], ids=["unweighted", "weighted"])
def test_masked_values_are_weighted_like_keras(weight):
    values = torch.tensor([1.0, 2.0, 3.0, 4.0])
    mask = torch.tensor([True, False, True, False])
    ours, theirs = kb_metrics.Mean(), keras.metrics.Mean()
    ours_values, theirs_values = values.clone(), values.clone()
    ours_values._keras_mask = mask
    theirs_values._keras_mask = mask
    weight = None if weight is None else torch.tensor(weight)
    ours.update_state(ours_values, sample_weight=weight)
    theirs.update_state(theirs_values, sample_weight=weight)
    np.testing.assert_allclose(_np(ours.result()), _np(theirs.result()), atol=ATOL, rtol=RTOL)


def test_mask_on_predictions_weighs_mean_metric_wrapper_like_keras():
    y_true = torch.tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y_pred = torch.tensor([[0.9, 0.2], [0.6, 0.4], [0.3, 0.8]])
    y_pred._keras_mask = torch.tensor([True, False, True])
    ours, theirs = kb_metrics.BinaryAccuracy(), keras.metrics.BinaryAccuracy()
    ours.update_state(y_true, y_pred)
    theirs.update_state(y_true, y_pred)
    np.testing.assert_allclose(_np(ours.result()), _np(theirs.result()), atol=ATOL, rtol=RTOL)

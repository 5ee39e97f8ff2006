"""Unit tests: metric values on small hand-checked inputs, and argument validation."""

import numpy as np
import pytest
import torch

from kerasbridge import metrics


def _value(metric):
    return np.asarray(metric.result().cpu())


def _approx(x):
    return pytest.approx(x, rel=1e-6, abs=1e-6)


# -- reductions ------------------------------------------------------------------------------
def test_mean_weighted():
    metric = metrics.Mean()
    metric.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert float(metric.result()) == 2.0


def test_mean_reduces_each_row_before_weighting():
    metric = metrics.Mean()
    metric.update_state([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], sample_weight=[1.0, 0.0])
    assert float(metric.result()) == 2.0


def test_mean_is_zero_before_any_update():
    assert float(metrics.Mean().result()) == 0.0


def test_mean_accumulates_across_updates():
    metric = metrics.Mean()
    metric.update_state([1.0, 2.0])
    metric.update_state([6.0])
    assert float(metric.result()) == 3.0


def test_sum():
    metric = metrics.Sum()
    metric.update_state([1, 3, 5, 7])
    assert float(metric.result()) == 16.0


def test_mean_metric_wrapper_passes_kwargs_to_fn():
    metric = metrics.MeanMetricWrapper(fn=metrics.binary_accuracy, threshold=0.95)
    metric.update_state([[1.0], [1.0]], [[0.9], [0.99]])
    assert float(metric.result()) == 0.5


# -- accuracy --------------------------------------------------------------------------------
def test_binary_accuracy():
    metric = metrics.BinaryAccuracy()
    metric.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    assert float(metric.result()) == 0.75


def test_binary_accuracy_weighted():
    metric = metrics.BinaryAccuracy()
    metric.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], sample_weight=[1, 0, 0, 1])
    assert float(metric.result()) == 0.5


def test_categorical_accuracy():
    metric = metrics.CategoricalAccuracy()
    metric.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert float(metric.result()) == 0.5


def test_sparse_categorical_accuracy():
    metric = metrics.SparseCategoricalAccuracy()
    metric.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    assert float(metric.result()) == 0.5


def test_top_k_categorical_accuracy():
    metric = metrics.TopKCategoricalAccuracy(k=1)
    metric.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    assert float(metric.result()) == 0.5


def test_sparse_top_k_from_sorted_ids():
    metric = metrics.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True)
    metric.update_state([2, 1], [[1, 2, 0], [0, 1, 2]])
    assert float(metric.result()) == 1.0


def test_accuracy_functions_return_floatx_per_sample():
    values = metrics.categorical_accuracy(np.eye(3), np.eye(3))
    assert values.dtype == torch.float32 and tuple(values.shape) == (3,)


# -- confusion-matrix metrics ----------------------------------------------------------------
Y_TRUE = [0, 1, 1, 1]
Y_PRED = [1, 0, 1, 1]


def test_precision():
    metric = metrics.Precision()
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(metric.result()) == _approx(2 / 3)


def test_recall():
    metric = metrics.Recall()
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(metric.result()) == _approx(2 / 3)


def test_precision_with_several_thresholds_returns_a_vector():
    metric = metrics.Precision(thresholds=[0.2, 0.5, 0.8])
    metric.update_state(Y_TRUE, Y_PRED)
    assert tuple(metric.result().shape) == (3,)


def test_precision_class_id():
    metric = metrics.Precision(class_id=1)
    metric.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.1, 0.9]])
    assert float(metric.result()) == 0.5


def test_precision_top_k_only_counts_top_predictions():
    metric = metrics.Precision(top_k=1)
    metric.update_state([[0, 0, 1, 1]], [[1.0, 0.5, 0.9, 0.2]])
    assert float(metric.result()) == 0.0


@pytest.mark.parametrize(
    "cls, expected",
    [(metrics.TruePositives, 2), (metrics.FalsePositives, 1), (metrics.FalseNegatives, 1), (metrics.TrueNegatives, 0)],
)
def test_condition_counts(cls, expected):
    metric = cls()
    metric.update_state(Y_TRUE, Y_PRED)
    assert float(metric.result()) == expected


def test_auc_three_thresholds():
    metric = metrics.AUC(num_thresholds=3)
    metric.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    assert float(metric.result()) == _approx(0.75)


def test_auc_perfect_ranking_is_one():
    metric = metrics.AUC()
    metric.update_state([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])
    assert float(metric.result()) == _approx(1.0)


def test_auc_multi_label_builds_variables_on_first_update():
    metric = metrics.AUC(multi_label=True)
    metric.update_state(np.ones((2, 3)), np.full((2, 3), 0.5))
    assert tuple(metric.true_positives.shape) == (200, 3)


def test_auc_reset_before_build_is_a_no_op():
    metric = metrics.AUC(multi_label=True)
    metric.reset_state()
    assert metric.variables == []


def test_auc_thresholds_include_end_points():
    thresholds = metrics.AUC(thresholds=[0.5]).thresholds
    assert thresholds[0] < 0 and thresholds[1] == 0.5 and thresholds[-1] > 1


def test_precision_at_recall():
    metric = metrics.PrecisionAtRecall(0.5)
    metric.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert float(metric.result()) == _approx(0.5)


def test_sensitivity_at_specificity():
    metric = metrics.SensitivityAtSpecificity(0.5)
    metric.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    assert float(metric.result()) == _approx(0.5)


# -- F-scores, IoU -----------------------------------------------------------------------------
def test_f1_score_per_class():
    metric = metrics.F1Score(threshold=0.5)
    metric.update_state(
        [[1, 1, 1], [1, 0, 0], [1, 1, 0]], [[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]]
    )
    np.testing.assert_allclose(_value(metric), [0.5, 0.8, 2 / 3], rtol=1e-5)


def test_f1_score_micro_state_is_scalar():
    metric = metrics.F1Score(average="micro")
    metric.update_state(np.eye(3), np.eye(3))
    assert tuple(metric.true_positives.shape) == ()


def test_mean_iou():
    metric = metrics.MeanIoU(num_classes=2)
    metric.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert float(metric.result()) == _approx(1 / 3)


def test_mean_iou_confusion_matrix_is_int32():
    assert metrics.MeanIoU(num_classes=2).total_cm.dtype == "int32"


def test_iou_skips_absent_classes():
    metric = metrics.IoU(num_classes=3, target_class_ids=[0, 2])
    metric.update_state([0, 0], [0, 0])
    assert float(metric.result()) == _approx(1.0)


def test_binary_iou():
    metric = metrics.BinaryIoU()
    metric.update_state([0, 1, 0, 1], [0.1, 0.9, 0.7, 0.3])
    assert float(metric.result()) == _approx(1 / 3)


def test_one_hot_mean_iou_argmaxes_both_inputs():
    metric = metrics.OneHotMeanIoU(num_classes=2)
    metric.update_state([[1, 0], [0, 1]], [[0.8, 0.2], [0.3, 0.7]])
    assert float(metric.result()) == _approx(1.0)


# -- regression --------------------------------------------------------------------------------
def test_root_mean_squared_error():
    metric = metrics.RootMeanSquaredError()
    metric.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    assert float(metric.result()) == _approx(0.5)


def test_cosine_similarity():
    metric = metrics.CosineSimilarity()
    metric.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    assert float(metric.result()) == _approx(0.5)


def test_r2_score():
    metric = metrics.R2Score()
    metric.update_state([[1], [4], [3]], [[2], [4], [4]])
    assert float(metric.result()) == _approx(4 / 7)


def test_r2_score_adjusted_falls_back_when_too_few_samples():
    plain, adjusted = metrics.R2Score(), metrics.R2Score(num_regressors=5)
    for metric in (plain, adjusted):
        metric.update_state([[1], [4], [3]], [[2], [4], [4]])
    assert float(adjusted.result()) == float(plain.result())


def test_r2_score_adjusted():
    metric = metrics.R2Score(num_regressors=1)
    metric.update_state([[1], [4], [3], [2]], [[2], [4], [4], [2]])
    plain = 1 - 2 / 5
    assert float(metric.result()) == _approx(1 - (1 - plain) * 3 / 2)


def test_mean_squared_error_is_a_running_mean():
    metric = metrics.MeanSquaredError()
    metric.update_state([[0.0, 0.0]], [[1.0, 3.0]])
    metric.update_state([[0.0, 0.0]], [[0.0, 0.0]])
    assert float(metric.result()) == 2.5


# -- validation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "factory",
    [
        lambda: metrics.FBetaScore(average="median"),
        lambda: metrics.FBetaScore(beta=1),
        lambda: metrics.FBetaScore(beta=-1.0),
        lambda: metrics.F1Score(threshold=1.5),
        lambda: metrics.R2Score(class_aggregation="median"),
        lambda: metrics.R2Score(num_regressors=-1),
        lambda: metrics.AUC(num_thresholds=1),
        lambda: metrics.AUC(num_labels=3),
        lambda: metrics.AUC(curve="XYZ"),
        lambda: metrics.AUC(summation_method="XYZ"),
        lambda: metrics.Precision(thresholds=[0.5, 1.5]),
        lambda: metrics.IoU(num_classes=2, target_class_ids=[2]),
        lambda: metrics.SensitivityAtSpecificity(1.5),
        lambda: metrics.SpecificityAtSensitivity(-0.1),
        lambda: metrics.PrecisionAtRecall(0.5, num_thresholds=0),
    ],
)
def test_invalid_arguments_raise_value_error(factory):
    with pytest.raises(ValueError):
        factory()


def test_f_score_needs_2d_inputs():
    with pytest.raises(ValueError, match="2D"):
        metrics.F1Score().update_state([1.0, 0.0], [1.0, 0.0])


def test_auc_multi_label_needs_rank_2_predictions():
    with pytest.raises(ValueError, match="rank 2"):
        metrics.AUC(multi_label=True).update_state([1.0, 0.0], [1.0, 0.0])


def test_class_id_needs_2d_predictions():
    with pytest.raises(ValueError, match="class_id"):
        metrics.Precision(class_id=0).update_state([1.0, 0.0], [1.0, 0.0])


def test_iou_warns_about_float_weights_with_int_dtype():
    with pytest.warns(UserWarning, match="integer weights"):
        metrics.MeanIoU(num_classes=2).update_state([0, 1], [0, 1], sample_weight=np.array([1.0, 1.0]))

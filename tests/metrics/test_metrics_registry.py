"""Unit tests for `kerasbridge.metrics.get`, `serialize` and `deserialize`."""

import pytest

from kerasbridge import metrics


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("accuracy", metrics.Accuracy),
        ("AUC", metrics.AUC),
        ("mse", metrics.MeanSquaredError),
        ("MAPE", metrics.MeanAbsolutePercentageError),
        ("bce", metrics.BinaryCrossentropy),
        ("sparse_top_k_categorical_accuracy", metrics.SparseTopKCategoricalAccuracy),
    ],
)
def test_get_instantiates_classes_by_name(identifier, cls):
    assert type(metrics.get(identifier)) is cls


def test_get_none_is_none():
    assert metrics.get(None) is None


def test_get_returns_functions_as_is():
    assert metrics.get(metrics.binary_accuracy) is metrics.binary_accuracy


def test_get_returns_instances_as_is():
    metric = metrics.Mean()
    assert metrics.get(metric) is metric


def test_get_instantiates_a_class():
    assert type(metrics.get(metrics.Recall)) is metrics.Recall


def test_get_from_config_dict():
    metric = metrics.get({"class_name": "BinaryAccuracy", "config": {"threshold": 0.3}})
    assert metric.threshold == 0.3


def test_get_unknown_name_raises():
    with pytest.raises(ValueError, match="Could not interpret metric identifier"):
        metrics.get("no_such_metric")


def test_serialize_names_the_keras_module():
    config = metrics.serialize(metrics.Precision(thresholds=[0.3]))
    assert (config["module"], config["class_name"]) == ("keras.metrics", "Precision")


def test_serialize_then_deserialize_round_trips_config():
    metric = metrics.AUC(curve="PR", num_thresholds=50, label_weights=[1.0, 2.0])
    restored = metrics.deserialize(metrics.serialize(metric))
    config, restored_config = metric.get_config(), restored.get_config()
    assert restored_config["label_weights"].tolist() == config.pop("label_weights").tolist()
    restored_config.pop("label_weights")
    assert restored_config == config


def test_mean_metric_wrapper_round_trips_its_function():
    metric = metrics.MeanMetricWrapper(fn=metrics.binary_accuracy, threshold=0.2)
    restored = metrics.deserialize(metrics.serialize(metric))
    assert (restored._fn, restored._fn_kwargs) == (metrics.binary_accuracy, {"threshold": 0.2})


def test_every_class_is_in_the_registry():
    assert all(metrics.ALL_OBJECTS_DICT[cls.__name__] is cls for cls in metrics.ALL_OBJECTS)


def test_loss_metrics_are_minimised():
    assert metrics.MeanSquaredError()._direction == "down"


def test_accuracy_is_maximised():
    assert metrics.Accuracy()._direction == "up"

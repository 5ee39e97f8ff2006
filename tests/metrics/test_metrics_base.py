"""Unit tests for the `Metric` base class: state variables, reset, calling, config, devices."""

import pytest
import torch

from kerasbridge import metrics
from kerasbridge.backend import clear_session
from kerasbridge.metrics import metrics_utils


class CountPositives(metrics.Metric):
    def __init__(self, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.positives = self.add_variable(shape=(), initializer="zeros", name="positives")

    def update_state(self, values):
        metrics_utils.accumulate(self.positives, (torch.as_tensor(values) > 0).sum())

    def result(self):
        return self.positives.value.detach().clone()


class NoSuperInit(metrics.Metric):
    def __init__(self):
        pass


class Holder(metrics.Metric):
    def __init__(self):
        super().__init__(name="holder")
        self.inner = metrics.Mean(name="inner")
        self.own = self.add_variable(shape=(2,), initializer="ones", name="own")


def test_name_defaults_to_snake_case_class_name():
    clear_session(free_memory=False)
    assert CountPositives().name == "count_positives"


def test_default_names_are_uniquified():
    clear_session(free_memory=False)
    CountPositives()
    assert CountPositives().name == "count_positives_1"


def test_dtype_defaults_to_floatx():
    assert CountPositives().dtype == "float32"


def test_int_dtype_means_int32():
    assert CountPositives(dtype="int").dtype == "int32"


def test_mixed_policy_gives_its_compute_dtype():
    assert CountPositives(dtype="mixed_float16").dtype == "float16"


def test_add_variable_creates_a_non_trainable_variable():
    assert CountPositives().positives.trainable is False


def test_add_variable_defaults_to_sum_aggregation():
    assert CountPositives().positives.aggregation == "sum"


def test_add_variable_accepts_another_aggregation():
    metric = CountPositives()
    variable = metric.add_variable(shape=(), initializer="zeros", aggregation="mean", name="avg")
    assert variable.aggregation == "mean"


def test_variable_path_is_prefixed_with_metric_name():
    assert CountPositives(name="pos").positives.path == "pos/positives"


def test_slash_in_metric_name_is_replaced_in_paths():
    assert metrics.Mean(name="a/b").variables[0].path == "a>b/total"


def test_call_updates_state_and_returns_result():
    metric = CountPositives()
    metric([1.0, -1.0, 2.0])
    assert float(metric([3.0])) == 3.0


def test_reset_state_zeroes_every_variable():
    metric = CountPositives()
    metric.update_state([1.0, 2.0])
    metric.reset_state()
    assert float(metric.result()) == 0.0


def test_update_state_not_implemented_on_base():
    with pytest.raises(NotImplementedError):
        metrics.Metric().update_state(1.0)


def test_result_not_implemented_on_base():
    with pytest.raises(NotImplementedError):
        metrics.Metric().result()


def test_missing_super_init_is_reported():
    with pytest.raises(RuntimeError, match="super"):
        NoSuperInit()([1.0])


def test_nested_metric_variables_are_listed_after_own():
    assert [v.name for v in Holder().variables] == ["own", "total", "count"]


def test_get_config_has_name_and_dtype():
    assert CountPositives(name="p", dtype="float64").get_config() == {"name": "p", "dtype": "float64"}


def test_from_config_rebuilds_an_equal_metric():
    metric = CountPositives(name="p")
    assert CountPositives.from_config(metric.get_config()).get_config() == metric.get_config()


def test_repr_names_class_and_instance():
    assert repr(CountPositives(name="p")) == "<CountPositives name=p>"


def test_variables_start_on_the_metric_device():
    metric = CountPositives()
    assert metric.positives.value.device == metric.device


def test_to_moves_every_variable():
    metric = Holder().to("meta")
    assert {v.value.device.type for v in metric.variables} == {"meta"}


def test_to_moves_nested_metrics_device():
    metric = Holder().to("meta")
    assert metric.inner.device.type == "meta"


def test_to_keeps_variable_identity():
    metric = Holder()
    variables = metric.variables
    metric.to("cpu")
    assert all(a is b for a, b in zip(variables, metric.variables, strict=True))


def test_lazily_built_variables_follow_to():
    metric = metrics.F1Score().to("meta")
    metric.update_state(torch.zeros(2, 3, device="meta"), torch.zeros(2, 3, device="meta"))
    assert metric.true_positives.value.device.type == "meta"


def test_inputs_on_another_device_are_moved_to_the_metric():
    metric = metrics.Mean().to("meta")
    metric.update_state(torch.ones(3))
    assert metric.result().device.type == "meta"

"""Unit tests for `kerasbridge.regularizers`."""

import math

import numpy as np
import pytest
import torch

from kerasbridge import regularizers
from kerasbridge.backend import Variable

X = torch.tensor([[1.0, -2.0], [3.0, -4.0]])


def test_l1_penalty_is_factor_times_sum_of_abs():
    assert float(regularizers.L1(0.5)(X)) == pytest.approx(5.0)


def test_l2_penalty_is_factor_times_sum_of_squares():
    assert float(regularizers.L2(0.5)(X)) == pytest.approx(15.0)


def test_l1l2_penalty_adds_both_terms():
    assert float(regularizers.L1L2(l1=0.5, l2=0.5)(X)) == pytest.approx(20.0)


def test_l1l2_defaults_to_no_penalty():
    assert float(regularizers.L1L2()(X)) == 0.0


def test_l1l2_none_factors_mean_zero():
    assert regularizers.L1L2(l1=None, l2=None).get_config() == {"l1": 0.0, "l2": 0.0}


def test_l1_default_factor_is_float32_rounded_in_config():
    assert regularizers.L1().get_config() == {"l1": float(np.float32(0.01))}


def test_l2_default_factor_is_exact_in_config():
    assert regularizers.L2().get_config() == {"l2": 0.01}


def test_l2_config_stores_int_factor_as_float():
    config = regularizers.L2(1).get_config()
    assert config == {"l2": 1.0} and isinstance(config["l2"], float)


def test_l2_penalty_keeps_float64_input_dtype():
    out = regularizers.L2(0.1)(X.double())
    assert out.dtype == torch.float64
    assert float(out) == pytest.approx(0.1 * 30.0, abs=1e-15)


def test_l1_accepts_numpy_input():
    assert float(regularizers.L1(1.0)(np.array([1.0, -1.0], dtype="float32"))) == pytest.approx(2.0)


def test_l2_accepts_variable():
    v = Variable(np.array([3.0, 4.0], dtype="float32"))
    assert float(regularizers.L2(1.0)(v).detach()) == pytest.approx(25.0)


def test_l2_penalty_is_differentiable():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    regularizers.L2(0.5)(w).backward()
    assert w.grad.tolist() == [1.0, 2.0]


@pytest.mark.parametrize("bad", [-1, "a", math.inf, math.nan, [0.1]])
def test_l1_rejects_invalid_factor(bad):
    with pytest.raises(ValueError, match="expected a non-negative float"):
        regularizers.L1(bad)


def test_l2_rejects_negative_factor_with_keras_message():
    with pytest.raises(
        ValueError, match=r"Invalid value for argument l2: expected a non-negative float.Received: l2=-2"
    ):
        regularizers.L2(-2)


def test_orthogonal_penalty_zero_for_orthogonal_rows():
    assert float(regularizers.OrthogonalRegularizer(1.0)(torch.eye(3))) == pytest.approx(0.0)


def test_orthogonal_penalty_for_identical_rows():
    # two identical normalized rows: |dot| = 1 off the diagonal twice, one pair
    out = regularizers.OrthogonalRegularizer(1.0)(torch.tensor([[1.0, 1.0], [2.0, 2.0]]))
    assert float(out) == pytest.approx(1.0, abs=1e-6)


def test_orthogonal_columns_mode_uses_columns():
    x = torch.tensor([[1.0, 1.0], [0.0, 0.0]])
    rows = regularizers.OrthogonalRegularizer(1.0, mode="rows")(x)
    cols = regularizers.OrthogonalRegularizer(1.0, mode="columns")(x)
    assert float(rows) == pytest.approx(0.0) and float(cols) == pytest.approx(1.0, abs=1e-6)


def test_orthogonal_rejects_unknown_mode():
    with pytest.raises(ValueError, match='Expected one of {"rows", "columns"}. Received: mode=diag'):
        regularizers.OrthogonalRegularizer(mode="diag")


def test_orthogonal_rejects_rank_3_inputs():
    with pytest.raises(ValueError, match="must have rank 2"):
        regularizers.OrthogonalRegularizer()(torch.ones(2, 2, 2))


def test_orthogonal_config_rounds_factor_to_float32():
    assert regularizers.OrthogonalRegularizer(0.3, "columns").get_config() == {
        "factor": float(np.float32(0.3)),
        "mode": "columns",
    }


def test_base_regularizer_returns_zero():
    assert regularizers.Regularizer()(X) == 0.0


def test_base_regularizer_get_config_not_implemented():
    with pytest.raises(NotImplementedError, match="does not implement get_config"):
        regularizers.Regularizer().get_config()


def test_from_config_round_trips():
    reg = regularizers.L1L2.from_config({"l1": 0.25, "l2": 0.5})
    assert reg.get_config() == {"l1": 0.25, "l2": 0.5}


def test_lowercase_aliases_are_the_classes():
    assert regularizers.l1 is regularizers.L1
    assert regularizers.l2 is regularizers.L2
    assert regularizers.l1_l2 is regularizers.L1L2
    assert regularizers.orthogonal_regularizer is regularizers.OrthogonalRegularizer


@pytest.mark.parametrize(
    "name, cls",
    [("l1", "L1"), ("L2", "L2"), ("l1l2", "L1L2"), ("orthogonal_regularizer", "OrthogonalRegularizer")],
)
def test_get_by_name_instantiates_defaults(name, cls):
    assert type(regularizers.get(name)) is getattr(regularizers, cls)


def test_get_l1_l2_name_is_not_an_identifier():
    with pytest.raises(ValueError, match="Could not interpret regularizer identifier: l1_l2"):
        regularizers.get("l1_l2")


def test_get_none_is_none():
    assert regularizers.get(None) is None


def test_get_returns_instances_and_callables_unchanged():
    reg = regularizers.L2(0.3)
    assert regularizers.get(reg) is reg
    assert regularizers.get(abs) is abs


def test_get_class_instantiates_it():
    assert isinstance(regularizers.get(regularizers.L1), regularizers.L1)


def test_get_dict_deserializes():
    reg = regularizers.get({"class_name": "L2", "config": {"l2": 0.5}})
    assert isinstance(reg, regularizers.L2) and reg.l2 == 0.5


def test_serialize_gives_keras_dict():
    assert regularizers.serialize(regularizers.L1L2(0.1, 0.2)) == {
        "module": "keras.regularizers",
        "class_name": "L1L2",
        "config": {"l1": 0.1, "l2": 0.2},
        "registered_name": None,
    }


def test_deserialize_round_trips_serialize():
    reg = regularizers.deserialize(regularizers.serialize(regularizers.OrthogonalRegularizer(0.5, "columns")))
    assert isinstance(reg, regularizers.OrthogonalRegularizer) and reg.mode == "columns"


def test_deserialize_name_gives_default_instance():
    assert regularizers.deserialize("l2").get_config() == {"l2": 0.01}

"""Unit tests for `kerasbridge.constraints`."""

import numpy as np
import pytest
import torch

from kerasbridge import constraints
from kerasbridge.backend import Variable, epsilon

W = torch.tensor([[3.0, 0.1], [4.0, 0.0]])  # column norms: 5.0 and 0.1


def test_max_norm_rescales_columns_above_max():
    out = constraints.MaxNorm(max_value=2.0)(W)
    assert float(torch.linalg.norm(out[:, 0])) == pytest.approx(2.0, rel=1e-6)


def test_max_norm_leaves_small_columns_almost_unchanged():
    out = constraints.MaxNorm(max_value=2.0)(W)
    expected = 0.1 * 0.1 / (epsilon() + 0.1)
    assert float(out[0, 1]) == pytest.approx(expected, rel=1e-6)


def test_max_norm_axis_one_uses_rows():
    out = constraints.MaxNorm(max_value=1.0, axis=1)(torch.tensor([[3.0, 4.0]]))
    assert float(torch.linalg.norm(out)) == pytest.approx(1.0, rel=1e-6)


def test_max_norm_accepts_list_axis():
    w = torch.full((2, 2, 3), 2.0)
    out = constraints.MaxNorm(max_value=1.0, axis=[0, 1])(w)
    assert torch.allclose(torch.linalg.norm(out.reshape(4, 3), dim=0), torch.ones(3))


def test_max_norm_uses_keras_epsilon_in_denominator():
    w = torch.tensor([[0.5]])
    out = constraints.MaxNorm(max_value=2.0)(w)
    assert float(out) == pytest.approx(0.5 * 0.5 / (0.5 + 1e-7), rel=1e-7)


def test_non_neg_zeroes_negative_weights():
    assert constraints.NonNeg()(torch.tensor([-1.0, 0.0, 2.0])).tolist() == [0.0, 0.0, 2.0]


def test_non_neg_accepts_numpy():
    out = constraints.NonNeg()(np.array([-3.0, 3.0], dtype="float32"))
    assert isinstance(out, torch.Tensor) and out.tolist() == [0.0, 3.0]


def test_unit_norm_gives_unit_columns():
    out = constraints.UnitNorm()(torch.tensor([[3.0], [4.0]]))
    assert out.flatten().tolist() == pytest.approx([0.6, 0.8], rel=1e-6)


def test_unit_norm_of_zero_column_stays_zero():
    assert constraints.UnitNorm()(torch.zeros(2, 1)).tolist() == [[0.0], [0.0]]


def test_min_max_norm_raises_small_norms_to_min():
    out = constraints.MinMaxNorm(min_value=1.0, max_value=2.0)(torch.tensor([[0.3], [0.4]]))
    assert float(torch.linalg.norm(out)) == pytest.approx(1.0, rel=1e-5)


def test_min_max_norm_rate_interpolates():
    out = constraints.MinMaxNorm(min_value=0.0, max_value=1.0, rate=0.5)(torch.tensor([[3.0], [4.0]]))
    assert float(torch.linalg.norm(out)) == pytest.approx(3.0, rel=1e-6)


def test_constraint_accepts_variable():
    v = Variable(np.array([[3.0], [4.0]], dtype="float32"))
    assert float(torch.linalg.norm(constraints.UnitNorm()(v)).detach()) == pytest.approx(1.0, rel=1e-6)


def test_max_norm_float64_weights_stay_float64():
    assert constraints.MaxNorm()(W.double()).dtype == torch.float64


def test_base_constraint_is_identity():
    assert constraints.Constraint()(W) is W


def test_base_constraint_config_is_empty():
    assert constraints.Constraint().get_config() == {}


def test_configs_match_constructor_arguments():
    assert constraints.MaxNorm(3, axis=[0, 1]).get_config() == {"max_value": 3, "axis": [0, 1]}
    assert constraints.MinMaxNorm(0.5, 2.0, 0.7, 1).get_config() == {
        "min_value": 0.5,
        "max_value": 2.0,
        "rate": 0.7,
        "axis": 1,
    }
    assert constraints.UnitNorm(2).get_config() == {"axis": 2}
    assert constraints.NonNeg().get_config() == {}


def test_from_config_round_trips():
    c = constraints.MinMaxNorm.from_config({"min_value": 0.1, "max_value": 0.9, "rate": 0.5, "axis": 1})
    assert c.get_config()["max_value"] == 0.9


def test_lowercase_aliases_are_the_classes():
    assert constraints.max_norm is constraints.MaxNorm
    assert constraints.min_max_norm is constraints.MinMaxNorm
    assert constraints.non_neg is constraints.NonNeg
    assert constraints.unit_norm is constraints.UnitNorm


@pytest.mark.parametrize(
    "name, cls", [("max_norm", "MaxNorm"), ("NonNeg", "NonNeg"), ("unit_norm", "UnitNorm")]
)
def test_get_by_name_instantiates(name, cls):
    assert type(constraints.get(name)) is getattr(constraints, cls)


def test_get_unknown_name_raises():
    with pytest.raises(ValueError, match="Could not interpret constraint identifier: nonneg"):
        constraints.get("nonneg")


def test_get_none_is_none():
    assert constraints.get(None) is None


def test_get_dict_deserializes():
    c = constraints.get({"class_name": "MaxNorm", "config": {"max_value": 4, "axis": 1}})
    assert isinstance(c, constraints.MaxNorm) and c.max_value == 4 and c.axis == 1


def test_serialize_gives_keras_dict():
    assert constraints.serialize(constraints.UnitNorm(axis=1)) == {
        "module": "keras.constraints",
        "class_name": "UnitNorm",
        "config": {"axis": 1},
        "registered_name": None,
    }


def test_deserialize_round_trips_serialize():
    c = constraints.deserialize(constraints.serialize(constraints.MaxNorm(5)))
    assert isinstance(c, constraints.MaxNorm) and c.max_value == 5


def test_non_neg_float64_gives_float32_like_keras():
    assert constraints.NonNeg()(torch.tensor([-1.0, 1.0], dtype=torch.float64)).dtype == torch.float32


def test_non_neg_int64_gives_int32_like_keras():
    assert constraints.NonNeg()(torch.tensor([-1, 1])).dtype == torch.int32

"""Unit tests for `kerasbridge.losses.Loss`: conversion, masks, sample weights, reductions."""

import pytest
import torch

from kerasbridge import losses
from kerasbridge.backend import clear_session
from kerasbridge.losses import loss as loss_module


class AbsoluteError(losses.Loss):
    """Per-element loss |y_pred - y_true| (no axis reduced), to test reductions in isolation."""

    def call(self, y_true, y_pred):
        return torch.abs(y_pred - y_true)


Y_TRUE = torch.zeros(2, 3)
Y_PRED = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


def test_sum_over_batch_size_divides_by_number_of_elements():
    assert float(AbsoluteError()(Y_TRUE, Y_PRED)) == pytest.approx(21.0 / 6)


def test_sum_reduction_only_sums():
    assert float(AbsoluteError(reduction="sum")(Y_TRUE, Y_PRED)) == pytest.approx(21.0)


def test_mean_reduction_equals_sum_over_batch_size():
    assert float(AbsoluteError(reduction="mean")(Y_TRUE, Y_PRED)) == pytest.approx(21.0 / 6)


@pytest.mark.parametrize("reduction", ["none", None])
def test_none_reductions_return_unreduced_values(reduction):
    torch.testing.assert_close(AbsoluteError(reduction=reduction)(Y_TRUE, Y_PRED), Y_PRED)


def test_mean_with_sample_weight_divides_by_sum_of_weights():
    result = AbsoluteError(reduction="mean_with_sample_weight")(
        Y_TRUE, Y_PRED, sample_weight=torch.tensor([[1.0], [3.0]])
    )
    assert float(result) == pytest.approx((6.0 * 1 + 15.0 * 3) / 4.0)


def test_mean_with_sample_weight_without_weights_divides_by_element_count():
    assert float(AbsoluteError(reduction="mean_with_sample_weight")(Y_TRUE, Y_PRED)) == pytest.approx(
        21.0 / 6
    )


def test_per_sample_column_weight_is_squeezed_to_match_rank_one_values():
    loss = losses.MeanAbsoluteError(reduction="none")
    result = loss(Y_TRUE, Y_PRED, sample_weight=torch.tensor([[2.0], [0.0]]))
    torch.testing.assert_close(result, torch.tensor([[4.0], [0.0]]))


def test_per_element_weights_scale_each_value():
    weights = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    assert float(AbsoluteError(reduction="sum")(Y_TRUE, Y_PRED, sample_weight=weights)) == pytest.approx(13.0)


def test_mask_on_predictions_averages_over_unmasked_entries_only():
    y_pred = Y_PRED.clone()
    y_pred._keras_mask = torch.tensor([[True, False, False], [False, False, True]])
    assert float(AbsoluteError()(Y_TRUE, y_pred)) == pytest.approx((1.0 + 6.0) / 2)


def test_mask_with_sum_reduction_zeroes_masked_entries():
    y_pred = Y_PRED.clone()
    y_pred._keras_mask = torch.tensor([[True, False, False], [False, False, True]])
    assert float(AbsoluteError(reduction="sum")(Y_TRUE, y_pred)) == pytest.approx(7.0)


def test_fully_masked_batch_gives_zero_not_nan():
    y_pred = Y_PRED.clone()
    y_pred._keras_mask = torch.zeros(2, 3, dtype=torch.bool)
    assert float(AbsoluteError()(Y_TRUE, y_pred)) == 0.0


def test_mask_combines_with_sample_weight():
    y_pred = Y_PRED.clone()
    y_pred._keras_mask = torch.tensor([[True, True, False], [True, True, True]])
    weights = torch.full((2, 3), 2.0)
    # 5 valid entries of 6: weights become 2 * 6/5 on valid entries, the sum is divided by 6.
    expected = (1.0 + 2.0 + 4.0 + 5.0 + 6.0) * 2.0 / 5.0
    assert float(AbsoluteError()(Y_TRUE, y_pred, sample_weight=weights)) == pytest.approx(expected)


def test_mask_returned_by_call_is_applied():
    class MaskedHalf(losses.Loss):
        def call(self, y_true, y_pred):
            values = torch.abs(y_pred - y_true)
            values._keras_mask = torch.tensor([[True, True, True], [False, False, False]])
            return values

    assert float(MaskedHalf()(Y_TRUE, Y_PRED)) == pytest.approx(6.0 / 3)


def test_scalar_loss_is_returned_unreduced():
    class Scalar(losses.Loss):
        def call(self, y_true, y_pred):
            return torch.sum(y_pred)

    assert float(Scalar(reduction="sum_over_batch_size")(Y_TRUE, Y_PRED)) == pytest.approx(21.0)


def test_inputs_are_converted_to_the_loss_dtype():
    seen = {}

    class Recorder(losses.Loss):
        def call(self, y_true, y_pred):
            seen["dtypes"] = (y_true.dtype, y_pred.dtype)
            return y_pred

    Recorder()([[1, 0]], [[0.5, 0.5]])
    assert seen["dtypes"] == (torch.float32, torch.float32)


def test_dtype_argument_sets_the_computation_dtype():
    result = losses.MeanSquaredError(dtype="float64", reduction="sum")(Y_TRUE, Y_PRED)
    assert result.dtype == torch.float64


def test_mixed_precision_policy_computes_in_float16():
    assert losses.MeanSquaredError(dtype="mixed_float16").dtype == "float16"


def test_invalid_reduction_is_rejected_with_keras_message():
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        AbsoluteError(reduction="average")


def test_unnamed_losses_get_unique_snake_case_names():
    clear_session(free_memory=False)
    assert [AbsoluteError().name, AbsoluteError().name] == ["absolute_error", "absolute_error_1"]


def test_get_config_holds_name_and_reduction():
    assert AbsoluteError(name="abs", reduction="sum").get_config() == {"name": "abs", "reduction": "sum"}


def test_from_config_rebuilds_an_equal_loss():
    rebuilt = AbsoluteError.from_config({"name": "abs", "reduction": None})
    assert (rebuilt.name, rebuilt.reduction) == ("abs", None)


def test_base_call_is_abstract():
    with pytest.raises(NotImplementedError):
        losses.Loss()(Y_TRUE, Y_PRED)


def test_squeeze_drops_trailing_unit_axis_of_the_higher_rank_tensor():
    a, b = loss_module.squeeze_or_expand_to_same_rank(torch.zeros(4, 3, 1), torch.zeros(4, 3))
    assert (a.shape, b.shape) == ((4, 3), (4, 3))


def test_squeeze_expands_a_rank_one_partner_instead():
    a, b = loss_module.squeeze_or_expand_to_same_rank(torch.zeros(4, 1), torch.zeros(4))
    assert (a.shape, b.shape) == ((4, 1), (4, 1))


def test_reduce_weighted_values_keeps_the_values_device_and_dtype():
    values = torch.ones(3, dtype=torch.float64)
    result = loss_module.reduce_weighted_values(values, sample_weight=[1.0, 2.0, 3.0], reduction="sum")
    assert (result.dtype, result.device, float(result)) == (torch.float64, values.device, 6.0)


def test_reduction_narrows_float64_to_float32_like_keras():
    result = loss_module.reduce_weighted_values(torch.ones(3, dtype=torch.float64))
    assert result.dtype == torch.float32


def test_list_of_tensors_reaches_a_custom_call_as_a_list():
    seen = {}

    class Structured(losses.Loss):
        def call(self, y_true, y_pred):
            seen["types"] = (type(y_true), type(y_pred))
            return y_pred[0]

    Structured()([torch.zeros(2), torch.ones(2)], [torch.ones(2), torch.zeros(2)])
    assert seen["types"] == (list, list)

import numpy as np
import pytest
import torch

from kerasbridge import ops
from kerasbridge.backend import Variable

X = np.arange(24, dtype="float32").reshape(2, 3, 4) - 10.0


def test_ops_return_torch_tensors_for_numpy_inputs():
    assert isinstance(ops.add(np.ones(2), np.ones(2)), torch.Tensor)


def test_python_int_keeps_int8_tensor_dtype():
    assert ops.add(np.ones(2, "int8"), 3).dtype == torch.int8


def test_python_float_promotes_int_tensor_to_float32():
    assert ops.multiply(np.ones(2, "int32"), 1.5).dtype == torch.float32


def test_true_divide_of_ints_is_float32():
    out = ops.true_divide(np.array([3, 4], "int32"), np.array([2, 2], "int32"))
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), [1.5, 2.0])


def test_floor_divide_keeps_promoted_int_dtype():
    out = ops.floor_divide(np.array([7, -7], "int32"), 2)
    assert out.dtype == torch.int32
    assert out.tolist() == [3, -4]


def test_divide_no_nan_gives_zero_where_denominator_is_zero():
    out = ops.divide_no_nan(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
    np.testing.assert_allclose(out.numpy(), [0.0, 0.5])


def test_mod_takes_sign_of_divisor():
    assert ops.mod(np.array([-3, 3], "int32"), 2).tolist() == [1, 1]


def test_subtract_accepts_bool_operand():
    assert ops.subtract(np.array([True, False]), np.array([1, 1], "int32")).tolist() == [0, -1]


def test_maximum_with_python_scalar_uses_weak_promotion():
    out = ops.maximum(np.array([1, 5], "int8"), 3)
    assert out.dtype == torch.int8 and out.tolist() == [3, 5]


def test_maximum_with_python_float_promotes_ints():
    assert ops.maximum(np.array([1, 5], "int8"), 3.5).dtype == torch.float32


def test_variables_are_valid_operands():
    v = Variable(np.ones((2, 2), "float32"), name="v")
    np.testing.assert_allclose(ops.add(v, 1.0).detach().numpy(), np.full((2, 2), 2.0))


def test_gradient_flows_through_ops():
    x = torch.ones(3, requires_grad=True)
    ops.sum(ops.square(x)).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 2.0])


def test_mean_of_ints_is_float32():
    out = ops.mean(np.array([1, 2], "int32"))
    assert out.dtype == torch.float32 and out.item() == 1.5


def test_sum_of_int8_is_int32():
    assert ops.sum(np.array([100, 100], "int8")).dtype == torch.int32


def test_full_reduction_with_keepdims_keeps_rank():
    assert tuple(ops.max(X, keepdims=True).shape) == (1, 1, 1)


def test_empty_axis_tuple_leaves_input_unreduced():
    assert tuple(ops.sum(X, axis=()).shape) == X.shape


def test_max_with_initial_bounds_the_result():
    assert ops.max(np.array([-3.0, -2.0]), initial=0.0).item() == 0.0


def test_argmax_returns_int32():
    out = ops.argmax(X, axis=-1)
    assert out.dtype == torch.int32
    assert out.numpy().tolist() == np.argmax(X, axis=-1).tolist()


def test_var_and_std_are_biased():
    np.testing.assert_allclose(ops.var(X, axis=1).numpy(), np.var(X, axis=1), rtol=1e-6)
    np.testing.assert_allclose(ops.std(X).numpy(), np.std(X), rtol=1e-6)


def test_median_averages_middle_values():
    assert ops.median(np.array([1.0, 2.0, 3.0, 10.0])).item() == 2.5


def test_quantile_with_vector_q_and_keepdims():
    out = ops.quantile(X, np.array([0.25, 0.75]), axis=1, keepdims=True)
    np.testing.assert_allclose(out.numpy(), np.quantile(X, [0.25, 0.75], axis=1, keepdims=True), rtol=1e-6)


def test_cumsum_of_bool_counts():
    assert ops.cumsum(np.array([True, True, False])).tolist() == [1, 2, 2]


def test_argsort_is_stable():
    assert ops.argsort(np.array([1, 0, 1, 0])).tolist() == [1, 3, 0, 2]


def test_nanmax_is_nan_for_all_nan_rows():
    out = ops.nanmax(np.array([[1.0, np.nan], [np.nan, np.nan]]), axis=1).numpy()
    assert out[0] == 1.0 and np.isnan(out[1])


def test_count_nonzero_along_axis():
    assert ops.count_nonzero(np.array([[0, 1, 2], [0, 0, 3]]), axis=1).tolist() == [2, 1]


def test_reshape_infers_minus_one():
    assert tuple(ops.reshape(X, (-1, 4)).shape) == (6, 4)


def test_reshape_rejects_two_unknown_dims():
    with pytest.raises(ValueError, match="newshape"):
        ops.reshape(X, (-1, -1))


def test_transpose_without_axes_reverses_them():
    assert tuple(ops.transpose(X).shape) == (4, 3, 2)


def test_expand_dims_with_several_axes():
    assert tuple(ops.expand_dims(X, (0, -1)).shape) == (1, 2, 3, 4, 1)


def test_split_at_indices():
    parts = ops.split(np.arange(6), [2, 5])
    assert [p.tolist() for p in parts] == [[0, 1], [2, 3, 4], [5]]


def test_split_into_unequal_sections_raises():
    with pytest.raises(ValueError, match="not divisible"):
        ops.split(np.arange(5), 2)


def test_repeat_along_axis():
    assert ops.repeat(np.array([[1, 2]]), 2, axis=1).tolist() == [[1, 1, 2, 2]]


def test_take_wraps_negative_indices():
    assert ops.take(np.array([10, 20, 30]), np.array([-1, 0])).tolist() == [30, 10]


def test_take_along_axis_gathers_per_row():
    out = ops.take_along_axis(np.array([[1, 2], [3, 4]]), np.array([[1], [0]]), axis=1)
    assert out.tolist() == [[2], [3]]


def test_where_with_only_condition_returns_stacked_indices():
    assert ops.where(np.array([[True, False], [False, True]])).tolist() == [[0, 1], [0, 1]]


def test_where_requires_both_branches():
    with pytest.raises(ValueError, match="both"):
        ops.where(np.array([True]), 1.0)


def test_get_item_supports_none_and_ellipsis():
    assert tuple(ops.get_item(X, (Ellipsis, None, 0)).shape) == (2, 3, 1)


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric", "wrap"])
def test_pad_modes_match_numpy(mode):
    x = np.arange(12, dtype="float32").reshape(3, 4)
    widths = ((2, 1), (3, 5))
    np.testing.assert_array_equal(ops.pad(x, widths, mode=mode).numpy(), np.pad(x, widths, mode=mode))


def test_pad_rejects_constant_values_outside_constant_mode():
    with pytest.raises(ValueError, match="constant_values"):
        ops.pad(X, 1, mode="edge", constant_values=1)


def test_arange_infers_int32_from_python_ints():
    assert ops.arange(5).dtype == torch.int32


def test_linspace_with_retstep():
    values, step = ops.linspace(0.0, 1.0, 5, retstep=True)
    np.testing.assert_allclose(values.numpy(), np.linspace(0, 1, 5))
    assert step == 0.25


def test_full_defaults_to_floatx():
    assert ops.full((2,), 3).dtype == torch.float32


def test_eye_with_offset_diagonal():
    np.testing.assert_array_equal(ops.eye(3, 4, k=1).numpy(), np.eye(3, 4, k=1))


def test_tri_is_lower_triangular_ones():
    np.testing.assert_array_equal(ops.tri(3, k=-1).numpy(), np.tri(3, k=-1))


def test_matmul_of_float64_gives_float32():
    assert ops.matmul(np.ones((2, 2)), np.ones((2, 2))).dtype == torch.float32


def test_matmul_of_int8_gives_int32():
    out = ops.matmul(np.full((2, 2), 100, "int8"), np.full((2, 2), 100, "int8"))
    assert out.dtype == torch.int32 and out[0, 0].item() == 20000


def test_einsum_contracts():
    a, b = np.random.rand(2, 3).astype("float32"), np.random.rand(3, 4).astype("float32")
    np.testing.assert_allclose(ops.einsum("ij,jk->ik", a, b).numpy(), a @ b, rtol=1e-5)


def test_tensordot_with_axis_pairs():
    a, b = np.random.rand(2, 3, 4).astype("float32"), np.random.rand(4, 3).astype("float32")
    expected = np.tensordot(a, b, axes=([1, 2], [1, 0]))
    np.testing.assert_allclose(ops.tensordot(a, b, axes=([1, 2], [1, 0])).numpy(), expected, rtol=1e-5)


def test_clip_of_bool_gives_int32():
    assert ops.clip(np.array([True, False]), 0, 1).dtype == torch.int32


def test_round_of_ints_keeps_dtype():
    assert ops.round(np.array([1, 2], "int32")).dtype == torch.int32


def test_isclose_of_ints_is_exact_equality():
    assert ops.isclose(np.array([1, 2]), np.array([1, 3])).tolist() == [True, False]


def test_unique_with_counts():
    values, counts = ops.unique(np.array([3, 1, 3]), return_counts=True)
    assert values.tolist() == [1, 3] and counts.tolist() == [1, 2]


def test_searchsorted_returns_int32():
    out = ops.searchsorted(np.array([1.0, 2.0, 3.0]), np.array([2.5]))
    assert out.dtype == torch.int32 and out.tolist() == [2]


def test_bincount_with_minlength():
    assert ops.bincount(np.array([1, 1, 3]), minlength=5).tolist() == [0, 2, 0, 1, 0]


def test_rearrange_splits_and_merges_axes():
    x = np.arange(24).reshape(2, 12)
    out = ops.rearrange(x, "b (h w) -> (b h) w", h=3)
    np.testing.assert_array_equal(out.numpy(), x.reshape(6, 4))


def test_vectorize_broadcasts_scalar_function():
    out = ops.vectorize(lambda a, b: a * 10 + b)(np.array([[1.0], [2.0]]), np.array([0.0, 1.0]))
    np.testing.assert_array_equal(out.numpy(), [[10.0, 11.0], [20.0, 21.0]])


def test_vectorize_passes_excluded_arguments_through():
    out = ops.vectorize(lambda a, scale: a * scale, excluded={1})(np.array([1.0, 2.0]), 3.0)
    np.testing.assert_array_equal(out.numpy(), [3.0, 6.0])

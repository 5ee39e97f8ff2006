"""Unit tests for the activation functions."""

import warnings

import numpy as np
import pytest
import torch

from kerasbridge import activations

X = torch.tensor([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 7.0])


def test_relu_zeroes_negatives():
    assert activations.relu(X).tolist() == [0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 7.0]


def test_relu_negative_slope_is_leaky():
    assert activations.relu(torch.tensor([-2.0, 3.0]), negative_slope=0.5).tolist() == [-1.0, 3.0]


def test_relu_max_value_clips():
    assert activations.relu(torch.tensor([-1.0, 4.0, 9.0]), max_value=5.0).tolist() == [0.0, 4.0, 5.0]


def test_relu_threshold_zeroes_values_at_or_below_it():
    assert activations.relu(torch.tensor([0.5, 1.0, 1.5]), threshold=1.0).tolist() == [0.0, 0.0, 1.5]


def test_relu_all_options_combined():
    out = activations.relu(torch.tensor([-1.0, 2.0, 9.0]), negative_slope=0.5, max_value=4.0, threshold=1.0)
    assert out.tolist() == [-1.0, 2.0, 4.0]


def test_relu6_caps_at_six():
    assert float(activations.relu6(X).max()) == 6.0


def test_leaky_relu_default_slope():
    assert activations.leaky_relu(torch.tensor([-1.0])).tolist() == pytest.approx([-0.2])


def test_softmax_rows_sum_to_one_and_keep_logits():
    x = torch.randn(3, 5)
    out = activations.softmax(x)
    torch.testing.assert_close(out.sum(-1), torch.ones(3))
    assert out._keras_logits is x


def test_softmax_axis_none_normalizes_everything():
    assert float(activations.softmax(torch.randn(3, 4), axis=None).sum()) == pytest.approx(1.0, abs=1e-6)


def test_softmax_tuple_axis_normalizes_over_both_axes():
    out = activations.softmax(torch.randn(2, 3, 4), axis=(1, 2))
    torch.testing.assert_close(out.sum((1, 2)), torch.ones(2))


def test_softmax_warns_on_size_one_axis():
    with pytest.warns(UserWarning, match="This axis has size 1"):
        activations.softmax(torch.randn(4, 1))


def test_softmax_float16_keeps_dtype():
    assert activations.softmax(torch.randn(2, 3).half()).dtype == torch.float16


def test_log_softmax_matches_log_of_softmax():
    x = torch.randn(3, 4)
    torch.testing.assert_close(activations.log_softmax(x), torch.log(activations.softmax(x)))


def test_sigmoid_keeps_logits():
    x = torch.randn(3)
    assert activations.sigmoid(x)._keras_logits is x


def test_gelu_approximate_differs_from_exact():
    assert not torch.equal(activations.gelu(X), activations.gelu(X, approximate=True))


def test_exponential_casts_integers_to_floatx():
    out = activations.exponential(torch.arange(3))
    assert out.dtype == torch.float32 and out[0].item() == 1.0


def test_hard_sigmoid_values():
    assert activations.hard_sigmoid(torch.tensor([-4.0, 0.0, 4.0])).tolist() == [0.0, 0.5, 1.0]


def test_hard_silu_alias():
    assert activations.hard_swish is activations.hard_silu


def test_swish_alias():
    assert activations.swish is activations.silu


def test_sparse_sigmoid_piecewise():
    assert activations.sparse_sigmoid(torch.tensor([-2.0, 0.0, 2.0])).tolist() == [0.0, 0.5, 1.0]


def test_sparse_plus_piecewise():
    assert activations.sparse_plus(torch.tensor([-2.0, 0.0, 2.0])).tolist() == [0.0, 0.25, 2.0]


def test_squareplus_at_zero_is_sqrt_b_over_two():
    assert activations.squareplus(torch.tensor([0.0]), b=4).tolist() == [1.0]


def test_threshold_replaces_small_values():
    assert activations.threshold(torch.tensor([0.1, 0.75]), 0.5, -1.0).tolist() == [-1.0, 0.75]


def test_glu_halves_axis():
    assert tuple(activations.glu(torch.randn(2, 6)).shape) == (2, 3)


def test_sparsemax_sums_to_one_and_is_sparse():
    out = activations.sparsemax(torch.tensor([[3.0, 1.0, -2.0]]))
    assert out.sum().item() == pytest.approx(1.0) and out[0, 2].item() == 0.0


def test_mish_at_zero_is_zero():
    assert activations.mish(torch.tensor([0.0])).tolist() == [0.0]


def test_linear_returns_input_object():
    x = torch.randn(2)
    assert activations.linear(x) is x


def test_numpy_input_is_converted():
    out = activations.tanh(np.array([0.0, 1.0], dtype="float32"))
    assert isinstance(out, torch.Tensor) and out.dtype == torch.float32


def test_no_warning_for_regular_softmax():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        activations.softmax(torch.randn(2, 3))


def test_symbolic_input_returns_keras_tensor():
    from kerasbridge.ops.keras_tensor import KerasTensor

    out = activations.relu(KerasTensor((None, 4)))
    assert isinstance(out, KerasTensor) and out.shape == (None, 4)

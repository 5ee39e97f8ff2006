"""Unit tests for the loss functions and classes of `kerasbridge.losses` (hand-computed values)."""

import math

import pytest
import torch

from kerasbridge import losses
from kerasbridge.backend import epsilon


def _close(actual, expected, tol=1e-6):
    torch.testing.assert_close(
        torch.as_tensor(actual, dtype=torch.float32),
        torch.as_tensor(expected, dtype=torch.float32),
        rtol=tol,
        atol=tol,
    )


def test_mean_squared_error_averages_the_last_axis():
    _close(losses.mean_squared_error([[0.0, 0.0], [1.0, 1.0]], [[1.0, 3.0], [1.0, 1.0]]), [5.0, 0.0])


def test_mean_absolute_percentage_error_floors_the_denominator_at_epsilon():
    value = losses.mean_absolute_percentage_error([[0.0]], [[1.0]])
    _close(value, [100.0 / epsilon()], tol=1e-3)


def test_mean_squared_logarithmic_error_raises_negatives_to_epsilon():
    value = losses.mean_squared_logarithmic_error([[-5.0]], [[math.e - 1]])
    _close(value, [(1.0 - math.log1p(epsilon())) ** 2])


def test_cosine_similarity_is_minus_one_for_parallel_vectors():
    _close(losses.cosine_similarity([[1.0, 2.0]], [[2.0, 4.0]]), [-1.0])


def test_cosine_similarity_of_a_zero_vector_is_zero():
    _close(losses.cosine_similarity([[0.0, 0.0]], [[2.0, 4.0]]), [0.0])


def test_huber_is_quadratic_inside_delta_and_linear_outside():
    _close(losses.huber([[0.0, 0.0]], [[0.5, 3.0]], delta=1.0), [(0.125 + (3.0 - 0.5)) / 2])


def test_log_cosh_matches_the_definition():
    _close(
        losses.log_cosh([[0.0, 0.0]], [[0.3, -2.0]]),
        [(math.log(math.cosh(0.3)) + math.log(math.cosh(2.0))) / 2],
    )


def test_hinge_converts_binary_labels_to_signed():
    _close(losses.hinge([[0.0, 1.0]], [[0.5, 0.5]]), [(1.5 + 0.5) / 2])


def test_hinge_keeps_non_binary_labels():
    _close(losses.hinge([[2.0, -1.0]], [[0.25, 0.5]]), [(0.5 + 1.5) / 2])


def test_squared_hinge_squares_the_margin():
    _close(losses.squared_hinge([[-1.0]], [[0.5]]), [2.25])


def test_categorical_hinge_uses_the_best_wrong_class():
    _close(losses.categorical_hinge([[0.0, 1.0, 0.0]], [[0.3, 0.6, 0.9]]), [0.9 - 0.6 + 1.0])


def test_kl_divergence_of_identical_distributions_is_zero():
    _close(losses.kl_divergence([[0.2, 0.8]], [[0.2, 0.8]]), [0.0])


def test_poisson_matches_the_definition():
    _close(losses.poisson([[2.0]], [[0.5]]), [0.5 - 2.0 * math.log(0.5 + epsilon())])


def test_categorical_crossentropy_renormalises_probabilities():
    # [1, 3] renormalises to [0.25, 0.75].
    _close(losses.categorical_crossentropy([[0.0, 1.0]], [[1.0, 3.0]]), [-math.log(0.75)])


def test_categorical_crossentropy_clips_zero_probabilities():
    _close(losses.categorical_crossentropy([[1.0, 0.0]], [[0.0, 1.0]]), [-math.log(epsilon())], tol=1e-4)


def test_categorical_crossentropy_from_logits_uses_log_softmax():
    logits = torch.tensor([[1.0, 2.0, 3.0]])
    expected = -torch.log_softmax(logits, dim=-1)[0, 2]
    _close(losses.categorical_crossentropy([[0.0, 0.0, 1.0]], logits, from_logits=True), [expected])


def test_categorical_label_smoothing_spreads_mass_over_classes():
    probs = torch.tensor([[0.2, 0.8]])
    target = torch.tensor([[0.0 * 0.8 + 0.1, 1.0 * 0.8 + 0.1]])
    expected = -(target * torch.log(probs)).sum()
    _close(losses.categorical_crossentropy([[0.0, 1.0]], probs, label_smoothing=0.2), [expected])


def test_categorical_crossentropy_rejects_bool_axis():
    with pytest.raises(ValueError, match="`axis` must be of type `int`"):
        losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], axis=True)


def test_categorical_crossentropy_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match="must have the same shape"):
        losses.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.25, 0.25]])


def test_categorical_crossentropy_warns_on_a_single_class():
    with pytest.warns(SyntaxWarning, match="binary_crossentropy"):
        losses.categorical_crossentropy([[1.0]], [[0.5]])


def test_binary_crossentropy_clips_certain_wrong_predictions():
    expected = -math.log(epsilon())
    _close(losses.binary_crossentropy([[1.0]], [[0.0]]), [expected], tol=1e-4)


def test_binary_crossentropy_label_smoothing_squeezes_towards_half():
    target = 1.0 * 0.8 + 0.1
    expected = -(target * math.log(0.7) + (1 - target) * math.log(0.3))
    _close(losses.binary_crossentropy([[1.0]], [[0.7]], label_smoothing=0.2), [expected])


def test_binary_crossentropy_from_logits_matches_sigmoid_probabilities():
    from_logits = losses.binary_crossentropy([[1.0, 0.0]], [[0.3, -1.2]], from_logits=True)
    from_probs = losses.binary_crossentropy([[1.0, 0.0]], torch.sigmoid(torch.tensor([[0.3, -1.2]])))
    _close(from_logits, from_probs, tol=1e-5)


def test_binary_focal_with_gamma_zero_equals_binary_crossentropy():
    y_true, y_pred = [[1.0, 0.0, 1.0]], [[0.9, 0.2, 0.4]]
    _close(
        losses.binary_focal_crossentropy(y_true, y_pred, gamma=0.0),
        losses.binary_crossentropy(y_true, y_pred),
    )


def test_binary_focal_class_balancing_weights_positives_by_alpha():
    plain = losses.binary_focal_crossentropy([[1.0]], [[0.6]])
    balanced = losses.binary_focal_crossentropy([[1.0]], [[0.6]], apply_class_balancing=True, alpha=0.25)
    _close(balanced, plain * 0.25)


def test_categorical_focal_downweights_confident_predictions():
    value = losses.categorical_focal_crossentropy([[0.0, 1.0]], [[0.1, 0.9]], alpha=1.0, gamma=2.0)
    _close(value, [(0.1**2) * -math.log(0.9)])


def test_categorical_focal_accepts_one_alpha_per_class():
    value = losses.categorical_focal_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], alpha=[0.1, 0.7], gamma=0.0)
    _close(value, [0.7 * math.log(2.0)])


def test_sparse_crossentropy_equals_categorical_on_one_hot_labels():
    probs = torch.tensor([[0.2, 0.5, 0.3], [0.6, 0.3, 0.1]])
    sparse = losses.sparse_categorical_crossentropy(torch.tensor([2, 0]), probs)
    dense = losses.categorical_crossentropy(torch.eye(3)[[2, 0]], probs)
    _close(sparse, dense)


def test_sparse_crossentropy_accepts_a_trailing_unit_label_axis():
    probs = torch.tensor([[0.2, 0.8]])
    _close(losses.sparse_categorical_crossentropy(torch.tensor([[1]]), probs), [-math.log(0.8)])


def test_sparse_crossentropy_class_axis_can_come_first():
    logits = torch.randn(2, 3, 4)
    labels = torch.randint(0, 3, (2, 4))
    moved = losses.sparse_categorical_crossentropy(labels, logits.movedim(1, -1), from_logits=True)
    _close(losses.sparse_categorical_crossentropy(labels, logits, from_logits=True, axis=1), moved)


def test_sparse_ignore_class_zeroes_and_masks_ignored_entries():
    result = losses.sparse_categorical_crossentropy(
        torch.tensor([1, -1]), torch.tensor([[0.5, 0.5], [0.9, 0.1]]), ignore_class=-1
    )
    _close(result, [math.log(2.0), 0.0])
    assert result._keras_mask.tolist() == [True, False]


def test_sparse_ignore_class_is_excluded_from_the_mean():
    loss = losses.SparseCategoricalCrossentropy(ignore_class=-1)
    _close(loss(torch.tensor([1, -1]), torch.tensor([[0.5, 0.5], [0.9, 0.1]])), math.log(2.0))


def test_sparse_ignore_class_keeps_gradients_finite():
    probs = torch.tensor([[0.5, 0.5], [0.9, 0.1]], requires_grad=True)
    losses.SparseCategoricalCrossentropy(ignore_class=-1)(torch.tensor([1, -1]), probs).backward()
    assert torch.isfinite(probs.grad).all()


def test_generalized_cross_entropy_matches_the_definition():
    value = losses.categorical_generalized_cross_entropy(
        torch.tensor([1]), torch.tensor([[0.36, 0.64]]), q=0.5
    )
    _close(value, [(1 - 0.8) / 0.5])


def test_generalized_cross_entropy_rejects_q_outside_unit_interval():
    with pytest.raises(ValueError, match="q must be in the interval"):
        losses.CategoricalGeneralizedCrossEntropy(q=1.0)


def test_dice_of_a_perfect_prediction_is_near_zero():
    mask = torch.tensor([[1.0, 0.0, 1.0]])
    _close(losses.dice(mask, mask), 1 - 4.0 / (4.0 + epsilon()))


def test_dice_with_axis_gives_one_value_per_sample():
    assert losses.dice(torch.ones(3, 2, 2), torch.ones(3, 2, 2), axis=(1, 2)).shape == (3,)


def test_tversky_with_equal_weights_equals_dice():
    y_true, y_pred = torch.tensor([[1.0, 0.0, 1.0, 1.0]]), torch.tensor([[0.8, 0.3, 0.1, 0.9]])
    _close(losses.tversky(y_true, y_pred, alpha=0.5, beta=0.5), losses.dice(y_true, y_pred), tol=1e-5)


def test_circle_masks_samples_without_pairs():
    embeddings = torch.nn.functional.normalize(torch.randn(3, 4), dim=-1)
    result = losses.circle(torch.tensor([0, 0, 5]), embeddings)
    assert result._keras_mask.tolist() == [True, True, False]


def test_ctc_is_zero_free_and_one_value_per_sequence():
    logits = torch.randn(2, 6, 4)
    result = losses.ctc(torch.tensor([[1, 2, 0], [3, 3, 1]]), logits)
    assert result.shape == (2,) and bool((result > 0).all())


def test_ctc_rejects_rank_three_labels():
    with pytest.raises(ValueError, match="Targets `y_true`"):
        losses.ctc(torch.zeros(2, 3, 1), torch.randn(2, 6, 4))


def test_wrapper_passes_its_keyword_arguments():
    from kerasbridge.losses.losses import LossFunctionWrapper

    wrapped = LossFunctionWrapper(losses.huber, delta=0.1, reduction="none")
    _close(wrapped([[0.0]], [[2.0]]), [0.1 * 2.0 - 0.5 * 0.01])


def test_wrapper_squeezes_a_trailing_unit_axis_of_labels():
    value = losses.MeanSquaredError(reduction="none")(torch.zeros(2, 1), torch.ones(2))
    assert value.shape == (2,)


def test_gradients_flow_through_a_class_loss():
    y_pred = torch.tensor([[0.2, 0.8]], requires_grad=True)
    losses.CategoricalCrossentropy()(torch.tensor([[0.0, 1.0]]), y_pred).backward()
    assert y_pred.grad is not None and bool(torch.isfinite(y_pred.grad).all())


def _meta(*shape, dtype=torch.float32):
    return torch.empty(*shape, device="meta", dtype=dtype)


META_CASES = [
    (losses.MeanSquaredError(), _meta(4, 3), _meta(4, 3)),
    (losses.MeanAbsolutePercentageError(), _meta(4, 3), _meta(4, 3)),
    (losses.MeanSquaredLogarithmicError(), _meta(4, 3), _meta(4, 3)),
    (losses.CosineSimilarity(), _meta(4, 3), _meta(4, 3)),
    (losses.Huber(), _meta(4, 3), _meta(4, 3)),
    (losses.LogCosh(), _meta(4, 3), _meta(4, 3)),
    (losses.Hinge(), _meta(4, 3), _meta(4, 3)),
    (losses.SquaredHinge(), _meta(4, 3), _meta(4, 3)),
    (losses.CategoricalHinge(), _meta(4, 3), _meta(4, 3)),
    (losses.KLDivergence(), _meta(4, 3), _meta(4, 3)),
    (losses.Poisson(), _meta(4, 3), _meta(4, 3)),
    (losses.BinaryCrossentropy(label_smoothing=0.1), _meta(4, 3), _meta(4, 3)),
    (losses.BinaryFocalCrossentropy(apply_class_balancing=True), _meta(4, 3), _meta(4, 3)),
    (losses.CategoricalCrossentropy(label_smoothing=0.1), _meta(4, 3), _meta(4, 3)),
    (losses.CategoricalFocalCrossentropy(), _meta(4, 3), _meta(4, 3)),
    (losses.SparseCategoricalCrossentropy(ignore_class=0), _meta(4, dtype=torch.long), _meta(4, 3)),
    (losses.CategoricalGeneralizedCrossEntropy(), _meta(4, dtype=torch.long), _meta(4, 3)),
    (losses.Dice(), _meta(4, 3), _meta(4, 3)),
    (losses.Tversky(), _meta(4, 3), _meta(4, 3)),
    (losses.Circle(), _meta(4, dtype=torch.long), _meta(4, 3)),
]


@pytest.mark.parametrize(
    "loss, y_true, y_pred", META_CASES, ids=lambda x: type(x).__name__ if isinstance(x, losses.Loss) else ""
)
def test_losses_never_read_values_on_the_host(loss, y_true, y_pred):
    # Meta tensors have no data: any `.item()`, `bool(tensor)` or host copy would raise.
    y_pred._keras_mask = _meta(4, dtype=torch.bool)
    result = loss(y_true, y_pred, sample_weight=_meta(4))
    assert result.device.type == "meta"

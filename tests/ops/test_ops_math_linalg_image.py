import numpy as np
import pytest
import torch

from kerasbridge import ops

rng = np.random.default_rng(0)
SPD = np.array([[4.0, 1.0, 0.5], [1.0, 3.0, 0.2], [0.5, 0.2, 2.0]], "float32")


def test_logsumexp_is_stable_for_large_values():
    assert ops.logsumexp(np.array([1000.0, 1000.0])).item() == pytest.approx(1000.0 + np.log(2.0))


def test_top_k_returns_sorted_values_and_indices():
    values, indices = ops.top_k(np.array([1.0, 5.0, 3.0]), 2)
    assert values.tolist() == [5.0, 3.0] and indices.tolist() == [1, 2]


def test_in_top_k_counts_ties_as_in():
    out = ops.in_top_k(np.array([0, 2]), np.array([[0.5, 0.5, 0.0], [0.1, 0.2, 0.7]]), 1)
    assert out.tolist() == [True, True]


def test_segment_sum_with_num_segments():
    out = ops.segment_sum(np.array([1.0, 2.0, 3.0]), np.array([0, 0, 2]), num_segments=4)
    assert out.tolist() == [3.0, 0.0, 3.0, 0.0]


def test_segment_max_ignores_out_of_range_ids():
    out = ops.segment_max(np.array([1.0, 5.0, 3.0]), np.array([0, -1, 0]), num_segments=1)
    assert out.tolist() == [3.0]


def test_segment_ids_must_be_1d():
    with pytest.raises(ValueError, match="1-D"):
        ops.segment_sum(np.ones((2, 2)), np.zeros((2, 2), "int32"))


def test_extract_sequences_frames_last_axis():
    out = ops.extract_sequences(np.arange(7.0), 3, 2)
    assert out.tolist() == [[0.0, 1.0, 2.0], [2.0, 3.0, 4.0], [4.0, 5.0, 6.0]]


def test_rfft_then_irfft_round_trips():
    x = rng.standard_normal((2, 8)).astype("float32")
    np.testing.assert_allclose(ops.irfft(ops.rfft(x)).numpy(), x, rtol=1e-5, atol=1e-5)


def test_stft_then_istft_round_trips():
    x = rng.standard_normal((1, 64)).astype("float32")
    spectrum = ops.stft(x, 16, 4, 16)
    np.testing.assert_allclose(ops.istft(spectrum, 16, 4, 16, length=64).numpy(), x, rtol=1e-4, atol=1e-5)


def test_erfinv_inverts_erf():
    x = np.array([-0.5, 0.0, 0.3], "float32")
    np.testing.assert_allclose(ops.erfinv(ops.erf(x)).numpy(), x, rtol=1e-5, atol=1e-6)


def test_rsqrt():
    np.testing.assert_allclose(ops.rsqrt(np.array([4.0])).numpy(), [0.5])


def test_inv_times_matrix_is_identity():
    np.testing.assert_allclose(ops.matmul(ops.inv(SPD), SPD).numpy(), np.eye(3), atol=1e-5)


def test_det_matches_numpy():
    assert ops.det(SPD).item() == pytest.approx(np.linalg.det(SPD), rel=1e-5)


def test_cholesky_reconstructs_matrix():
    lower = ops.cholesky(SPD).numpy()
    np.testing.assert_allclose(lower @ lower.T, SPD, rtol=1e-5)


def test_cholesky_of_non_spd_matrix_raises():
    with pytest.raises(ValueError, match="Cholesky"):
        ops.cholesky(-SPD)


def test_solve_vector_rhs():
    b = np.array([1.0, 2.0, 3.0], "float32")
    np.testing.assert_allclose(ops.solve(SPD, b).numpy(), np.linalg.solve(SPD, b), rtol=1e-5)


def test_non_square_matrix_is_rejected():
    with pytest.raises(ValueError, match="square"):
        ops.inv(np.ones((2, 3)))


def test_norm_of_ints_is_float32():
    out = ops.norm(np.array([3, 4], "int32"))
    assert out.dtype == torch.float32 and out.item() == 5.0


def test_svd_reconstructs_matrix():
    x = rng.standard_normal((4, 3)).astype("float32")
    u, s, vh = ops.svd(x, full_matrices=False)
    np.testing.assert_allclose((u * s[None]) @ vh, x, rtol=1e-5, atol=1e-5)


def test_qr_factors_are_orthonormal_and_triangular():
    q, r = ops.qr(rng.standard_normal((4, 3)).astype("float32"))
    np.testing.assert_allclose(q.T @ q, np.eye(3), atol=1e-5)
    np.testing.assert_array_equal(np.tril(r.numpy(), -1), 0.0)


def test_lu_factor_pivots_are_zero_based():
    _, pivots = ops.lu_factor(SPD)
    assert pivots.min().item() >= 0


def test_rgb_to_grayscale_keeps_rank():
    assert tuple(ops.image.rgb_to_grayscale(np.ones((2, 4, 4, 3), "float32")).shape) == (2, 4, 4, 1)


def test_rgb_hsv_round_trip():
    x = rng.uniform(size=(4, 4, 3)).astype("float32")
    np.testing.assert_allclose(ops.image.hsv_to_rgb(ops.image.rgb_to_hsv(x)).numpy(), x, atol=1e-5)


def test_resize_keeps_integer_dtype():
    out = ops.image.resize(np.full((4, 4, 1), 200, "uint8"), (2, 2))
    assert out.dtype == torch.uint8 and out.unique().tolist() == [200]


def test_pad_then_crop_images_round_trips():
    x = rng.uniform(size=(1, 3, 4, 2)).astype("float32")
    padded = ops.image.pad_images(x, 1, 2, target_height=6, target_width=7)
    cropped = ops.image.crop_images(padded, 1, 2, target_height=3, target_width=4)
    np.testing.assert_array_equal(cropped.numpy(), x)


def test_pad_images_requires_two_of_three_sizes():
    with pytest.raises(ValueError, match="exactly two"):
        ops.image.pad_images(np.ones((3, 3, 1)), top_padding=1)

import numpy as np
import pytest
import torch

from kerasbridge import ops

rng = np.random.default_rng(0)


def randn(*shape):
    return rng.standard_normal(shape).astype("float32")


def numpy_conv2d_nhwc(x, kernel, stride, pads, dilation=1):
    """Reference 2-D convolution (NHWC input, HWIO kernel) with explicit `((top, bottom), (left, right))`."""
    x = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    kh, kw, _, cout = kernel.shape
    eff_h, eff_w = (kh - 1) * dilation + 1, (kw - 1) * dilation + 1
    out_h = (x.shape[1] - eff_h) // stride + 1
    out_w = (x.shape[2] - eff_w) // stride + 1
    out = np.zeros((x.shape[0], out_h, out_w, cout), "float64")
    for i in range(out_h):
        for j in range(out_w):
            patch = x[:, i * stride : i * stride + eff_h : dilation, j * stride : j * stride + eff_w : dilation]
            out[:, i, j] = np.einsum("bhwc,hwco->bo", patch, kernel)
    return out


def test_relu_clamps_negatives():
    assert ops.relu(np.array([-1.0, 2.0])).tolist() == [0.0, 2.0]


def test_gelu_is_approximate_by_default():
    x = torch.linspace(-3, 3, 7)
    np.testing.assert_allclose(ops.gelu(x).numpy(), torch.nn.functional.gelu(x, approximate="tanh").numpy())
    np.testing.assert_allclose(ops.gelu(x, approximate=False).numpy(), torch.nn.functional.gelu(x).numpy())


def test_softmax_sums_to_one_along_axis():
    out = ops.softmax(randn(2, 3, 4), axis=1)
    np.testing.assert_allclose(out.sum(dim=1).numpy(), np.ones((2, 4)), rtol=1e-6)


def test_softmax_over_axis_tuple_normalizes_jointly():
    out = ops.softmax(randn(2, 3, 4), axis=(1, 2))
    np.testing.assert_allclose(out.sum(dim=(1, 2)).numpy(), np.ones(2), rtol=1e-6)


def test_softmax_over_size_one_axis_warns():
    with pytest.warns(UserWarning, match="size 1"):
        ops.softmax(np.ones((2, 1), "float32"))


def test_log_softmax_matches_log_of_softmax():
    x = randn(3, 5)
    np.testing.assert_allclose(ops.log_softmax(x).numpy(), np.log(ops.softmax(x).numpy()), rtol=1e-5, atol=1e-6)


def test_sparsemax_is_a_sparse_distribution():
    out = ops.sparsemax(np.array([[3.0, 1.0, 0.2]], "float32")).numpy()
    np.testing.assert_allclose(out, [[1.0, 0.0, 0.0]])


def test_one_hot_negative_index_is_all_zeros():
    out = ops.one_hot(np.array([1, -1]), 3)
    assert out.dtype == torch.float32
    assert out.tolist() == [[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]


def test_one_hot_axis_places_class_axis():
    assert tuple(ops.one_hot(np.zeros((2, 5), "int32"), 3, axis=0).shape) == (3, 2, 5)


def test_multi_hot_marks_every_label_of_a_row():
    assert ops.multi_hot(np.array([[0, 2], [1, 1]]), 3).tolist() == [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]


def test_binary_crossentropy_clips_probabilities():
    out = ops.binary_crossentropy(np.array([1.0]), np.array([0.0]))
    np.testing.assert_allclose(out.numpy(), [-np.log(1e-7)], rtol=1e-3)


def test_categorical_crossentropy_renormalizes_probabilities():
    out = ops.categorical_crossentropy(np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]]))
    np.testing.assert_allclose(out.numpy(), [np.log(2.0)], rtol=1e-6)


def test_sparse_categorical_crossentropy_from_logits_matches_categorical():
    logits, labels = randn(4, 5), np.array([0, 3, 4, 1])
    sparse = ops.sparse_categorical_crossentropy(labels, logits, from_logits=True)
    dense = ops.categorical_crossentropy(np.eye(5, dtype="float32")[labels], logits, from_logits=True)
    np.testing.assert_allclose(sparse.numpy(), dense.numpy(), rtol=1e-5)


def test_crossentropy_shape_mismatch_raises():
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(np.ones((2, 1)), np.ones((2, 2)))


def test_moments_are_mean_and_biased_variance():
    x = randn(4, 3)
    mean, var = ops.moments(x, axes=[0])
    np.testing.assert_allclose(mean.numpy(), x.mean(0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(var.numpy(), x.var(0), rtol=1e-4, atol=1e-6)


def test_batch_normalization_formula():
    x, mean, var, beta, gamma = randn(4, 3), randn(3), np.abs(randn(3)), randn(3), randn(3)
    expected = (x - mean) / np.sqrt(var + 1e-3) * gamma + beta
    out = ops.batch_normalization(x, mean, var, axis=-1, offset=beta, scale=gamma)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_normalize_gives_unit_l2_norm():
    out = ops.normalize(randn(3, 4))
    np.testing.assert_allclose(np.linalg.norm(out.numpy(), axis=-1), np.ones(3), rtol=1e-6)


def test_layer_normalization_matches_torch():
    x, gamma, beta = randn(2, 5), randn(5), randn(5)
    expected = torch.nn.functional.layer_norm(torch.tensor(x), (5,), torch.tensor(gamma), torch.tensor(beta), 1e-3)
    out = ops.layer_normalization(x, gamma, beta, epsilon=1e-3)
    np.testing.assert_allclose(out.numpy(), expected.numpy(), rtol=1e-6)


def test_dot_product_attention_matches_manual_softmax_attention():
    q, k, v = randn(1, 3, 2, 4), randn(1, 5, 2, 4), randn(1, 5, 2, 4)
    logits = np.einsum("bthd,bshd->bhts", q, k) / 2.0
    weights = np.exp(logits - logits.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    expected = np.einsum("bhts,bshd->bthd", weights, v)
    np.testing.assert_allclose(ops.dot_product_attention(q, k, v).numpy(), expected, rtol=1e-5, atol=1e-6)


def test_dot_product_attention_rejects_bias_and_mask_together():
    q = randn(1, 2, 1, 4)
    with pytest.raises(ValueError, match="Only one"):
        ops.dot_product_attention(q, q, q, bias=np.zeros((1, 1, 2, 2)), mask=np.ones((1, 1, 2, 2), bool))


@pytest.mark.parametrize(("size", "stride", "dilation"), [(9, 1, 1), (9, 2, 1), (8, 2, 1), (7, 3, 1), (9, 1, 2)])
def test_conv_same_padding_puts_odd_pixel_at_the_end(size, stride, dilation):
    x, kernel = randn(1, size, size, 2), randn(3, 3, 2, 3)
    eff = 2 * dilation + 1
    out_size = -(-size // stride)
    total = max((out_size - 1) * stride + eff - size, 0)
    pads = ((total // 2, total - total // 2),) * 2
    expected = numpy_conv2d_nhwc(x, kernel, stride, pads, dilation)
    out = ops.conv(x, kernel, strides=stride, padding="same", dilation_rate=dilation)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-4, atol=1e-4)


def test_conv_valid_output_shape():
    assert tuple(ops.conv(randn(2, 10, 3), randn(4, 3, 5), strides=2).shape) == (2, 4, 5)


def test_conv_channels_first():
    x, kernel = randn(1, 2, 6, 6), randn(3, 3, 2, 4)
    expected = ops.conv(np.moveaxis(x, 1, -1), kernel).numpy()
    out = ops.conv(x, kernel, data_format="channels_first")
    np.testing.assert_allclose(np.moveaxis(out.numpy(), 1, -1), expected, rtol=1e-5, atol=1e-5)


def test_depthwise_conv_output_channels():
    assert tuple(ops.depthwise_conv(randn(1, 5, 5, 3), randn(3, 3, 3, 2), padding="same").shape) == (1, 5, 5, 6)


def test_conv_transpose_same_doubles_size_with_stride_2():
    assert tuple(ops.conv_transpose(randn(1, 4, 5, 2), randn(3, 3, 6, 2), strides=2, padding="same").shape) == (
        1, 8, 10, 6)


def test_conv_transpose_is_the_gradient_of_conv():
    x, kernel = torch.randn(1, 6, 6, 2, requires_grad=True), torch.randn(3, 3, 2, 4)
    y = ops.conv(x, kernel, strides=2, padding="same")
    upstream = torch.randn_like(y)
    (grad,) = torch.autograd.grad(y, x, upstream)
    out = ops.conv_transpose(upstream, kernel, strides=2, padding="same")
    np.testing.assert_allclose(out.numpy(), grad.numpy(), rtol=1e-4, atol=1e-5)


def test_max_pool_same_padding_shape():
    assert tuple(ops.max_pool(randn(1, 7, 7, 2), 3, strides=2, padding="same").shape) == (1, 4, 4, 2)


def test_average_pool_same_excludes_padding_from_average():
    x = np.arange(1, 5, dtype="float32").reshape(1, 4, 1)  # [1, 2, 3, 4]
    out = ops.average_pool(x, 3, strides=2, padding="same")  # windows [1,2,3] and [3,4] (+ padding)
    np.testing.assert_allclose(out.numpy().ravel(), [2.0, 3.5])


def test_average_pool_strides_default_to_pool_size():
    assert tuple(ops.average_pool(randn(1, 8, 8, 1), 2).shape) == (1, 4, 4, 1)


def test_depth_to_space_inverts_space_to_depth():
    x = randn(1, 4, 6, 3)
    np.testing.assert_array_equal(ops.depth_to_space(ops.space_to_depth(x, 2), 2).numpy(), x)


def test_ctc_loss_is_positive_per_sample():
    loss = ops.ctc_loss(np.array([[1, 2]]), randn(1, 6, 4), np.array([2]), np.array([6]))
    assert loss.shape == (1,) and loss.item() > 0


def test_ctc_decode_greedy_merges_repeats_and_drops_blanks():
    labels = [1, 1, 0, 2, 2, 0]
    scores = np.log(np.eye(3, dtype="float32")[labels][None] + 1e-3)
    decoded, _ = ops.ctc_decode(scores, np.array([6]))
    assert decoded[0, 0].tolist() == [1, 2, -1, -1, -1, -1]

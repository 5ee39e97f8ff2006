"""Unit tests for kerasbridge.random: shapes, dtypes, ranges and seeding semantics."""

import numpy as np
import pytest
import torch

from kerasbridge import random
from kerasbridge.backend import device_scope, set_random_seed


def _np(x):
    return x.detach().cpu().numpy()


def test_normal_default_dtype_is_float32():
    assert random.normal((2, 3), seed=1).dtype == torch.float32


def test_normal_respects_dtype_and_shape():
    out = random.normal((4, 5), dtype="float64", seed=1)
    assert out.dtype == torch.float64 and tuple(out.shape) == (4, 5)


def test_int_seed_repeats_values():
    np.testing.assert_array_equal(_np(random.normal((8,), seed=3)), _np(random.normal((8,), seed=3)))


def test_different_int_seeds_differ():
    assert not np.array_equal(_np(random.normal((8,), seed=3)), _np(random.normal((8,), seed=4)))


def test_seed_generator_advances_between_calls():
    gen = random.SeedGenerator(7)
    assert not np.array_equal(_np(random.uniform((8,), seed=gen)), _np(random.uniform((8,), seed=gen)))


def test_seed_generators_with_same_seed_give_same_sequence():
    a, b = random.SeedGenerator(7), random.SeedGenerator(7)
    first = [_np(random.normal((4,), seed=a)) for _ in range(3)]
    second = [_np(random.normal((4,), seed=b)) for _ in range(3)]
    np.testing.assert_array_equal(np.stack(first), np.stack(second))


def test_unseeded_calls_are_repeatable_after_set_random_seed():
    set_random_seed(11)
    first = _np(random.normal((5,)))
    set_random_seed(11)
    np.testing.assert_array_equal(first, _np(random.normal((5,))))


def test_unseeded_successive_calls_differ():
    set_random_seed(11)
    assert not np.array_equal(_np(random.normal((5,))), _np(random.normal((5,))))


def test_uniform_stays_in_range():
    out = _np(random.uniform((1000,), minval=-2.0, maxval=3.0, seed=0))
    assert out.min() >= -2.0 and out.max() < 3.0


def test_uniform_scalar_shape_gives_0d_tensor():
    assert random.uniform((), seed=0).shape == ()


def test_uniform_rejects_integer_dtype():
    with pytest.raises(ValueError, match="floating point `dtype`"):
        random.uniform((2,), dtype="int32")


def test_randint_stays_in_range_with_int_dtype():
    out = random.randint((1000,), 2, 5, seed=0)
    assert out.dtype == torch.int32 and int(out.min()) >= 2 and int(out.max()) <= 4


def test_randint_rejects_float_dtype():
    with pytest.raises(ValueError, match="integer `dtype`"):
        random.randint((2,), 0, 3, dtype="float32")


def test_truncated_normal_within_two_stddevs():
    out = _np(random.truncated_normal((2000,), mean=1.0, stddev=0.5, seed=2))
    assert out.min() > 0.0 and out.max() < 2.0


def test_categorical_picks_dominant_class():
    logits = np.array([[0.0, 50.0, 0.0], [50.0, 0.0, 0.0]], dtype="float32")
    out = random.categorical(logits, 6, seed=1)
    assert out.dtype == torch.int32
    np.testing.assert_array_equal(_np(out), [[1] * 6, [0] * 6])


def test_categorical_requires_2d_logits():
    with pytest.raises(ValueError, match="2-D tensor"):
        random.categorical(np.zeros(3, dtype="float32"), 2)


def test_dropout_rate_zero_returns_inputs():
    x = torch.ones(3, 4)
    assert random.dropout(x, 0.0) is x


def test_dropout_rate_one_returns_zeros():
    assert float(random.dropout(torch.ones(3, 4), 1.0).abs().sum()) == 0.0


def test_seeded_dropout_zeroes_or_rescales():
    out = _np(random.dropout(torch.ones(50, 50), 0.25, seed=3))
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1 / 0.75)}


def test_dropout_noise_shape_broadcasts_mask():
    out = _np(random.dropout(torch.ones(6, 5), 0.5, noise_shape=(None, 1), seed=3))
    assert (out == out[:, :1]).all()


def test_shuffle_is_a_permutation_of_rows():
    x = torch.arange(20).reshape(10, 2)
    out = _np(random.shuffle(x, seed=4))
    assert sorted(map(tuple, out.tolist())) == sorted(map(tuple, x.tolist()))
    assert not np.array_equal(out, x.numpy())


def test_shuffle_along_axis_1_keeps_row_contents():
    x = torch.arange(12).reshape(2, 6)
    out = _np(random.shuffle(x, axis=1, seed=4))
    np.testing.assert_array_equal(np.sort(out, axis=1), x.numpy())


@pytest.mark.parametrize(
    "fn",
    [
        lambda seed: random.gamma((4, 4), 2.0, seed=seed),
        lambda seed: random.beta((4, 4), 2.0, 3.0, seed=seed),
        lambda seed: random.binomial((4, 4), 5, 0.5, seed=seed),
    ],
    ids=["gamma", "beta", "binomial"],
)
def test_distribution_samplers_repeat_with_int_seed(fn):
    np.testing.assert_array_equal(_np(fn(5)), _np(fn(5)))


def test_gamma_restores_global_cpu_rng_state():
    state = torch.random.get_rng_state()
    random.gamma((3,), 1.0, seed=1)
    assert torch.equal(state, torch.random.get_rng_state())


def test_beta_samples_lie_in_unit_interval():
    out = _np(random.beta((500,), 2.0, 2.0, seed=1))
    assert out.min() > 0.0 and out.max() < 1.0


def test_binomial_samples_are_counts():
    out = _np(random.binomial((500,), 4, 0.5, seed=1))
    assert set(np.unique(out).tolist()) <= {0.0, 1.0, 2.0, 3.0, 4.0}


def test_meta_device_draws_no_seed():
    gen = random.SeedGenerator(5)
    with device_scope("meta"):
        out = random.normal((2, 3), seed=gen)
        random.gamma((2, 3), 1.0, seed=gen)
    assert out.is_meta and tuple(out.shape) == (2, 3)
    assert gen.state.value.tolist() == [5, 0]


def test_invalid_seed_raises():
    with pytest.raises(ValueError, match="Argument `seed`"):
        random.normal((2,), seed="abc")

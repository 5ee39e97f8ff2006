"""Unit tests for the random initializers: seeding semantics, ranges and configs."""

import random as python_random

import numpy as np
import pytest
import torch

from kerasbridge import initializers
from kerasbridge.backend import SeedGenerator, device_scope
from kerasbridge.initializers import compute_fans

RANDOM_CLASSES = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotUniform,
    initializers.GlorotNormal,
    initializers.HeUniform,
    initializers.HeNormal,
    initializers.LecunUniform,
    initializers.LecunNormal,
    initializers.Orthogonal,
]


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_unseeded_initializer_repeats_its_values(cls):
    init = cls()
    np.testing.assert_array_equal(init((4, 3)).numpy(), init((4, 3)).numpy())


@pytest.mark.parametrize("cls", RANDOM_CLASSES, ids=lambda c: c.__name__)
def test_seed_generator_gives_new_values_each_call(cls):
    init = cls(seed=SeedGenerator(1))
    assert not np.array_equal(init((4, 3)).numpy(), init((4, 3)).numpy())


def test_unseeded_initializer_draws_its_seed_from_python_random_at_construction():
    python_random.seed(5)
    expected = python_random.randint(1, int(1e9))
    python_random.seed(5)
    assert initializers.RandomNormal().seed == expected


def test_unseeded_config_keeps_seed_none():
    assert initializers.RandomNormal().get_config()["seed"] is None


def test_same_int_seed_gives_same_values_across_instances():
    a = initializers.GlorotUniform(seed=3)((5, 5)).numpy()
    np.testing.assert_array_equal(a, initializers.GlorotUniform(seed=3)((5, 5)).numpy())


def test_invalid_seed_type_raises():
    with pytest.raises(ValueError, match="`seed` argument should be"):
        initializers.RandomNormal(seed="x")


def test_numpy_integer_seed_is_accepted_as_int():
    assert initializers.RandomNormal(seed=np.int64(4)).seed == 4


def test_random_uniform_bounds():
    out = initializers.RandomUniform(minval=1.0, maxval=2.0, seed=0)((500,)).numpy()
    assert out.min() >= 1.0 and out.max() < 2.0


def test_glorot_uniform_limit():
    out = initializers.GlorotUniform(seed=0)((30, 70)).numpy()
    assert np.abs(out).max() <= np.sqrt(6 / 100)


def test_he_normal_stddev_close_to_theory():
    out = initializers.HeNormal(seed=0)((400, 400)).numpy()
    assert abs(out.std() - np.sqrt(2 / 400)) < 0.002


def test_variance_scaling_normal_means_truncated_normal():
    assert initializers.VarianceScaling(distribution="normal").distribution == "truncated_normal"


@pytest.mark.parametrize(
    "kwargs, message",
    [({"scale": 0.0}, "must be positive"), ({"mode": "fan"}, "Invalid `mode`"), ({"distribution": "x"}, "Invalid `distribution`")],
)
def test_variance_scaling_validates_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        initializers.VarianceScaling(**kwargs)


@pytest.mark.parametrize(
    "shape, axes, fans",
    [((), {}, (1, 1)), ((7,), {}, (7, 7)), ((3, 4), {}, (3, 4)), ((3, 3, 2, 5), {}, (18, 45)),
     ((2, 3, 4), {"input_axes": [0, 1], "output_axes": [2]}, (6, 4))],
)
def test_compute_fans(shape, axes, fans):
    assert compute_fans(shape, **axes) == fans


@pytest.mark.parametrize("shape", [(6, 4), (4, 6), (3, 2, 5)])
def test_orthogonal_output_is_orthogonal(shape):
    q = initializers.Orthogonal(seed=1)(shape).reshape(-1, shape[-1]).double()
    gram = q.T @ q if q.shape[0] >= q.shape[1] else q @ q.T
    torch.testing.assert_close(gram, torch.eye(gram.shape[0], dtype=torch.float64), atol=1e-5, rtol=0)


def test_orthogonal_rejects_1d_shape():
    with pytest.raises(ValueError, match="at least two-dimensional"):
        initializers.Orthogonal()((3,))


def test_glorot_config_has_only_seed_and_axes():
    assert initializers.GlorotUniform(seed=2).get_config() == {"seed": 2, "input_axes": None, "output_axes": None}


def test_clone_with_int_seed_gives_same_values():
    init = initializers.TruncatedNormal(mean=1.0, stddev=0.1, seed=9)
    np.testing.assert_array_equal(init((3, 3)).numpy(), init.clone()((3, 3)).numpy())


def test_random_initializer_on_meta_device():
    with device_scope("meta"):
        out = initializers.GlorotUniform(seed=1)((3, 4))
    assert out.is_meta and tuple(out.shape) == (3, 4)

"""Differential tests: kerasbridge.random draws exactly Keras's random numbers."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge.backend as kb  # noqa: E402
from kerasbridge import random as kr  # noqa: E402

LOGITS = np.random.default_rng(0).standard_normal((3, 6)).astype("float32")
X = np.arange(40, dtype="float32").reshape(5, 8)

# (id, call(module, seed)) — `module` is keras.random or kerasbridge.random.
CASES = [
    ("normal", lambda m, s: m.normal((3, 5), seed=s)),
    ("normal_mean_std_f64", lambda m, s: m.normal((4, 2), mean=1.5, stddev=0.3, dtype="float64", seed=s)),
    ("uniform", lambda m, s: m.uniform((3, 5), seed=s)),
    ("uniform_range", lambda m, s: m.uniform((7,), minval=-3.0, maxval=0.5, seed=s)),
    ("uniform_scalar", lambda m, s: m.uniform((), seed=s)),
    ("uniform_f16", lambda m, s: m.uniform((4, 4), dtype="float16", seed=s)),
    ("truncated_normal", lambda m, s: m.truncated_normal((6, 7), seed=s)),
    ("truncated_normal_mean_std", lambda m, s: m.truncated_normal((9,), mean=-1.0, stddev=2.0, seed=s)),
    ("randint", lambda m, s: m.randint((4, 6), 0, 10, seed=s)),
    ("randint_int64", lambda m, s: m.randint((5,), -5, 5, dtype="int64", seed=s)),
    ("categorical", lambda m, s: m.categorical(LOGITS, 5, seed=s)),
    ("dropout", lambda m, s: m.dropout(torch.tensor(X), 0.4, seed=s)),
    ("dropout_noise_shape", lambda m, s: m.dropout(torch.tensor(X), 0.5, noise_shape=(None, 1), seed=s)),
    ("shuffle", lambda m, s: m.shuffle(torch.tensor(X), seed=s)),
    ("shuffle_axis1", lambda m, s: m.shuffle(torch.tensor(X), axis=1, seed=s)),
    ("gamma", lambda m, s: m.gamma((3, 4), 2.0, seed=s)),
    ("gamma_array_alpha", lambda m, s: m.gamma((2, 3), np.array([0.5, 1.0, 4.0], "float32"), seed=s)),
    ("binomial", lambda m, s: m.binomial((3, 4), 10, 0.3, seed=s)),
    ("beta", lambda m, s: m.beta((3, 4), 2.0, 5.0, seed=s)),
]
SEEDS = ["none", 42, 2**31 + 5, "generator", "generator_none"]


def _seed(module, kind):
    if kind == "none":
        return None
    if kind == "generator":
        return module.SeedGenerator(1234)
    if kind == "generator_none":
        return module.SeedGenerator()
    return kind


def _draw(module, set_seed, call, kind, calls=3):
    set_seed(7)
    seed = _seed(module, kind)
    return [np.asarray(call(module, seed).detach().cpu()) for _ in range(calls)]


@pytest.mark.parametrize("kind", SEEDS, ids=str)
@pytest.mark.parametrize("name, call", CASES, ids=[c[0] for c in CASES])
def test_same_values_as_keras(name, call, kind):
    expected = _draw(keras.random, keras.utils.set_random_seed, call, kind)
    actual = _draw(kr, kb.set_random_seed, call, kind)
    for e, a in zip(expected, actual, strict=True):
        assert e.dtype == a.dtype and e.shape == a.shape
        np.testing.assert_array_equal(a, e)


def test_seed_generator_state_matches_keras():
    k_gen, b_gen = keras.random.SeedGenerator(99), kr.SeedGenerator(99)
    for _ in range(3):
        keras.random.normal((2,), seed=k_gen)
        kr.normal((2,), seed=b_gen)
    np.testing.assert_array_equal(b_gen.state.value.cpu().numpy(), np.asarray(k_gen.state.value.cpu()))


def test_public_names_match_keras():
    names = {n for n in dir(keras.random) if not n.startswith("_")}
    assert names <= set(dir(kr))


@pytest.mark.parametrize(
    "call",
    [lambda m: m.uniform((2,), dtype="int32"), lambda m: m.randint((2,), 0, 3, dtype="float32"),
     lambda m: m.categorical(np.zeros(3, "float32"), 2)],
    ids=["uniform_int", "randint_float", "categorical_1d"],
)
def test_same_errors_as_keras(call):
    with pytest.raises(ValueError) as expected:
        call(keras.random)
    with pytest.raises(ValueError) as actual:
        call(kr)
    assert str(actual.value).split(". Received")[0] == str(expected.value).split(". Received")[0]

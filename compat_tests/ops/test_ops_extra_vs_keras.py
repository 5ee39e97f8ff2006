"""Differential tests for `keras.ops` names the main sweep does not reach: windows, bit shifts,
complex helpers, `view`, `empty`, `argpartition`, `eig`, `jvp` and `custom_gradient`.

Each case reads the op from `keras.ops` (and from the sub-namespace Keras files it under) and
from kerasbridge's same namespaces, calls both on the same numpy inputs and compares dtypes,
shapes and values (float32 atol 1e-5).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

rng = np.random.default_rng(21)
X = rng.standard_normal((3, 5)).astype("float32")
INTS = rng.integers(-40, 40, size=(2, 4)).astype("int32")
SHIFTS = rng.integers(0, 5, size=(2, 4)).astype("int32")


def to_numpy(x):
    if isinstance(x, torch.Tensor):
        return x.detach().cpu().resolve_conj().numpy()
    return np.asarray(x)


def assert_same(expected, actual, atol=1e-5):
    expected, actual = to_numpy(expected), to_numpy(actual)
    assert actual.dtype == expected.dtype, (actual.dtype, expected.dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    np.testing.assert_allclose(actual, expected, atol=atol, rtol=1e-5)


def op_pairs(name, sub_namespace):
    """`(keras op, kerasbridge op)` read from `ops` and from `ops.<sub_namespace>`."""
    pairs = [(getattr(keras.ops, name), getattr(kerasbridge.ops, name))]
    if sub_namespace:
        pairs.append((getattr(getattr(keras.ops, sub_namespace), name),
                      getattr(getattr(kerasbridge.ops, sub_namespace), name)))
    return pairs


CASES = [
    ("bartlett", "numpy", (7,), {}),
    ("blackman", "numpy", (6,), {}),
    ("hamming", "numpy", (9,), {}),
    ("hanning", "numpy", (5,), {}),
    ("kaiser", "numpy", (8, 3.5), {}),
    ("bitwise_left_shift", "numpy", (INTS, SHIFTS), {}),
    ("bitwise_right_shift", "numpy", (INTS, SHIFTS), {}),
    ("bitwise_left_shift", "numpy", (INTS, 2), {}),
    ("conjugate", "numpy", (X,), {}),
    ("conjugate", "numpy", ((X[0] + 1j * X[1]).astype("complex64"),), {}),
    ("isreal", "numpy", (X,), {}),
    ("isreal", "numpy", (np.array([1 + 0j, 2 + 1j], dtype="complex64"),), {}),
    ("correlate", "numpy", (X[0], X[1, :3]), {}),
    ("correlate", "numpy", (X[0], X[1, :3]), {"mode": "same"}),
    ("correlate", "numpy", (X[0], X[1, :3]), {"mode": "full"}),
    ("view", "numpy", (X,), {"dtype": "int32"}),
    ("view", "numpy", (INTS,), {"dtype": "float32"}),
    ("view", "numpy", (X,), {"dtype": "uint8"}),
    ("polar", "nn", (np.abs(X), X), {}),
]


@pytest.mark.parametrize("name,sub_namespace,args,kwargs", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_op_matches_keras(name, sub_namespace, args, kwargs):
    for keras_op, bridge_op in op_pairs(name, sub_namespace):
        assert_same(keras_op(*args, **kwargs), bridge_op(*args, **kwargs))


@pytest.mark.parametrize("name", ["empty", "empty_like"])
def test_empty_shape_and_dtype_match_keras(name):
    for keras_op, bridge_op in op_pairs(name, "numpy"):
        argument = X if name == "empty_like" else (2, 3)
        for dtype in (None, "int32", "float16"):
            expected, actual = to_numpy(keras_op(argument, dtype=dtype)), to_numpy(bridge_op(argument, dtype=dtype))
            assert (actual.shape, actual.dtype) == (expected.shape, expected.dtype)


@pytest.mark.parametrize("kth", [0, 2, 4])
def test_argpartition_matches_keras(kth):
    # Integer inputs: Keras's torch backend casts the input to int32 before partitioning, so
    # fractional values would be compared after truncation there.
    values = np.stack([rng.permutation(5) for _ in range(3)]).astype("int32") * 3 - 6
    for keras_op, bridge_op in op_pairs("argpartition", "numpy"):
        expected, actual = to_numpy(keras_op(values, kth)), to_numpy(bridge_op(values, kth))
        assert actual.dtype == expected.dtype and actual.shape == expected.shape
        partitioned = np.take_along_axis(values, actual, axis=-1)
        np.testing.assert_array_equal(partitioned[:, kth], np.take_along_axis(values, expected, axis=-1)[:, kth])
        assert (partitioned[:, :kth] <= partitioned[:, kth : kth + 1]).all()
        assert (partitioned[:, kth + 1 :] >= partitioned[:, kth : kth + 1]).all()


def test_eig_matches_keras():
    matrix = rng.standard_normal((2, 4, 4)).astype("float32")
    for keras_op, bridge_op in op_pairs("eig", "linalg"):
        want_values, want_vectors = (to_numpy(t) for t in keras_op(matrix))
        got_values, got_vectors = (to_numpy(t) for t in bridge_op(matrix))
        assert (got_values.dtype, got_vectors.dtype) == (want_values.dtype, want_vectors.dtype)
        assert (got_values.shape, got_vectors.shape) == (want_values.shape, want_vectors.shape)
        np.testing.assert_allclose(got_values, want_values, atol=1e-4)
        np.testing.assert_allclose(np.abs(got_vectors), np.abs(want_vectors), atol=1e-4)


def test_jvp_matches_keras():
    primal = torch.tensor(X[0])
    tangent = torch.tensor(X[1])

    def function(ops):
        return lambda x: ops.sin(x) * ops.exp(x)

    for (keras_op, bridge_op), (k_ops, b_ops) in zip(op_pairs("jvp", "linalg"), [(keras.ops, kerasbridge.ops)] * 2):
        want_out, want_tangent = keras_op(function(k_ops), (primal,), (tangent,))
        got_out, got_tangent = bridge_op(function(b_ops), (primal,), (tangent,))
        assert_same(want_out, got_out)
        assert_same(want_tangent, got_tangent)

    def with_aux(ops):
        return lambda x: (ops.square(x), ops.sum(x))

    want = keras.ops.jvp(with_aux(keras.ops), (primal,), (tangent,), has_aux=True)
    got = kerasbridge.ops.jvp(with_aux(kerasbridge.ops), (primal,), (tangent,), has_aux=True)
    for w, g in zip(want, got):
        assert_same(w, g)


def test_custom_gradient_matches_keras():
    def make(ops):
        @ops.custom_gradient
        def log1pexp(x):
            e = ops.exp(x)

            def grad(*args, upstream=None):
                if upstream is None:
                    (upstream,) = args
                return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))

            return ops.log(1 + e), grad

        return log1pexp

    results = []
    for ops in (keras.ops, kerasbridge.ops):
        x = torch.tensor(X, requires_grad=True)
        y = make(ops)(x)
        (ops.sum(y) * 2.0).backward()
        results.append((to_numpy(y), to_numpy(x.grad)))
    for want, got in zip(*results):
        assert_same(want, got)


def test_convert_to_numpy_matches_keras():
    for value in (X, torch.tensor(INTS), [1.5, 2.5]):
        assert_same(keras.ops.convert_to_numpy(value), kerasbridge.ops.convert_to_numpy(value))
    assert isinstance(kerasbridge.ops.convert_to_numpy(torch.tensor(X)), np.ndarray)

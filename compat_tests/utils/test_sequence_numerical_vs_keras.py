"""Differential tests: pad_sequences, to_categorical and normalize give Keras's arrays."""

import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

import kerasbridge  # noqa: E402

RAGGED = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9, 10]]
VECTORS = [np.ones((2, 3)), np.full((4, 3), 2.0), np.zeros((1, 3))]

PAD_CASES = [
    ("default", (RAGGED,), {}),
    ("maxlen_pre", (RAGGED,), {"maxlen": 3}),
    ("maxlen_post_post", (RAGGED,), {"maxlen": 3, "padding": "post", "truncating": "post"}),
    ("pad_post_value", (RAGGED,), {"padding": "post", "value": -1}),
    ("float_dtype", ([[0.5, 1.5], [2.5]],), {"dtype": "float32", "value": 0.25}),
    ("long_maxlen", (RAGGED,), {"maxlen": 8}),
    ("vector_items", (VECTORS,), {"maxlen": 3, "dtype": "float32"}),
    ("strings", ([["a", "b"], ["c"]],), {"dtype": object, "value": "<pad>"}),
    ("numpy_rows", ([np.array([3, 1]), np.array([7])],), {"truncating": "post", "maxlen": 1}),
]


@pytest.mark.parametrize("args,kwargs", [(c[1], c[2]) for c in PAD_CASES], ids=[c[0] for c in PAD_CASES])
def test_pad_sequences_matches_keras(args, kwargs):
    expected = keras.utils.pad_sequences(*args, **kwargs)
    result = kerasbridge.utils.pad_sequences(*args, **kwargs)
    assert result.dtype == expected.dtype and result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("kwargs", [{"padding": "middle"}, {"truncating": "middle", "maxlen": 2}],
                         ids=["bad_padding", "bad_truncating"])
def test_pad_sequences_rejects_like_keras(kwargs):
    for lib in (keras, kerasbridge):
        with pytest.raises(ValueError, match="not understood"):
            lib.utils.pad_sequences(RAGGED, **kwargs)
    for lib in (keras, kerasbridge):
        with pytest.raises(ValueError):
            lib.utils.pad_sequences([[1], 2])


CATEGORICAL_CASES = [
    ("ints", ([0, 2, 1, 2],), {}),
    ("num_classes", ([0, 2, 1],), {"num_classes": 5}),
    ("column", (np.array([[1], [0], [3]]),), {}),
    ("matrix", (np.array([[1, 2], [0, 1]]),), {"num_classes": 3}),
]


@pytest.mark.parametrize("args,kwargs", [(c[1], c[2]) for c in CATEGORICAL_CASES],
                         ids=[c[0] for c in CATEGORICAL_CASES])
def test_to_categorical_matches_keras(args, kwargs):
    expected = np.asarray(keras.utils.to_categorical(*args, **kwargs))
    result = np.asarray(kerasbridge.utils.to_categorical(*args, **kwargs))
    assert result.shape == expected.shape
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("kwargs", [{}, {"axis": 1}, {"order": 1}, {"axis": -1, "order": 3}])
def test_normalize_matches_keras(kwargs):
    x = np.random.default_rng(2).standard_normal((4, 5)).astype("float32")
    expected = keras.utils.normalize(x, **kwargs)
    result = kerasbridge.utils.normalize(x, **kwargs)
    np.testing.assert_allclose(np.asarray(result), np.asarray(expected), atol=1e-6)
    expected = keras.utils.normalize(torch.tensor(x), **kwargs)
    result = kerasbridge.utils.normalize(torch.tensor(x), **kwargs)
    np.testing.assert_allclose(np.asarray(result), np.asarray(expected), atol=1e-6)

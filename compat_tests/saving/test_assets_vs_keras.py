"""The `assets/` folder of `.keras` archives moves both ways between Keras 3 and kerasbridge.

Keras's lookup layers need TensorFlow, so the interop check uses a registered layer that
keeps a vocabulary as an asset (the same code in both libraries): each library must write it
at the same archive path and read the other's file back. Predictions compared with atol 1e-5.
"""

import os
import zipfile

os.environ.setdefault("KERAS_BACKEND", "torch")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import kerasbridge as kb  # noqa: E402

ATOL = 1e-5


@pytest.fixture(autouse=True)
def _fresh_sessions():
    keras.utils.clear_session(free_memory=False)
    kb.utils.clear_session(free_memory=False)
    yield


def _vocab_layer_class(K):
    """A layer scaling its input by the vocabulary size, the vocabulary saved as `vocab.txt`."""

    @K.saving.register_keras_serializable(package="assets_compat")
    class VocabScale(K.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.vocab = []

        def call(self, x):
            return x * float(len(self.vocab) + 1)

        def save_assets(self, dir_path):
            with open(os.path.join(dir_path, "vocab.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(self.vocab))

        def load_assets(self, dir_path):
            with open(os.path.join(dir_path, "vocab.txt"), encoding="utf-8") as f:
                self.vocab = f.read().split("\n")

    return VocabScale


def _model(K):
    layer = _vocab_layer_class(K)()
    layer.vocab = ["alpha", "beta", "gamma"]
    x = K.Input((3,))
    return K.Model(x, K.layers.Dense(2)(layer(x)))


def _asset_entries(path):
    return sorted(n for n in zipfile.ZipFile(path).namelist() if n.startswith("assets/"))


def test_assets_move_both_ways_at_keras_paths(tmp_path):
    k_model, b_model = _model(keras), _model(kb)
    b_model.set_weights(k_model.get_weights())
    data = np.random.default_rng(3).normal(size=(4, 3)).astype("float32")
    expected = k_model.predict(data, verbose=0)
    k_model.save(tmp_path / "k.keras")
    b_model.save(tmp_path / "b.keras")
    assert _asset_entries(tmp_path / "b.keras") == _asset_entries(tmp_path / "k.keras")
    assert _asset_entries(tmp_path / "b.keras") == ["assets/layers/vocab_scale/vocab.txt"]

    in_kb = kb.models.load_model(tmp_path / "k.keras")
    in_keras = keras.models.load_model(tmp_path / "b.keras")
    assert in_kb.layers[1].vocab == ["alpha", "beta", "gamma"]
    assert in_keras.layers[1].vocab == ["alpha", "beta", "gamma"]
    np.testing.assert_allclose(in_kb.predict(data, verbose=0), expected, atol=ATOL)
    np.testing.assert_allclose(in_keras.predict(data, verbose=0), expected, atol=ATOL)


def test_string_input_config_matches_keras():
    for shape in ((), (1,)):
        k_config = keras.Model(*[keras.Input(shape=shape, dtype="string")] * 2).get_config()
        b_config = kb.Model(*[kb.Input(shape=shape, dtype="string")] * 2).get_config()
        assert b_config["layers"][0]["config"] == k_config["layers"][0]["config"]
        assert b_config["layers"][0]["config"]["batch_shape"] == (None, *shape)
